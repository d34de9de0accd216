#!/usr/bin/env python3
"""Generates ``wirelane/_prototypes.py`` (the ctypes declarations of the C
ABI) from ``include/wirelane.h``, the header cbindgen writes.

    python bindings/python/gen_prototypes.py           # rewrite the module
    python bindings/python/gen_prototypes.py --check   # exit 1 if it drifted

The header is cbindgen's regular output, so a small parser is enough:
``typedef struct NAME NAME;`` is an opaque handle type, ``typedef struct
{ TYPE NAME; ... } NAME;`` a structure, and every ``TYPE wl_NAME(PARAMS);``
a function. A new export in the header only needs a re-run; a C type this
script does not know is an error naming it (teach ``SCALARS`` below).
``tests/test_prototypes.py`` fails when the committed module differs from
what this script makes of the header.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = HERE.parent.parent / "include" / "wirelane.h"
OUTPUT = HERE / "wirelane" / "_prototypes.py"

# C scalar types -> ctypes names.
SCALARS = {
    "int": "c_int",
    "unsigned int": "c_uint",
    "bool": "c_bool",
    "size_t": "c_size_t",
    "ssize_t": "c_ssize_t",
    "int8_t": "c_int8",
    "int16_t": "c_int16",
    "int32_t": "c_int32",
    "int64_t": "c_int64",
    "uint8_t": "c_uint8",
    "uint16_t": "c_uint16",
    "uint32_t": "c_uint32",
    "uint64_t": "c_uint64",
    "socklen_t": "c_uint32",
    "pid_t": "c_int",
    "uid_t": "c_uint32",
    "gid_t": "c_uint32",
}

# System structures the header uses, with their Linux/glibc layout.
SYSTEM_STRUCTS = {
    "struct sockaddr_storage": (
        "sockaddr_storage",
        '''class sockaddr_storage(Structure):
    """``struct sockaddr_storage``: 128 bytes, 8-byte aligned (glibc layout)."""

    _fields_ = [
        ("ss_family", c_ushort),
        ("_padding", c_ubyte * 118),
        ("_align", c_ulong),
    ]''',
    ),
    "struct iovec": (
        "iovec",
        '''class iovec(Structure):
    """``struct iovec``."""

    _fields_ = [("iov_base", c_void_p), ("iov_len", c_size_t)]''',
    ),
}

# Functions whose int result is not -errno (they are called from the error
# hook itself, or their negative results mean something else).
NO_ERRCHECK = {"wl_last_error_message"}


@dataclass
class Func:
    name: str
    ret: str
    params: list[tuple[str, str]]  # (C type, name)


def strip_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)


def split_decl(decl: str) -> tuple[str, str]:
    """``"const wl_addr *to"`` -> (``"const wl_addr *"``, ``"to"``)."""
    decl = " ".join(decl.replace("*", " * ").split())
    m = re.match(r"^(.*?)(\w+)$", decl)
    if m is None:
        raise SystemExit(f"cannot parse declaration {decl!r}")
    return m.group(1).strip(), m.group(2)


class Header:
    def __init__(self, text: str) -> None:
        body = strip_comments(text)
        self.opaque = re.findall(r"^typedef struct (\w+) \1;", body, flags=re.M)
        self.structs: list[tuple[str, list[tuple[str, str]]]] = []
        for m in re.finditer(r"^typedef struct \{(.*?)\} (\w+);", body, flags=re.M | re.S):
            fields = [split_decl(f) for f in m.group(1).split(";") if f.strip()]
            self.structs.append((m.group(2), fields))
        self.funcs: list[Func] = []
        for m in re.finditer(r"^([A-Za-z][\w \*]*?)\s*\b(wl_\w+)\(([^)]*)\);", body, flags=re.M):
            params = m.group(3).strip()
            plist = [] if params in ("", "void") else [split_decl(p) for p in params.split(",")]
            self.funcs.append(Func(m.group(2), " ".join(m.group(1).replace("*", " * ").split()), plist))
        if not self.funcs:
            raise SystemExit("no wl_* functions found in the header")
        self.known = set(self.opaque) | {name for name, _ in self.structs}

    def ctype(self, ctype: str, where: str) -> str:
        """The ctypes expression for a C type (``void`` -> ``None``)."""
        t = " ".join(re.sub(r"\b(const|restrict)\b", " ", ctype).split())
        stars = t.count("*")
        base = t.replace("*", "").strip()
        base = " ".join(base.split())
        if base == "void":
            if stars == 0:
                return "None"
            expr, stars = "c_void_p", stars - 1
        elif base == "char" and stars >= 1:
            expr, stars = "c_char_p", stars - 1
        elif base == "struct sockaddr" and stars >= 1:
            expr, stars = "c_void_p", stars - 1
        elif base in SYSTEM_STRUCTS:
            expr = SYSTEM_STRUCTS[base][0]
        elif base in SCALARS:
            expr = SCALARS[base]
        elif base in self.known:
            expr = base
        else:
            raise SystemExit(f"{where}: no ctypes mapping for C type {ctype!r} (teach gen_prototypes.py)")
        for _ in range(stars):
            expr = f"POINTER({expr})"
        return expr


def annotation(restype: str) -> str:
    if restype == "None":
        return "Callable[..., None]"
    if restype == "c_char_p":
        return "Callable[..., bytes]"
    if restype in SCALARS.values():
        return "Callable[..., bool]" if restype == "c_bool" else "Callable[..., int]"
    return "Callable[..., Any]"


def generate(header_text: str) -> str:
    h = Header(header_text)
    out = [
        '"""The ctypes declarations of ``include/wirelane.h``: one opaque',
        "``Structure`` per handle type, every structure with its fields, and",
        "every function with its ``restype`` and ``argtypes``; functions returning",
        "``int``/``ssize_t`` carry the one ``errcheck`` hook (``-errno`` ->",
        "``OSError``).",
        "",
        "GENERATED by bindings/python/gen_prototypes.py from include/wirelane.h: do",
        "not edit. Regenerate after the header changes:",
        "",
        "    python bindings/python/gen_prototypes.py",
        '"""',
        "",
        "# ruff: noqa: E501",
        "from __future__ import annotations",
        "",
        "from ctypes import (",
    ]
    names = sorted(
        {
            "POINTER",
            "Structure",
            "c_ubyte",
            "c_ulong",
            "c_ushort",
            "c_void_p",
            "c_size_t",
            "c_char_p",
            *SCALARS.values(),
        }
    )
    out += [f"    {n}," for n in names]
    out += [
        ")",
        "from typing import Any, Callable",
        "",
        "from ._native import bind",
        "",
        "# --- system structures ---------------------------------------------------",
        "",
    ]
    for _, (_, src) in SYSTEM_STRUCTS.items():
        out += ["", src, ""]
    out += ["", "# --- opaque handle types ---------------------------------------------------", ""]
    for name in h.opaque:
        out += ["", f"class {name}(Structure):", f'    """Opaque ``{name}``."""', ""]
    out += ["", "# --- structures ----------------------------------------------------------", ""]
    for name, fields in h.structs:
        out += ["", f"class {name}(Structure):", f'    """``{name}`` (see include/wirelane.h)."""', ""]
        out.append("    _fields_ = [")
        for ctype, fname in fields:
            out.append(f'        ("{fname}", {h.ctype(ctype, name + "." + fname)}),')
        out += ["    ]", ""]
    out += ["", "# --- functions -------------------------------------------------------------", ""]
    for f in h.funcs:
        restype = h.ctype(f.ret, f.name)
        args = ", ".join(h.ctype(t, f"{f.name}({n})") for t, n in f.params)
        check = restype in ("c_int", "c_ssize_t") and f.name not in NO_ERRCHECK
        params = ", ".join(n for _, n in f.params)
        extra = "" if check else ", errcheck=False"
        out.append(f"# {f.name}({params})")
        out.append(f'{f.name}: {annotation(restype)} = bind("{f.name}", {restype}, [{args}]{extra})')
    out += [
        "",
        f"FUNCTIONS: tuple[str, ...] = (",
        *[f'    "{f.name}",' for f in h.funcs],
        ")",
        '"""Every function of the header, in header order."""',
        "",
    ]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed module differs")
    ap.add_argument("--header", type=Path, default=HEADER)
    ap.add_argument("--output", type=Path, default=OUTPUT)
    args = ap.parse_args()
    text = generate(args.header.read_text(encoding="utf-8"))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date with {args.header}: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({text.count(' = bind(')} functions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
