//! Every C export goes through the panic boundary, and the header, the
//! sources and the built shared library agree on the set of exports.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn ffi_sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root().join("src/ffi")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src/ffi") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `(file, name, attribute line, first body line)` of each `extern "C" fn`.
fn exports() -> Vec<(String, String, String, String)> {
    let mut found = Vec::new();
    for file in ffi_sources() {
        let text = std::fs::read_to_string(&file).expect("read source");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(pos) = line.find("extern \"C\" fn ") else {
                continue;
            };
            let rest = &line[pos + "extern \"C\" fn ".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let attr = if i > 0 {
                lines[i - 1].trim().to_owned()
            } else {
                String::new()
            };
            // The body starts after the line that ends the signature with `{`.
            let open = (i..lines.len())
                .find(|&j| lines[j].trim_end().ends_with('{'))
                .unwrap_or(i);
            let first = lines.get(open + 1).map_or(String::new(), |l| l.trim().to_owned());
            found.push((file.display().to_string(), name, attr, first));
        }
    }
    found
}

#[test]
fn every_export_goes_through_ffi_fn() {
    let exports = exports();
    assert!(
        exports.len() > 50,
        "found only {} exports; is the scan broken?",
        exports.len()
    );
    let mut bad = Vec::new();
    for (file, name, attr, first) in &exports {
        if attr != "#[unsafe(no_mangle)]" {
            bad.push(format!("{file}: {name} is not preceded by #[unsafe(no_mangle)]"));
        }
        if !name.starts_with("wl_") {
            bad.push(format!("{file}: {name} does not start with wl_"));
        }
        let expected = format!("ffi_fn!(\"{name}\", {{");
        if !first.starts_with(&expected) {
            bad.push(format!(
                "{file}: {name}'s body must start with `{expected}`, found `{first}`"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "exports outside the panic boundary:\n{}",
        bad.join("\n")
    );
}

fn header_functions() -> BTreeSet<String> {
    let header = std::fs::read_to_string(root().join("include/wirelane.h")).expect("read include/wirelane.h");
    header
        .lines()
        .filter(|l| !l.starts_with([' ', '*', '#', '/']) && l.contains('('))
        .filter_map(|l| l.split('(').next())
        .filter_map(|l| l.split([' ', '*']).next_back())
        .filter(|n| n.starts_with("wl_"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn header_declares_exactly_the_source_exports() {
    let from_src: BTreeSet<String> = exports().into_iter().map(|(_, n, _, _)| n).collect();
    let from_header = header_functions();
    let missing: Vec<_> = from_src.difference(&from_header).collect();
    let extra: Vec<_> = from_header.difference(&from_src).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "header and sources disagree (regenerate: WIRELANE_BLESS=1 cargo test --test ffi_header)\n\
         not in header: {missing:?}\nnot in sources: {extra:?}"
    );
}

/// The cdylib `cargo test` built next to this test executable.
fn built_cdylib() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let deps = exe.parent().expect("test binary directory");
    let lib = deps.join("libwirelane.so");
    assert!(
        lib.exists(),
        "{} not found: cargo test builds the cdylib into target/<profile>/deps (src/ffi/Cargo.toml: crate-type includes cdylib)",
        lib.display()
    );
    lib
}

#[test]
fn shared_library_exports_exactly_the_header_functions() {
    let lib = built_cdylib();
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&lib)
        .output()
        .expect("run nm (binutils): apt-get install -y binutils");
    assert!(
        out.status.success(),
        "nm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let symbols: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_owned))
        .filter(|s| s.starts_with("wl_"))
        .collect();
    let header = header_functions();
    let missing: Vec<_> = header.difference(&symbols).collect();
    let extra: Vec<_> = symbols.difference(&header).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{}: declared but not exported: {missing:?}; exported but not declared: {extra:?}",
        lib.display()
    );
}
