//! When to rebuild: a pure state machine over file-system events and the clock, so its
//! behaviour is tested with an injected clock instead of sleeps.
//!
//! An isolated save is rebuilt as soon as its few events (write, rename, ...) pause for
//! [`SETTLE`]; a change that follows a rebuild within the debounce period is part of a burst,
//! which waits for a pause of the whole period. A burst thus gives one rebuild, or two if it
//! starts with a lone save.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long the events of one save must pause before an isolated save is rebuilt.
pub(crate) const SETTLE: Duration = Duration::from_millis(10);

pub(crate) struct Debouncer {
    debounce: Duration,
    pending: BTreeSet<PathBuf>,
    /// When the pending batch must have been quiet since its last event.
    quiet: Duration,
    last_event: Option<Instant>,
    last_rebuild: Option<Instant>,
}

impl Debouncer {
    pub(crate) fn new(debounce: Duration) -> Self {
        Debouncer {
            debounce,
            pending: BTreeSet::new(),
            quiet: debounce,
            last_event: None,
            last_rebuild: None,
        }
    }

    /// Records changed paths seen at `now`.
    pub(crate) fn event(&mut self, now: Instant, paths: impl IntoIterator<Item = PathBuf>) {
        if self.pending.is_empty() {
            let in_burst = self
                .last_rebuild
                .is_some_and(|t| now.saturating_duration_since(t) < self.debounce);
            self.quiet = if in_burst {
                self.debounce
            } else {
                self.debounce.min(SETTLE)
            };
        }
        self.pending.extend(paths);
        self.last_event = Some(now);
    }

    /// When the pending batch is due, if there is one.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        if self.pending.is_empty() {
            return None;
        }
        self.last_event.map(|t| t + self.quiet)
    }

    /// The batch to rebuild now, if it is due.
    pub(crate) fn due(&mut self, now: Instant) -> Option<BTreeSet<PathBuf>> {
        let deadline = self.deadline()?;
        (now >= deadline).then(|| std::mem::take(&mut self.pending))
    }

    /// Records that a rebuild finished at `now`.
    pub(crate) fn rebuilt(&mut self, now: Instant) {
        self.last_rebuild = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds saves at the given times (ms), polling every millisecond; returns the batches.
    fn run(debounce_ms: u64, saves: &[u64]) -> Vec<(u64, usize)> {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut d = Debouncer::new(Duration::from_millis(debounce_ms));
        let mut batches = Vec::new();
        let end = saves.last().copied().unwrap_or(0) + 10 * debounce_ms;
        for ms in 0..=end {
            for (i, _) in saves.iter().enumerate().filter(|(_, s)| **s == ms) {
                d.event(at(ms), [PathBuf::from(format!("f{i}"))]);
            }
            if let Some(batch) = d.due(at(ms)) {
                batches.push((ms, batch.len()));
                d.rebuilt(at(ms));
            }
        }
        batches
    }

    #[test]
    fn a_lone_save_is_rebuilt_once_it_settles() {
        assert_eq!(run(50, &[0]), vec![(10, 1)]);
        assert_eq!(
            run(50, &[0, 3, 6]),
            vec![(16, 3)],
            "one save, several events"
        );
    }

    #[test]
    fn a_burst_gives_one_or_two_rebuilds() {
        // 20 saves 5 ms apart: they never pause for the settle time, so one batch.
        let saves: Vec<u64> = (0..20).map(|i| i * 5).collect();
        assert_eq!(run(60, &saves), vec![(105, 20)]);
        // A burst that starts as a lone save: the first save, then the rest together.
        let saves: Vec<u64> = std::iter::once(0)
            .chain((0..19).map(|i| 20 + i * 20))
            .collect();
        let batches = run(60, &saves);
        assert_eq!(batches.len(), 2, "{batches:?}");
        assert_eq!(batches[0], (10, 1));
        assert_eq!(batches[1].1, 19);
    }

    #[test]
    fn saves_after_a_quiet_period_are_lone_saves_again() {
        assert_eq!(run(50, &[0, 200]), vec![(10, 1), (210, 1)]);
    }
}
