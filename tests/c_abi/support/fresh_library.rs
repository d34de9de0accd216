//! The C libraries under test, built for the test by cargo itself.
//!
//! `cargo test` does not build the library of a package whose only crate
//! types are `cdylib` and `staticlib` (its integration tests cannot link
//! it), so without this step the C programs would link whatever
//! `libwirelane.so` an earlier `cargo build` left behind, or fail on a fresh
//! clone. Each test binary therefore runs `cargo build -p wirelane-ffi --lib`
//! once, into the target directory and profile of its own executable, so the
//! libraries always match the sources under test whatever `CARGO_TARGET_DIR`
//! or `--target-dir` is. (Adding `rlib` to the crate types would also do it,
//! but collides with the core's `libwirelane.rlib` in the target directory.)

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// `<target>/<profile>/deps`, holding a `libwirelane.so` (with its soname
/// link `libwirelane.so.0`) and `libwirelane.a` freshly built from the
/// current sources.
pub fn libdir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(build).clone()
}

fn build() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let deps = exe.parent().expect("test executable directory").to_path_buf();
    let profile_dir = deps.parent().expect("<target>/<profile>");
    let target_dir = profile_dir.parent().expect("<target>");
    let profile = profile_dir
        .file_name()
        .and_then(|name| name.to_str())
        .expect("profile directory name");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--quiet", "--lib", "-p", "wirelane-ffi", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(target_dir);
    // The `dev` profile's directory is named `debug`; others carry their name.
    if profile != "debug" {
        cmd.args(["--profile", profile]);
    }
    let status = cmd.status().expect("run cargo build -p wirelane-ffi");
    assert!(status.success(), "cargo build -p wirelane-ffi --lib failed ({status})");
    // libwirelane.so.0: the soname link src/ffi/build.rs makes, which the
    // C programs linked here need at run time (their NEEDED entry).
    for lib in ["libwirelane.so", "libwirelane.so.0", "libwirelane.a"] {
        assert!(
            deps.join(lib).exists(),
            "{} missing after cargo build -p wirelane-ffi --lib",
            deps.join(lib).display()
        );
    }
    deps
}
