//! The compile-time half of the proof: every edge missing from the seed's
//! state diagram fails to compile (`tests/ui/fail`, each with the expected
//! compiler message in its `.stderr`), and the seed's own snippets compile
//! and run (`tests/ui/pass`).
//!
//! With feature `tokio`, the same rules hold inside `wirelane::tokio::Async`
//! (`tests/ui/tokio`).
//!
//! Regenerate the expected messages after a deliberate change with
//! `TRYBUILD=overwrite cargo test --all-features --test compile_fail`, then review the diff.

#[test]
fn invalid_transitions_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
}

#[test]
fn seed_snippets_compile_and_run() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
}

#[cfg(feature = "tokio")]
#[test]
fn invalid_async_uses_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/tokio/*.rs");
}
