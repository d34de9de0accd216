"""Stream helpers over ``wl_conn_send_all``, ``wl_conn_recv_until``,
``wl_conn_is_connected``, ``wl_wait``, ``wl_is_transient`` and
``wl_errno_name``.

The two looping helpers retry ``EINTR`` inside the library (their job is
to loop), so a signal would not reach Python until they return. To keep
Ctrl-C prompt, the binding calls them in slices of at most
:data:`SLICE` seconds and runs Python's signal handlers between slices,
carrying the progress (``sent``/``consumed``) and the overall deadline
across slices. A multi-byte terminator that straddles two slices is
completed here (the library only sees the bytes of its own call).
"""

from __future__ import annotations

import ctypes
import errno
import math
import select
import socket
import time
from ctypes import POINTER, c_bool, c_char_p, c_int, c_size_t, c_ssize_t, c_void_p
from typing import Any, Callable, final

from . import _check, _ffi
from . import _prototypes as _p
from ._addr import D
from ._base import _CLOSING, TimeoutSocket, check_signals, parse_timeout, wait_fd
from ._buffers import readable, writable

_Fn = Callable[..., int]
_d = _ffi.declare

_wait: _Fn = _p.wl_wait

SLICE = 0.1
"""The longest the binding stays inside one looping library call (seconds)."""

READABLE = 1
"""``WL_READABLE``: data to read (``POLLIN``)."""
PRIORITY = 2
"""``WL_PRIORITY``: urgent data (``POLLPRI``)."""
WRITABLE = 4
"""``WL_WRITABLE``: room to write (``POLLOUT``)."""
ERROR = 8
"""``WL_ERROR``: an error is pending (``POLLERR``; reported even if not asked)."""
HANGUP = 16
"""``WL_HANGUP``: the peer hung up (``POLLHUP``; reported even if not asked)."""
READ_HANGUP = 8192
"""``WL_READ_HANGUP``: the peer shut down writing (``POLLRDHUP``)."""


@final
class CancelToken:
    """A flag another thread sets to stop :meth:`Connection.send_all` (it
    raises ``OSError(ECANCELED)`` within about 50 ms). The library reads it
    as a C11 ``atomic_bool``."""

    __slots__ = ("_flag",)

    def __init__(self) -> None:
        self._flag = c_bool(False)

    def cancel(self) -> None:
        """Requests cancellation."""
        self._flag.value = True

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return bool(self._flag.value)

    def _ptr(self) -> Any:
        return ctypes.byref(self._flag)


def _fileno(obj: Any) -> int:
    return _check.fileno(obj, "fileobj", "wait")


def wait(fileobj: Any, interest: int, timeout: float | None = None) -> int:
    """Waits until ``fileobj`` (a descriptor or anything with ``fileno()``)
    is ready for any of ``interest`` (``READABLE | WRITABLE`` ...) or
    ``timeout`` seconds pass (``None``: forever); returns the ready bits, 0
    on timeout (``ERROR`` and ``HANGUP`` are reported even if not asked).
    Signals run Python's handlers, then the wait resumes (PEP 475)."""
    fd = _fileno(fileobj)
    bits = _check.uint(interest, 32, "interest", "wait")
    t = parse_timeout(timeout)
    deadline = None if t is None else time.monotonic() + t
    while True:
        ms = -1 if deadline is None else max(0, math.ceil((deadline - time.monotonic()) * 1000))
        try:
            return _wait(fd, bits, ms)
        except InterruptedError:
            check_signals()


def is_transient(err: int) -> bool:
    """Whether the error code ``err`` (either sign) is transient: the call
    may succeed if retried (``EAGAIN``, ``EINTR``, ``EINPROGRESS``, ``ENOBUFS``)."""
    return bool(_p.wl_is_transient(_check.integer(err, "err", "is_transient")))


def errno_name(err: int) -> str:
    """The symbolic name of an error code, either sign (``"ECONNREFUSED"``),
    ``"UNKNOWN"`` if the library does not know it."""
    return _p.wl_errno_name(_check.integer(err, "err", "errno_name")).decode("ascii")


def _slice_ms(deadline: float | None) -> int:
    left = SLICE if deadline is None else min(SLICE, deadline - time.monotonic())
    return max(0, math.ceil(left * 1000))


def _tag(err: OSError, **progress: int) -> OSError:
    for k, v in progress.items():
        setattr(err, k, v)
    err.add_note(", ".join(f"{k} = {v}" for k, v in progress.items()))
    return err


class StreamHelpers(TimeoutSocket[D]):
    """The stream helper methods (mixed into :class:`Connection`)."""

    __slots__ = ()

    def send_all(self, data: Any, timeout: float | None = None, cancel: CancelToken | None = None) -> None:
        """Sends all of ``data`` within ``timeout`` seconds (``None``: no
        deadline), whatever the socket's blocking mode; another thread may
        stop it with ``cancel``. On failure the exception (``TimeoutError``
        for the deadline, ``OSError(ECANCELED)``, ``BrokenPipeError`` ...)
        has a ``sent`` attribute: the bytes handed to the kernel."""
        t = parse_timeout(timeout)
        if cancel is not None:
            _check.instance(cancel, CancelToken, "cancel", "send_all")
        deadline = None if t is None else time.monotonic() + t
        ptr, n, pin = readable(data)
        base = pin.address if pin is not None else (ctypes.cast(ptr, c_void_p).value or 0)
        flag = cancel._ptr() if cancel is not None else None
        done = 0
        step = c_size_t()
        h = self._acquire()
        try:
            while True:
                step.value = 0
                try:
                    _p.wl_conn_send_all(h, base + done, n - done, _slice_ms(deadline), flag, ctypes.byref(step))
                    return
                except OSError as e:
                    done += step.value
                    if self._state == _CLOSING:
                        raise _tag(self._closed_during("send_all()"), sent=done) from None
                    if e.errno != errno.ETIMEDOUT or (deadline is not None and time.monotonic() >= deadline):
                        _tag(e, sent=done)
                        raise
                check_signals()
        finally:
            self._release()
            del ptr
            if pin is not None:
                pin.release()

    def recv_until(self, terminator: bytes, max_len: int, timeout: float | None = None) -> bytes:
        """Receives up to and including the first ``terminator``, at most
        ``max_len`` bytes, within ``timeout`` seconds; never consumes a byte
        past the terminator. Raises ``OSError(ENODATA)`` if the peer closes
        first, ``OSError(EINVAL)`` when ``max_len`` bytes came without it,
        ``TimeoutError``; the exception's ``consumed`` attribute counts the
        bytes taken from the socket."""
        buf = bytearray(_check.size(max_len, "max_len", "recv_until"))
        n = self.recv_until_into(terminator, buf, timeout)
        return bytes(buf[:n])

    def recv_until_into(self, terminator: bytes, buffer: Any, timeout: float | None = None) -> int:
        """:meth:`recv_until` into a writable buffer (no copy); returns the
        byte count, terminator included."""
        _check.bytes_like(terminator, "terminator", "recv_until")
        term = bytes(terminator)
        arr, cap = writable(buffer, 0, "recv_until_into")
        base = ctypes.addressof(arr)
        t = parse_timeout(timeout)
        deadline = None if t is None else time.monotonic() + t
        consumed = 0
        step = c_size_t()
        h = self._acquire()
        try:
            while True:
                if consumed and len(term) > 1:
                    done = self._straddle(h, term, base, consumed, cap, deadline)
                    if done is not None:
                        return done
                step.value = 0
                try:
                    n = _p.wl_conn_recv_until(h, term, len(term), base + consumed, cap - consumed, _slice_ms(deadline), ctypes.byref(step))
                    return consumed + n
                except OSError as e:
                    consumed += step.value
                    if self._state == _CLOSING:
                        raise _tag(self._closed_during("recv_until()"), consumed=consumed) from None
                    if e.errno != errno.ETIMEDOUT or (deadline is not None and time.monotonic() >= deadline):
                        _tag(e, consumed=consumed)
                        raise
                check_signals()
        finally:
            self._release()

    def _straddle(self, h: Any, term: bytes, base: int, consumed: int, cap: int, deadline: float | None) -> int | None:
        """Completes a terminator whose start the previous slice consumed;
        ``None`` when there is none to complete."""
        k = min(consumed, len(term) - 1)
        tail = ctypes.string_at(base + consumed - k, k)
        starts = [j for j in range(k, 0, -1) if tail.endswith(term[:j])]
        if not starts:
            return None
        peek = (ctypes.c_char * (len(term) - 1))()
        while True:
            try:
                got = _ffi.wl_conn_recv(h, peek, len(peek), socket.MSG_PEEK | socket.MSG_DONTWAIT)
                if got == 0:
                    raise _tag(OSError(errno.ENODATA, "the peer closed before the terminator"), consumed=consumed)
                seen = peek.raw[:got]
            except (BlockingIOError, InterruptedError):
                seen = b""
            pending = False
            for j in starts:
                need = term[j:]
                if seen.startswith(need) and consumed + len(need) <= cap:
                    self._take(h, base + consumed, len(need))
                    return consumed + len(need)
                if len(seen) < len(need) and need.startswith(seen):
                    pending = True
            if not pending:
                return None
            ready = wait_fd(self._fd, select.POLLIN, None if deadline is None else min(SLICE, deadline - time.monotonic()))
            if self._state == _CLOSING:
                raise _tag(self._closed_during("recv_until()"), consumed=consumed)
            if not ready:
                if deadline is not None and time.monotonic() >= deadline:
                    raise _tag(TimeoutError(errno.ETIMEDOUT, "timed out"), consumed=consumed)
                check_signals()

    @staticmethod
    def _take(h: Any, address: int, n: int) -> None:
        """Receives exactly ``n`` bytes a peek showed are queued."""
        got = 0
        while got < n:
            try:
                got += _ffi.wl_conn_recv(h, address + got, n - got, socket.MSG_DONTWAIT)
            except InterruptedError:
                continue

    def is_connected(self) -> bool:
        """Probes the connection without consuming data or blocking:
        ``True`` while open, ``False`` once the peer closed in order and
        everything it sent was read; a failed connection raises its error
        (``ConnectionResetError`` ...)."""
        return bool(self._call(lambda h: _p.wl_conn_is_connected(h)))
