"""The raw layer: ctypes declarations of the C ABI (``include/wirelane.h``).

Every function gets ``argtypes`` and ``restype``. Each socket state is its
own opaque ``Structure``, so ctypes itself rejects a handle of the wrong
state (``ctypes.ArgumentError``). Every function returning ``int`` or
``ssize_t`` shares one ``errcheck`` hook that turns a negative return
(``-errno``) into ``OSError(errno, text)``, so the standard subclasses come
out (``ConnectionRefusedError``, ``BrokenPipeError``, ``BlockingIOError``,
...); the text is the library's detailed last-error message when it says
more than ``strerror`` does.

Nothing here is public API: the classes in :mod:`wirelane` are.
"""

from __future__ import annotations

import ctypes
import os
from ctypes import (
    POINTER,
    Structure,
    c_bool,
    c_char_p,
    c_int,
    c_size_t,
    c_ssize_t,
    c_uint,
    c_uint8,
    c_uint16,
    c_uint32,
    c_uint64,
    c_ulong,
    c_ushort,
    c_void_p,
)
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Final

from . import _lib

LIB, LIB_PATH = _lib.load()
"""The loaded library and the path it was loaded from."""

# --- structures -------------------------------------------------------------


class sockaddr_storage(Structure):
    """``struct sockaddr_storage``: 128 bytes, 8-byte aligned (glibc layout)."""

    _fields_ = [
        ("ss_family", c_ushort),
        ("_padding", ctypes.c_ubyte * 118),
        ("_align", c_ulong),
    ]


class wl_addr(Structure):
    """``wl_addr``: a ``sockaddr_storage`` and the length of its meaningful
    prefix."""

    _fields_ = [("storage", sockaddr_storage), ("len", c_uint32)]


class iovec(Structure):
    """``struct iovec``."""

    _fields_ = [("iov_base", c_void_p), ("iov_len", c_size_t)]


class wl_ucred(Structure):
    """``wl_ucred``: a Unix peer's pid, uid and gid."""

    _fields_ = [("pid", c_int), ("uid", c_uint32), ("gid", c_uint32)]


# One opaque type per state: POINTER(wl_raw) and POINTER(wl_bound) are
# distinct ctypes types, so passing one where the other is declared fails
# in ctypes before reaching C.
class wl_raw(Structure):
    """Opaque ``wl_raw``."""


class wl_bound(Structure):
    """Opaque ``wl_bound``."""


class wl_listener(Structure):
    """Opaque ``wl_listener``."""


class wl_conn(Structure):
    """Opaque ``wl_conn``."""


class wl_pending(Structure):
    """Opaque ``wl_pending``."""


class wl_dgram(Structure):
    """Opaque ``wl_dgram``."""


class wl_dgram_conn(Structure):
    """Opaque ``wl_dgram_conn``."""


RawP: Final = POINTER(wl_raw)
BoundP: Final = POINTER(wl_bound)
ListenerP: Final = POINTER(wl_listener)
ConnP: Final = POINTER(wl_conn)
PendingP: Final = POINTER(wl_pending)
DgramP: Final = POINTER(wl_dgram)
DgramConnP: Final = POINTER(wl_dgram_conn)
AddrP: Final = POINTER(wl_addr)
_OPAQUE: Final = {RawP, BoundP, ListenerP, ConnP, PendingP, DgramP, DgramConnP}
"""The handle pointer types (see :func:`unchecked`)."""
IovecP: Final = POINTER(iovec)

# --- errors -----------------------------------------------------------------

DECLARED: dict[str, Any] = {}
"""Every declared C function by name (the header-coverage test reads it)."""


def _declare(name: str, restype: Any, *argtypes: Any, check: bool = True) -> Any:
    func = getattr(LIB, name)
    func.restype = restype
    func.argtypes = list(argtypes)
    if check and restype in (c_int, c_ssize_t):
        func.errcheck = _errcheck
    DECLARED[name] = func
    return func


declare = _declare
"""Declares one more library function (for the per-area modules)."""



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


def _is_pointer(t: Any) -> bool:
    return t in _OPAQUE or (isinstance(t, type) and issubclass(t, ctypes._Pointer))


def address_of(handle: Any) -> int | None:
    """The address a handle pointer holds (``None`` for NULL)."""
    value: int | None = ctypes.cast(handle, c_void_p).value
    return value


wl_version: Callable[[], bytes] = _declare("wl_version", c_char_p)
wl_strerror: Callable[[int], bytes] = _declare("wl_strerror", c_char_p, c_int)
# No errcheck: it is called from inside the errcheck hook.
wl_last_error_message: Callable[[Any, int], int] = _declare(
    "wl_last_error_message", c_int, c_char_p, c_size_t, check=False
)


def last_error_message() -> str:
    """This thread's last error message from the library (``""`` if none)."""
    size = 256
    while True:
        buf = ctypes.create_string_buffer(size)
        n = wl_last_error_message(buf, size)
        if n < 0:
            return ""
        if n < size:
            return buf.value.decode("utf-8", "replace")
        size = n + 1


def make_error(errno_: int, function: str) -> OSError:
    """Builds ``OSError(errno, text)`` for a failed call of ``function``.

    ``OSError``'s constructor picks the subclass from the errno. The text is
    ``os.strerror(errno)`` unless the library recorded a detailed message
    for this call (bad input, wrong state ...), which then becomes the text;
    the plain ``strerror`` is kept as a note.
    """
    text = os.strerror(errno_)
    message = last_error_message()
    prefix = function + ": "
    if message.startswith(prefix):
        detail = message[len(prefix) :]
        plain = {text, wl_strerror(errno_).decode("utf-8", "replace")}
        if detail and detail not in plain:
            err = OSError(errno_, detail)
            err.add_note(f"{function}: {text}")
            return err
    return OSError(errno_, text)


def _errcheck(result: int, func: Any, args: tuple[Any, ...]) -> int:
    """The one error hook: a negative return is ``-errno``."""
    if result < 0:
        raise make_error(-result, func.__name__)
    return result


# --- addresses --------------------------------------------------------------

_I = c_int
_Fn = Callable[..., int]

wl_addr_parse: _Fn = _declare("wl_addr_parse", _I, c_char_p, AddrP)
wl_addr_ipv4: _Fn = _declare("wl_addr_ipv4", _I, POINTER(c_uint8), c_uint16, AddrP)
wl_addr_ipv6: _Fn = _declare(
    "wl_addr_ipv6", _I, POINTER(c_uint8), c_uint16, c_uint32, c_uint32, AddrP
)
wl_addr_unix: _Fn = _declare("wl_addr_unix", _I, c_char_p, AddrP)
wl_addr_unix_abstract: _Fn = _declare(
    "wl_addr_unix_abstract", _I, POINTER(c_uint8), c_size_t, AddrP
)
wl_addr_from_sockaddr: _Fn = _declare("wl_addr_from_sockaddr", _I, c_void_p, c_uint32, AddrP)
wl_addr_format: _Fn = _declare("wl_addr_format", _I, AddrP, c_char_p, c_size_t)
wl_addr_family: _Fn = _declare("wl_addr_family", _I, AddrP)
wl_addr_port: _Fn = _declare("wl_addr_port", _I, AddrP)

# --- what every state has ----------------------------------------------------


@dataclass(frozen=True)
class StateFns:
    """The functions every handle type has (``wl_<state>_fd`` ...)."""

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


def _state(prefix: str, handle: Any, adoptable: bool = True) -> StateFns:
    p = prefix
    return StateFns(
        prefix=p,
        handle=handle,
        free=_declare(f"{p}_free", None, handle),
        fd=_declare(f"{p}_fd", _I, handle),
        into_fd=_declare(f"{p}_into_fd", _I, handle),
        domain=_declare(f"{p}_domain", _I, handle),
        local_addr=_declare(f"{p}_local_addr", _I, handle, AddrP),
        set_nonblocking=_declare(f"{p}_set_nonblocking", _I, handle, c_bool),
        is_nonblocking=_declare(f"{p}_is_nonblocking", _I, handle),
        set_read_timeout=_declare(f"{p}_set_read_timeout", _I, handle, c_uint64),
        read_timeout=_declare(f"{p}_read_timeout", _I, handle, POINTER(c_uint64)),
        set_write_timeout=_declare(f"{p}_set_write_timeout", _I, handle, c_uint64),
        write_timeout=_declare(f"{p}_write_timeout", _I, handle, POINTER(c_uint64)),
        take_error=_declare(f"{p}_take_error", _I, handle, POINTER(c_int)),
        from_fd=_declare(f"{p}_from_fd", _I, c_int, POINTER(handle)) if adoptable else None,
    )


RAW: Final = _state("wl_raw", RawP)
BOUND: Final = _state("wl_bound", BoundP)
LISTENER: Final = _state("wl_listener", ListenerP)
CONN: Final = _state("wl_conn", ConnP)
# A connect in flight cannot be adopted: there is no wl_pending_from_fd.
PENDING: Final = _state("wl_pending", PendingP, adoptable=False)
DGRAM: Final = _state("wl_dgram", DgramP)
DGRAM_CONN: Final = _state("wl_dgram_conn", DgramConnP)

# --- wl_raw -----------------------------------------------------------------

wl_raw_new: _Fn = _declare("wl_raw_new", _I, c_int, c_int, POINTER(RawP))
wl_raw_type: _Fn = _declare("wl_raw_type", _I, RawP)
wl_raw_bind: _Fn = _declare("wl_raw_bind", _I, RawP, AddrP, POINTER(BoundP))
wl_raw_bind_dgram: _Fn = _declare("wl_raw_bind_dgram", _I, RawP, AddrP, POINTER(DgramP))
wl_raw_connect: _Fn = _declare("wl_raw_connect", _I, RawP, AddrP, POINTER(ConnP))
wl_raw_connect_nonblocking: _Fn = _declare(
    "wl_raw_connect_nonblocking", _I, RawP, AddrP, POINTER(PendingP)
)
wl_raw_connect_dgram: _Fn = _declare(
    "wl_raw_connect_dgram", _I, RawP, AddrP, POINTER(DgramConnP)
)

# --- wl_bound / wl_listener / wl_pending ---------------------------------------

wl_bound_listen: _Fn = _declare("wl_bound_listen", _I, BoundP, c_uint, POINTER(ListenerP))
wl_listener_accept: _Fn = _declare(
    "wl_listener_accept", _I, ListenerP, POINTER(ConnP), AddrP
)
wl_pending_wait: _Fn = _declare("wl_pending_wait", _I, PendingP, c_int)
wl_pending_finish: _Fn = _declare("wl_pending_finish", _I, PendingP, POINTER(ConnP))

# --- wl_conn ----------------------------------------------------------------

_S = c_ssize_t
wl_conn_send: _Fn = _declare("wl_conn_send", _S, ConnP, c_void_p, c_size_t, c_int)
wl_conn_recv: _Fn = _declare("wl_conn_recv", _S, ConnP, c_void_p, c_size_t, c_int)
wl_conn_send_vectored: _Fn = _declare("wl_conn_send_vectored", _S, ConnP, IovecP, c_size_t)
wl_conn_recv_vectored: _Fn = _declare("wl_conn_recv_vectored", _S, ConnP, IovecP, c_size_t)
wl_conn_shutdown: _Fn = _declare("wl_conn_shutdown", _I, ConnP, c_int)
wl_conn_peer_addr: _Fn = _declare("wl_conn_peer_addr", _I, ConnP, AddrP)
wl_conn_try_clone: _Fn = _declare("wl_conn_try_clone", _I, ConnP, POINTER(ConnP))
wl_conn_pair: _Fn = _declare("wl_conn_pair", _I, POINTER(ConnP), POINTER(ConnP))
wl_conn_peer_credentials: _Fn = _declare(
    "wl_conn_peer_credentials", _I, ConnP, POINTER(wl_ucred)
)

# --- wl_dgram / wl_dgram_conn --------------------------------------------------

wl_dgram_send_to: _Fn = _declare(
    "wl_dgram_send_to", _S, DgramP, c_void_p, c_size_t, AddrP, c_int
)
wl_dgram_recv_from: _Fn = _declare(
    "wl_dgram_recv_from", _S, DgramP, c_void_p, c_size_t, AddrP, c_int
)
wl_dgram_try_clone: _Fn = _declare("wl_dgram_try_clone", _I, DgramP, POINTER(DgramP))
wl_dgram_connect: _Fn = _declare(
    "wl_dgram_connect", _I, DgramP, AddrP, POINTER(DgramConnP)
)
wl_dgram_conn_send: _Fn = _declare(
    "wl_dgram_conn_send", _S, DgramConnP, c_void_p, c_size_t, c_int
)
wl_dgram_conn_recv: _Fn = _declare(
    "wl_dgram_conn_recv", _S, DgramConnP, c_void_p, c_size_t, c_int
)
wl_dgram_conn_send_vectored: _Fn = _declare(
    "wl_dgram_conn_send_vectored", _S, DgramConnP, IovecP, c_size_t
)
wl_dgram_conn_recv_vectored: _Fn = _declare(
    "wl_dgram_conn_recv_vectored", _S, DgramConnP, IovecP, c_size_t
)
wl_dgram_conn_peer_addr: _Fn = _declare("wl_dgram_conn_peer_addr", _I, DgramConnP, AddrP)
wl_dgram_conn_try_clone: _Fn = _declare(
    "wl_dgram_conn_try_clone", _I, DgramConnP, POINTER(DgramConnP)
)
wl_dgram_conn_pair: _Fn = _declare(
    "wl_dgram_conn_pair", _I, POINTER(DgramConnP), POINTER(DgramConnP)
)

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

VERSION: Final = wl_version().decode("ascii")
"""The loaded library's version string, e.g. ``"0.1.0"``."""

HEADER_PATH: Final[Path | None] = _lib.header_path(LIB_PATH)
_lib.check_version(VERSION, LIB_PATH, HEADER_PATH)
