//! Runs the C hardening programs (`ffi-tests/hardening/`) against the
//! library built from the current sources: plain (strict C11, -Werror), under
//! ASan+UBSan, under valgrind (errors and definite/indirect leaks fail),
//! and the valgrind check that a use-after-free of a handle is detected.
//!
//! The NULL matrix is generated from `include/wirelane.h` on every run
//! (python3, stdlib only), so a new function is covered automatically.
//! Needs cc, make, python3 and valgrind (`scripts/ensure-tools.sh` installs
//! them); a missing tool fails the test with the package to install.

use std::path::Path;
use std::process::{Command, Output, Stdio};

#[path = "support/fresh_library.rs"]
mod fresh_library;
use fresh_library::libdir;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn require(tool: &str, package: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(found, "`{tool}` is not installed: apt-get install -y {package}");
}

fn make(target: &str) -> Output {
    require("make", "make");
    require("cc", "gcc");
    require("python3", "python3");
    let build = std::env::temp_dir().join(format!("wl-hard-c-{}-{target}", std::process::id()));
    let _ = std::fs::remove_dir_all(&build);
    // Cargo's LD_LIBRARY_PATH lists <target>/<profile> ahead of deps, where a
    // stale libwirelane.so from an earlier `cargo build` would shadow the
    // fresh one; the programs find their library through their RUNPATH.
    let out = Command::new("make")
        .env_remove("LD_LIBRARY_PATH")
        .arg("-C")
        .arg(root().join("ffi-tests/hardening"))
        .arg(target)
        .arg(format!("LIBDIR={}", libdir().display()))
        .arg(format!("BUILD={}", build.display()))
        .output()
        .expect("run make");
    let _ = std::fs::remove_dir_all(&build);
    assert!(
        out.status.success(),
        "make {target} failed ({})\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The summary lines the programs print, for the test log.
fn summary(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("transitions (") || l.contains("inputs tried") || l.contains("calls"))
        .filter(|l| !l.starts_with("ok "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn check_all_ran(out: &Output) {
    let text = String::from_utf8_lossy(&out.stdout);
    for program in ["null_matrix", "bad_input", "fd_accounting", "faults", "call_sequences"] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{program}: ")) && l.ends_with(" passed, 0 failed")),
            "{program} did not report success:\n{text}"
        );
    }
    println!("{}", summary(out));
}

#[test]
fn c_hardening_programs_pass() {
    check_all_ran(&make("test"));
}

#[test]
fn c_hardening_programs_pass_under_asan_and_ubsan() {
    check_all_ran(&make("asan"));
}

#[test]
fn c_hardening_programs_pass_under_valgrind_without_leaks() {
    require("valgrind", "valgrind");
    check_all_ran(&make("valgrind"));
}

#[test]
fn a_handle_used_after_free_is_caught_by_valgrind() {
    require("valgrind", "valgrind");
    let out = make("uaf-detected");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Invalid read"));
}
