//! Fuzzing the check pipeline (the harness is in `tests/support/`; the long run is
//! `scripts/fuzz.sh`).
//!
//! - `fuzz_seeded_run`: a short seeded run (`ERRDOCS_FUZZ_ITERATIONS`, default 200) of mutated
//!   sample sites through `errdocs::check`. Deterministic: the same seed makes the same inputs.
//!   It fails on any failure (panic, stack overflow, out of memory, crash, hang, broken
//!   invariant) not already covered by a case in [`KNOWN_FAILING`].
//! - `fuzz_regressions`: every saved input under `tests/fuzz_regressions/` is checked again; the
//!   set of those that still fail must be exactly [`KNOWN_FAILING`], so fixing a bug makes this
//!   test say which entry to remove.
//! - `fuzz_worker`: not a test. The harness starts this test binary again with
//!   `ERRDOCS_FUZZ_WORKER=1`, filtered to this function, as its worker process (memory cap,
//!   CPU watchdog); run normally it does nothing.
//! - `fuzz_long` (ignored): the long run, driven by `scripts/fuzz.sh`.
//!
//! Settings (environment): `ERRDOCS_FUZZ_SEED`, `ERRDOCS_FUZZ_ITERATIONS`, `ERRDOCS_FUZZ_JOBS`,
//! `ERRDOCS_FUZZ_FIRST` (the long run's first iteration: `ERRDOCS_FUZZ_FIRST=990
//! ERRDOCS_FUZZ_ITERATIONS=991` replays iteration 990), `ERRDOCS_FUZZ_TIMEOUT` (CPU seconds per input), `ERRDOCS_FUZZ_MEMORY_MB` (address-space cap
//! of a worker), `ERRDOCS_FUZZ_THREADS` (threads per worker).

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use support::harness::{
    self, Class, Failure, Pool, RunConfig, RunReport, Scratch, WorkerConfig, covered, env_or,
};
use support::mutate::{Case, Kind, Mutator, Rng};

/// Saved regression cases (directory names under `tests/fuzz_regressions/`) that still fail on
/// this commit: the bugs the fuzzer found that are not fixed yet. Each is described in its
/// `case.json` (class, panic location, backtrace, mutations). When a fix lands,
/// `fuzz_regressions` fails naming the case to remove from this list.
const KNOWN_FAILING: &[&str] = &[];

/// The seed of the short run in `cargo test`.
const DEFAULT_SEED: u64 = 20_260_101;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn regressions_dir() -> PathBuf {
    repo().join("tests/fuzz_regressions")
}

/// The worker is this test binary, filtered to `fuzz_worker`.
fn worker_config() -> WorkerConfig {
    // An unoptimized build is several times slower; the timeout only classifies hangs.
    let default_timeout = if cfg!(debug_assertions) { 60 } else { 10 };
    let timeout = Duration::from_secs(env_or("ERRDOCS_FUZZ_TIMEOUT", default_timeout));
    WorkerConfig {
        exe: std::env::current_exe().expect("current exe"),
        args: ["fuzz_worker", "--exact", "--nocapture", "--test-threads=1"]
            .map(String::from)
            .to_vec(),
        memory_mb: env_or("ERRDOCS_FUZZ_MEMORY_MB", 1024),
        timeout,
        wall: timeout * 6 + Duration::from_secs(30),
        threads: env_or("ERRDOCS_FUZZ_THREADS", 1),
        recycle: 1000,
        binary: std::env::var_os("ERRDOCS_FUZZ_BINARY").map(PathBuf::from),
    }
}

fn mutator() -> Mutator {
    Mutator::new(&repo()).expect("read the sample sites")
}

/// The keys of the known failing regression cases.
fn known_keys() -> Vec<String> {
    harness::load_regressions(&regressions_dir())
        .iter()
        .filter(|r| KNOWN_FAILING.contains(&r.name.as_str()))
        .map(|r| r.key().to_string())
        .collect()
}

fn describe(f: &Failure) -> String {
    format!(
        "{} (x{}, first at iteration {}, base {})\n    {}\n    mutations: {}\n{}",
        f.key,
        f.count,
        f.iteration,
        f.case.base,
        f.outcome.summary,
        f.case.log.join(" | "),
        indent(&f.outcome.detail, 8)
    )
}

fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines()
        .take(24)
        .map(|l| format!("{pad}{l}\n"))
        .collect()
}

#[test]
fn fuzz_worker() {
    if std::env::var_os(harness::WORKER_ENV).is_some() {
        harness::worker_main();
    }
}

/// The mutators make each attack of the fuzzing issue (checked on generated cases, without
/// running them): the first iteration of a fixed seed that makes each one is found.
#[test]
fn mutators_make_the_known_attacks() {
    type Test = fn(&Case) -> bool;
    let attacks: [(&str, Test); 5] = [
        ("a config line over 65,535 columns", |c| {
            c.files
                .get("errdocs.toml")
                .is_some_and(|f| f.split(|&b| b == b'\n').any(|l| l.len() > 65_535))
        }),
        ("a catalog with CR-only line endings", |c| {
            c.files.iter().any(|(k, v)| {
                Kind::of(k) == Kind::Catalog
                    && !v.contains(&b'\n')
                    && v.iter().filter(|&&b| b == b'\r').count() > 20
            })
        }),
        ("20,000 links on one line of a page", |c| {
            c.files.iter().any(|(k, v)| {
                Kind::of(k) == Kind::Page
                    && v.split(|&b| b == b'\n')
                        .any(|l| l.windows(2).filter(|w| w == b"](").count() >= 20_000)
            })
        }),
        ("a template that includes itself", |c| {
            c.files.iter().any(|(k, v)| {
                k.strip_prefix("templates/").is_some_and(|name| {
                    let needle = format!("{{% include \"{name}\" %}}");
                    v.windows(needle.len()).any(|w| w == needle.as_bytes())
                })
            })
        }),
        ("range(end=1e8) in a template", |c| {
            c.files.iter().any(|(k, v)| {
                Kind::of(k) == Kind::Template
                    && [&b"range(end=1e8)"[..], b"range(end=100000000)"]
                        .iter()
                        .any(|n| v.windows(n.len()).any(|w| w == *n))
            })
        }),
    ];
    let mutator = mutator();
    let mut first: Vec<Option<u64>> = vec![None; attacks.len()];
    for i in 0..ATTACK_SEARCH {
        let case = mutator.generate(&mut Rng::for_iteration(DEFAULT_SEED, i));
        for (j, (_, test)) in attacks.iter().enumerate() {
            if first[j].is_none() && test(&case) {
                first[j] = Some(i);
            }
        }
        if first.iter().all(Option::is_some) {
            break;
        }
    }
    let missing: Vec<&str> = attacks
        .iter()
        .zip(&first)
        .filter(|(_, f)| f.is_none())
        .map(|((name, _), _)| *name)
        .collect();
    println!("first iteration making each attack: {first:?}");
    assert!(
        missing.is_empty(),
        "no case of the first {ATTACK_SEARCH} of seed {DEFAULT_SEED} makes: {missing:?}"
    );
}

/// How many cases `mutators_make_the_known_attacks` may generate.
const ATTACK_SEARCH: u64 = 5_000;

#[test]
fn fuzz_seeded_run() {
    let scratch = Scratch::new("seeded");
    let config = RunConfig {
        seed: env_or("ERRDOCS_FUZZ_SEED", DEFAULT_SEED),
        iterations: env_or("ERRDOCS_FUZZ_ITERATIONS", 200),
        first: 0,
        jobs: env_or("ERRDOCS_FUZZ_JOBS", 1),
        worker: worker_config(),
        scratch: scratch.0.clone(),
        progress: None,
        verbose: env_or("ERRDOCS_FUZZ_VERBOSE", false),
    };
    let report = harness::run(&mutator(), &config);
    println!(
        "fuzz: seed {} x {} iterations in {:.1} s ({:.1} s CPU): {}",
        config.seed,
        report.iterations,
        report.elapsed.as_secs_f64(),
        report.cpu.as_secs_f64(),
        report.counts_line()
    );
    let known = known_keys();
    let mut new = Vec::new();
    for f in report.failures.values() {
        if covered(&f.key, &known) {
            println!(
                "fuzz: known failure (see KNOWN_FAILING): {} x{}",
                f.key, f.count
            );
        } else {
            new.push(describe(f));
        }
    }
    assert!(
        new.is_empty(),
        "the seeded fuzz run (seed {}) found {} new failure(s); reproduce and save them with \
         `scripts/fuzz.sh --seed {} --iterations {}`:\n{}",
        config.seed,
        new.len(),
        config.seed,
        config.iterations,
        new.join("\n")
    );
}

#[test]
fn fuzz_regressions() {
    let cases = harness::load_regressions(&regressions_dir());
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    for k in KNOWN_FAILING {
        assert!(
            names.contains(k),
            "KNOWN_FAILING names `{k}`, which is not a directory of tests/fuzz_regressions/"
        );
    }
    // ERRDOCS_FUZZ_UPDATE=1 rewrites the outcome fields of each failing case.json (after a
    // panic moved, or for a case written by hand).
    let update = env_or("ERRDOCS_FUZZ_UPDATE", 0) == 1;
    let mutator = mutator();
    let scratch = Scratch::new("regressions");
    let mut pool = Pool::new(&worker_config(), scratch.0.clone());
    let mut failing = Vec::new();
    let mut lines = Vec::new();
    let full = worker_config().timeout;
    for case in &cases {
        let expected = KNOWN_FAILING.contains(&case.name.as_str());
        // A known hang only has to show it still runs long: it is given at most 15 s (a fixed
        // one finishes well within that); any other case gets the full timeout.
        let hang = case.meta["class"].as_str() == Some("hang");
        let timeout = if expected && hang {
            full.min(Duration::from_secs(15))
        } else {
            full
        };
        pool.set_timeout(timeout);
        let outcome = pool.check_unconfirmed(&harness::load_case(case));
        lines.push(format!(
            "  {:<60} {:<14} {}{}",
            case.name,
            outcome.class.name(),
            if expected { "(known) " } else { "" },
            outcome.summary.chars().take(120).collect::<String>()
        ));
        if outcome.class.is_failure() {
            if update {
                record_outcome(case, &outcome, &mutator);
            }
            failing.push((case.name.clone(), outcome));
        }
    }
    println!("fuzz regressions ({}):\n{}", cases.len(), lines.join("\n"));
    let fixed: Vec<&&str> = KNOWN_FAILING
        .iter()
        .filter(|k| !failing.iter().any(|(n, _)| n == *k))
        .collect();
    let unexpected: Vec<String> = failing
        .iter()
        .filter(|(n, _)| !KNOWN_FAILING.contains(&n.as_str()))
        .map(|(n, o)| {
            format!(
                "{n}: {} {}\n{}",
                o.class.name(),
                o.summary,
                indent(&o.detail, 4)
            )
        })
        .collect();
    assert!(
        fixed.is_empty() && unexpected.is_empty(),
        "fuzz regressions: the failing cases are not exactly KNOWN_FAILING.\n\
         Fixed (remove from KNOWN_FAILING in tests/fuzz.rs): {fixed:?}\n\
         Failing and not in KNOWN_FAILING:\n{}",
        unexpected.join("\n")
    );
}

/// Writes `outcome` (class, key, location, summary, detail) into the case's `case.json`.
fn record_outcome(case: &harness::Regression, outcome: &harness::Outcome, mutator: &Mutator) {
    let input = harness::load_case(case);
    let key = harness::dedup_key(outcome, &input, mutator.site(&input.base));
    let mut meta = case.meta.clone();
    meta["key"] = key.into();
    meta["class"] = outcome.class.name().into();
    meta["location"] = outcome.location.clone().into();
    meta["outcome"] = outcome.summary.clone().into();
    meta["detail"] = outcome.detail.clone().into();
    let text = serde_json::to_string_pretty(&meta).expect("json") + "\n";
    std::fs::write(case.dir.join("case.json"), text).expect("write case.json");
}

/// The long run (`scripts/fuzz.sh`): prints the counts per class, minimizes each distinct new
/// failure and saves it under `ERRDOCS_FUZZ_SAVE` (the script passes tests/fuzz_regressions),
/// and the first failing input of each under `ERRDOCS_FUZZ_RUN_DIR`. Fails if anything failed.
#[test]
#[ignore = "the long run; use scripts/fuzz.sh"]
fn fuzz_long() {
    let mutator = mutator();
    let scratch = Scratch::new("long");
    let config = RunConfig {
        seed: env_or("ERRDOCS_FUZZ_SEED", DEFAULT_SEED),
        iterations: env_or("ERRDOCS_FUZZ_ITERATIONS", 100_000),
        first: env_or("ERRDOCS_FUZZ_FIRST", 0),
        jobs: env_or("ERRDOCS_FUZZ_JOBS", 2),
        worker: worker_config(),
        scratch: scratch.0.clone(),
        progress: Some(Duration::from_secs(env_or(
            "ERRDOCS_FUZZ_PROGRESS_SECS",
            60,
        ))),
        verbose: env_or("ERRDOCS_FUZZ_VERBOSE", false),
    };
    eprintln!(
        "[fuzz] seed {}, {} iterations, {} jobs, timeout {} s CPU, memory {} MiB",
        config.seed,
        config.iterations,
        config.jobs,
        config.worker.timeout.as_secs(),
        config.worker.memory_mb
    );
    let report = harness::run(&mutator, &config);
    let save = std::env::var_os("ERRDOCS_FUZZ_SAVE").map(PathBuf::from);
    let run_dir = std::env::var_os("ERRDOCS_FUZZ_RUN_DIR").map(PathBuf::from);
    let budget = Duration::from_secs(env_or("ERRDOCS_FUZZ_MINIMIZE_SECS", 120));
    let summary = triage(
        &mutator,
        &config,
        &report,
        save.as_deref(),
        run_dir.as_deref(),
        budget,
    );
    println!("{summary}");
    if let Some(dir) = &run_dir {
        std::fs::create_dir_all(dir).expect("run dir");
        std::fs::write(dir.join("summary.md"), &summary).expect("write summary");
    }
    assert!(
        report.failures.is_empty(),
        "{} distinct failure(s), see above",
        report.failures.len()
    );
}

/// Minimizes and saves each distinct failure not covered by a saved case; returns the run's
/// summary (Markdown).
fn triage(
    mutator: &Mutator,
    config: &RunConfig,
    report: &RunReport,
    save: Option<&Path>,
    run_dir: Option<&Path>,
    budget: Duration,
) -> String {
    let mut out = format!(
        "# Fuzz run: seed {}, {} iterations, {} jobs\n\n\
         Time: {:.0} s ({:.1} iterations/s); CPU {:.0} s in all, {:.0} ms per input in the \
         workers. Limits: {} s CPU per input, {} MiB address space.\n\n\
         | class | inputs |\n| --- | --- |\n",
        config.seed,
        report.iterations,
        config.jobs,
        report.elapsed.as_secs_f64(),
        report.iterations as f64 / report.elapsed.as_secs_f64().max(1e-9),
        report.cpu.as_secs_f64(),
        report.input_cpu.as_secs_f64() * 1000.0 / report.iterations.max(1) as f64,
        config.worker.timeout.as_secs(),
        config.worker.memory_mb
    );
    for class in Class::ALL {
        out += &format!(
            "| {} | {} |\n",
            class.name(),
            report.counts.get(&class).copied().unwrap_or(0)
        );
    }
    out += &format!(
        "\nSlowest input that finished: {:.2} s CPU (iteration {}).\n\n## Distinct failures ({})\n\n",
        report.slowest.0.as_secs_f64(),
        report.slowest.1,
        report.failures.len()
    );
    let mut known: Vec<(String, String)> = harness::load_regressions(&regressions_dir())
        .into_iter()
        .filter(|r| !r.key().is_empty())
        .map(|r| (r.key().to_string(), r.name.clone()))
        .collect();
    let mut failures: Vec<&Failure> = report.failures.values().collect();
    // Simplest first: fewest kinds of changed files, then by key.
    failures.sort_by_key(|f| (f.key.matches('+').count(), f.key.clone()));
    let scratch = Scratch::new("triage");
    let mut pool = Pool::new(&config.worker, scratch.0.clone());
    for f in failures {
        out += &format!("### `{}`\n\n```text\n{}```\n\n", f.key, describe(f));
        let base = mutator.site(&f.case.base);
        if let Some(dir) = run_dir {
            let name =
                harness::save_case(&dir.join("raw"), f, &f.case, base, serde_json::json!({}))
                    .expect("save raw case");
            out += &format!("Raw input: `{}`\n\n", dir.join("raw").join(name).display());
        }
        if let Some((_, name)) = known
            .iter()
            .find(|(k, _)| covered(&f.key, std::slice::from_ref(k)))
        {
            out += &format!("Covered by saved case `{name}`.\n\n");
            continue;
        }
        let minimized = harness::minimize(&mut pool, mutator, &f.case, &f.outcome.fault(), budget);
        let outcome = pool.check_unconfirmed(&minimized);
        let key = harness::dedup_key(&outcome, &minimized, base);
        let (case, outcome, key) = if outcome.fault() == f.outcome.fault() {
            (minimized, outcome, key)
        } else {
            (f.case.clone(), f.outcome.clone(), f.key.clone())
        };
        if let Some((_, name)) = known
            .iter()
            .find(|(k, _)| covered(&key, std::slice::from_ref(k)))
        {
            out += &format!("Minimized to `{key}`, covered by saved case `{name}`.\n\n");
            continue;
        }
        let Some(dir) = save else { continue };
        let saved = Failure {
            key: key.clone(),
            outcome,
            case: f.case.clone(),
            iteration: f.iteration,
            count: f.count,
        };
        let extra = serde_json::json!({
            "found_by": format!(
                "scripts/fuzz.sh --seed {} --iterations {} (iteration {})",
                config.seed, config.iterations, f.iteration
            ),
            "raw_key": f.key,
            "raw_bytes": f.case.size(),
            "minimized_bytes": case.size(),
        });
        let name = harness::save_case(dir, &saved, &case, base, extra).expect("save case");
        out += &format!(
            "Saved as `tests/fuzz_regressions/{name}` (minimized {} -> {} bytes); add it to \
             KNOWN_FAILING until fixed.\n\n",
            f.case.size(),
            case.size()
        );
        known.push((key, name));
    }
    out
}
