"""Descriptor passing (``SCM_RIGHTS``) and credentials (``SCM_CREDENTIALS``)
over Unix sockets, see ``unix(7)``: methods for ``Connection[Unix]`` and
``ConnectedDatagram[Unix]`` (a type checker rejects them on IP sockets)."""

from __future__ import annotations

import ctypes
import select
from ctypes import POINTER, c_bool, c_int, c_size_t, c_ssize_t, c_void_p
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple, Sequence

from . import _check, _ffi
from . import _prototypes as _p
from ._addr import D, UnixAddr
from ._base import TimeoutSocket

_Fn = Callable[..., int]


class Credentials(NamedTuple):
    """A Unix peer's credentials (``SO_PEERCRED``, ``SCM_CREDENTIALS``)."""

    pid: int
    uid: int
    gid: int


@dataclass(frozen=True)
class FdFns:
    """One handle type's descriptor-passing functions."""

    send_fd: _Fn
    recv_fd: _Fn
    send_fds: _Fn
    recv_fds: _Fn
    send_cred: _Fn
    recv_cred: _Fn


def _fns(prefix: str) -> FdFns:
    def fn(verb: str) -> Any:
        return _ffi.DECLARED[f"{prefix}_{verb}"]

    return FdFns(
        send_fd=fn("send_fd"),
        recv_fd=fn("recv_fd"),
        send_fds=fn("send_fds"),
        recv_fds=fn("recv_fds"),
        send_cred=fn("send_with_credentials"),
        recv_cred=fn("recv_with_credentials"),
    )


CONN_FNS = _fns("wl_conn")
DGRAM_CONN_FNS = _fns("wl_dgram_conn")
_own_credentials: _Fn = _p.wl_own_credentials

MAX_FDS = 253
"""The most descriptors one message carries (``SCM_MAX_FD``)."""

_IN = select.POLLIN
_OUT = select.POLLOUT


def _fileno(fd: Any, what: str = "send_fd") -> int:
    return _check.fileno(fd, "fd", what)


def own_credentials() -> Credentials:
    """This process's credentials as ``SCM_CREDENTIALS`` sends them."""
    out = _ffi.wl_ucred()
    _own_credentials(ctypes.byref(out))
    return Credentials(out.pid, out.uid, out.gid)


class FdPassing(TimeoutSocket[D]):
    """The descriptor-passing methods (mixed into the connected states)."""

    __slots__ = ()
    _FDP: FdFns

    def send_fd(self: FdPassing[UnixAddr], fd: Any) -> None:
        """Sends one descriptor (an ``int`` or anything with ``fileno()``)
        with one byte of data. It stays open and yours; the receiver gets
        a new descriptor for the same open file."""
        n = _fileno(fd)
        self._io("send_fd()", _OUT, lambda h: self._FDP.send_fd(h, n))

    def recv_fd(self: FdPassing[UnixAddr]) -> int:
        """Receives one descriptor sent with :meth:`send_fd`; it is
        close-on-exec and yours to close. ``OSError(ENODATA)`` if the peer
        closed first, ``EMSGSIZE`` if more than one came (all closed)."""
        out = c_int(-1)
        self._io("recv_fd()", _IN, lambda h: self._FDP.recv_fd(h, ctypes.byref(out)))
        return out.value

    def send_fds(self: FdPassing[UnixAddr], data: Any, fds: Sequence[Any]) -> int:
        """Sends ``data`` (at least one byte on a stream) with up to 253
        descriptors in one ``sendmsg(2)``; returns the data bytes sent. The
        descriptors stay yours."""
        nums = [_check.fileno(f, "fds", "send_fds") for f in _check.iterable(fds, "fds", "send_fds")]
        arr = (c_int * max(len(nums), 1))(*nums)
        return self._send_buffer("send_fds()", data, lambda h, ptr, n: self._FDP.send_fds(h, ptr, n, arr, len(nums)))

    def recv_fds(self: FdPassing[UnixAddr], bufsize: int, maxfds: int) -> tuple[bytes, list[int]]:
        """Receives up to ``bufsize`` bytes and up to ``maxfds`` descriptors
        (close-on-exec, yours to close). ``OSError(EMSGSIZE)`` when more
        descriptors came than ``maxfds`` (every one that arrived is closed)."""
        bufsize = _check.size(bufsize, "bufsize", "recv_fds")
        maxfds = _check.size(maxfds, "maxfds", "recv_fds", _check.INT_MAX)
        buf = (ctypes.c_char * bufsize)()
        fds = (c_int * max(maxfds, 1))()
        count = c_size_t()
        got = self._io(
            "recv_fds()",
            _IN,
            lambda h: self._FDP.recv_fds(h, buf, bufsize, fds, maxfds, ctypes.byref(count)),
            eof_is_zero=True,
        )
        return ctypes.string_at(buf, got), list(fds[: count.value])

    def send_with_credentials(self: FdPassing[UnixAddr], data: Any) -> int:
        """Sends ``data`` with this process's kernel-checked credentials
        (the receiver needs ``set_passcred(True)``)."""
        return self._send_buffer("send_with_credentials()", data, lambda h, ptr, n: self._FDP.send_cred(h, ptr, n))

    def recv_with_credentials(self: FdPassing[UnixAddr], bufsize: int) -> tuple[bytes, Credentials | None]:
        """Receives data and the sender's credentials (``None`` if none
        came: turn on ``set_passcred(True)`` first)."""
        bufsize = _check.size(bufsize, "bufsize", "recv_with_credentials")
        buf = (ctypes.c_char * bufsize)()
        cred = _ffi.wl_ucred()
        has = c_bool()
        got = self._io(
            "recv_with_credentials()",
            _IN,
            lambda h: self._FDP.recv_cred(h, buf, bufsize, ctypes.byref(cred), ctypes.byref(has)),
            eof_is_zero=True,
        )
        who = Credentials(cred.pid, cred.uid, cred.gid) if has.value else None
        return ctypes.string_at(buf, got), who
