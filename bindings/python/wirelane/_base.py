"""What every socket state shares: owning one C handle, the per-object lock
and in-use count, ``close``/``detach``/``fileno``, transitions, and the
standard library's timeout semantics.

Threads. The C ABI lets several threads borrow one handle at once but
forbids freeing or transitioning it while another thread uses it. Each
object therefore counts the calls in flight under a lock. ``close()`` with
calls in flight does not free: it shuts the socket down (``shutdown(2)``,
which wakes threads blocked in ``accept``/``recv``/``poll`` without
releasing the descriptor number) and the last call to return frees the
handle; those calls raise ``OSError(EBADF, "socket closed ...")``. A
transition needs the object to itself (``EBUSY`` otherwise) and blocks
other calls while it runs.

Timeouts and signals, as CPython's ``socket`` does them: ``settimeout(None)``
means a blocking descriptor; ``settimeout(0)`` a non-blocking one
(``BlockingIOError`` when a call would wait); ``settimeout(t)`` a
non-blocking descriptor plus ``poll(2)`` with the time left until one
deadline per call, raising ``TimeoutError("timed out")``. The library
returns ``-EINTR`` when a signal interrupts a call; then Python's signal
handlers run (``PyErr_CheckSignals``, so Ctrl-C raises
``KeyboardInterrupt`` at once) and, if none raised, the call is retried
with the remaining time (PEP 475).
"""

from __future__ import annotations

import ctypes
import errno
import math
import os
import select
import socket
import threading
import time
import warnings
from typing import Any, Callable, Final, TypeVar

from . import _ffi
from ._addr import _ADDR_POOL, D, _PooledAddr, from_wl
from ._buffers import _POOL, readable
from ._loop_compat import LoopCompat
from ._options import Options

_OPEN, _CLOSING, _CLOSED, _CONSUMED, _DETACHED, _BUSY = range(6)

_ZERO = 0
"""``flags is _ZERO`` is the hot paths' one-step test for the default
``flags=0`` (CPython keeps one ``0`` object); any other value, ``False``
or ``0.0`` included, takes the checked slow path."""
_NOT_YET = None
"""``_retry(first=_NOT_YET)``: no attempt made yet."""
_CLOSED_EOF = -errno.EBADF
"""What a hot receive reports to ``_retry`` when it read 0 bytes while the
object was being closed: the shutdown, not the peer's end of stream."""
_EAGAIN_TEXT = os.strerror(errno.EAGAIN)
"""The text of a non-blocking call's ``BlockingIOError`` (the stdlib's)."""

_py_check_signals = ctypes.pythonapi.PyErr_CheckSignals
_py_check_signals.restype = ctypes.c_int
_py_check_signals.argtypes = []


def check_signals() -> None:
    """Runs pending Python signal handlers now (in the main thread), raising
    what they raise (``KeyboardInterrupt`` for Ctrl-C). ``pythonapi``
    functions raise the Python error the call set."""
    _py_check_signals()


class ConsumedError(OSError):
    """An object was used after a transition consumed it (``errno`` is
    ``EBADF``); use the object the transition returned instead."""


class _Private:
    """The key that keeps the state classes from being built directly."""


KEY = _Private()

IPPROTO_MPTCP: Final = 262
"""Multipath TCP's protocol number (``socket.IPPROTO_MPTCP``, which the
stdlib has from Python 3.10 on): :meth:`RawSocket.new`'s ``protocol``."""

R = TypeVar("R")
_T = TypeVar("_T", bound="SocketBase[Any]")


class _KeepTimeout:
    """``_into(timeout=_KEEP)``: the new object keeps this one's timeout."""


_KEEP: Final = _KeepTimeout()


def default_timeout() -> float | None:
    """``socket.getdefaulttimeout()``: what new sockets start with."""
    return socket.getdefaulttimeout()


def parse_timeout(value: object) -> float | None:
    """Validates a timeout like ``socket.settimeout`` does."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"Timeout value must be int, float or None, not {type(value).__name__}"
        )
    t = float(value)
    if math.isnan(t):
        raise ValueError("Invalid value NaN (not a number)")
    if t < 0:
        raise ValueError("Timeout value out of range")
    return t


def wait_fd(fd: int, events: int, seconds: float | None) -> bool:
    """``poll(2)`` one descriptor; ``False`` on timeout. Python's ``poll``
    retries on EINTR with the remaining time after running signal handlers
    (PEP 475), so Ctrl-C raises ``KeyboardInterrupt`` from here."""
    p = select.poll()
    p.register(fd, events)
    ms = None if seconds is None else max(0, math.ceil(seconds * 1000))
    return bool(p.poll(ms))


class SocketBase(LoopCompat, Options[D]):
    """The lifecycle every state shares (not public: use the state classes)."""

    __slots__ = (
        "_fns",
        "_h",
        "_hv",
        "_hb",
        "_fd",
        "_family",
        "_lock",
        "_users",
        "_close_requested",
        "_state",
        "_consumed_by",
        "_timeout",
        "_io_refs",
        "_user_closed",
        "_last_to",
    )

    _TYPE: int = socket.SOCK_STREAM

    def __init__(self, key: _Private, fns: _ffi.StateFns, handle: Any, timeout: float | None) -> None:
        if key is not KEY:
            raise TypeError(
                f"{type(self).__name__} objects come from factories and transitions "
                "(RawSocket.tcp4(), .bind(), .listen(), .accept() ...), not from the constructor"
            )
        self._fns = fns
        self._h: Any = handle
        self._hv: int | None = _ffi.address_of(handle)
        self._hb: Any = _ffi.handle_ref(self._hv)
        self._fd: int = fns.fd(handle)
        self._family: int = fns.domain(handle)
        self._lock = threading.Lock()
        self._users: list[None] = []
        self._close_requested = False
        self._state = _OPEN
        self._consumed_by = ""
        self._timeout = timeout
        self._io_refs = 0
        self._user_closed = False
        self._last_to: tuple[Any, int, Any, Any] | None = None

    def _set_handle(self, handle: Any) -> None:
        """Replaces the handle (only inside a transition)."""
        self._h = handle
        self._hv = None if handle is None else _ffi.address_of(handle)
        self._hb = _ffi.handle_ref(self._hv)

    # --- borrowing the handle ---------------------------------------------
    #
    # A call borrows the handle by appending to ``_users`` and then checking
    # ``_state``; ``close()`` and transitions write ``_state`` (under the
    # lock) and then look at ``_users``. List append/pop are single atomic
    # operations, so either the closer sees the borrower (and defers the
    # free to the last borrower, see ``_settle``) or the borrower sees the
    # new state (and does not touch the handle). No lock on the hot path.

    def _unusable(self) -> OSError:
        name = type(self).__name__
        st = self._state
        if st == _BUSY:
            return OSError(errno.EBUSY, f"this {name} is being transitioned by another thread")
        if st == _CONSUMED:
            return ConsumedError(
                errno.EBADF,
                f"this {name} was consumed by {self._consumed_by}; use the object it returned",
            )
        if st == _DETACHED:
            return OSError(errno.EBADF, f"this {name} was detached from its descriptor")
        return OSError(errno.EBADF, f"this {name} is closed")

    def _settle(self) -> None:
        """Called by a borrower that saw ``_state`` change: the last one to
        leave a closing object frees the handle."""
        with self._lock:
            if self._state != _CLOSING or self._users:
                return
            h, self._h, self._hv, self._hb, self._state = self._h, None, None, None, _CLOSED
        self._free_owned(h)

    def _acquire(self) -> Any:
        self._users.append(None)
        if self._state is _OPEN:
            return self._h
        self._users.pop()
        self._settle()
        raise self._unusable()

    def _release(self) -> None:
        self._users.pop()
        if self._state is not _OPEN:
            self._settle()

    def _expect(self, fns: _ffi.StateFns, what: str) -> None:
        """Refuses a state's method called on another state's object
        (``Connection.send(listener, ...)``): the hot paths pass raw handle
        addresses, so the state is checked here instead of by ctypes."""
        if self._fns is not fns:
            raise TypeError(
                f"{what}() needs a {fns.prefix} handle, but this is a {type(self).__name__}"
            )

    def _closed_during(self, what: str) -> OSError:
        return OSError(errno.EBADF, f"socket closed (by another thread) during {what}")

    def _call(self, call: Callable[[Any], R]) -> R:
        """Runs a quick borrowing call (no waiting, no retry)."""
        h = self._acquire()
        try:
            return call(h)
        finally:
            self._release()

    # --- transitions -----------------------------------------------------

    def _begin_transition(self, what: str) -> Any:
        with self._lock:
            if self._state != _OPEN:
                raise self._unusable()
            self._state = _BUSY
            if self._users:
                self._state = _OPEN
                raise OSError(
                    errno.EBUSY,
                    f"cannot {what}: another thread is using this {type(self).__name__}",
                )
            return self._h

    def _end_transition(self, consumed_by: str | None) -> bool:
        """Ends a transition; ``consumed_by`` names it if the C call
        consumed the handle. Returns whether ``close()`` was called
        meanwhile (the object is then closed)."""
        free = None
        with self._lock:
            closed = self._close_requested
            if consumed_by is not None:
                self._set_handle(None)
                self._state = _CLOSED if closed else _CONSUMED
                self._consumed_by = consumed_by
            elif self._state != _BUSY:
                pass  # the transition closed the object itself
            elif closed:
                free = self._h
                self._set_handle(None)
                self._state = _CLOSED
            else:
                self._state = _OPEN
        if free is not None:
            self._free_owned(free)
        return closed

    def _into(
        self,
        what: str,
        fns: _ffi.StateFns,
        cls: type[_T],
        fn: Callable[..., Any],
        *args: Any,
        timeout: float | None | _KeepTimeout = _KEEP,
    ) -> _T:
        """The common transition: ``fn(h, *args, &out)`` consumes this
        object's handle and makes a ``fns`` handle, returned wrapped in
        ``cls`` with this object's timeout (or ``timeout``)."""

        def call(h: Any) -> Any:
            out = fns.handle()
            fn(h, *args, ctypes.byref(out))
            return out

        new = self._transition(what, call, fns.free)
        return cls(KEY, fns, new, self._timeout if isinstance(timeout, _KeepTimeout) else timeout)

    def _address(self, fn: Callable[[Any, Any], int]) -> Any:
        """The address ``fn(h, &out)`` reports (local, or the peer's)."""
        out = _ffi.wl_addr()
        self._call(lambda h: fn(h, ctypes.byref(out)))
        return from_wl(out)

    def _clone(self, cls: type[_T], fn: Callable[[Any, Any], int]) -> _T:
        """``dup()``: a second ``cls`` object, with this one's timeout, for
        the descriptor ``fn(h, &out)`` (``wl_<state>_try_clone``) duplicates."""
        out = self._fns.handle()
        self._call(lambda h: fn(h, ctypes.byref(out)))
        return cls(KEY, self._fns, out, self._timeout)

    def _transition(self, what: str, call: Callable[[Any], Any], free_new: Callable[[Any], None]) -> Any:
        """Runs a C transition that consumes the handle on success and
        returns the new handle; on failure this object stays usable."""
        h = self._begin_transition(what)
        try:
            new = call(h)
        except OSError:
            if self._end_transition(None):
                raise self._closed_during(what) from None
            raise
        except BaseException:
            self._end_transition(None)
            raise
        if self._end_transition(what):
            free_new(new)
            raise self._closed_during(what)
        return new

    # --- public lifecycle -------------------------------------------------

    def fileno(self) -> int:
        """The socket's file descriptor (``-1`` once closed or detached),
        for ``select``, ``selectors``, ``asyncio`` or ``os`` calls. It stays
        owned by this object: do not close it."""
        st = self._state
        if st == _OPEN or st == _CLOSING or st == _BUSY:
            self._lend(self._fd)
            return self._fd
        if st == _CONSUMED:
            raise self._unusable()
        return -1

    def close(self) -> None:
        """Closes the socket (idempotent; a no-op on an object a transition
        consumed). Files from ``makefile()`` keep the socket open until
        they are closed too. If another thread is blocked in a call on this
        object, the socket is shut down to wake it (that call raises
        ``OSError(EBADF)``) and freed when the call returns. If code the
        descriptor was lent to with :meth:`fileno` closed it (uvloop does
        with a ``sock=``), nothing is closed and ``OSError(EBADF)`` is
        raised, as ``socket.close()`` does."""
        self._user_closed = True
        if self._io_refs <= 0:
            self._real_close()

    def _real_close(self) -> None:
        free = None
        with self._lock:
            st = self._state
            if st == _BUSY:
                # A transition runs in another thread: wake it; it closes
                # the object when it ends (see _end_transition).
                self._close_requested = True
                _ffi.libc_shutdown(self._fd, socket.SHUT_RDWR)
                return
            if st != _OPEN:
                return
            self._state = _CLOSING
            if self._users:
                # Under the lock: the last borrower cannot free the handle
                # (and release the descriptor number) before this runs.
                _ffi.libc_shutdown(self._fd, socket.SHUT_RDWR)
                return
            free, self._h, self._hv, self._hb, self._state = self._h, None, None, None, _CLOSED
        if not self._free_owned(free):
            raise self._closed_elsewhere(self._fd)

    def _decref_socketios(self) -> None:
        self._io_refs -= 1
        if self._user_closed and self._io_refs <= 0:
            self._real_close()

    def detach(self) -> int:
        """Gives up the descriptor without closing it and returns it (``-1``
        if already closed): the caller now owns it, e.g. for
        ``socket.socket(fileno=fd)``."""
        with self._lock:
            st = self._state
            if st == _CONSUMED:
                raise self._unusable()
            if st == _BUSY:
                raise OSError(errno.EBUSY, "cannot detach: another thread is using this socket")
            if st != _OPEN:
                return -1
            self._state = _DETACHED
            if self._users:
                self._state = _OPEN
                raise OSError(errno.EBUSY, "cannot detach: another thread is using this socket")
            fd: int = self._fns.into_fd(self._h)
            self._h = self._hv = self._hb = None
            return fd

    @property
    def closed(self) -> bool:
        """Whether the object no longer owns a socket (closed, detached or
        consumed by a transition)."""
        return self._state != _OPEN and self._state != _BUSY

    @property
    def family(self) -> socket.AddressFamily:
        """The address family (``AF_INET``, ``AF_INET6`` or ``AF_UNIX``)."""
        return socket.AddressFamily(self._family)

    @property
    def type(self) -> socket.SocketKind:
        """The socket type (``SOCK_STREAM`` or ``SOCK_DGRAM``)."""
        return socket.SocketKind(self._TYPE)

    @property
    def proto(self) -> int:
        """The protocol number as ``socket.socket.proto`` gives it: 0 for
        the kind's default (TCP, UDP, a Unix socket), ``IPPROTO_MPTCP``
        (262) for a Multipath TCP stream (``SO_PROTOCOL`` says which)."""
        if self._family == socket.AF_UNIX or self.type != socket.SOCK_STREAM:
            return 0
        p = self.socket_protocol()
        return p if p == IPPROTO_MPTCP else 0

    def getsockname(self) -> D:
        """The local address (``getsockname(2)``)."""
        return self._address(self._fns.local_addr)  # type: ignore[no-any-return]

    def take_error(self) -> int:
        """Reads and clears the pending socket error (``SO_ERROR``, see
        ``socket(7)``): an errno, or 0."""
        out = ctypes.c_int()
        self._call(lambda h: self._fns.take_error(h, ctypes.byref(out)))
        return out.value

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        name = f"wirelane.{type(self).__name__}"
        if self._state != _OPEN:
            what = {
                _CLOSING: "closing",
                _CLOSED: "closed",
                _CONSUMED: "consumed",
                _DETACHED: "detached",
                _BUSY: "in transition",
            }
            return f"<{name} [{what[self._state]}]>"
        parts = [f"fd={self._fd}", f"family={self.family.name}"]
        try:
            parts.append(f"laddr={self.getsockname()}")
        except OSError:
            pass
        return f"<{name} {' '.join(parts)}>"

    def __del__(self) -> None:
        h = getattr(self, "_h", None)
        if h is not None and getattr(self, "_state", None) == _OPEN:
            self._state = _CLOSED
            self._h = self._hv = self._hb = None
            self._free_owned(h)
            warnings.warn(f"unclosed wirelane.{type(self).__name__} fd={self._fd}", ResourceWarning, stacklevel=2)


_S = TypeVar("_S", bound=SocketBase[Any])


class TimeoutSocket(SocketBase[D]):
    """Adds the stdlib timeout methods and the blocking-call loop."""

    __slots__ = ()

    def _set_mode(self, timeout: float | None) -> None:
        self._call(lambda h: self._fns.set_nonblocking(h, timeout is not None))
        self._timeout = timeout

    def settimeout(self, value: float | None) -> None:
        """Sets the timeout of blocking calls, as ``socket.settimeout``:
        ``None`` blocks, ``0.0`` makes the socket non-blocking (calls that
        would wait raise ``BlockingIOError``), a positive number of seconds
        makes calls raise ``TimeoutError`` once it has passed."""
        self._set_mode(parse_timeout(value))

    def gettimeout(self) -> float | None:
        """The timeout in seconds, ``0.0`` if non-blocking, ``None`` if blocking."""
        return self._timeout

    def setblocking(self, flag: bool) -> None:
        """``setblocking(True)`` is ``settimeout(None)``; ``False`` is ``settimeout(0.0)``."""
        self._set_mode(None if flag else 0.0)

    def getblocking(self) -> bool:
        """``False`` if non-blocking (timeout 0.0), else ``True`` (as the stdlib)."""
        return self._timeout != 0.0

    def set_read_timeout(self, seconds: float | None) -> None:
        """Sets the kernel's receive timeout (``SO_RCVTIMEO``, ``socket(7)``),
        independent of :meth:`settimeout`: in blocking mode a receive or
        accept that waits longer raises ``TimeoutError``. ``None`` clears it.
        Kept to millisecond precision (rounded up)."""
        ms = _millis(seconds)
        self._call(lambda h: self._fns.set_read_timeout(h, ms))

    def read_timeout(self) -> float | None:
        """The kernel's receive timeout (``SO_RCVTIMEO``) in seconds, or ``None``."""
        out = ctypes.c_uint64()
        self._call(lambda h: self._fns.read_timeout(h, ctypes.byref(out)))
        return out.value / 1000 if out.value else None

    def set_write_timeout(self, seconds: float | None) -> None:
        """Sets the kernel's send timeout (``SO_SNDTIMEO``, ``socket(7)``);
        on Linux it also bounds a blocking connect. ``None`` clears it."""
        ms = _millis(seconds)
        self._call(lambda h: self._fns.set_write_timeout(h, ms))

    def write_timeout(self) -> float | None:
        """The kernel's send timeout (``SO_SNDTIMEO``) in seconds, or ``None``."""
        out = ctypes.c_uint64()
        self._call(lambda h: self._fns.write_timeout(h, ctypes.byref(out)))
        return out.value / 1000 if out.value else None

    def _io(
        self,
        what: str,
        events: int,
        call: Callable[[Any], int],
        eof_is_zero: bool = False,
        deadline: float | None = None,
    ) -> int:
        """Runs a borrowing call that may wait, with the stdlib's timeout,
        EINTR and close-from-another-thread semantics (see the module
        docstring). ``call`` raises ``OSError`` (the ``errcheck`` hook).
        ``eof_is_zero``: a 0 result after a concurrent close is the
        shutdown, not data. ``deadline`` (``time.monotonic()``) overrides
        the per-call deadline when a timeout is set. The call is tried
        first; only when it would block is the descriptor polled."""
        h = self._acquire()
        try:
            timeout = self._timeout
            while True:
                try:
                    n = call(h)
                except InterruptedError:
                    if self._state == _CLOSING:
                        raise self._closed_during(what) from None
                    check_signals()
                    continue
                except BlockingIOError:
                    if self._state == _CLOSING:
                        raise self._closed_during(what) from None
                    if timeout:
                        if deadline is None:
                            deadline = time.monotonic() + timeout
                        self._wait(what, events, deadline)
                        continue
                    if timeout is None:
                        # The descriptor is blocking, so only SO_RCVTIMEO /
                        # SO_SNDTIMEO make the kernel give up.
                        raise TimeoutError(errno.EAGAIN, "timed out (SO_RCVTIMEO/SO_SNDTIMEO)") from None
                    raise
                except OSError:
                    if self._state == _CLOSING:
                        raise self._closed_during(what) from None
                    raise
                if eof_is_zero and n == 0 and self._state == _CLOSING:
                    raise self._closed_during(what)
                return n
        finally:
            self._release()

    def _send_buffer(self, what: str, data: Any, call: Callable[[Any, Any, int], int]) -> int:
        """``_io`` for a send of one bytes-like ``data``: ``call(h, ptr, n)``
        with its address and length, the buffer pinned meanwhile."""
        ptr, n, pin = readable(data)
        try:
            return self._io(what, select.POLLOUT, lambda h: call(h, ptr, n))
        finally:
            if pin is not None:
                pin.release()

    def _wait(self, what: str, events: int, deadline: float) -> None:
        """Polls until the descriptor is ready or ``deadline`` passes
        (``TimeoutError``); a concurrent close raises ``EBADF``."""
        left = deadline - time.monotonic()
        ready = left >= 0 and wait_fd(self._fd, events, left)
        if self._state == _CLOSING:
            raise self._closed_during(what)
        if not ready:
            raise TimeoutError("timed out")

    def _retry(
        self,
        what: str,
        events: int,
        call: Callable[[int], int],
        first: int | None,
        function: str,
        eof_is_zero: bool = False,
        deadline: float | None = None,
        give_back: tuple[Any, ...] = (),
    ) -> int:
        """The slow path of the hot methods. ``first`` is the result of an
        attempt the caller already made (a negative errno, or 0 when a
        concurrent close may explain it); ``call(hv)`` makes another one,
        returning the raw result. Handles EINTR (signal handlers run, then
        retry), EAGAIN (poll with the timeout, ``BlockingIOError`` when
        non-blocking, ``TimeoutError`` for SO_RCVTIMEO), a concurrent
        close, and turns any other error into the ``OSError`` subclass.
        ``give_back``: the hot receive's pooled buffers (``Scratch``,
        ``_PooledAddr``), returned to their pools if this raises (see
        ``_buffers.Scratch``); on success the caller gives them back."""
        users = self._users
        users.append(None)
        try:
            r = first
            timeout = self._timeout
            while True:
                st = self._state
                if r is None:
                    if st is not _OPEN:
                        raise self._unusable()
                elif r >= 0:
                    if r == 0 and eof_is_zero and (st == _CLOSING or st == _CLOSED):
                        raise self._closed_during(what)
                    return r
                elif st is not _OPEN:
                    if st == _CLOSING or st == _CLOSED:
                        raise self._closed_during(what)
                    raise self._unusable()
                else:
                    err = -r
                    if err == errno.EINTR:
                        check_signals()
                    elif err == errno.EAGAIN:
                        if timeout:
                            if deadline is None:
                                deadline = time.monotonic() + timeout
                            self._wait(what, events, deadline)
                        elif timeout is None:
                            raise TimeoutError(errno.EAGAIN, "timed out (SO_RCVTIMEO/SO_SNDTIMEO)")
                        else:
                            # What make_error would build (a system call's
                            # EAGAIN has no library detail), without its
                            # message lookup: this is every asyncio wait.
                            raise BlockingIOError(errno.EAGAIN, _EAGAIN_TEXT)
                    else:
                        raise _ffi.make_error(err, function)
                hv = self._hv
                assert hv is not None
                r = call(hv)
        except BaseException:
            for pooled in give_back:
                (_ADDR_POOL if type(pooled) is _PooledAddr else _POOL).append(pooled)
            raise
        finally:
            users.pop()
            if self._state is not _OPEN:
                self._settle()


_TS = TypeVar("_TS", bound=TimeoutSocket[Any])


def sync_mode(sock: _TS, timeout: float | None) -> _TS:
    """Applies ``timeout``'s blocking mode to a new object's descriptor
    (created blocking) and returns the object; closes it if that fails."""
    if timeout is not None:
        try:
            sock._set_mode(timeout)
        except BaseException:
            sock.close()
            raise
    return sock


def pair_of(cls: type[_TS], fns: _ffi.StateFns, a: Any, b: Any) -> tuple[_TS, _TS]:
    """The two new handles of a ``socketpair(2)`` as ``cls`` objects with
    ``socket.getdefaulttimeout()``; both are closed if that fails."""
    t = default_timeout()
    first, second = cls(KEY, fns, a, None), cls(KEY, fns, b, None)
    try:
        sync_mode(first, t)
        sync_mode(second, t)
    except BaseException:
        first.close()
        second.close()
        raise
    return first, second


def _millis(seconds: float | None) -> int:
    if seconds is None:
        return 0
    t = parse_timeout(seconds)
    if not t:
        raise ValueError("a kernel timeout must be positive (None clears it)")
    return max(1, math.ceil(t * 1000))
