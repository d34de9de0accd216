"""The raw layer against the header: every function declared with the
header's signature, struct layouts equal to the C compiler's, handles of
the wrong state rejected by ctypes, and the one error hook."""

from __future__ import annotations

import ctypes
import errno
import re
import shutil
import subprocess
import tempfile
from ctypes import (
    POINTER,
    c_bool,
    c_char_p,
    c_int,
    c_int32,
    c_int64,
    c_size_t,
    c_ssize_t,
    c_uint,
    c_uint8,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path
from typing import Any

import pytest

import wirelane
from wirelane import _batch, _builder, _connect_by_name, _ffi, _lib, _prototypes, _zerocopy, activation, udp_meta

REPO = _lib.repo_root()


def header_text() -> str:
    path = _ffi.HEADER_PATH
    if path is None:
        pytest.fail(
            "include/wirelane.h not found: run the tests from a Wirelane checkout "
            "(or install a package that ships the header)"
        )
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", path.read_text(), flags=re.S)


def prototypes() -> dict[str, tuple[str, list[str]]]:
    text = header_text()
    out = {}
    for m in re.finditer(r"^([A-Za-z][\w \*]*?)\s*\b(wl_\w+)\(([^)]*)\);", text, flags=re.M):
        ret, name, params = m.group(1), m.group(2), m.group(3)
        plist = [] if params.strip() in ("", "void") else [p.strip() for p in params.split(",")]
        out[name] = (" ".join(ret.split()), plist)
    return out


STRUCTS: dict[str, Any] = {
    "wl_addr": _ffi.wl_addr,
    "wl_ucred": _ffi.wl_ucred,
    "wl_raw": _ffi.wl_raw,
    "wl_bound": _ffi.wl_bound,
    "wl_listener": _ffi.wl_listener,
    "wl_conn": _ffi.wl_conn,
    "wl_pending": _ffi.wl_pending,
    "wl_dgram": _ffi.wl_dgram,
    "wl_dgram_conn": _ffi.wl_dgram_conn,
    "wl_tcp_info": _prototypes.wl_tcp_info,
    "wl_reuse_config": _builder.wl_reuse_config,
    "wl_buffer_config": _builder.wl_buffer_config,
    "wl_keepalive_config": _builder.wl_keepalive_config,
    "wl_tcp_config": _builder.wl_tcp_config,
    "wl_listener_config": _builder.wl_listener_config,
    "wl_connector_config": _builder.wl_connector_config,
    "wl_datagram_config": _builder.wl_datagram_config,
    "wl_send_batch": _batch.wl_send_batch,
    "wl_recv_batch": _batch.wl_recv_batch,
    "wl_recv_slots": _prototypes.wl_recv_slots,
    "wl_mmsg": _batch.wl_mmsg,
    "wl_recv_msg": _batch.wl_recv_msg,
    "wl_segmented_send": _batch.wl_segmented_send,
    "wl_gro_recv": _batch.wl_gro_recv,
    "wl_udp_recv_meta": udp_meta.wl_udp_recv_meta,
    "wl_udp_send_meta": udp_meta.wl_udp_send_meta,
    "wl_udp_queued_error": _prototypes.wl_udp_queued_error,
    "wl_cmsg": _prototypes.wl_cmsg,
    "wl_cmsg_recv": _prototypes.wl_cmsg_recv,
    # Socket kinds (issue 17).
    "wl_seqpacket_raw": _prototypes.wl_seqpacket_raw,
    "wl_seqpacket_bound": _prototypes.wl_seqpacket_bound,
    "wl_seqpacket_listener": _prototypes.wl_seqpacket_listener,
    "wl_seqpacket": _prototypes.wl_seqpacket,
    "wl_icmp_raw": _prototypes.wl_icmp_raw,
    "wl_icmp": _prototypes.wl_icmp,
    "wl_icmp_conn": _prototypes.wl_icmp_conn,
    "wl_echo_reply": _prototypes.wl_echo_reply,
    "wl_rawip_raw": _prototypes.wl_rawip_raw,
    "wl_rawip": _prototypes.wl_rawip,
    "wl_rawip_conn": _prototypes.wl_rawip_conn,
    "wl_bpf_insn": _prototypes.wl_bpf_insn,
    "wl_pipe": _zerocopy.wl_pipe,
    "wl_zerocopy_completion": _zerocopy.wl_zerocopy_completion,
    "struct iovec": _ffi.iovec,
    "wl_inherited": activation.wl_inherited,
    "wl_handover": activation.wl_handover,
    "wl_connect_opts": _connect_by_name.wl_connect_opts,
    "wl_connect_failure": _connect_by_name.wl_connect_failure,
    "wl_connector": _connect_by_name.wl_connector,
}

SCALARS: dict[str, Any] = {
    "int": c_int,
    "bool": c_bool,
    "size_t": c_size_t,
    "ssize_t": c_ssize_t,
    "uint8_t": c_uint8,
    "uint16_t": c_uint16,
    "uint32_t": c_uint32,
    "uint64_t": c_uint64,
    "int64_t": c_int64,
    "int32_t": c_int32,
    "unsigned int": c_uint,
    "socklen_t": c_uint32,
    "pid_t": c_int,
}


def ctype_of(decl: str, param: bool) -> Any:
    """The ctypes type a C parameter (which has a name) or return type
    must be declared as."""
    t = re.sub(r"\b(const|restrict)\b", " ", decl)
    stars = t.count("*")
    words = t.replace("*", " ").split()
    if param:
        words = words[:-1]  # the parameter's name
    base = " ".join(words)
    if base == "void" and stars == 0:
        return None
    if base == "char" and stars == 1:
        return c_char_p
    if base == "char" and stars == 2:  # argv: const char *const *
        return POINTER(c_char_p)
    if base in ("void", "struct sockaddr"):
        assert stars == 1, decl
        return c_void_p
    ty = SCALARS.get(base) or STRUCTS.get(base)
    assert ty is not None, f"no ctypes mapping for {decl!r}"
    for _ in range(stars):
        ty = POINTER(ty)
    return ty


def test_every_header_function_is_declared_with_its_signature() -> None:
    protos = prototypes()
    assert len(protos) > 100, "the header parser found too few prototypes"
    missing = sorted(set(protos) - set(_ffi.DECLARED))
    assert not missing, f"functions in wirelane.h not declared in the Python binding: {missing}"
    extra = sorted(set(_ffi.DECLARED) - set(protos))
    assert not extra, f"declared but not in the header: {extra}"
    for name, (ret, params) in protos.items():
        func = _ffi.DECLARED[name]
        assert func.restype == ctype_of(ret, False), f"{name}: restype {func.restype} vs {ret}"
        want = [ctype_of(p, True) for p in params]
        assert list(func.argtypes) == want, f"{name}: argtypes {func.argtypes} vs {params}"
        if func.restype in (c_int, c_ssize_t) and name != "wl_last_error_message":
            assert func.errcheck is _ffi._errcheck, f"{name} has no errcheck"


def _c_layout(structs: dict[str, Any]) -> dict[str, int]:
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        pytest.fail("no C compiler (cc) to check struct layouts: install gcc or clang")
    assert _ffi.HEADER_PATH is not None
    lines = ['#include "wirelane.h"', "#include <stdio.h>", "#include <stddef.h>", "int main(void) {"]
    for cname, cls in structs.items():
        lines.append(f'printf("{cname} size %zu align %zu\\n", sizeof({cname}), _Alignof({cname}));')
        for fname, *_ in cls._fields_:
            lines.append(f'printf("{cname}.{fname} %zu\\n", offsetof({cname}, {fname}));')
    lines.append("return 0; }")
    with tempfile.TemporaryDirectory() as d:
        src, exe = Path(d) / "layout.c", Path(d) / "layout"
        src.write_text("\n".join(lines))
        subprocess.run([cc, "-std=c11", "-I", str(_ffi.HEADER_PATH.parent), "-o", str(exe), str(src)], check=True)
        out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    result = {}
    for line in out.splitlines():
        parts = line.split()
        if parts[1] == "size":
            result[parts[0] + ":size"] = int(parts[2])
            result[parts[0] + ":align"] = int(parts[4])
        else:
            result[parts[0]] = int(parts[1])
    return result


def test_struct_layouts_match_the_c_compiler() -> None:
    structs = {
        name: cls
        for name, cls in STRUCTS.items()
        if getattr(cls, "_fields_", None) and not name.startswith("struct ")
    }
    c = _c_layout(structs)
    for name, cls in structs.items():
        assert ctypes.sizeof(cls) == c[name + ":size"], name
        assert ctypes.alignment(cls) == c[name + ":align"], name
        for fname, *_ in cls._fields_:
            assert getattr(cls, fname).offset == c[f"{name}.{fname}"], f"{name}.{fname}"


def test_handle_of_the_wrong_state_is_rejected_by_ctypes() -> None:
    bound = _ffi.BoundP()
    raw = _ffi.RawP()
    _ffi.wl_raw_new(2, 1, ctypes.byref(raw))  # AF_INET, SOCK_STREAM
    try:
        addr = _ffi.wl_addr()
        out = _ffi.BoundP()
        with pytest.raises(ctypes.ArgumentError, match="LP_wl_raw"):
            _ffi.wl_raw_bind(bound, ctypes.byref(addr), ctypes.byref(out))
        with pytest.raises(ctypes.ArgumentError):
            _ffi.wl_bound_listen(raw, 1, ctypes.byref(_ffi.ListenerP()))
        with pytest.raises(ctypes.ArgumentError):
            _ffi.CONN.fd(raw)
    finally:
        _ffi.RAW.free(raw)


def test_negative_return_becomes_the_matching_oserror_subclass() -> None:
    with pytest.raises(OSError) as e:
        _ffi.wl_raw_new(12345, 1, ctypes.byref(_ffi.RawP()))
    assert e.value.errno == errno.EAFNOSUPPORT
    lst = wirelane.RawSocket.tcp4().bind(wirelane.SocketAddrV4("127.0.0.1", 0)).listen()
    port = lst.getsockname().port
    lst.setblocking(False)
    with pytest.raises(BlockingIOError):
        lst.accept()
    lst.close()
    with pytest.raises(ConnectionRefusedError) as refused:
        raw = wirelane.RawSocket.tcp4()
        try:
            raw.connect(wirelane.SocketAddrV4("127.0.0.1", port))
        finally:
            raw.close()
    assert refused.value.errno == errno.ECONNREFUSED
    assert refused.value.strerror == "Connection refused"


def test_detailed_library_message_becomes_the_error_text() -> None:
    with pytest.raises(OSError) as e:
        wirelane.RawSocket.unix_stream().close()
        wirelane._addr.to_wl(wirelane.UnixAddr("/" + "x" * 200))
    assert e.value.errno == errno.ENAMETOOLONG
    assert "107" in str(e.value.strerror)
    assert any("wl_addr_unix" in n for n in getattr(e.value, "__notes__", []))


def test_last_error_message_is_per_call_and_named() -> None:
    with pytest.raises(OSError):
        _ffi.wl_addr_parse(b"not an address", ctypes.byref(_ffi.wl_addr()))
    assert _ffi.last_error_message().startswith("wl_addr_parse: ")


def test_strerror_matches_os() -> None:
    import os

    for code in (errno.EPIPE, errno.ECONNREFUSED, errno.EAGAIN):
        assert _ffi.wl_strerror(-code).decode() == os.strerror(code)
