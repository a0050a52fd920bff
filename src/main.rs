//! The `errdocs` command line: init, build, check.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use errdocs::{Diagnostic, Options, Summary};

/// mimalloc instead of glibc's allocator: faster, and told by [`return_freed_memory`] to give
/// memory a stage is done with (the catalog's parse tree, a large page) back to the system at
/// once, so the peak is what the build holds, not what it once held. 10,000 codes: peak RSS
/// 83 -> 71 MB and 12% less CPU; 100,000 codes: 606 -> 483 MB (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_arena_eager_commit` and `mi_option_purge_delay` in mimalloc v3's `mi_option_t`
/// (`include/mimalloc.h`; libmimalloc-sys names only the options v2 and v3 share). The test
/// below checks them by their documented defaults, so a renumbering fails `cargo test`.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory waits before it goes back to the system (see [`return_freed_memory`]).
const PURGE_DELAY_MS: std::ffi::c_long = 5;

/// Freed memory goes back to the system within 5 ms (mimalloc's default waits a second,
/// longer than most builds; at 0, every free of a page returned it at once and the next
/// allocation faulted it in again: 10,000 codes, code pages off, 0.57 -> 0.50 s for 71 -> 74 MB
/// of peak RSS) and arenas are committed as they are used, not up front. The same as
/// `MIMALLOC_PURGE_DELAY=5 MIMALLOC_ARENA_EAGER_COMMIT=0` in the environment, which still wins.
///
/// And no transparent huge pages: mimalloc's first arena, reserved before `main` with the
/// default options, asks for them, and each first touch then faults in (and zeroes) 2 MiB
/// instead of 4 KiB. 10,000 codes, code pages off: peak RSS 81 -> 71 MB; 100,000: 504 -> 483 MB
/// (BENCHMARKS.md, "Memory at 100,000 codes").
fn return_freed_memory() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this process's
    // huge-page policy; a failure (an old kernel) leaves the default, which is harmless.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    for (option, variable, value) in [
        (
            MI_OPTION_ARENA_EAGER_COMMIT,
            "MIMALLOC_ARENA_EAGER_COMMIT",
            0,
        ),
        (
            MI_OPTION_PURGE_DELAY,
            "MIMALLOC_PURGE_DELAY",
            PURGE_DELAY_MS,
        ),
    ] {
        if std::env::var_os(variable).is_none() {
            // SAFETY: sets one numeric option of the allocator; any value is valid and
            // mimalloc reads options atomically.
            unsafe { libmimalloc_sys::mi_option_set(option, value) };
        }
    }
}

/// errdocs builds an API's error reference (one TOML error catalog + Markdown pages) into a
/// static site: code tables with permanent anchors, the error envelope, retry guidance and
/// guides, with every link checked.
#[derive(Parser)]
#[command(name = "errdocs", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 success, 1 the site has errors, 2 usage error, 130 stopped by Ctrl-C."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct SiteArgs {
    /// The site directory (holding errdocs.toml)
    #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Override `base_url` of errdocs.toml, e.g. https://example.com/docs/
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

/// Where a build writes.
#[derive(clap::Args, Clone)]
struct OutputArgs {
    /// Output directory [default: ROOT/public]
    #[arg(long, short = 'o', value_name = "DIR")]
    output: Option<PathBuf>,
    /// Replace the output directory even if it is not empty and errdocs did not create it
    /// (everything in it is deleted; never a directory holding the sources or a .git)
    #[arg(long)]
    force: bool,
}

/// How `serve` listens.
#[derive(clap::Args, Clone)]
struct ServerArgs {
    /// Address to listen on (loopback unless you say otherwise)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Port to listen on (0 picks a free one)
    #[arg(long, short = 'p', default_value_t = 1111)]
    port: u16,
    /// Another host name to accept in the Host header (repeatable)
    #[arg(long, value_name = "NAME")]
    allow_host: Vec<String>,
    /// Open the site in the default browser
    #[arg(long)]
    open: bool,
}

impl SiteArgs {
    fn options(self, output: Option<OutputArgs>) -> Options {
        let (output, force) = output.map_or((None, false), |o| (o.output, o.force));
        Options {
            root: self.root,
            output,
            base_url: self.base_url,
            force,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Create a new site that builds as it is (or, with --theme, copy the theme into a site)
    Init {
        /// Where to create it (created if missing; existing files are never overwritten)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Copy the embedded theme (templates and static files) into the site DIR for editing
        #[arg(long)]
        theme: bool,
    },
    /// Build the site into the output directory (only when everything is valid)
    Build {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Build, then rebuild whenever the sources change (only what the change needs)
    Watch {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// How long the files must stay quiet before a rebuild starts
        #[arg(long, value_name = "MS", default_value_t = 50)]
        debounce_ms: u64,
    },
    /// Watch, and serve the output over HTTP with live reload
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        server: ServerArgs,
        /// How long the files must stay quiet before a rebuild starts
        #[arg(long, value_name = "MS", default_value_t = 50)]
        debounce_ms: u64,
    },
    /// Generate a module of every code (typed constants with status, message, category, retry
    /// policy and documentation URL) for a language, from the catalog
    Export {
        /// rust, typescript, go, python, or openapi (an OpenAPI 3.1 document of components)
        #[arg(value_parser = ["rust", "typescript", "go", "python", "openapi"])]
        lang: String,
        #[command(flatten)]
        site: SiteArgs,
        /// Write it to FILE instead of the standard output
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// The Go package name [default: `go_package` of [exports], else errdocs]
        #[arg(long, value_name = "NAME")]
        package: Option<String>,
    },
    /// Run every check of a build (catalog, pages, templates, links) and write nothing
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// A previous release's urls.txt or errors.json: fail if any URL or anchor it
        /// lists no longer resolves, and report codes whose status or retry policy changed
        #[arg(long, value_name = "FILE")]
        against: Option<PathBuf>,
        /// Also scan the API's source tree(s) for codes: unknown codes and uses of removed
        /// codes are errors, catalog codes no source mentions are warnings (default:
        /// `[source] dirs` of errdocs.toml)
        #[arg(long, value_name = "DIR", num_args = 1..)]
        source: Vec<PathBuf>,
        /// With a source scan: catalog codes no source mentions are errors; with --openapi:
        /// catalog statuses no operation declares are errors
        #[arg(long)]
        strict: bool,
        /// Also compare an OpenAPI 3.0/3.1 document (YAML or JSON) with the catalog: error
        /// statuses it declares that no code has are errors, statuses of codes no operation
        /// declares are warnings (default: `[check] openapi` of errdocs.toml)
        #[arg(long, value_name = "SPEC", num_args = 1..)]
        openapi: Vec<PathBuf>,
    },
    /// Show the codes added, changed and removed between two exports (errors.json, or built
    /// sites' directories)
    Diff {
        /// The older errors.json (or a built site's directory)
        old: PathBuf,
        /// The newer errors.json (or a built site's directory)
        new: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    return_freed_memory();
    let cli = Cli::parse();
    match cli.command {
        Command::Init { dir, theme } => init(&dir, theme),
        Command::Build { site, output } => build(&site.options(Some(output))),
        Command::Watch {
            site,
            output,
            debounce_ms,
        } => watch(site.options(Some(output)), debounce_ms),
        Command::Serve {
            site,
            output,
            server,
            debounce_ms,
        } => serve(site.options(Some(output)), server, debounce_ms),
        Command::Export {
            lang,
            site,
            output,
            package,
        } => export(
            &site.options(None),
            &lang,
            output.as_deref(),
            package.as_deref(),
        ),
        Command::Check {
            site,
            against,
            source,
            strict,
            openapi,
        } => {
            let options = site.options(None);
            if !openapi.is_empty() || errdocs::openapi_check::configured(&options) {
                return check_openapi(&options, source, strict, against.as_deref(), openapi);
            }
            if !source.is_empty() || errdocs::drift::configured(&options) {
                return check_drift(&options, source, strict, against.as_deref());
            }
            match against {
                None => report(errdocs::check(&options), "Checked"),
                Some(old) => check_against(&options, &old),
            }
        }
        Command::Diff { old, new, format } => diff(&old, &new, format),
    }
}

fn init(dir: &std::path::Path, theme: bool) -> ExitCode {
    let result = if theme {
        errdocs::init_theme(dir)
    } else {
        errdocs::init(dir)
    };
    match result {
        Ok(files) if theme => {
            println!(
                "Copied the theme into {} ({} files in templates/ and static/); edit them, \
                 delete the ones you keep as they are.",
                dir.display(),
                files.len()
            );
            ExitCode::SUCCESS
        }
        Ok(files) => {
            println!(
                "Created a new errdocs site in {} ({} files).",
                dir.display(),
                files.len()
            );
            println!("Build it with: errdocs build --root {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprint!("{d}");
            ExitCode::from(1)
        }
    }
}

fn build(options: &Options) -> ExitCode {
    errdocs::interrupt::install("interrupted; the previous output is unchanged");
    let result = errdocs::build(options);
    if errdocs::interrupt::requested() {
        eprintln!("interrupted; the previous output is unchanged");
        return ExitCode::from(130);
    }
    report(result, "Built")
}

fn watch(options: Options, debounce_ms: u64) -> ExitCode {
    if let Err(d) = errdocs::check_output(&options) {
        return report(Err(d), "Built");
    }
    exit_on_ctrl_c();
    let result = errdocs::watch::run(options, Duration::from_millis(debounce_ms), print_outcome);
    fail(result)
}

fn serve(options: Options, server: ServerArgs, debounce_ms: u64) -> ExitCode {
    if let Err(d) = errdocs::check_output(&options) {
        return report(Err(d), "Built");
    }
    let serve = errdocs::serve::ServeOptions {
        bind: server.bind,
        port: server.port,
        allowed_hosts: server.allow_host,
    };
    let (addr, handle) = match errdocs::serve::start(&options.output_dir(), &serve) {
        Ok(s) => s,
        Err(d) => {
            eprint!("{d}");
            return ExitCode::from(1);
        }
    };
    let host = if addr.ip().is_loopback() || addr.ip().is_unspecified() {
        format!("localhost:{}", addr.port())
    } else {
        addr.to_string()
    };
    println!(
        "Serving {} on http://{host}/ (Ctrl-C to stop)",
        options.output_dir().display()
    );
    if server.open {
        let _ = std::process::Command::new("xdg-open")
            .arg(format!("http://{host}/"))
            .spawn();
    }
    exit_on_ctrl_c();
    // The base path is known once a build succeeded: say where the site is when it is not `/`.
    let mut announced = String::from("/");
    let result = errdocs::watch::run(options, Duration::from_millis(debounce_ms), |o| {
        // Recorded first: once a rebuild is printed, the server answers with its result.
        handle.record(o);
        print_outcome(o);
        if let errdocs::watch::Outcome::Rebuilt { base_path, .. } = o
            && *base_path != announced
        {
            println!("The site is under http://{host}{base_path}");
            announced = base_path.clone();
        }
    });
    fail(result)
}

fn print_outcome(outcome: &errdocs::watch::Outcome) {
    let line = outcome.report();
    match outcome {
        errdocs::watch::Outcome::Rebuilt { .. } => println!("{line}"),
        errdocs::watch::Outcome::Failed { .. } => eprintln!("{line}"),
    }
    let _ = std::io::Write::flush(&mut std::io::stdout());
}

/// Ctrl-C (or SIGTERM) stops watching with status 130; the output directory is left as it is
/// (a rebuild in progress is abandoned, its staging directory removed).
fn exit_on_ctrl_c() {
    errdocs::interrupt::install("stopped; the output is left in place");
}

fn fail(result: Result<(), Diagnostic>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => {
            eprint!("{d}");
            ExitCode::from(1)
        }
    }
}

fn export(
    options: &Options,
    lang: &str,
    output: Option<&std::path::Path>,
    package: Option<&str>,
) -> ExitCode {
    let text = match errdocs::export(options, lang, package) {
        Ok(t) => t,
        Err(diagnostics) => {
            eprint!("{}", errdocs::render_all(&diagnostics));
            eprintln!("error: export failed; nothing was written");
            return ExitCode::from(1);
        }
    };
    let written = match output {
        Some(path) => std::fs::write(path, text.as_bytes()),
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes()),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let target =
                output.map_or_else(|| "standard output".into(), |p| p.display().to_string());
            eprintln!("error: could not write {target}: {e}");
            ExitCode::from(1)
        }
    }
}

fn check_against(options: &Options, old: &std::path::Path) -> ExitCode {
    let started = std::time::Instant::now();
    let result = match errdocs::check_against(options, old) {
        Ok(r) => r,
        Err(diagnostics) => return report(Err(diagnostics), "Checked"),
    };
    for change in &result.changes {
        print!("{change}");
    }
    if !result.errors.is_empty() {
        return report(Err(result.errors), "Checked");
    }
    println!(
        "Checked {} published URLs and anchors of {}: all still resolve ({} ms)",
        result.checked,
        old.display(),
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}

fn report(result: Result<Summary, Vec<Diagnostic>>, verb: &str) -> ExitCode {
    match result {
        Ok(s) => {
            let target = s
                .output
                .map(|o| format!(" into {}", o.display()))
                .unwrap_or_default();
            println!(
                "{verb} {} pages, {} codes in {} categories{target} in {} ms",
                s.pages,
                s.codes,
                s.categories,
                s.elapsed.as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            eprint!("{}", errdocs::render_all(&diagnostics));
            let n = diagnostics.len();
            eprintln!(
                "error: {verb_lower} failed: {n} error{s}; nothing was written",
                verb_lower = if verb == "Built" { "build" } else { "check" },
                s = if n == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
    }
}

// ---- The catalog as the API's source of truth: drift check, diff. ----

fn check_drift(
    options: &Options,
    dirs: Vec<PathBuf>,
    strict: bool,
    against: Option<&std::path::Path>,
) -> ExitCode {
    if let Some(failed) = against.and_then(|old| failed(check_against(options, old))) {
        return failed;
    }
    let drift = errdocs::drift::DriftOptions { dirs, strict };
    let (summary, scan) = match errdocs::drift::check_sources(options, &drift) {
        Ok(r) => r,
        Err(diagnostics) => return report(Err(diagnostics), "Checked"),
    };
    eprint!("{}", errdocs::render_all(&scan.diagnostics));
    let errors = scan.errors();
    let warnings = scan.diagnostics.len() - errors;
    let dirs: Vec<String> = scan.dirs.iter().map(|d| d.display().to_string()).collect();
    let line = format!(
        "Scanned {} ({} KiB) of {} against {}: {} ({} ms)",
        counted(scan.files, "file"),
        scan.bytes / 1024,
        dirs.join(", "),
        counted(summary.codes, "code"),
        [counted(errors, "error"), counted(warnings, "warning")].join(", "),
        scan.elapsed.as_millis()
    );
    finish_check(&line, errors)
}

/// `Some(code)` when a step of a check failed (the check stops there).
fn failed(code: ExitCode) -> Option<ExitCode> {
    (code != ExitCode::SUCCESS).then_some(code)
}

/// The last line of a check that printed its findings: on stderr as a failure when any is an
/// error (exit 1), else on stdout.
fn finish_check(line: &str, errors: usize) -> ExitCode {
    if errors > 0 {
        eprintln!("error: check failed: {line}");
        ExitCode::from(1)
    } else {
        println!("{line}");
        ExitCode::SUCCESS
    }
}

/// `check --openapi`: the drift check or `--against` first when asked for, then the documents.
fn check_openapi(
    options: &Options,
    dirs: Vec<PathBuf>,
    strict: bool,
    against: Option<&std::path::Path>,
    specs: Vec<PathBuf>,
) -> ExitCode {
    let first = if !dirs.is_empty() || errdocs::drift::configured(options) {
        failed(check_drift(options, dirs, strict, against))
    } else {
        against.and_then(|old| failed(check_against(options, old)))
    };
    if let Some(failed) = first {
        return failed;
    }
    let spec = errdocs::openapi_check::SpecOptions { specs, strict };
    let (summary, report) = match errdocs::openapi_check::check_specs(options, &spec) {
        Ok(r) => r,
        Err(diagnostics) => return report(Err(diagnostics), "Checked"),
    };
    eprint!("{}", errdocs::render_all(&report.diagnostics));
    let errors = report.errors();
    let warnings = report.diagnostics.len() - errors;
    let specs: Vec<String> = report
        .specs
        .iter()
        .map(|d| d.display().to_string())
        .collect();
    let line = format!(
        "Checked {} of {} against {} ({}): {} ({} ms)",
        counted(report.operations, "operation"),
        specs.join(", "),
        counted(summary.codes, "code"),
        counted(report.statuses, "status"),
        [counted(errors, "error"), counted(warnings, "warning")].join(", "),
        report.elapsed.as_millis()
    );
    finish_check(&line, errors)
}

fn diff(old: &std::path::Path, new: &std::path::Path, format: DiffFormat) -> ExitCode {
    let read = |p| errdocs::diff::read_export(p);
    let (old, new) = match (read(old), read(new)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let errors: Vec<Diagnostic> = [o.err(), n.err()].into_iter().flatten().collect();
            eprint!("{}", errdocs::render_all(&errors));
            return ExitCode::from(1);
        }
    };
    let d = errdocs::diff::diff(&old, &new);
    match format {
        DiffFormat::Text => print!("{}", errdocs::diff::text(&d)),
        DiffFormat::Json => print!("{}", errdocs::diff::json(&d)),
    }
    ExitCode::SUCCESS
}

/// `1 code`, `2 codes`, `3 statuses`.
fn counted(n: usize, noun: &str) -> String {
    match (n, noun.ends_with('s')) {
        (1, _) => format!("{n} {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option numbers name the options meant: their defaults are mimalloc v3's (arena
    /// eager commit 2, purge delay 1000 ms) before [`return_freed_memory`] sets them (run
    /// without `MIMALLOC_*` variables in the environment).
    #[test]
    fn allocator_options_are_the_ones_meant() {
        // SAFETY: reads numeric options of the allocator.
        let read = |option| unsafe { libmimalloc_sys::mi_option_get(option) };
        assert_eq!(read(MI_OPTION_ARENA_EAGER_COMMIT), 2);
        assert_eq!(read(MI_OPTION_PURGE_DELAY), 1000);
        return_freed_memory();
        assert_eq!(read(MI_OPTION_ARENA_EAGER_COMMIT), 0);
        #[cfg(target_os = "linux")]
        // SAFETY: reads this process's huge-page policy.
        assert_eq!(
            unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) },
            1
        );
        assert_eq!(read(MI_OPTION_PURGE_DELAY), PURGE_DELAY_MS);
    }
}
