//! The fuzz harness shared by `tests/fuzz.rs` and `fuzz/` (see `scripts/fuzz.sh`).

pub mod harness;
pub mod mutate;
