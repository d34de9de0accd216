"""The raw layer: the C ABI's ctypes declarations and what is built on
them (the per-state function tables, the unchecked hot-path bindings).

The declarations themselves are generated from ``include/wirelane.h``
into ``_prototypes`` (see ``gen_prototypes.py``) and re-exported here:
each socket state is its own opaque ``Structure``, so ctypes itself
rejects a handle of the wrong state (``ctypes.ArgumentError``), and every
function returning ``int``/``ssize_t`` shares one ``errcheck`` hook
(``_native``).

Nothing here is public API: the classes in :mod:`wirelane` are.
"""

from __future__ import annotations

import ctypes
import platform
from ctypes import POINTER, c_int, c_int32, c_void_p
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Final

from . import _lib
from . import _prototypes as _p
from ._native import DECLARED, LIB, LIB_PATH, _errcheck, last_error_message, make_error
from ._prototypes import *  # noqa: F403 - the generated declarations, re-exported

__all__ = ["DECLARED", "LIB", "LIB_PATH", "last_error_message", "make_error", "_errcheck"]

RawP: Final = POINTER(_p.wl_raw)
BoundP: Final = POINTER(_p.wl_bound)
ListenerP: Final = POINTER(_p.wl_listener)
ConnP: Final = POINTER(_p.wl_conn)
PendingP: Final = POINTER(_p.wl_pending)
DgramP: Final = POINTER(_p.wl_dgram)
DgramConnP: Final = POINTER(_p.wl_dgram_conn)
AddrP: Final = POINTER(_p.wl_addr)
IovecP: Final = POINTER(_p.iovec)

_OPAQUE: Final = {RawP, BoundP, ListenerP, ConnP, PendingP, DgramP, DgramConnP}
"""The handle pointer types (see :func:`unchecked`)."""


def declare(name: str, restype: Any, *argtypes: Any, check: bool = True) -> Any:
    """The generated binding of ``name``, after checking that the given
    prototype is the header's (kept for code written before the
    prototypes were generated: it declares nothing by hand)."""
    func = DECLARED.get(name)
    if func is None:
        raise AttributeError(f"{name} is not in include/wirelane.h (re-run gen_prototypes.py)")
    if func.restype != restype or list(func.argtypes) != list(argtypes):
        raise TypeError(f"{name}: prototype differs from include/wirelane.h: {restype} {argtypes}")
    return func


def unchecked(name: str) -> Any:
    """A second, unchecked binding of a declared function for the hot
    paths: the same prototype except that every pointer is a plain
    ``void *`` (pass addresses as ``int``: ctypes then skips its type
    checks; the caller has checked the handle's state and keeps what the
    addresses point to alive) and no ``errcheck`` hook (the caller tests
    the raw ``-errno`` result)."""
    proto = DECLARED[name]
    func = LIB[name]  # a new function object: the checked one stays as it is
    func.restype = proto.restype
    func.argtypes = [c_void_p if _is_pointer(t) else t for t in proto.argtypes]
    return func


_INT_EXTENDED: Final = platform.machine() in ("x86_64", "amd64", "aarch64", "arm64") and ctypes.sizeof(c_void_p) == 8
"""Whether :func:`fast` may drop ``argtypes``: without them ctypes passes a
Python ``int`` as a C ``int``, and libffi widens it to the 64-bit
register (sign-extended) on these targets, so a ``size_t`` parameter gets
the right value for 0 <= n < 2**31."""

FAST_INT_MAX: Final = 2**31 - 1
"""The largest ``int`` a :func:`fast` function may be given (see there)."""


def fast(name: str) -> Any:
    """A third binding of a declared function for the hottest paths: no
    ``argtypes`` at all, which halves what ctypes spends on a call (no
    ``from_param`` conversion object per argument; a 4-argument call
    costs ~0.4 µs less here). The caller must pass every pointer as a
    ctypes object that converts itself (``ctypes.byref(...)``, an array,
    ``bytes``, ``None``: never an ``int``, which would be truncated to
    32 bits) and every integer as a Python ``int`` in
    ``0..FAST_INT_MAX`` (sizes, flags). On a target where libffi does
    not widen ``int`` arguments this is :func:`unchecked` (whose
    ``void *``/``size_t`` argtypes accept the same arguments)."""
    if not _INT_EXTENDED:
        return unchecked(name)
    proto = DECLARED[name]
    func = LIB[name]
    func.restype = proto.restype
    return func


def handle_ref(address: int | None) -> Any:
    """``address`` as a ctypes argument for a :func:`fast` function (a
    ``byref`` object: passed as the pointer itself, converted once)."""
    if address is None:
        return None
    return ctypes.byref(ctypes.c_char.from_address(address))


def _is_pointer(t: Any) -> bool:
    return t in _OPAQUE or (isinstance(t, type) and issubclass(t, ctypes._Pointer))


def address_of(handle: Any) -> int | None:
    """The address a handle pointer holds (``None`` for NULL)."""
    value: int | None = ctypes.cast(handle, c_void_p).value
    return value


_Fn = Callable[..., int]

# --- what every state has ----------------------------------------------------

# Exported once, on the descriptor (``wl_socket_<verb>(fd, ...)``): the
# generated declarations in ``_prototypes`` (re-exported above).


@dataclass(frozen=True)
class StateFns:
    """The functions every handle type has: its own ``wl_<state>_fd``,
    ``_into_fd``, ``_free``, ``_from_fd``, and the ``wl_socket_*`` calls
    reached through its descriptor."""

    prefix: str
    handle: Any
    free: Callable[[Any], None]
    fd: _Fn
    into_fd: _Fn
    domain: _Fn
    local_addr: _Fn
    set_nonblocking: _Fn
    is_nonblocking: _Fn
    set_read_timeout: _Fn
    read_timeout: _Fn
    set_write_timeout: _Fn
    write_timeout: _Fn
    take_error: _Fn
    from_fd: _Fn | None


def _on_fd(fd: _Fn, op: _Fn) -> _Fn:
    """``op(wl_<state>_fd(h), ...)``; a NULL handle's ``-EINVAL`` passes through."""

    def call(h: Any, *args: Any) -> int:
        n = fd(h)
        return n if n < 0 else op(n, *args)

    return call


def _domain(fd: int) -> int:
    out = c_int32()
    wl_socket_domain(fd, ctypes.byref(out))
    return int(out.value)


def _state(prefix: str, handle: Any, adoptable: bool = True) -> StateFns:
    def fn(verb: str) -> Any:
        return DECLARED[f"{prefix}_{verb}"]

    fd = fn("fd")
    return StateFns(
        prefix=prefix,
        handle=handle,
        free=fn("free"),
        fd=fd,
        into_fd=fn("into_fd"),
        domain=_on_fd(fd, _domain),
        local_addr=_on_fd(fd, _p.wl_socket_local_addr),
        set_nonblocking=_on_fd(fd, _p.wl_socket_set_nonblocking),
        is_nonblocking=_on_fd(fd, _p.wl_socket_is_nonblocking),
        set_read_timeout=_on_fd(fd, _p.wl_socket_set_read_timeout),
        read_timeout=_on_fd(fd, _p.wl_socket_read_timeout),
        set_write_timeout=_on_fd(fd, _p.wl_socket_set_write_timeout),
        write_timeout=_on_fd(fd, _p.wl_socket_write_timeout),
        take_error=_on_fd(fd, _p.wl_socket_take_error),
        from_fd=fn("from_fd") if adoptable else None,
    )


RAW: Final = _state("wl_raw", RawP)
BOUND: Final = _state("wl_bound", BoundP)
LISTENER: Final = _state("wl_listener", ListenerP)
CONN: Final = _state("wl_conn", ConnP)
# A connect in flight cannot be adopted: there is no wl_pending_from_fd.
PENDING: Final = _state("wl_pending", PendingP, adoptable=False)
DGRAM: Final = _state("wl_dgram", DgramP)
DGRAM_CONN: Final = _state("wl_dgram_conn", DgramConnP)

# --- libc (for what the C ABI does not offer yet) -------------------------------

LIBC: Final = ctypes.CDLL(None, use_errno=True)
_libc_shutdown = LIBC.shutdown
_libc_shutdown.restype = c_int
_libc_shutdown.argtypes = [c_int, c_int]


def libc_shutdown(fd: int, how: int) -> int:
    """``shutdown(2)`` on any socket descriptor; returns 0 or ``-errno``.

    Used to wake a thread blocked in a call on a socket that another thread
    is closing (the C ABI has ``wl_conn_shutdown`` only).
    """
    rc: int = _libc_shutdown(fd, how)
    return 0 if rc == 0 else -ctypes.get_errno()


# --- the version check ----------------------------------------------------------

VERSION: Final = _p.wl_version().decode("ascii")
"""The loaded library's version string, e.g. ``"0.1.0"``."""

HEADER_PATH: Final[Path | None] = _lib.header_path(LIB_PATH)
_lib.check_version(VERSION, LIB_PATH, HEADER_PATH)
