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
/// hand-written options (`wl_leave_multicast_v6`), followed by the
/// lifecycle exports of every handle ([`lifecycle_declarations`]).
pub fn splice_header(cbindgen: &str) -> String {
    let anchor = "int wl_leave_multicast_v6(int fd, const uint8_t *group, uint32_t interface);\n";
    let at = cbindgen
        .find(anchor)
        .expect("header anchor wl_leave_multicast_v6 missing")
        + anchor.len();
    format!(
        "{}{}{}{}",
        &cbindgen[..at],
        c_declarations(),
        lifecycle_declarations(),
        &cbindgen[at..]
    )
}

/// The `src/ffi` sources in the order cbindgen reads them (mod.rs's
/// `mod` lines).
fn ffi_sources_in_mod_order() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/ffi");
    let root = std::fs::read_to_string(format!("{dir}/mod.rs")).expect("read src/ffi/mod.rs");
    root.lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .map(|m| {
            let path = format!("{dir}/{m}.rs");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
            (m.to_owned(), text)
        })
        .collect()
}

/// Every `forward_exports!` entry written out as a plain export (docs,
/// `#[unsafe(no_mangle)]`, `pub unsafe extern "C" fn wl_<name>(..) -> R {}`),
/// with the entry names in order.
fn forward_source() -> (String, Vec<String>) {
    let mut src = String::new();
    let mut names = Vec::new();
    for (module, text) in ffi_sources_in_mod_order() {
        let mut inside = false;
        let mut docs = String::new();
        let mut entry = String::new();
        for line in text.lines() {
            let t = line.trim();
            if !inside {
                inside = line == "forward_exports! {";
                continue;
            }
            if line == "}" {
                assert!(
                    entry.is_empty(),
                    "{module}.rs: unfinished forward_exports! entry `{entry}`"
                );
                inside = false;
            } else if t.starts_with("///") {
                docs.push_str(t);
                docs.push('\n');
            } else if t.starts_with("fn ") || !entry.is_empty() {
                entry.push_str(t);
                entry.push(' ');
                if t.ends_with(';') {
                    let sig = entry.trim().strip_prefix("fn ").expect("fn").to_owned();
                    // The signature ends with its return type, one word
                    // after `) -> `; ` = <call>` or ` => <body>` follows.
                    let ret_at = sig.find(") -> ").expect("an entry returns a value") + ") -> ".len();
                    let ret_len = sig[ret_at..].find(' ').expect("` = <call>;` or ` => <body>;`");
                    let sig = sig[..ret_at + ret_len].to_owned();
                    let name: String = sig.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    let sig = sig.replace("( ", "(").replace(", )", ")");
                    src.push_str(&docs);
                    src.push_str("#[unsafe(no_mangle)]\npub unsafe extern \"C\" fn wl_");
                    src.push_str(&sig);
                    src.push_str(" {}\n\n");
                    names.push(format!("wl_{name}"));
                    docs.clear();
                    entry.clear();
                }
            } else {
                assert!(
                    t.is_empty() || t.starts_with("//"),
                    "{module}.rs: unexpected `{t}` in forward_exports!"
                );
                docs.clear();
            }
        }
    }
    (src, names)
}

/// The names of the `forward_exports!` entries (`wl_...`), in order.
pub fn forward_names() -> Vec<String> {
    forward_source().1
}

/// A file holding every `forward_exports!` entry written out as a plain
/// export, for cbindgen to read next to `src/ffi/mod.rs` (so the header
/// declares them, with their docs, and the types they use). `tag` keeps
/// the files of tests running at once apart.
pub fn forward_source_file(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wirelane-forward-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    let file = dir.join("forward_exports.rs");
    std::fs::write(&file, forward_source().0).expect("write the written-out exports");
    file
}

/// One export generated by `lifecycle_exports!` (src/ffi/lifecycle.rs).
pub struct LifecycleFn {
    /// The C name, e.g. `wl_raw_free`.
    pub name: String,
    /// The C declaration, e.g. `void wl_raw_free(wl_raw *sock);`.
    pub decl: String,
    /// The doc lines, each as its `#[doc]` string (a leading space kept).
    pub doc: Vec<String>,
}

fn lifecycle_source() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/ffi/lifecycle.rs");
    std::fs::read_to_string(path).expect("read src/ffi/lifecycle.rs")
}

/// The value of one doc line of lifecycle.rs: `/// text`, or
/// `#[doc = concat!("..", stringify!($ty), "..")]` with `$ty` = `ty`.
fn doc_value(line: &str, ty: &str) -> Option<String> {
    let line = line.trim();
    if let Some(text) = line.strip_prefix("///") {
        return Some(text.to_owned());
    }
    let args = line.strip_prefix("#[doc = concat!(")?.strip_suffix(")]")?;
    let mut value = String::new();
    let mut rest = args;
    while !rest.is_empty() {
        rest = rest.trim_start_matches([',', ' ']);
        if let Some(r) = rest.strip_prefix("stringify!($ty)") {
            value.push_str(ty);
            rest = r;
        } else if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').expect("a closed string in lifecycle.rs");
            assert!(!r[..end].contains('\\'), "no escapes in lifecycle.rs doc strings");
            value.push_str(&r[..end]);
            rest = &r[end + 1..];
        } else {
            panic!("lifecycle.rs: cannot read doc argument `{rest}`");
        }
    }
    Some(value)
}

/// Every export `lifecycle_exports!` generates, in the order it generates
/// them, with the docs its templates and entries give.
pub fn lifecycle_fns() -> Vec<LifecycleFn> {
    let src = lifecycle_source();
    let lines: Vec<&str> = src.lines().collect();
    // The templates: the doc lines before each `extern "C" fn $<verb>(`.
    let mut templates: Vec<(String, Vec<&str>)> = Vec::new();
    let mut doc: Vec<&str> = Vec::new();
    let table = lines
        .iter()
        .position(|l| *l == "lifecycle_exports! {")
        .expect("the lifecycle_exports! table");
    for line in &lines[..table] {
        let t = line.trim();
        if t.starts_with("///") || t.starts_with("#[doc = concat!(") {
            doc.push(line);
        } else if let Some(rest) = t.strip_prefix("pub unsafe extern \"C\" fn $") {
            let verb: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            templates.push((verb, std::mem::take(&mut doc)));
        } else if !t.starts_with("#[") {
            doc.clear();
        }
    }
    let template = |verb: &str| {
        &templates
            .iter()
            .find(|(v, _)| v == verb)
            .unwrap_or_else(|| panic!("no template for {verb}"))
            .1
    };
    let mut out = Vec::new();
    let mut i = table + 1;
    while i < lines.len() && lines[i] != "}" {
        let entry = lines[i].trim();
        i += 1;
        if entry.is_empty() || entry.starts_with("//") {
            continue;
        }
        let words: Vec<&str> = entry.trim_end_matches([';', '{', ' ']).split(' ').collect();
        let (short, ty) = (words[0], words[1]);
        for verb in ["free", "fd", "into_fd"] {
            let doc = template(verb).iter().filter_map(|l| doc_value(l, ty)).collect();
            let decl = match verb {
                "free" => format!("void wl_{short}_free({ty} *sock);"),
                "fd" => format!("int wl_{short}_fd(const {ty} *sock);"),
                _ => format!("int wl_{short}_into_fd({ty} *sock);"),
            };
            out.push(LifecycleFn {
                name: format!("wl_{short}_{verb}"),
                decl,
                doc,
            });
        }
        if entry.ends_with('{') {
            let mut doc = Vec::new();
            while lines[i].trim() != "};" {
                doc.push(doc_value(lines[i], ty).expect("a doc line in a lifecycle entry"));
                i += 1;
            }
            i += 1;
            out.push(LifecycleFn {
                name: format!("wl_{short}_from_fd"),
                decl: format!("int wl_{short}_from_fd(int fd, {ty} **out);"),
                doc,
            });
        }
    }
    assert!(out.len() > 40, "lifecycle.rs: only {} exports found", out.len());
    out
}

/// The declarations and docs of the lifecycle exports, as cbindgen writes
/// a function.
pub fn lifecycle_declarations() -> String {
    let mut out = String::new();
    for f in lifecycle_fns() {
        out.push_str("\n/**\n");
        for line in &f.doc {
            let _ = writeln!(out, " *{}", line.trim_end());
        }
        out.push_str(" */\n");
        out.push_str(&f.decl);
        out.push('\n');
    }
    out
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
