"""The hot data methods that a connected stream and a connected datagram
socket share (``send``, ``recv``, the slow path of ``recv_into``), written
once and made per state as closures over that state's C functions.

A class declares the method with its signature and docstring and decorates
it (``@_hot.send(_ffi.CONN, "wl_conn_send")``); the decorator returns the
generated function under the declaration's name and docstring. The
generated fast path is the one the classes had written out: one ctypes call
through ``_ffi.fast`` (no argtypes, the ``_hb`` byref handle, a pooled
scratch buffer), no extra Python call; everything else (other argument
types, flags, EINTR, EAGAIN with a timeout, errors, a concurrent close) goes
through the slow path, ``TimeoutSocket._retry``. See _base.py for how
borrowing works without a lock.
"""

from __future__ import annotations

import ctypes
import functools
import select
from typing import Any, Callable, TypeVar

from . import _ffi
from ._base import _CLOSED_EOF, _NOT_YET, _OPEN, _ZERO, TimeoutSocket
from ._buffers import _POOL, SCRATCH_SIZE, give_scratch, int_arg, new_scratch, readable, size_arg, small_bytes, take_scratch, writable

_IN = select.POLLIN
_OUT = select.POLLOUT
_FAST_MAX = _ffi.FAST_INT_MAX
F = TypeVar("F", bound=Callable[..., Any])


def _named(stub: Any, made: Any) -> Any:
    """``made`` under ``stub``'s name, docstring and annotations."""
    return functools.update_wrapper(made, stub)


def send(fns: _ffi.StateFns, name: str) -> Callable[[F], F]:
    """``send(data, flags=0)`` over ``name`` (``wl_<state>_send``)."""
    fast = _ffi.fast(name)
    checked = _ffi.unchecked(name)

    def send_slow(self: TimeoutSocket[Any], data: Any, flags: Any) -> int:
        self._expect(fns, "send")
        fl = int_arg(flags, "flags", "send")
        ptr, n, pin = readable(data)
        try:
            return self._retry("send()", _OUT, lambda hv: checked(hv, ptr, n, fl), _NOT_YET, name)
        finally:
            if pin is not None:
                pin.release()

    def send(self: TimeoutSocket[Any], data: Any, flags: int = 0) -> int:
        if type(data) is not bytes:
            data = small_bytes(data)
        if type(data) is bytes and flags is _ZERO and self._fns is fns and len(data) <= _FAST_MAX:
            users = self._users
            users.append(None)
            if self._state is _OPEN:
                r: int = fast(self._hb, data, len(data), 0)
                users.pop()
                if self._state is not _OPEN:
                    self._settle()
                if r >= 0:
                    return r
                return self._retry("send()", _OUT, lambda hv: checked(hv, data, len(data), 0), r, name)
            users.pop()
            self._settle()
            raise self._unusable()
        return send_slow(self, data, flags)

    return lambda stub: _named(stub, send)


def recv(fns: _ffi.StateFns, name: str) -> Callable[[F], F]:
    """``recv(bufsize, flags=0)`` over ``name`` (``wl_<state>_recv``); 0
    bytes is the peer's end (a shutdown, for a concurrent close)."""
    fast = _ffi.fast(name)
    checked = _ffi.unchecked(name)

    def recv_slow(self: TimeoutSocket[Any], bufsize: Any, flags: Any) -> bytes:
        self._expect(fns, "recv")
        size = size_arg(bufsize, "bufsize", "recv")
        fl = int_arg(flags, "flags", "recv")
        buf: Any = take_scratch() if size <= SCRATCH_SIZE else ctypes.create_string_buffer(size)
        n = self._retry("recv()", _IN, lambda hv: checked(hv, buf, size, fl), _NOT_YET, name, eof_is_zero=True)
        data: bytes = buf[: min(n, size)]  # a datagram's MSG_TRUNC reports its whole length
        if size <= SCRATCH_SIZE:
            give_scratch(buf)
        return data

    def recv(self: TimeoutSocket[Any], bufsize: int, flags: int = 0) -> bytes:
        if type(bufsize) is int and 0 <= bufsize <= SCRATCH_SIZE and flags is _ZERO and self._fns is fns:
            try:
                buf = _POOL.pop()
            except IndexError:
                buf = new_scratch()
            users = self._users
            users.append(None)
            if self._state is _OPEN:
                r: int = fast(self._hb, buf.ref, bufsize, 0)
                users.pop()
                if self._state is not _OPEN:
                    self._settle()
                    if r == 0:
                        r = _CLOSED_EOF
                if r < 0:
                    r = self._retry(
                        "recv()", _IN, lambda hv: checked(hv, buf.addr, bufsize, 0), r, name, eof_is_zero=True
                    )
                data: bytes = buf[:r]  # flags 0: no MSG_TRUNC, r <= bufsize
                _POOL.append(buf)
                return data
            users.pop()
            self._settle()
            raise self._unusable()
        return recv_slow(self, bufsize, flags)

    return lambda stub: _named(stub, recv)


def recv_into_slow(fns: _ffi.StateFns, name: str) -> Callable[[Any, Any, Any, Any], int]:
    """The checked path of ``recv_into(buffer, nbytes, flags)`` over ``name``."""
    checked = _ffi.unchecked(name)

    def recv_into_slow(self: TimeoutSocket[Any], buffer: Any, nbytes: Any, flags: Any) -> int:
        self._expect(fns, "recv_into")
        arr, n = writable(buffer, nbytes, "recv_into")
        fl = int_arg(flags, "flags", "recv_into")
        return self._retry(
            "recv_into()", _IN, lambda hv: checked(hv, arr, n, fl), _NOT_YET, name, eof_is_zero=True
        )

    return recv_into_slow
