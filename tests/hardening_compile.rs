//! The type system forbids closing a socket that another thread is using:
//! each file in `tests/hardening_ui/` drops a socket while a scoped thread
//! still borrows it for a blocking call, and must fail to compile with
//! "cannot move out of ... because it is borrowed" (the expected message is
//! in its `.stderr`). At run time the only way to close "under" a blocked
//! call is a duplicate (`try_clone`), which `tests/hardening_faults.rs`
//! shows is harmless.
//!
//! Regenerate the expected messages after a deliberate change with
//! `TRYBUILD=overwrite cargo test --test hardening_compile`, then review.

#[test]
fn dropping_a_socket_borrowed_by_a_blocked_thread_does_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/hardening_ui/*.rs");
}
