//! The option table (`src/options/table.rs`) drives every layer; the
//! layers that cannot expand the Rust macro carry generated blocks, and
//! this test fails when one drifts from the table:
//!
//! - `bindings/python/wirelane/_options.py`: the C types (`TYPES`) and the
//!   methods (`METHODS`);
//! - `include/wirelane.hpp`: the option functions (`OPTIONS`);
//! - `OPTIONS.md`: the options table of the docs (the whole file).
//!
//! (The C declarations are checked with the rest of the header by
//! `ffi_header.rs`.) Regenerate: `WIRELANE_BLESS=1 cargo test -p
//! wirelane-ffi --test option_table`.

mod render;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use wirelane_core::ffi_support::OPTION_ROWS;

fn root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).to_path_buf()
}

fn bless() -> bool {
    std::env::var_os("WIRELANE_BLESS").is_some()
}

/// Compares (or, when blessing, writes) one generated file.
fn check(path: &str, fresh: &str) {
    let full = root().join(path);
    let committed = std::fs::read_to_string(&full).unwrap_or_default();
    if bless() {
        if committed != fresh {
            std::fs::write(&full, fresh).unwrap_or_else(|e| panic!("write {path}: {e}"));
        }
        return;
    }
    assert!(
        committed == fresh,
        "{path} is out of date with the option table (src/options/table.rs).\n\
         Regenerate with:\n    WIRELANE_BLESS=1 cargo test -p wirelane-ffi --test option_table\n\
         and commit the result."
    );
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

#[test]
fn python_blocks_match_the_table() {
    let path = "bindings/python/wirelane/_options.py";
    let text = read(path);
    let text = render::replace_block(&text, "TYPES", &render::python_types());
    let text = render::replace_block(&text, "METHODS", &render::python_methods());
    check(path, &text);
}

#[test]
fn cpp_block_matches_the_table() {
    let path = "include/wirelane.hpp";
    let text = render::replace_block(&read(path), "OPTIONS", &render::cpp_options());
    check(path, &text);
}

#[test]
fn docs_table_matches_the_table() {
    let fresh = format!(
        "# Socket options\n\n\
         <!-- Generated from src/options/table.rs by tests/c_abi/option_table.rs; do not edit.\n     \
         Regenerate: WIRELANE_BLESS=1 cargo test -p wirelane-ffi --test option_table -->\n\n\
         Every `int`-valued socket option comes from one table (`src/options/table.rs`), which\n\
         generates the Rust functions (generic over any `AsFd`), the C exports and their header\n\
         docs, the Python methods and the C++ functions. Each works on every state: in C pass\n\
         the descriptor (`wl_set_tcp_nodelay(wl_conn_fd(c), true)`). Values outside the range\n\
         are refused with `EINVAL` and a message naming the option, never clamped. *sockets*:\n\
         `any`, `inet` (IPv4 and IPv6), `v4`, `v6`, `unix` (the Python and C++ types follow it;\n\
         the kernel has the last word per socket type, e.g. `ENOPROTOOPT`).\n\n\
         Options with structured values are written by hand next to the table: `SO_LINGER`,\n\
         `SO_BINDTODEVICE`, `TCP_CONGESTION`, multicast membership, `TCP_INFO`, and, in every\n\
         layer (Rust, C, Python, C++), these:\n\n\
         | option | Rust (`wirelane::`) | C | Python / C++ |\n\
         |---|---|---|---|\n\
         | `IP_MULTICAST_IF` (ip(7)), by address and/or index | `set_multicast_if_v4` / `multicast_if_v4` | `wl_set_multicast_if_v4` / `wl_multicast_if_v4` | same names |\n\
         | `IP_ADD/DROP_SOURCE_MEMBERSHIP` (ip(7)) | `join_ssm_v4` / `leave_ssm_v4` | `wl_join_ssm_v4` / `wl_leave_ssm_v4` | same names |\n\
         | `MCAST_JOIN/LEAVE_SOURCE_GROUP` (RFC 3678) | `join_ssm_v6` / `leave_ssm_v6` | `wl_join_ssm_v6` / `wl_leave_ssm_v6` | same names |\n\
         | `SO_ORIGINAL_DST` / `IP6T_SO_ORIGINAL_DST` (read) | `original_dst_v4` / `original_dst_v6` | `wl_original_dst_v4` / `wl_original_dst_v6` | same names |\n\
         | `TCP_SAVED_SYN` (tcp(7), read) | `tcp_saved_syn` / `tcp_saved_syn_into` | `wl_tcp_saved_syn` | `tcp_saved_syn` |\n\
         | `SO_ATTACH_REUSEPORT_CBPF`, `SO_ATTACH_FILTER`, `SO_DETACH_FILTER` (socket(7)) | `CbpfProgram`, `attach_reuseport_cbpf`, `attach_filter`, `detach_filter` | `wl_bpf_insn` arrays from `wl_bpf_steer_by_cpu` / `_by_hash` / `wl_bpf_constant`, `wl_attach_reuseport_cbpf`, `wl_attach_filter`, `wl_detach_filter` | `CbpfProgram` and the same method names |\n\n{}",
        render::docs_table()
    );
    check("OPTIONS.md", &fresh);
}

#[test]
fn rows_are_consistent() {
    let mut names = BTreeSet::new();
    let mut options = BTreeSet::new();
    for row in OPTION_ROWS {
        assert!(
            row.set.is_empty() || row.set == format!("set_{}", row.get),
            "setter name of {}",
            row.get
        );
        let docs = if row.set.is_empty() { row.get_doc } else { row.set_doc };
        assert!(names.insert(row.get), "{} appears twice", row.get);
        assert!(
            options.insert((row.level, row.name)),
            "{} {} appears twice",
            row.level,
            row.name
        );
        assert!(
            docs.contains(row.man),
            "{}: the docs must name its man page {}",
            row.get,
            row.man
        );
        assert!(docs.contains(row.name), "{}: the docs must name {}", row.get, row.name);
        assert!(!row.get_doc.trim().is_empty(), "{}: getter undocumented", row.get);
        assert!(row.min <= row.max, "{}: empty range", row.get);
        assert!(
            ["any", "inet", "v4", "v6", "unix"].contains(&row.scope),
            "{}: unknown scope {}",
            row.get,
            row.scope
        );
        assert!(
            !row.brief.ends_with('.'),
            "{}: the brief is a phrase (no final period)",
            row.get
        );
    }
}
