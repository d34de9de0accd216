//! Renders the core's option table (`wirelane_core::ffi_support::OPTION_ROWS`,
//! from `src/options/table.rs`) for each layer that cannot expand the Rust
//! macro itself: the C declarations and docs spliced into
//! `include/wirelane.h` (cbindgen does not expand macros), the Python
//! methods, the C++ functions and the options table of the docs. Shared by
//! `ffi_header.rs` and `option_table.rs`.
#![allow(dead_code)]

use std::fmt::Write;

use wirelane_core::ffi_support::{OPTION_ROWS, OptionRow};

/// The first marker line of generated block `tag` (inside a comment of
/// the file's language); the block ends at the line holding [`end`].
pub fn begin(tag: &str) -> String {
    format!(
        "BEGIN GENERATED {tag} FROM src/options/table.rs (WIRELANE_BLESS=1 cargo test -p wirelane-ffi --test option_table)"
    )
}

/// The last marker line of generated block `tag`.
pub fn end(tag: &str) -> String {
    format!("END GENERATED {tag}")
}

/// Rust doc Markdown for C: intra-doc links become plain code.
fn plain(doc: &str) -> String {
    doc.replace("[`", "`").replace("`]", "`")
}

/// The unit a C value is in, where it is not the Rust one.
fn c_unit(row: &OptionRow) -> &'static str {
    match row.kind {
        "Seconds" => " The value is in whole seconds.",
        "Millis" => " The value is in whole milliseconds; 0 means none (the kernel's default).",
        _ => "",
    }
}

fn doc_block(out: &mut String, doc: &str, c_line: &str) {
    out.push_str("/**\n");
    for line in plain(doc).lines() {
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str(" *\n");
        } else {
            let _ = writeln!(out, " *{line}");
        }
    }
    out.push_str(" *\n");
    // cbindgen wraps at 100 columns; so do we.
    for line in wrap(c_line, 96) {
        let _ = writeln!(out, " * {line}");
    }
    out.push_str(" */\n");
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let last = lines.last_mut().expect("one line");
        if !last.is_empty() && last.len() + 1 + word.len() > width {
            lines.push(word.to_owned());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// The declarations and docs of every table export, as cbindgen would
/// write them.
pub fn c_declarations() -> String {
    let mut out = String::new();
    for row in OPTION_ROWS {
        if !row.set.is_empty() {
            out.push('\n');
            doc_block(
                &mut out,
                row.set_doc,
                &format!(
                    "C: `wl_{set}`, mirrors `wirelane::{set}`. `fd` is any socket descriptor, e.g. from \
                 `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.{unit}",
                    set = row.set,
                    unit = c_unit(row)
                ),
            );
            let _ = writeln!(out, "int wl_{}(int fd, {} value);", row.set, row.c_type);
        }
        out.push('\n');
        doc_block(
            &mut out,
            row.get_doc,
            &format!(
                "C: `wl_{get}`, mirrors `wirelane::{get}`. `fd` is any socket descriptor. Writes the \
                 value to `*out`; returns 0 or `-errno` (`*out` written only on success).{unit}",
                get = row.get,
                unit = c_unit(row)
            ),
        );
        let _ = writeln!(out, "int wl_{}(int fd, {} *out);", row.get, row.c_type);
    }
    out
}

/// cbindgen's header with the table's declarations spliced in after the
/// hand-written options (`wl_leave_multicast_v6`).
pub fn splice_header(cbindgen: &str) -> String {
    let anchor = "int wl_leave_multicast_v6(int fd, const uint8_t *group, uint32_t interface);\n";
    let at = cbindgen
        .find(anchor)
        .expect("header anchor wl_leave_multicast_v6 missing")
        + anchor.len();
    format!("{}{}{}", &cbindgen[..at], c_declarations(), &cbindgen[at..])
}

/// Python: the typed `self` of a method valid on these sockets.
fn py_self(scope: &str) -> &'static str {
    match scope {
        "any" => "self",
        "inet" => "self: Options[SocketAddrV4] | Options[SocketAddrV6]",
        "v4" => "self: Options[SocketAddrV4]",
        "v6" => "self: Options[SocketAddrV6]",
        "unix" => "self: Options[UnixAddr]",
        other => panic!("unknown scope {other}"),
    }
}

/// Python: the ctypes type of a C value.
fn py_ctype(c_type: &str) -> &'static str {
    match c_type {
        "bool" => "c_bool",
        "uint8_t" => "c_uint8",
        "uint16_t" => "c_uint16",
        "uint32_t" => "c_uint32",
        "int32_t" => "c_int32",
        "uint64_t" => "c_uint64",
        "size_t" => "c_size_t",
        other => panic!("no ctypes type for {other}"),
    }
}

/// The Python declarations: each row's C type and whether it has a
/// setter, from which `_options.py` declares `wl_set_<name>` and `wl_<name>`.
pub fn python_types() -> String {
    let mut out = String::from("_OPTION_TYPES: dict[str, tuple[Any, bool]] = {\n");
    for row in OPTION_ROWS {
        let writable = if row.set.is_empty() { "False" } else { "True" };
        let _ = writeln!(out, "    \"{}\": ({}, {writable}),", row.get, py_ctype(row.c_type));
    }
    out.push_str("}\n");
    out
}

/// The Python option methods (inside `class Options`): per row a setter
/// (its value checked against the C type by `_check.option`, so a bad
/// argument is a clear Python error) and a getter over `_set_option` /
/// `_get_option`.
pub fn python_methods() -> String {
    let mut out = String::new();
    for row in OPTION_ROWS {
        let hint = if row.c_type == "bool" { "bool" } else { "int" };
        let unit = match row.kind {
            "Seconds" => " in seconds",
            "Millis" => " in milliseconds (0: none)",
            _ => "",
        };
        let this = py_self(row.scope);
        let (name, man, brief) = (row.name, row.man, row.brief);
        if !row.set.is_empty() {
            let _ = writeln!(
                out,
                "    def {set}({this}, value: {hint}) -> None:\n        \
             \"\"\"Sets ``{name}`` (``{man}``){unit}: {brief}.\"\"\"\n        \
             self._set_option(\"{get}\", value, \"{set}\")\n",
                set = row.set,
                get = row.get,
            );
        }
        let _ = writeln!(
            out,
            "    def {get}({this}) -> {hint}:\n        \
             \"\"\"Reads ``{name}`` (``{man}``){unit}: {brief}.\"\"\"\n        \
             return {hint}(self._get_option(\"{get}\"))\n",
            get = row.get,
        );
    }
    out
}

/// C++: the value type of a row.
fn cpp_type(row: &OptionRow) -> &'static str {
    match (row.kind, row.c_type) {
        ("Seconds", _) => "std::chrono::seconds",
        ("Millis", _) => "std::chrono::milliseconds",
        (_, "bool") => "bool",
        (_, "uint8_t") => "std::uint8_t",
        (_, "uint16_t") => "std::uint16_t",
        (_, "uint32_t") => "std::uint32_t",
        (_, "int32_t") => "std::int32_t",
        (_, "uint64_t") => "std::uint64_t",
        (_, "size_t") => "std::size_t",
        (_, other) => panic!("no C++ type for {other}"),
    }
}

fn cpp_c_type(c_type: &str) -> &'static str {
    match c_type {
        "bool" => "bool",
        "uint8_t" => "std::uint8_t",
        "uint16_t" => "std::uint16_t",
        "uint32_t" => "std::uint32_t",
        "int32_t" => "std::int32_t",
        "uint64_t" => "std::uint64_t",
        "size_t" => "std::size_t",
        other => panic!("no C++ type for {other}"),
    }
}

/// The C++ option functions: one `WL_HPP_OPTION` line per row
/// (`WL_HPP_OPTION_READ` for a read-only one).
pub fn cpp_options() -> String {
    let mut out = String::new();
    // These four live in the C++ API's own namespaces (wl::batch,
    // wl::fdpass, wl::zerocopy, where a function wl::zerocopy could not
    // exist next to the namespace); their WL_HPP_OPTION lines are there.
    let elsewhere = ["udp_segment", "udp_gro", "passcred", "zerocopy"];
    for row in OPTION_ROWS.iter().filter(|r| !elsewhere.contains(&r.get)) {
        let _ = writeln!(out, "/// `{}` (`{}`): {}.", row.name, row.man, row.brief);
        let which = if row.set.is_empty() {
            "WL_HPP_OPTION_READ"
        } else {
            "WL_HPP_OPTION"
        };
        let _ = writeln!(
            out,
            "{which}({}, {}, {})",
            row.get,
            cpp_type(row),
            cpp_c_type(row.c_type)
        );
    }
    out
}

/// "`set_x` / `x`", or "`x` (read-only)", with a prefix and suffix.
fn pair(row: &OptionRow, pre: &str, post: &str) -> String {
    if row.set.is_empty() {
        format!("{pre}{}{post} (read-only)", row.get)
    } else {
        format!("{pre}{}{post} / {pre}{}{post}", row.set, row.get)
    }
}

/// The options table of the docs (Markdown).
pub fn docs_table() -> String {
    let mut out = String::from(
        "| option | level | man | sockets | Rust (`wirelane::`) | C | value | Python / C++ |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for row in OPTION_ROWS {
        let range = match row.kind {
            "Count" | "Bytes" | "Seconds" | "Millis" => format!(" in {}..={}", row.min, row.max),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "| `{name}` | `{level}` | {man} | {scope} | {rust} | {c} | `{ty}`{range} | {py} |",
            name = row.name,
            level = row.level,
            man = row.man,
            scope = row.scope,
            rust = pair(row, "`", "`"),
            c = pair(row, "`wl_", "`"),
            py = pair(row, "`", "()`"),
            ty = row.rust_type.replace(' ', ""),
        );
    }
    out
}

/// Replaces the lines between the markers of block `tag` in `file` with
/// `block`.
pub fn replace_block(file: &str, tag: &str, block: &str) -> String {
    let (b, e) = (begin(tag), end(tag));
    let begin = file.find(&b).unwrap_or_else(|| panic!("marker `{b}` missing"));
    let begin_end = begin + file[begin..].find('\n').expect("newline after BEGIN") + 1;
    let end = file[begin_end..]
        .find(&e)
        .unwrap_or_else(|| panic!("marker `{e}` missing"))
        + begin_end;
    let end_line = file[..end].rfind('\n').map_or(0, |i| i + 1);
    format!("{}{}{}", &file[..begin_end], block, &file[end_line..])
}
