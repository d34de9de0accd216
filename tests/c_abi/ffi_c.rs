//! Builds and runs the C tests (`ffi-tests/`), the C examples
//! (`examples/c/`) and the install + pkg-config path against the shared
//! and static libraries built from the current sources (see
//! `support/fresh_library.rs`: they sit next to this test executable, in
//! `<target>/<profile>/deps`, whatever cargo's target directory is).
//!
//! Needs a C compiler, a C++ compiler, make, valgrind and pkg-config
//! (`apt-get install -y build-essential valgrind pkg-config`); a missing
//! tool fails the test with that hint, it is never skipped.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Output, Stdio};

#[path = "support/fresh_library.rs"]
mod fresh_library;
use fresh_library::libdir;

#[path = "support/child.rs"]
mod child;
use child::{command, require, root, run};

/// A fresh scratch directory for one test (see [`child::Scratch`]).
fn scratch(name: &str) -> child::Scratch {
    child::scratch("ffi", name)
}

fn make(target: &str, build: &Path) -> Output {
    require("make", "apt-get install -y make");
    require("cc", "apt-get install -y build-essential");
    run(command("make")
        .arg("-C")
        .arg(root().join("ffi-tests"))
        .arg(target)
        .arg(format!("LIBDIR={}", libdir().display()))
        .arg(format!("BUILD={}", build.display())))
}

fn header_functions() -> BTreeSet<String> {
    let header = std::fs::read_to_string(root().join("include/wirelane.h")).expect("read header");
    header
        .lines()
        .filter(|l| !l.starts_with([' ', '*', '#', '/']) && l.contains('('))
        .filter_map(|l| l.split('(').next())
        .filter_map(|l| l.split([' ', '*']).next_back())
        .filter(|n| n.starts_with("wl_"))
        .map(str::to_owned)
        .collect()
}

/// Summing up "N passed, 0 failed" lines, checking none failed.
fn passed(out: &Output) -> usize {
    let text = String::from_utf8_lossy(&out.stdout);
    let mut total = 0;
    for line in text.lines() {
        if let Some(rest) = line.split(": ").nth(1)
            && let Some(n) = rest.strip_suffix(" passed, 0 failed")
        {
            total += n.parse::<usize>().expect("count");
        }
    }
    total
}

#[test]
fn c_tests_pass_and_cover_every_export() {
    let build = scratch("plain");
    let out = make("test", &build);
    assert!(
        passed(&out) >= 40,
        "too few C tests ran:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Every function the header declares is called by some C test: the
    // tests link the shared library, so their undefined wl_* symbols are
    // exactly the functions they use (macro-generated calls included).
    let mut used = BTreeSet::new();
    for entry in std::fs::read_dir(build.join("plain")).expect("built tests") {
        let path = entry.expect("entry").path();
        let out = run(command("nm").arg("-u").arg(&path));
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some(sym) = line.split_whitespace().last()
                && sym.starts_with("wl_")
            {
                used.insert(sym.to_owned());
            }
        }
    }
    let untested: Vec<_> = header_functions().difference(&used).cloned().collect();
    assert!(untested.is_empty(), "exported but called by no C test: {untested:?}");
}

#[test]
fn c_tests_pass_under_asan_and_ubsan() {
    let out = make("asan", &scratch("asan"));
    assert!(passed(&out) >= 40);
}

#[test]
fn c_tests_pass_under_valgrind_without_leaks() {
    require("valgrind", "apt-get install -y valgrind");
    let out = make("valgrind", &scratch("valgrind"));
    assert!(passed(&out) >= 40);
}

#[test]
fn wrong_state_handle_does_not_compile() {
    let out = make("compile-fail", &scratch("compile-fail"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("incompatible pointer type"), "{text}");
}

#[test]
fn header_alone_compiles_as_strict_c11_and_cpp() {
    require("c++", "apt-get install -y g++");
    let out = make("header", &scratch("header"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("C++: wirelane"));
}

fn build_examples(build: &Path, extra: &[&str], env: &[(&str, &Path)]) {
    let mut cmd = command("make");
    cmd.arg("-C")
        .arg(root().join("examples/c"))
        .arg(format!("BUILD={}", build.display()));
    cmd.args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd);
}

/// Starts `server ADDR args...` (it prints "listening on ADDR" and serves
/// a bounded number of clients), runs `client BOUND args...` against it and
/// checks the client's output.
fn client_server(
    bin: &Path,
    server: (&str, &[&str]),
    addr: &str,
    client: (&str, &[&str]),
    expected: &str,
    env: &[(&str, &Path)],
) {
    let mut cmd = command(bin.join(server.0));
    cmd.arg(addr).args(server.1).stdout(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("start {}: {e}", server.0));
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read server banner");
    let Some(bound) = line.trim().strip_prefix("listening on ") else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("unexpected banner from {}: {line:?}", server.0)
    };
    let mut cmd = command(bin.join(client.0));
    cmd.arg(bound).args(client.1);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run client");
    if !out.status.success() {
        let _ = child.kill();
    }
    let status = child.wait().expect("server exit");
    assert!(
        out.status.success(),
        "{} failed: {}",
        client.0,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    assert!(status.success(), "{} exited with {status}", server.0);
}

fn echo_round_trip(bin: &Path, addr: &str, env: &[(&str, &Path)]) {
    client_server(
        bin,
        ("tcp_echo_server", &["1"]),
        addr,
        ("tcp_echo_client", &["hello from C"]),
        "echo: hello from C\n",
        env,
    );
}

#[test]
fn c_examples_build_and_run() {
    let build = scratch("examples");
    let lib = libdir();
    build_examples(&build, &[&format!("LIBDIR={}", lib.display())], &[]);
    echo_round_trip(&build, "127.0.0.1:0", &[]);
    echo_round_trip(&build, "[::1]:0", &[]);
    let sock = build.join("echo.sock");
    echo_round_trip(&build, sock.to_str().expect("utf-8 path"), &[]);

    // UDP echo with batches: three datagrams, one sendmmsg, recvmmsg back.
    let words = ["one", "two", "three"];
    let expected: String = words.iter().map(|w| format!("echo: {w}\n")).collect();
    for addr in ["127.0.0.1:0", "[::1]:0"] {
        client_server(
            &build,
            ("udp_echo_batch_server", &["3"]),
            addr,
            ("udp_echo_batch_client", &words),
            &expected,
            &[],
        );
    }

    // A sendfile file server and its client.
    let served = root().join("Cargo.toml");
    let content = std::fs::read_to_string(&served).expect("read Cargo.toml");
    let path = served.to_str().expect("utf-8 path");
    client_server(
        &build,
        ("sendfile_server", &[path, "1"]),
        "127.0.0.1:0",
        ("file_client", &[]),
        &content,
        &[],
    );

    // Descriptor passing between processes.
    let file = build.join("secret.txt");
    std::fs::write(&file, "passed by descriptor\n").expect("write file");
    let out = run(command(build.join("fd_passing")).arg(&file));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("read 21 bytes through the passed descriptor: passed by descriptor"),
        "{text}"
    );
}

#[test]
fn install_then_link_through_pkg_config() {
    require("pkg-config", "apt-get install -y pkg-config");
    let dir = scratch("install");
    let prefix = dir.join("prefix");
    run(command(root().join("scripts/install.sh"))
        .arg("--libdir")
        .arg(libdir())
        .arg(&prefix));
    for f in [
        "lib/libwirelane.so",
        "lib/libwirelane.a",
        "include/wirelane.h",
        "include/wirelane.hpp",
        "lib/pkgconfig/wirelane.pc",
    ] {
        assert!(prefix.join(f).exists(), "install.sh did not install {f}");
    }
    // Every public header of include/ is installed, byte for byte.
    for entry in std::fs::read_dir(root().join("include")).expect("include/") {
        let path = entry.expect("entry").path();
        if matches!(path.extension().and_then(|e| e.to_str()), Some("h" | "hpp")) {
            let name = path.file_name().expect("file name");
            let installed = std::fs::read(prefix.join("include").join(name)).unwrap_or_default();
            assert_eq!(
                installed,
                std::fs::read(&path).expect("read header"),
                "{name:?} not installed as is"
            );
        }
    }
    let pc_path = prefix.join("lib/pkgconfig");
    let pkg = |args: &[&str]| {
        let out = run(command("pkg-config")
            .args(args)
            .arg("wirelane")
            .env("PKG_CONFIG_PATH", &pc_path));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(pkg(&["--modversion"]), env!("CARGO_PKG_VERSION"));
    let flags = pkg(&["--cflags", "--libs"]);
    assert!(flags.contains("-lwirelane"), "{flags}");
    // A prefix off the dynamic linker's path: the flags carry its rpath, so
    // a program linked with them starts without LD_LIBRARY_PATH.
    let rpath = format!("-Wl,-rpath,{}", prefix.join("lib").display());
    assert!(flags.contains(&rpath), "no {rpath} in {flags}");
    // A static link cannot use the shared libgcc_s.
    let static_libs = pkg(&["--static", "--libs"]);
    assert!(!static_libs.contains("-lgcc_s"), "{static_libs}");

    // Dynamic: compile and link the echo examples through pkg-config alone.
    let build = dir.join("examples");
    build_examples(&build, &["USE_PKG_CONFIG=1"], &[("PKG_CONFIG_PATH", &pc_path)]);
    let libs = prefix.join("lib");
    echo_round_trip(&build, "127.0.0.1:0", &[]); // found through the rpath

    // Static: the archive plus the private libraries from the .pc file.
    let private: Vec<String> = pkg(&["--static", "--libs-only-l"])
        .split_whitespace()
        .filter(|f| *f != "-lwirelane")
        .map(str::to_owned)
        .collect();
    let exe = dir.join("static_client");
    run(command("cc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror"])
        .args(pkg(&["--cflags"]).split_whitespace())
        .arg("-o")
        .arg(&exe)
        .arg(root().join("examples/c/tcp_echo_client.c"))
        .arg(libs.join("libwirelane.a"))
        .args(&private));
    let out = run(command("ldd").arg(&exe));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("libwirelane"),
        "the static build still needs libwirelane.so"
    );
}

#[test]
fn install_script_options() {
    let script = root().join("scripts/install.sh");
    let help = run(command(&script).arg("--help"));
    let text = String::from_utf8_lossy(&help.stdout);
    for option in [
        "--no-build",
        "--libdir DIR",
        "-h, --help",
        "PREFIX/include/wirelane.hpp",
    ] {
        assert!(text.contains(option), "--help does not mention {option}:\n{text}");
    }
    assert!(
        text.lines().all(|l| !l.starts_with("set ") && !l.starts_with('#')),
        "--help prints script lines:\n{text}"
    );
    for bad in [&["--bogus", "/tmp/x"][..], &["--libdir"][..], &[][..]] {
        let out = command(&script).args(bad).output().expect("run install.sh");
        assert_eq!(out.status.code(), Some(2), "install.sh {bad:?}: {out:?}");
        assert!(!out.stderr.is_empty(), "install.sh {bad:?} says nothing");
    }
    // --no-build installs what is in cargo's target directory, or says what
    // is missing; it never builds.
    let dir = scratch("no-build");
    let out = command(&script)
        .arg("--no-build")
        .arg(dir.join("prefix"))
        .env("CARGO_TARGET_DIR", dir.join("empty-target"))
        .output()
        .expect("run install.sh");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("empty-target/release/libwirelane.so not found"), "{err}");
    assert!(!dir.join("empty-target/release").exists(), "--no-build built something");
}
