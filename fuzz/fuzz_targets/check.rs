//! libFuzzer target: the check pipeline on a mutated sample site.
//!
//! libFuzzer's input is not a site but the tape of choices of the harness's mutators
//! (`tests/support/mutate.rs`, shared with `tests/fuzz.rs`): which sample site, which files,
//! which mutations, which tokens. Coverage guidance thus steers the same structured mutations
//! (long lines, deep nesting, hostile templates, ...) that the seeded stable harness makes at
//! random. Run it with limits (see `scripts/fuzz.sh`):
//!
//! ```sh
//! cargo +nightly fuzz run check -s none -- -rss_limit_mb=1024 -timeout=10 -max_len=4096
//! ```

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/mutate.rs"]
mod mutate;

use mutate::{Mutator, Rng};

fn mutator() -> &'static Mutator {
    static MUTATOR: OnceLock<Mutator> = OnceLock::new();
    MUTATOR.get_or_init(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        Mutator::new(&repo).expect("read the sample sites")
    })
}

/// A scratch directory of this process, in /dev/shm when there is one.
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        base.join(format!("errdocs-libfuzzer-{}", std::process::id()))
    })
}

fuzz_target!(|tape: &[u8]| {
    let case = mutator().generate(&mut Rng::from_tape(tape));
    let site = scratch().join("site");
    let _ = std::fs::remove_dir_all(&site);
    case.write_to(&site).expect("write the case");
    let options = errdocs::Options {
        root: site.clone(),
        ..Default::default()
    };
    if let Err(diags) = errdocs::check(&options) {
        // Format them as the command line does.
        let bytes: usize = diags.iter().map(|d| d.to_string().len()).sum();
        assert!(
            diags
                .iter()
                .any(|d| d.severity() == errdocs::Severity::Error),
            "check failed without an error ({bytes} bytes of diagnostics)"
        );
    }
    assert!(
        !site.join("public").exists(),
        "check wrote an output directory"
    );
});
