//! Gives the shared library its soname and the name it is found by.
//!
//! `libwirelane.so` is linked with the soname `libwirelane.so.<major>`
//! (`libwirelane.so.0` while the version is 0.x): programs linked against
//! it record that name (`NEEDED`), so an ABI-breaking major version is a
//! different file and old programs keep the library they were built for.
//! `scripts/install.sh` installs the versioned file
//! `libwirelane.so.<major>.<minor>.<patch>` and both symlinks.
//!
//! Cargo writes only `libwirelane.so`. So that a program linked in the
//! build tree (`-L<target>/debug -Wl,-rpath,...`) finds its `NEEDED`
//! name at run time, this also puts a symlink
//! `libwirelane.so.<major> -> libwirelane.so` next to where cargo writes
//! the library: the profile directory and its `deps/` (where
//! `cargo test` builds it). The link is relative and may dangle until the
//! library is linked, which is what cargo does right after this script.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
    let soname = format!("libwirelane.so.{major}");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    if let Some(profile_dir) = profile_dir() {
        for dir in [profile_dir.join("deps"), profile_dir] {
            link_soname(&dir, &soname);
        }
    }
}

/// `<target>[/<triple>]/<profile>`: `OUT_DIR` is
/// `<that>/build/wirelane-ffi-<hash>/out`.
fn profile_dir() -> Option<PathBuf> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR")?);
    Some(out.ancestors().nth(3)?.to_path_buf())
}

/// `dir/<soname> -> libwirelane.so`, unless it is already that link.
fn link_soname(dir: &Path, soname: &str) {
    let link = dir.join(soname);
    if std::fs::read_link(&link).is_ok_and(|to| to == Path::new("libwirelane.so")) {
        return;
    }
    let _ = std::fs::remove_file(&link);
    if let Err(e) = std::os::unix::fs::symlink("libwirelane.so", &link) {
        println!("cargo:warning=cannot create {}: {e}", link.display());
    }
}
