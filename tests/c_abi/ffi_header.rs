//! The committed C header must be exactly what the pinned cbindgen
//! (=0.29.4) generates from `src/ffi/` with `cbindgen.toml`.
//!
//! Regenerate after changing the FFI: `WIRELANE_BLESS=1 cargo test --test ffi_header`.
//!
//! cbindgen does not expand macros, so the exports generated from the
//! option table are declared from the same table (`render.rs`) and spliced
//! in after the hand-written options, followed by the lifecycle exports
//! (src/ffi/lifecycle.rs); the `forward_exports!` entries are written out
//! as plain exports into a file cbindgen reads with `src/ffi/mod.rs`.

mod render;

use std::path::Path;

fn generate(tag: &str) -> String {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("read cbindgen.toml");
    let forward = render::forward_source_file(tag);
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .with_src(&forward)
        .generate()
        .expect("cbindgen failed on src/ffi");
    let _ = std::fs::remove_dir_all(forward.parent().expect("a temporary directory"));
    let mut out = Vec::new();
    bindings.write(&mut out);
    render::splice_header(&String::from_utf8(out).expect("cbindgen output is UTF-8"))
}

#[test]
fn committed_header_matches_cbindgen_output() {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("include/wirelane.h");
    let fresh = generate("committed");
    if std::env::var_os("WIRELANE_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write include/wirelane.h");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != fresh {
        let line = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| committed.lines().count().min(fresh.lines().count()) + 1, |i| i + 1);
        panic!(
            "include/wirelane.h is out of date with src/ffi (first difference at line {line}).\n\
             Regenerate it with:\n    WIRELANE_BLESS=1 cargo test --test ffi_header\n\
             and commit the result."
        );
    }
}

#[test]
fn header_keeps_full_docs_and_ownership_lines() {
    let header = generate("t0");
    assert!(header.contains("#ifdef __cplusplus"), "extern \"C\" guards missing");
    assert!(
        header.contains("OWNERSHIP."),
        "the ownership section must be at the top"
    );
    // Full (not short) doc comments: the per-function ownership line survives.
    assert!(
        header.contains("Ownership: on success consumes `sock`"),
        "full docs missing"
    );
    for ty in [
        "wl_raw",
        "wl_bound",
        "wl_listener",
        "wl_conn",
        "wl_pending",
        "wl_dgram",
        "wl_dgram_conn",
    ] {
        assert!(
            header.contains(&format!("typedef struct {ty} {ty};")),
            "opaque {ty} missing"
        );
    }
}

#[test]
fn version_macros_match_cargo_toml() {
    let header = generate("t1");
    for (name, value) in [
        ("WIRELANE_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR").to_string()),
        ("WIRELANE_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR").to_string()),
        ("WIRELANE_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH").to_string()),
        ("WIRELANE_VERSION", format!("\"{}\"", env!("CARGO_PKG_VERSION"))),
    ] {
        let line = format!("#define {name} {value}");
        assert!(header.lines().any(|l| l == line), "header lacks `{line}`");
    }
}
