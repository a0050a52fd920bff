//! The `errdocs` command line: init, build, check.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use errdocs::diagnostics::Diagnostic;
use errdocs::site::{self, Options, Summary};

/// errdocs builds an API's error reference (one TOML error catalog + Markdown pages) into a
/// static site: code tables with permanent anchors, the error envelope, retry guidance and
/// guides, with every link checked.
#[derive(Parser)]
#[command(name = "errdocs", version, about, long_about = None)]
#[command(after_help = "Exit codes: 0 success, 1 the site has errors, 2 usage error.")]
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

#[derive(Subcommand)]
enum Command {
    /// Create a new site that builds as it is
    Init {
        /// Where to create it (created if missing; existing files are never overwritten)
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Build the site into the output directory (only when everything is valid)
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output directory [default: ROOT/public]
        #[arg(long, short = 'o', value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Run every check of a build (catalog, pages, templates, links) and write nothing
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// A previous release's urls.txt or errors.json: fail if any URL or anchor it
        /// lists no longer resolves, and report codes whose status or retry policy changed
        #[arg(long, value_name = "FILE")]
        against: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Init { dir } => match errdocs::init::init(&dir) {
            Ok(files) => {
                println!(
                    "Created a new errdocs site in {} ({} files).",
                    dir.display(),
                    files.len()
                );
                println!("Build it with: errdocs build --root {}", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
        Command::Build { site, output } => {
            let options = Options {
                root: site.root,
                output,
                base_url: site.base_url,
            };
            report(site::build(&options), "Built")
        }
        Command::Check { site, against } => {
            let options = Options {
                root: site.root,
                output: None,
                base_url: site.base_url,
            };
            match against {
                None => report(site::check(&options), "Checked"),
                Some(old) => check_against(&options, &old),
            }
        }
    }
}

fn check_against(options: &Options, old: &std::path::Path) -> ExitCode {
    let started = std::time::Instant::now();
    let built = match site::State::load(options) {
        Ok(b) => b,
        Err(diagnostics) => return report(Err(diagnostics), "Checked"),
    };
    let result = match errdocs::stability::check_against(old, &built) {
        Ok(r) => r,
        Err(diagnostics) => return report(Err(diagnostics), "Checked"),
    };
    for change in &result.changes {
        println!("note: {change}");
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
            for d in &diagnostics {
                eprintln!("{d}");
            }
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
