//! Ctrl-C and SIGTERM: stop promptly without leaving a half-written output behind.
//!
//! The first signal marks the process as interrupted. Work that writes files holds a `Busy`
//! guard and polls `check`; it stops at its next step, removes its staging directory and
//! releases the guard, and the process then exits with status 130. Without such work in
//! progress (watching, serving, rendering in memory) it exits at once. A second signal exits
//! immediately: whatever is left then is only a staging directory, which the next build removes.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static REQUESTED: AtomicBool = AtomicBool::new(false);
static BUSY: AtomicUsize = AtomicUsize::new(0);

/// The exit status of a process stopped by Ctrl-C (128 + SIGINT), as shells report it.
pub(crate) const EXIT_STATUS: i32 = 130;

/// Installs the handler; `message` is printed to standard error when the process stops.
pub fn install(message: &'static str) {
    let _ = ctrlc::set_handler(move || {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            std::process::exit(EXIT_STATUS);
        }
        let started = Instant::now();
        let mut told = false;
        while BUSY.load(Ordering::SeqCst) > 0 {
            if !told && started.elapsed() > Duration::from_secs(1) {
                eprintln!("\ncleaning up (Ctrl-C again to stop at once)");
                told = true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        eprintln!("\n{message}");
        std::process::exit(EXIT_STATUS);
    });
}

/// Whether the process was asked to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// `Err(Interrupted)` once the process was asked to stop.
pub(crate) fn check() -> std::io::Result<()> {
    if requested() {
        Err(std::io::Error::new(
            std::io::ErrorKind::Interrupted,
            "interrupted",
        ))
    } else {
        Ok(())
    }
}

/// Held by work that must clean up before the process exits.
pub(crate) struct Busy(());

impl Busy {
    pub(crate) fn new() -> Self {
        BUSY.fetch_add(1, Ordering::SeqCst);
        Busy(())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        BUSY.fetch_sub(1, Ordering::SeqCst);
    }
}
