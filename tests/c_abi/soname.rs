//! The shared library's soname (`libwirelane.so.<major>`, set by
//! `src/ffi/build.rs`) and everything that must agree with it: the build
//! tree's `libwirelane.so.0` link, the installed layout (versioned file +
//! soname link + dev link), `wirelane.pc`, the header's
//! `WIRELANE_VERSION_MAJOR`, and a program linked through pkg-config that
//! records `NEEDED libwirelane.so.0` and runs.
//!
//! Needs a C compiler, pkg-config and readelf (`apt-get install -y
//! build-essential pkg-config binutils`); a missing tool fails the test.

use std::path::Path;
use std::process::Output;

#[path = "support/fresh_library.rs"]
mod fresh_library;
use fresh_library::libdir;

const SONAME: &str = concat!("libwirelane.so.", env!("CARGO_PKG_VERSION_MAJOR"));

#[path = "support/child.rs"]
mod child;
use child::{command, require, root, run};

fn scratch(name: &str) -> child::Scratch {
    child::scratch("soname", name)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `(TAG)` entries of `readelf -d file`: `["libwirelane.so.0", ...]`.
fn dynamic(file: &Path, tag: &str) -> Vec<String> {
    require("readelf", "apt-get install -y binutils");
    let text = stdout(&run(command("readelf").arg("-d").arg(file)));
    text.lines()
        .filter(|l| l.contains(&format!("({tag})")))
        .filter_map(|l| l.split('[').nth(1))
        .map(|v| v.trim_end_matches(']').to_owned())
        .collect()
}

/// `#define WIRELANE_VERSION_MAJOR <n>` from the header.
fn header_major() -> String {
    let header = std::fs::read_to_string(root().join("include/wirelane.h")).expect("read header");
    header
        .lines()
        .find_map(|l| l.strip_prefix("#define WIRELANE_VERSION_MAJOR "))
        .expect("WIRELANE_VERSION_MAJOR in the header")
        .trim()
        .to_owned()
}

#[test]
fn soname_is_the_abi_major() {
    assert_eq!(SONAME, "libwirelane.so.0");
    assert_eq!(header_major(), env!("CARGO_PKG_VERSION_MAJOR"));
    assert_eq!(dynamic(&libdir().join("libwirelane.so"), "SONAME"), [SONAME]);
}

#[test]
fn build_tree_has_the_soname_link() {
    // Where cargo writes the library (deps/ and the profile directory), so
    // programs linked there (ffi-tests, examples, tests/cpp) start.
    let deps = libdir();
    for dir in [deps.clone(), deps.parent().expect("profile dir").to_path_buf()] {
        let link = dir.join(SONAME);
        assert_eq!(
            std::fs::read_link(&link).unwrap_or_else(|e| panic!("{}: {e}", link.display())),
            Path::new("libwirelane.so")
        );
    }
}

#[test]
fn installed_layout_and_pkg_config_agree_and_a_program_runs() {
    require("pkg-config", "apt-get install -y pkg-config");
    require("cc", "apt-get install -y build-essential");
    let dir = scratch("install");
    let prefix = dir.join("prefix");
    let install = || {
        run(command(root().join("scripts/install.sh"))
            .arg("--libdir")
            .arg(libdir())
            .arg(&prefix))
    };
    install();
    let lib = prefix.join("lib");
    let versioned = format!("libwirelane.so.{}", env!("CARGO_PKG_VERSION"));
    let meta = std::fs::symlink_metadata(lib.join(&versioned)).expect("versioned library");
    assert!(meta.file_type().is_file(), "{versioned} is not a regular file");
    assert_eq!(dynamic(&lib.join(&versioned), "SONAME"), [SONAME]);
    assert_eq!(
        std::fs::read_link(lib.join(SONAME)).expect("soname link"),
        Path::new(&versioned)
    );
    assert_eq!(
        std::fs::read_link(lib.join("libwirelane.so")).expect("dev link"),
        Path::new(SONAME)
    );

    let pc_path = lib.join("pkgconfig");
    let pkg = |args: &[&str]| {
        let out = run(command("pkg-config")
            .args(args)
            .arg("wirelane")
            .env("PKG_CONFIG_PATH", &pc_path));
        stdout(&out).trim().to_owned()
    };
    assert_eq!(pkg(&["--variable=soname"]), SONAME);
    let version = pkg(&["--modversion"]);
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    assert_eq!(version.split('.').next(), Some(env!("CARGO_PKG_VERSION_MAJOR")));

    // A program linked through pkg-config alone records the soname and
    // runs against the installed library, which agrees with its header.
    let src = dir.join("version.c");
    std::fs::write(
        &src,
        r#"#include <stdio.h>
#include <string.h>
#include <wirelane.h>
int main(void) {
    char want[32];
    snprintf(want, sizeof want, "%u.%u.%u", WIRELANE_VERSION_MAJOR, WIRELANE_VERSION_MINOR,
             WIRELANE_VERSION_PATCH);
    printf("%s\n", wl_version());
    return strcmp(want, wl_version()) == 0 ? 0 : 1;
}
"#,
    )
    .expect("write version.c");
    let exe = dir.join("version");
    run(command("cc")
        .args(["-std=c11", "-Wall", "-Werror"])
        .args(pkg(&["--cflags"]).split_whitespace())
        .arg("-o")
        .arg(&exe)
        .arg(&src)
        .args(pkg(&["--libs"]).split_whitespace()));
    let needed = dynamic(&exe, "NEEDED");
    assert!(needed.contains(&SONAME.to_owned()), "{needed:?}");
    assert!(!needed.contains(&"libwirelane.so".to_owned()), "{needed:?}");
    assert_eq!(stdout(&run(&mut command(&exe))).trim(), env!("CARGO_PKG_VERSION"));
    let ldd = stdout(&run(command("ldd").arg(&exe)));
    let line = ldd.lines().find(|l| l.contains(SONAME)).expect("ldd lists the soname");
    assert!(line.contains(&lib.join(SONAME).display().to_string()), "{line}");

    // Installing again over an install (an upgrade) keeps the layout.
    install();
    assert_eq!(
        std::fs::read_link(lib.join(SONAME)).expect("soname link"),
        Path::new(&versioned)
    );
    assert_eq!(stdout(&run(&mut command(&exe))).trim(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn install_refuses_a_library_without_the_soname() {
    require("cc", "apt-get install -y build-essential");
    let dir = scratch("foreign");
    let libs = dir.join("libs");
    std::fs::create_dir_all(&libs).expect("mkdir");
    let src = dir.join("empty.c");
    std::fs::write(&src, "int wl_nothing(void) { return 0; }\n").expect("write");
    run(command("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(libs.join("libwirelane.so"))
        .arg(&src));
    std::fs::write(libs.join("libwirelane.a"), b"").expect("write archive");
    let out = command(root().join("scripts/install.sh"))
        .arg("--libdir")
        .arg(&libs)
        .arg(dir.join("prefix"))
        .output()
        .expect("run install.sh");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("has soname 'none', expected {SONAME}")), "{err}");
    assert!(!dir.join("prefix/lib").exists(), "installed something anyway");
}
