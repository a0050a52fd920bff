//! The fuzz harness: worker processes that run the real check pipeline under a memory cap and a
//! CPU-time watchdog, the seeded run, failure classification, minimization and the regression
//! cases.
//!
//! ```text
//!  run (N jobs) ──> Mutator::generate(Rng::for_iteration(seed, i)) ──> Case written to
//!   /dev/shm/errdocs-fuzz-PID/jobK/site ──> "DIR\n" on the worker's stdin ──> worker:
//!   errdocs::check(DIR), every diagnostic formatted ──> one result line on stdout
//! ```
//!
//! The worker is this test binary run again with [`WORKER_ENV`] set (see `tests/fuzz.rs`), so
//! it calls `errdocs::check` in-process and keeps its syntax definitions loaded between inputs.
//! It runs with `RLIMIT_AS` (default 1 GiB) and no core dumps; the supervisor watches its CPU
//! time (`/proc/PID/stat`) per input and kills it past the timeout (default 10 s; a wall-clock
//! backstop catches a worker that sleeps). A panic is caught in the worker (its location,
//! message and backtrace come back in the result); a worker that dies is classified from its
//! exit and stderr (stack overflow, out of memory, other signal) and replaced.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::mutate::{Case, Kind, Mutator, Rng, Site, read_tree};

/// Set in the environment of a worker process.
pub const WORKER_ENV: &str = "ERRDOCS_FUZZ_WORKER";
/// Starts each result line a worker prints (other lines on stdout are ignored).
const RESULT_PREFIX: &str = "\u{1e}errdocs-fuzz-result ";

// =============================================================================================
// Worker side
// =============================================================================================

/// The first panic of the current input: location, message, backtrace.
static PANIC: Mutex<Option<(String, String, String)>> = Mutex::new(None);

/// Runs the worker loop: one site directory per line on stdin, one result line per input on
/// stdout. Never returns.
pub fn worker_main() -> ! {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(non-string payload)".into());
        let thread = std::thread::current()
            .name()
            .unwrap_or("<unnamed>")
            .to_string();
        let backtrace = std::backtrace::Backtrace::force_capture().to_string();
        let mut slot = PANIC.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some((location, format!("thread '{thread}': {message}"), backtrace));
        }
    }));
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let report = check_one(Path::new(&line));
        let _ = writeln!(out, "{RESULT_PREFIX}{report}");
        let _ = out.flush();
    }
    std::process::exit(0)
}

/// Runs the check pipeline on `root` as the command line does (every diagnostic formatted) and
/// describes what happened as one JSON object.
fn check_one(root: &Path) -> serde_json::Value {
    *PANIC.lock().unwrap_or_else(|e| e.into_inner()) = None;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let options = errdocs::Options {
            root: root.to_path_buf(),
            ..Default::default()
        };
        match errdocs::check(&options) {
            Ok(summary) => (
                "ok",
                0,
                0,
                format!("{} pages, {} codes", summary.pages, summary.codes),
            ),
            Err(diags) => {
                let bytes: usize = diags.iter().map(|d| d.to_string().len()).sum();
                let errors = diags
                    .iter()
                    .filter(|d| d.severity() == errdocs::Severity::Error)
                    .count();
                let first = diags.first().map(|d| d.message()).unwrap_or_default();
                if errors == 0 {
                    (
                        "invariant",
                        diags.len(),
                        bytes,
                        "check failed without an error".into(),
                    )
                } else {
                    ("diagnostics", diags.len(), bytes, first)
                }
            }
        }
    }));
    let wrote = root.join("public").exists();
    match result {
        Ok(_) if wrote => serde_json::json!({
            "result": "invariant",
            "summary": "check wrote an output directory",
        }),
        Ok((result, diagnostics, bytes, summary)) => serde_json::json!({
            "result": result,
            "diagnostics": diagnostics,
            "output_bytes": bytes,
            "summary": summary,
        }),
        Err(_) => {
            let (location, message, backtrace) = PANIC
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .unwrap_or_default();
            serde_json::json!({
                "result": "panic",
                "location": location,
                "summary": message,
                "detail": top_frames(&backtrace, 16),
            })
        }
    }
}

/// The frames of a backtrace between the panic machinery and the worker's `catch_unwind`, at
/// most `n` of them.
pub fn top_frames(backtrace: &str, n: usize) -> String {
    let mut frames: Vec<Vec<&str>> = Vec::new();
    for line in backtrace.lines() {
        let t = line.trim_start();
        let is_frame = t
            .split_once(':')
            .is_some_and(|(num, _)| !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()));
        if is_frame {
            frames.push(vec![line]);
        } else if let Some(last) = frames.last_mut() {
            last.push(line);
        }
    }
    let end = frames
        .iter()
        .position(|f| f[0].contains("catch_unwind") || f[0].contains("check_one"))
        .unwrap_or(frames.len());
    let machinery = [
        "std::backtrace",
        "harness::worker_main",
        "std::panicking",
        "core::panicking",
        "std::sys::backtrace",
        "rust_begin_unwind",
        "begin_panic",
        "__rustc::",
    ];
    let start = frames[..end]
        .iter()
        .rposition(|f| machinery.iter().any(|m| f[0].contains(m)))
        .map_or(0, |i| i + 1);
    frames[start..end]
        .iter()
        .take(n)
        .map(|f| f.join("\n"))
        .collect::<Vec<_>>()
        .join("\n")
}

// =============================================================================================
// Outcomes
// =============================================================================================

/// What one input did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// The site checked clean.
    Ok,
    /// Errors were reported (exit 1): expected for most mutations.
    Diagnostics,
    Panic,
    StackOverflow,
    Oom,
    /// Killed by another signal, or exited on its own.
    Crash,
    /// Over the CPU timeout (or the wall-clock backstop).
    Hang,
    /// Ran, but broke a rule: error output out of proportion to the input, a failure without
    /// an error, files written by `check`.
    Invariant,
    /// Failed once and not again in a fresh worker.
    Flaky,
}

impl Class {
    pub const ALL: [Class; 9] = [
        Class::Ok,
        Class::Diagnostics,
        Class::Panic,
        Class::StackOverflow,
        Class::Oom,
        Class::Crash,
        Class::Hang,
        Class::Invariant,
        Class::Flaky,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Class::Ok => "ok",
            Class::Diagnostics => "diagnostics",
            Class::Panic => "panic",
            Class::StackOverflow => "stack-overflow",
            Class::Oom => "oom",
            Class::Crash => "crash",
            Class::Hang => "hang",
            Class::Invariant => "invariant",
            Class::Flaky => "flaky",
        }
    }

    pub fn is_failure(self) -> bool {
        !matches!(self, Class::Ok | Class::Diagnostics)
    }
}

/// The result of one input.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub class: Class,
    /// Panic location (`src/x.rs:1:2`, or `crate-1.0/src/x.rs:1:2` in a dependency).
    pub location: Option<String>,
    /// One line: the panic message, the first diagnostic, the signal...
    pub summary: String,
    /// Backtrace (top frames) or the tail of stderr.
    pub detail: String,
    pub diagnostics: usize,
    pub output_bytes: usize,
    pub cpu: Duration,
    pub wall: Duration,
}

impl Outcome {
    fn new(class: Class, summary: impl Into<String>) -> Outcome {
        Outcome {
            class,
            location: None,
            summary: summary.into(),
            detail: String::new(),
            diagnostics: 0,
            output_bytes: 0,
            cpu: Duration::ZERO,
            wall: Duration::ZERO,
        }
    }

    /// The fault, independent of the input: the class, with the location of a panic or the
    /// rule an invariant broke. Minimization keeps it.
    pub fn fault(&self) -> String {
        match (self.class, &self.location) {
            (Class::Panic, Some(l)) => format!("panic at {l}"),
            (Class::Invariant, _) => {
                let rule = self.summary.split(':').next().unwrap_or_default();
                format!("invariant: {rule}")
            }
            (c, _) => c.name().to_string(),
        }
    }
}

/// Error output larger than this many times the input (and than [`BLOWUP_FLOOR`]) breaks the
/// "linear in the input" rule.
const BLOWUP_RATIO: usize = 100;
const BLOWUP_FLOOR: usize = 8 << 20;

/// The kinds of the files of `case` that differ from its base site, e.g. `catalog+template`.
pub fn changed_kinds(case: &Case, base: Option<&Site>) -> String {
    let Some(base) = base else {
        return "site".into();
    };
    let (changed, deleted) = case.diff(base);
    let kinds: BTreeSet<Kind> = changed.into_iter().chain(deleted).map(Kind::of).collect();
    if kinds.is_empty() {
        return "unchanged".into();
    }
    kinds
        .into_iter()
        .map(Kind::name)
        .collect::<Vec<_>>()
        .join("+")
}

/// The key failures are deduplicated by: a panic by its location; anything else by its fault
/// and the kinds of files the input changed (a stack overflow from a template and one from the
/// catalog are different bugs).
pub fn dedup_key(outcome: &Outcome, case: &Case, base: Option<&Site>) -> String {
    match outcome.class {
        Class::Panic => outcome.fault(),
        _ => format!("{} in {}", outcome.fault(), changed_kinds(case, base)),
    }
}

/// Shortens a panic location to the crate: `src/x.rs:1:2` or `tera-1.20.0/src/x.rs:1:2`.
fn short_location(location: &str) -> String {
    if let Some(i) = location.find("/registry/src/") {
        let rest = &location[i + "/registry/src/".len()..];
        return rest.split_once('/').map_or(rest, |(_, r)| r).to_string();
    }
    if let Some(i) = location.find("/library/") {
        return location[i + 1..].to_string();
    }
    location.to_string()
}

// =============================================================================================
// Supervisor side: one worker process
// =============================================================================================

/// How workers are started and limited.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// The executable and its arguments (this test binary, filtered to its worker test).
    pub exe: PathBuf,
    pub args: Vec<String>,
    /// `RLIMIT_AS` of the worker, in MiB.
    pub memory_mb: u64,
    /// CPU time an input may use.
    pub timeout: Duration,
    /// Wall-clock time an input may take (catches a worker that waits forever).
    pub wall: Duration,
    /// Threads of the worker's pool (`RAYON_NUM_THREADS`).
    pub threads: usize,
    /// Replace the worker after this many inputs.
    pub recycle: usize,
    /// Run `BINARY check --root DIR` once per input instead of the in-process worker (slower;
    /// the real command line, for comparison).
    pub binary: Option<PathBuf>,
}

/// A running worker.
pub struct Worker {
    config: WorkerConfig,
    child: Child,
    stdin: ChildStdin,
    results: Receiver<String>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_thread: Option<std::thread::JoinHandle<()>>,
    served: usize,
}

/// A command for `exe` with the worker's limits (address space, no core dumps), environment
/// and a piped stderr.
fn limited(config: &WorkerConfig, exe: &Path) -> Command {
    let mut cmd = Command::new(exe);
    cmd.env("RAYON_NUM_THREADS", config.threads.to_string())
        .env("MALLOC_ARENA_MAX", "2")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .env_remove("ERRDOCS_TIMINGS")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let bytes = config.memory_mb.saturating_mul(1 << 20);
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0
                || libc::setrlimit(libc::RLIMIT_CORE, &none) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd
}

/// Collects a child's stderr: the last [`STDERR_KEEP`] bytes, and the total count.
fn collect_stderr(
    mut pipe: std::process::ChildStderr,
) -> (
    Arc<Mutex<Vec<u8>>>,
    Arc<AtomicU64>,
    std::thread::JoinHandle<()>,
) {
    let kept = Arc::new(Mutex::new(Vec::new()));
    let total = Arc::new(AtomicU64::new(0));
    let (sink, count) = (Arc::clone(&kept), Arc::clone(&total));
    let thread = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            count.fetch_add(n as u64, Ordering::Relaxed);
            let mut kept = sink.lock().unwrap_or_else(|e| e.into_inner());
            kept.extend_from_slice(&buf[..n]);
            if kept.len() > STDERR_KEEP {
                let cut = kept.len() - STDERR_KEEP;
                kept.drain(..cut);
            }
        }
    });
    (kept, total, thread)
}

/// How a process that died on an input died: from its exit status and stderr.
fn classify_death(
    status: Option<std::process::ExitStatus>,
    stderr: &str,
    how: &str,
) -> (Class, String) {
    let signal = status.and_then(|s| s.signal());
    let code = status.and_then(|s| s.code());
    if let Some(line) = stderr
        .lines()
        .find(|l| l.contains("has overflowed its stack"))
    {
        (Class::StackOverflow, line.trim().to_string())
    } else if let Some(line) = stderr
        .lines()
        .find(|l| l.contains("memory allocation of") && l.contains("failed"))
    {
        (Class::Oom, line.trim().to_string())
    } else if let Some(sig) = signal {
        (Class::Crash, format!("killed by signal {sig} ({how})"))
    } else {
        (Class::Crash, format!("exited with {code:?} ({how})"))
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Runs `BINARY check --root DIR` under the limits and classifies its exit.
#[allow(clippy::zombie_processes, reason = "reaped by wait4, for its CPU time")]
fn run_binary(config: &WorkerConfig, binary: &Path, dir: &Path) -> Outcome {
    let mut cmd = limited(config, binary);
    cmd.arg("check").arg("--root").arg(dir);
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
    let (kept, total, reader) = collect_stderr(child.stderr.take().expect("piped stderr"));
    let pid = child.id();
    let mut cpu = Duration::ZERO;
    let status = loop {
        // wait4 rather than try_wait, for the exact CPU time of the process.
        let mut raw = 0;
        // SAFETY: wait4 writes into the status and rusage it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let done = unsafe { libc::wait4(pid as i32, &mut raw, libc::WNOHANG, &mut usage) };
        if done == pid as i32 {
            cpu = [usage.ru_utime, usage.ru_stime]
                .iter()
                .map(|t| {
                    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
                })
                .sum();
            break Some(std::process::ExitStatus::from_raw(raw));
        }
        cpu = cpu_time(pid).unwrap_or(cpu);
        if cpu > config.timeout || started.elapsed() > config.wall {
            let _ = child.kill();
            let _ = child.wait();
            let mut outcome = Outcome::new(
                Class::Hang,
                format!("no exit after {:.1} s CPU", cpu.as_secs_f64()),
            );
            outcome.cpu = cpu;
            outcome.wall = started.elapsed();
            return outcome;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = reader.join();
    let stderr =
        String::from_utf8_lossy(&kept.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    let code = status.and_then(|s| s.code());
    let mut outcome = match code {
        Some(0) => Outcome::new(Class::Ok, "exit 0"),
        Some(1) => {
            let mut o = Outcome::new(Class::Diagnostics, "exit 1");
            o.output_bytes = total.load(Ordering::Relaxed) as usize;
            o
        }
        Some(101) => {
            // thread 'main' (123) panicked at src/x.rs:1:2:
            let line = stderr.lines().find(|l| l.contains("panicked at "));
            let location = line
                .and_then(|l| l.split("panicked at ").nth(1))
                .map(|l| l.trim_end_matches(':').to_string());
            let mut o = Outcome::new(Class::Panic, line.unwrap_or("exit 101"));
            o.location = location.map(|l| short_location(&l));
            o
        }
        _ => {
            let (class, summary) = classify_death(status, &stderr, "errdocs check");
            Outcome::new(class, summary)
        }
    };
    outcome.detail = tail(&stderr, 20);
    outcome.cpu = cpu;
    outcome.wall = started.elapsed();
    outcome
}

/// At most this much of a worker's stderr is kept.
const STDERR_KEEP: usize = 64 << 10;

impl Worker {
    pub fn spawn(config: &WorkerConfig) -> std::io::Result<Worker> {
        let mut cmd = limited(config, &config.exe);
        cmd.args(&config.args)
            .env(WORKER_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        let mut child = cmd.spawn()?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr_pipe = child.stderr.take().expect("piped stderr");
        let (tx, results) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // libtest may have written `test fuzz_worker ... ` before it on the line.
                if let Some(i) = line.find(RESULT_PREFIX)
                    && tx
                        .send(line[i + RESULT_PREFIX.len()..].to_string())
                        .is_err()
                {
                    break;
                }
            }
        });
        let (stderr, _, stderr_thread) = collect_stderr(stderr_pipe);
        Ok(Worker {
            config: config.clone(),
            child,
            stdin,
            results,
            stderr,
            stderr_thread: Some(stderr_thread),
            served: 0,
        })
    }

    /// Checks the site in `dir`. `Err` only when the worker cannot be started or fed; a worker
    /// that dies on the input is an outcome, and the worker must then be replaced (see
    /// [`Pool`]).
    fn run(&mut self, dir: &Path) -> Result<(Outcome, bool), String> {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        let pid = self.child.id();
        let cpu_start = cpu_time(pid).unwrap_or_default();
        let started = Instant::now();
        self.served += 1;
        let line = format!("{}\n", dir.display());
        if let Err(e) = self
            .stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.flush())
        {
            // Died before reading: report how it died.
            let outcome = self.death(started, Duration::ZERO, &format!("write: {e}"));
            return Ok((outcome, false));
        }
        loop {
            match self.results.recv_timeout(Duration::from_millis(25)) {
                Ok(json) => {
                    let cpu = cpu_time(pid).unwrap_or_default().saturating_sub(cpu_start);
                    let mut outcome = parse_result(&json);
                    outcome.cpu = cpu;
                    outcome.wall = started.elapsed();
                    let alive = outcome.class != Class::Panic;
                    return Ok((outcome, alive));
                }
                Err(RecvTimeoutError::Timeout) => {
                    let cpu = cpu_time(pid).unwrap_or_default().saturating_sub(cpu_start);
                    let wall = started.elapsed();
                    if cpu > self.config.timeout || wall > self.config.wall {
                        let _ = self.child.kill();
                        let _ = self.child.wait();
                        let mut outcome = Outcome::new(
                            Class::Hang,
                            format!(
                                "no result after {:.1} s CPU, {:.1} s wall (limits {} s CPU, {} s wall)",
                                cpu.as_secs_f64(),
                                wall.as_secs_f64(),
                                self.config.timeout.as_secs(),
                                self.config.wall.as_secs()
                            ),
                        );
                        outcome.cpu = cpu;
                        outcome.wall = wall;
                        return Ok((outcome, false));
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let cpu = cpu_time(pid).unwrap_or_default().saturating_sub(cpu_start);
                    return Ok((self.death(started, cpu, "exited"), false));
                }
            }
        }
    }

    /// The outcome of a worker that died: from its exit status and its stderr.
    fn death(&mut self, started: Instant, cpu: Duration, how: &str) -> Outcome {
        let status = self.child.wait();
        if let Some(t) = self.stderr_thread.take() {
            let _ = t.join();
        }
        let stderr =
            String::from_utf8_lossy(&self.stderr.lock().unwrap_or_else(|e| e.into_inner()))
                .into_owned();
        let (class, summary) = classify_death(status.ok(), &stderr, how);
        let mut outcome = Outcome::new(class, summary);
        outcome.detail = tail(&stderr, 20);
        outcome.cpu = cpu;
        outcome.wall = started.elapsed();
        outcome
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse_result(json: &str) -> Outcome {
    let v: serde_json::Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => return Outcome::new(Class::Crash, format!("bad worker result {json:?}: {e}")),
    };
    let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    let class = match v["result"].as_str() {
        Some("ok") => Class::Ok,
        Some("diagnostics") => Class::Diagnostics,
        Some("panic") => Class::Panic,
        _ => Class::Invariant,
    };
    let mut outcome = Outcome::new(class, text("summary"));
    outcome.detail = text("detail");
    outcome.diagnostics = v["diagnostics"].as_u64().unwrap_or(0) as usize;
    outcome.output_bytes = v["output_bytes"].as_u64().unwrap_or(0) as usize;
    if class == Class::Panic {
        outcome.location = Some(short_location(&text("location")));
    }
    outcome
}

/// CPU time (user + system, all threads) of process `pid` so far.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Some(Duration::from_millis((utime + stime) * 1000 / hz))
}

/// A worker and its scratch directory, replaced when it dies, after a panic, and every
/// `recycle` inputs.
pub struct Pool {
    config: WorkerConfig,
    worker: Option<Worker>,
    scratch: PathBuf,
}

impl Pool {
    pub fn new(config: &WorkerConfig, scratch: PathBuf) -> Pool {
        Pool {
            config: config.clone(),
            worker: None,
            scratch,
        }
    }

    /// Writes `case` to the scratch directory and checks it. Failures other than a panic are
    /// confirmed in a fresh worker (an input that fails only once is [`Class::Flaky`]).
    pub fn check(&mut self, case: &Case) -> Outcome {
        let first = self.check_once(case, false);
        // A panic is reported from inside the worker, and a hang over the CPU limit is measured
        // in CPU time (not disturbed by load): confirming them would only cost time.
        if !first.class.is_failure()
            || first.class == Class::Panic
            || (first.class == Class::Hang && first.cpu > self.config.timeout)
        {
            return first;
        }
        let again = self.check_once(case, true);
        // Stopped by the wall-clock backstop under its CPU limit: a worker starved of CPU by a
        // loaded machine (the long run is niced), not a hang, when a fresh worker finishes it.
        if first.class == Class::Hang && !again.class.is_failure() {
            return again;
        }
        if again.class == first.class {
            return first;
        }
        let mut flaky = first.clone();
        flaky.class = Class::Flaky;
        flaky.summary = format!(
            "{} once ({}), then {} in a fresh worker",
            first.class.name(),
            first.summary,
            again.class.name()
        );
        flaky
    }

    /// Changes the CPU timeout of the next inputs.
    pub fn set_timeout(&mut self, timeout: Duration) {
        if timeout == self.config.timeout {
            return;
        }
        self.config.timeout = timeout;
        self.config.wall = timeout * 6 + Duration::from_secs(30);
        self.worker = None;
    }

    /// Like [`Pool::check`], without the confirmation (for minimization and regression cases).
    pub fn check_unconfirmed(&mut self, case: &Case) -> Outcome {
        self.check_once(case, false)
    }

    fn check_once(&mut self, case: &Case, fresh: bool) -> Outcome {
        let site = self.scratch.join("site");
        if site.exists()
            && let Err(e) = std::fs::remove_dir_all(&site)
        {
            panic!("clear {}: {e}", site.display());
        }
        case.write_to(&site)
            .unwrap_or_else(|e| panic!("write {}: {e}", site.display()));
        let output = self.check_dir(&site, fresh);
        let size = case.size();
        if output.class == Class::Diagnostics || output.class == Class::Ok {
            let bound = (size * BLOWUP_RATIO).max(BLOWUP_FLOOR);
            if output.output_bytes > bound {
                let mut blown = output.clone();
                blown.class = Class::Invariant;
                blown.summary = format!(
                    "error output out of proportion: {} bytes of diagnostics ({} of them) for {} bytes of input",
                    output.output_bytes, output.diagnostics, size
                );
                return blown;
            }
        }
        output
    }

    /// Checks the site already in `dir`.
    pub fn check_dir(&mut self, dir: &Path, fresh: bool) -> Outcome {
        if let Some(binary) = &self.config.binary {
            return run_binary(&self.config, binary, dir);
        }
        let recycle = self
            .worker
            .as_ref()
            .is_some_and(|w| w.served >= self.config.recycle);
        if fresh || recycle {
            self.worker = None;
        }
        if self.worker.is_none() {
            match Worker::spawn(&self.config) {
                Ok(w) => self.worker = Some(w),
                Err(e) => panic!("start worker {}: {e}", self.config.exe.display()),
            }
        }
        let worker = self.worker.as_mut().expect("worker");
        match worker.run(dir) {
            Ok((outcome, alive)) => {
                if !alive {
                    self.worker = None;
                }
                outcome
            }
            Err(e) => panic!("worker: {e}"),
        }
    }
}

// =============================================================================================
// The seeded run
// =============================================================================================

/// A run's settings.
#[derive(Clone, Debug)]
pub struct RunConfig {
    pub seed: u64,
    pub iterations: u64,
    /// The first iteration to run (`first..iterations`): replays one input of a long run.
    pub first: u64,
    pub jobs: usize,
    pub worker: WorkerConfig,
    /// Scratch space (a directory per job is made in it).
    pub scratch: PathBuf,
    /// Print progress every this often.
    pub progress: Option<Duration>,
    /// Print every input's outcome.
    pub verbose: bool,
}

/// One distinct failure of a run.
#[derive(Clone, Debug)]
pub struct Failure {
    pub key: String,
    pub outcome: Outcome,
    /// The first input that failed this way.
    pub case: Case,
    pub iteration: u64,
    /// How many inputs failed this way.
    pub count: u64,
}

/// What a run found.
#[derive(Debug, Default)]
pub struct RunReport {
    pub counts: BTreeMap<Class, u64>,
    pub failures: BTreeMap<String, Failure>,
    pub elapsed: Duration,
    pub iterations: u64,
    /// CPU time of the slowest input that did not hang, and its iteration.
    pub slowest: (Duration, u64),
    /// CPU time the workers spent on the inputs.
    pub input_cpu: Duration,
    /// CPU time of the whole run: the harness and every worker (see [`process_cpu`]).
    pub cpu: Duration,
}

impl RunReport {
    /// `ok 12, diagnostics 280, panic 3, ...` (every class, zeros included).
    pub fn counts_line(&self) -> String {
        Class::ALL
            .iter()
            .map(|c| format!("{} {}", c.name(), self.counts.get(c).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Generates and checks `iterations` cases on `jobs` workers.
pub fn run(mutator: &Mutator, config: &RunConfig) -> RunReport {
    let next = AtomicU64::new(config.first);
    let report = Mutex::new(RunReport::default());
    let started = Instant::now();
    let cpu_before = process_cpu();
    let last_progress = Mutex::new(Instant::now());
    std::thread::scope(|scope| {
        for job in 0..config.jobs.max(1) {
            let (next, report, last_progress) = (&next, &report, &last_progress);
            scope.spawn(move || {
                let scratch = config.scratch.join(format!("job{job}"));
                let mut pool = Pool::new(&config.worker, scratch);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= config.iterations {
                        break;
                    }
                    let mut rng = Rng::for_iteration(config.seed, i);
                    let case = mutator.generate(&mut rng);
                    let outcome = pool.check(&case);
                    if config.verbose {
                        eprintln!(
                            "[fuzz] #{i} {} {:.2}s cpu {:.2}s wall {} bytes: {} | {}",
                            outcome.class.name(),
                            outcome.cpu.as_secs_f64(),
                            outcome.wall.as_secs_f64(),
                            case.size(),
                            outcome.summary.chars().take(100).collect::<String>(),
                            case.log.join(" | ").chars().take(300).collect::<String>()
                        );
                    }
                    if outcome.class.is_failure() && !config.verbose {
                        // Failures are printed as they happen, so a long run that is stopped
                        // early still says what it found (the summary comes at the end).
                        eprintln!(
                            "[fuzz] failure at iteration {i}: {} ({:.2}s cpu, {:.2}s wall): {} | {}",
                            outcome.class.name(),
                            outcome.cpu.as_secs_f64(),
                            outcome.wall.as_secs_f64(),
                            outcome.summary.chars().take(200).collect::<String>(),
                            case.log.join(" | ").chars().take(300).collect::<String>()
                        );
                    }
                    let mut r = report.lock().unwrap_or_else(|e| e.into_inner());
                    record(&mut r, mutator, case, outcome, i);
                    if let Some(every) = config.progress {
                        let mut last = last_progress.lock().unwrap_or_else(|e| e.into_inner());
                        if last.elapsed() >= every {
                            *last = Instant::now();
                            let secs = started.elapsed().as_secs_f64();
                            eprintln!(
                                "[fuzz] {}/{} in {:.0} s ({:.1}/s, {:.0} ms CPU of inputs each): {}",
                                r.iterations,
                                config.iterations,
                                secs,
                                r.iterations as f64 / secs,
                                r.input_cpu.as_secs_f64() * 1000.0 / r.iterations.max(1) as f64,
                                r.counts_line()
                            );
                        }
                    }
                }
            });
        }
    });
    let mut report = report.into_inner().unwrap_or_else(|e| e.into_inner());
    report.elapsed = started.elapsed();
    report.cpu = process_cpu().saturating_sub(cpu_before);
    report
}

/// CPU time (user + system) used by this process and its children that have ended.
pub fn process_cpu() -> Duration {
    let mut total = Duration::ZERO;
    for who in [libc::RUSAGE_SELF, libc::RUSAGE_CHILDREN] {
        // SAFETY: getrusage writes into the struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(who, &mut usage) } == 0 {
            for t in [usage.ru_utime, usage.ru_stime] {
                total +=
                    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
            }
        }
    }
    total
}

fn record(r: &mut RunReport, mutator: &Mutator, case: Case, outcome: Outcome, i: u64) {
    r.iterations += 1;
    r.input_cpu += outcome.cpu;
    *r.counts.entry(outcome.class).or_default() += 1;
    if !outcome.class.is_failure() && outcome.cpu > r.slowest.0 {
        r.slowest = (outcome.cpu, i);
    }
    if !outcome.class.is_failure() {
        return;
    }
    let key = dedup_key(&outcome, &case, mutator.site(&case.base));
    let entry = r.failures.entry(key.clone()).or_insert_with(|| Failure {
        key,
        outcome: outcome.clone(),
        case: case.clone(),
        iteration: i,
        count: 0,
    });
    entry.count += 1;
    // Keep the earliest iteration, whatever order the jobs finished in.
    if i < entry.iteration {
        entry.iteration = i;
        entry.outcome = outcome;
        entry.case = case;
    }
}

// =============================================================================================
// Minimization
// =============================================================================================

/// Shrinks `case` while it still fails with the same fault: files back to their base version,
/// then lines, then bytes of each changed file (delta debugging), within `budget`.
pub fn minimize(
    pool: &mut Pool,
    mutator: &Mutator,
    case: &Case,
    fault: &str,
    budget: Duration,
) -> Case {
    let deadline = Instant::now() + budget;
    let base = mutator.site(&case.base).cloned();
    let mut best = case.clone();
    let still_fails = |c: &Case, pool: &mut Pool| -> bool {
        if Instant::now() > deadline {
            return false;
        }
        pool.check_unconfirmed(c).fault() == fault
    };
    // 1. Files back to the base site (or removed when the base has none).
    if let Some(base) = &base {
        let (changed, deleted) = {
            let (c, d) = best.diff(base);
            (
                c.into_iter().map(String::from).collect::<Vec<_>>(),
                d.into_iter().map(String::from).collect::<Vec<_>>(),
            )
        };
        for path in changed.iter().chain(&deleted) {
            let mut candidate = best.clone();
            match base.files.get(path) {
                Some(original) => candidate.files.insert(path.clone(), original.clone()),
                None => candidate.files.remove(path),
            };
            if still_fails(&candidate, pool) {
                best = candidate;
            }
        }
    }
    // 2. and 3. Lines, then bytes, of each changed file, largest first.
    let mut paths: Vec<String> = match &base {
        Some(b) => best.diff(b).0.into_iter().map(String::from).collect(),
        None => best.files.keys().cloned().collect(),
    };
    paths.sort_by_key(|p| std::cmp::Reverse(best.files.get(p).map_or(0, Vec::len)));
    for path in &paths {
        for by_lines in [true, false] {
            let Some(data) = best.files.get(path).cloned() else {
                continue;
            };
            let units: Vec<Vec<u8>> = if by_lines {
                super::mutate::split_lines(&data)
                    .into_iter()
                    .map(|r| data[r].to_vec())
                    .collect()
            } else {
                data.iter().map(|&b| vec![b]).collect()
            };
            let kept = ddmin(units, deadline, |units| {
                let mut candidate = best.clone();
                candidate.files.insert(path.clone(), units.concat());
                still_fails(&candidate, pool)
            });
            best.files.insert(path.clone(), kept.concat());
        }
    }
    best.log.push(format!("minimized (fault {fault})"));
    best
}

/// Removes chunks of `units` (halves, quarters, ...) while `fails` holds.
fn ddmin<T: Clone>(
    mut units: Vec<T>,
    deadline: Instant,
    mut fails: impl FnMut(&[T]) -> bool,
) -> Vec<T> {
    let mut n = 2usize;
    while units.len() >= 2 && Instant::now() < deadline {
        let chunk = units.len().div_ceil(n);
        let mut reduced = false;
        let mut i = 0;
        while i * chunk < units.len() {
            let (a, b) = (i * chunk, ((i + 1) * chunk).min(units.len()));
            let candidate: Vec<T> = units[..a].iter().chain(&units[b..]).cloned().collect();
            if fails(&candidate) {
                units = candidate;
                n = (n - 1).max(2);
                reduced = true;
                break;
            }
            i += 1;
        }
        if !reduced {
            if n >= units.len() {
                break;
            }
            n = (n * 2).min(units.len());
        }
    }
    // A single unit left: try without it.
    if units.len() == 1 && Instant::now() < deadline && fails(&[]) {
        units.clear();
    }
    units
}

/// Whether failure `key` is covered by one of `known`: the same key, or (for faults other than
/// panics, which are keyed by location) the same fault in a subset of the same kinds of files
/// (`hang in catalog` covers `hang in catalog+page`).
pub fn covered(key: &str, known: &[String]) -> bool {
    let split = |k: &str| -> (String, BTreeSet<String>) {
        match k.rsplit_once(" in ") {
            Some((fault, kinds)) => (
                fault.to_string(),
                kinds.split('+').map(String::from).collect(),
            ),
            None => (k.to_string(), BTreeSet::new()),
        }
    };
    let (fault, kinds) = split(key);
    known.iter().any(|k| {
        let (f, ks) = split(k);
        k == key || (f == fault && !ks.is_empty() && ks.is_subset(&kinds))
    })
}

// =============================================================================================
// Regression cases
// =============================================================================================

/// A saved input that once failed: `DIR/case.json` and the whole site in `DIR/site/`.
#[derive(Clone, Debug)]
pub struct Regression {
    pub name: String,
    pub dir: PathBuf,
    pub meta: serde_json::Value,
}

impl Regression {
    pub fn site(&self) -> PathBuf {
        self.dir.join("site")
    }

    pub fn key(&self) -> &str {
        self.meta["key"].as_str().unwrap_or_default()
    }
}

/// Every case under `dir` (each subdirectory with a `case.json`), sorted by name.
pub fn load_regressions(dir: &Path) -> Vec<Regression> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let meta_path = path.join("case.json");
        let Ok(text) = std::fs::read_to_string(&meta_path) else {
            continue;
        };
        let meta =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", meta_path.display()));
        out.push(Regression {
            name: entry.file_name().to_string_lossy().into_owned(),
            dir: path,
            meta,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Reads a saved case's site back as a [`Case`].
pub fn load_case(regression: &Regression) -> Case {
    let site = regression.site();
    let mut files = BTreeMap::new();
    read_tree(&site, &site, &mut files).unwrap_or_else(|e| panic!("{}: {e}", site.display()));
    Case {
        base: regression.meta["base"]
            .as_str()
            .unwrap_or("root")
            .to_string(),
        files,
        log: Vec::new(),
    }
}

/// A directory name for a failure key: `panic-src-diagnostics-rs-67-32-1a2b3c4d`.
pub fn case_name(key: &str) -> String {
    let mut slug = String::new();
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug
        .trim_end_matches('-')
        .replace("panic-at-", "panic-")
        .chars()
        .take(60)
        .collect();
    format!(
        "{}-{:08x}",
        slug.trim_end_matches('-'),
        fnv(key.as_bytes()) as u32
    )
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Saves a failing case under `dir/NAME/` (`case.json` + `site/`); returns the name.
pub fn save_case(
    dir: &Path,
    failure: &Failure,
    case: &Case,
    base: Option<&Site>,
    extra: serde_json::Value,
) -> std::io::Result<String> {
    let name = case_name(&failure.key);
    let target = dir.join(&name);
    if target.exists() {
        std::fs::remove_dir_all(&target)?;
    }
    case.write_to(&target.join("site"))?;
    let (changed, deleted) = match base {
        Some(b) => {
            let (c, d) = case.diff(b);
            (
                c.into_iter().map(String::from).collect::<Vec<_>>(),
                d.into_iter().map(String::from).collect::<Vec<_>>(),
            )
        }
        None => (Vec::new(), Vec::new()),
    };
    let mut meta = serde_json::json!({
        "name": name,
        "key": failure.key,
        "class": failure.outcome.class.name(),
        "location": failure.outcome.location,
        "outcome": failure.outcome.summary,
        "detail": failure.outcome.detail,
        "base": case.base,
        "changed_files": changed,
        "deleted_files": deleted,
        "iteration": failure.iteration,
        "count": failure.count,
        "mutations": failure.case.log,
        "reproduce": format!(
            "cargo run --release -- check --root tests/fuzz_regressions/{name}/site"
        ),
    });
    if let (Some(m), Some(e)) = (meta.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            m.insert(k.clone(), v.clone());
        }
    }
    std::fs::write(
        target.join("case.json"),
        serde_json::to_string_pretty(&meta).expect("json") + "\n",
    )?;
    Ok(name)
}

// =============================================================================================
// Settings from the environment
// =============================================================================================

/// `NAME` parsed from the environment, else `default`.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not valid")),
        _ => default,
    }
}

/// A scratch directory in /dev/shm (else the temp dir), removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = base.join(format!(
            "errdocs-fuzz-{}-{tag}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
