"""Stream states: :class:`Connection`, :class:`Listener`,
:class:`BoundSocket` and :class:`PendingConnect`."""

from __future__ import annotations

import ctypes
import errno
import functools
import io
import select
import socket
import time
from typing import Any, Callable, Iterable, TypeVar, final

from . import _check, _ffi
from ._addr import D, UnixAddr, from_wl
from ._base import _CLOSED_EOF, _NOT_YET, _OPEN, _ZERO, KEY, SocketBase, TimeoutSocket, _Private, check_signals, parse_timeout
from ._base import default_timeout, pair_of, sync_mode
from ._buffers import _POOL, SCRATCH_SIZE, new_scratch, small_bytes, STREAM_COPY_LIMIT, IovecArray, give_scratch, int_arg, readable, size_arg, take_scratch, writable
from ._fdpass import CONN_FNS, Credentials, FdPassing
from ._io import SocketIO
from ._stream_ext import StreamHelpers
from ._zerocopy import ZcState, ZeroCopy

_IN = select.POLLIN
_OUT = select.POLLOUT
_CONN = _ffi.CONN
_send = _ffi.unchecked("wl_conn_send")
# The same functions without argtypes, for the fast paths (see _ffi.fast):
# handle and buffer as byref objects, sizes as small ints.
_send_fast = _ffi.fast("wl_conn_send")
_FAST_MAX = _ffi.FAST_INT_MAX
_S = TypeVar("_S", bound=SocketBase[Any])


def _new_conn(handle: Any, timeout: float | None, sync: bool) -> Connection[Any]:
    """Wraps a new ``wl_conn``; ``sync`` applies ``timeout``'s blocking mode
    to the descriptor (it is already right after a transition)."""
    conn: Connection[Any] = Connection(KEY, _ffi.CONN, handle, timeout)
    return sync_mode(conn, timeout) if sync else conn


def _adopt(fns: _ffi.StateFns, fd: int, family: int | None) -> Any:
    """``wl_<state>_from_fd`` plus a domain check; on failure the caller
    still owns ``fd``."""
    fd = _check.descriptor(fd, "fd", "from_fd")
    out = fns.handle()
    assert fns.from_fd is not None
    fns.from_fd(fd, ctypes.byref(out))
    if family is not None and fns.domain(out) != family:
        got = fns.domain(out)
        fns.into_fd(out)  # hands the descriptor back without closing it
        raise OSError(
            errno.EAFNOSUPPORT,
            f"descriptor {fd} is {socket.AddressFamily(got).name}, expected "
            f"{socket.AddressFamily(family).name}",
        )
    return out


def _adopted(cls: type[_S], fns: _ffi.StateFns, fd: int, family: int | None) -> _S:
    """``cls`` over an adopted ``fns`` descriptor (see :func:`_adopt`), its
    timeout matching the descriptor's ``O_NONBLOCK``."""
    h = _adopt(fns, fd, family)
    return cls(KEY, fns, h, _blocking_timeout(fns, h))


def _take_over(sock: socket.socket, adopt: Callable[[int], _S]) -> _S:
    """``from_socket``: ``adopt(sock.fileno())``, then ``sock`` is detached
    (it is untouched if adopting fails) and its timeout kept."""
    _check.instance(sock, socket.socket, "sock", "from_socket")
    timeout = sock.gettimeout()
    obj = adopt(sock.fileno())
    sock.detach()
    obj._timeout = timeout
    return obj


def _family_of(domain: type) -> int:
    from ._addr import FAMILY_OF

    try:
        return FAMILY_OF[domain]
    except KeyError:
        raise TypeError(
            f"domain must be Ipv4, Ipv6 or Unix (SocketAddrV4, SocketAddrV6, UnixAddr), not {domain!r}"
        ) from None


def _blocking_timeout(fns: _ffi.StateFns, handle: Any) -> float | None:
    """The timeout matching an adopted descriptor's ``O_NONBLOCK``."""
    return 0.0 if fns.is_nonblocking(handle) else None


# --- the hot methods Connection and ConnectedDatagram share --------------
#
# One body each, made per state as a closure over that state's C functions:
# a class declares the method (signature, docstring) and decorates it, and
# gets this function under that name. The fast path stays one ctypes call
# through ``_ffi.fast`` (no argtypes, the ``_hb`` byref handle, a pooled
# scratch buffer) with no extra Python call; see "The hot methods" in
# Connection for what goes through the slow path.

_F = TypeVar("_F", bound=Callable[..., Any])


def _hot_send(fns: _ffi.StateFns, name: str) -> Callable[[_F], _F]:
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

    return lambda stub: functools.update_wrapper(send, stub)  # type: ignore[return-value]


def _hot_recv(fns: _ffi.StateFns, name: str) -> Callable[[_F], _F]:
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
                        "recv()", _IN, lambda hv: checked(hv, buf.addr, bufsize, 0), r, name, eof_is_zero=True, give_back=(buf,)
                    )
                data: bytes = buf[:r]  # flags 0: no MSG_TRUNC, r <= bufsize
                _POOL.append(buf)
                return data
            users.pop()
            self._settle()
            raise self._unusable()
        return recv_slow(self, bufsize, flags)

    return lambda stub: functools.update_wrapper(recv, stub)  # type: ignore[return-value]


def _hot_recv_into(fns: _ffi.StateFns, name: str, limit: int) -> Callable[[_F], _F]:
    """``recv_into(buffer, nbytes=0, flags=0)`` over ``name``
    (``wl_<state>_recv``): up to ``limit`` bytes go through a pooled
    buffer and one copy into ``buffer``, larger receives (and other buffer
    kinds, flags) write into it directly through the checked path."""
    fast = _ffi.fast(name)
    checked = _ffi.unchecked(name)

    def recv_into_slow(self: TimeoutSocket[Any], buffer: Any, nbytes: Any, flags: Any) -> int:
        self._expect(fns, "recv_into")
        arr, n = writable(buffer, nbytes, "recv_into")
        fl = int_arg(flags, "flags", "recv_into")
        return self._retry(
            "recv_into()", _IN, lambda hv: checked(hv, arr, n, fl), _NOT_YET, name, eof_is_zero=True
        )

    def recv_into(self: TimeoutSocket[Any], buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        if (
            (
                type(buffer) is bytearray
                or (type(buffer) is memoryview and buffer.format == "B" and buffer.ndim == 1 and not buffer.readonly)
            )
            and type(nbytes) is int
            and flags is _ZERO
            and self._fns is fns
        ):
            size = len(buffer)
            if nbytes == 0:
                nbytes = size
            elif not 0 < nbytes <= size:
                return recv_into_slow(self, buffer, nbytes, flags)
            if nbytes <= limit:
                try:
                    buf = _POOL.pop()
                except IndexError:
                    buf = new_scratch()
                users = self._users
                users.append(None)
                if self._state is _OPEN:
                    r: int = fast(self._hb, buf.ref, nbytes, 0)
                    users.pop()
                    if self._state is not _OPEN:
                        self._settle()
                        if r == 0:
                            r = _CLOSED_EOF
                    if r < 0:
                        n = nbytes
                        r = self._retry(
                            "recv_into()", _IN, lambda hv: checked(hv, buf.addr, n, 0), r, name, eof_is_zero=True, give_back=(buf,)
                        )
                    buffer[:r] = buf.ba[:r]  # from a bytearray: see Scratch
                    _POOL.append(buf)
                    return r
                users.pop()
                self._settle()
                raise self._unusable()
        return recv_into_slow(self, buffer, nbytes, flags)

    return lambda stub: functools.update_wrapper(recv_into, stub)  # type: ignore[return-value]


@final
class Connection(ZeroCopy[D], StreamHelpers[D], FdPassing[D]):
    """A connected stream: TCP over IPv4/IPv6, or a Unix stream.

    From :meth:`RawSocket.connect`, :meth:`Listener.accept`,
    :meth:`PendingConnect.finish`, :func:`socketpair` or
    :meth:`from_socket`. Sends never raise ``SIGPIPE``: a closed peer gives
    ``BrokenPipeError``.
    """

    __slots__ = ("_zc_state",)
    _FDP = CONN_FNS

    def __init__(self, key: _Private, fns: _ffi.StateFns, handle: Any, timeout: float | None) -> None:
        super().__init__(key, fns, handle, timeout)
        self._zc_state = ZcState()

    def _sendall_bytes(self, data: bytes) -> None:
        self.sendall(data)

    # --- construction -------------------------------------------------------

    @staticmethod
    def pair() -> tuple[Connection[UnixAddr], Connection[UnixAddr]]:
        """A pair of connected Unix stream sockets (``socketpair(2)``)."""
        a, b = _ffi.ConnP(), _ffi.ConnP()
        _ffi.wl_conn_pair(ctypes.byref(a), ctypes.byref(b))
        return pair_of(Connection, _ffi.CONN, a, b)

    @staticmethod
    def from_fd(fd: int, domain: type[D]) -> Connection[D]:
        """Adopts a connected stream socket's descriptor, after the library
        checks it with the kernel (domain, type, state). On success the
        object owns ``fd``; on failure (``OSError``) the caller still does.
        The timeout mirrors the descriptor's ``O_NONBLOCK`` (``0.0`` or
        ``None``)."""
        return _adopted(Connection, _ffi.CONN, fd, _family_of(domain))

    @staticmethod
    def from_socket(sock: socket.socket, domain: type[D]) -> Connection[D]:
        """Takes over a connected ``socket.socket`` (which is detached on
        success, and untouched on failure); keeps its timeout."""
        return _take_over(sock, lambda fd: Connection.from_fd(fd, domain))

    # --- data ---------------------------------------------------------------

    # The hot methods: one ctypes call when the arguments are the common
    # kinds and the call does not fail; everything else (other argument
    # types, flags, EINTR, EAGAIN with a timeout, errors, a concurrent
    # close) goes through the slow path, ``_retry``. See _base.py for how
    # borrowing works without a lock.

    @_hot_send(_CONN, "wl_conn_send")
    def send(self, data: Any, flags: int = 0) -> int:
        """Sends some of ``data`` (any bytes-like object; not copied, except
        read-only non-``bytes`` buffers of at most 4 KiB); returns how many
        bytes the kernel took (``send(2)``)."""
        raise AssertionError("made by _hot_send")

    def sendall(self, data: Any, flags: int = 0) -> None:
        """Sends all of ``data``. With a timeout, it bounds the whole call
        (as in the stdlib since 3.5). Signal handlers run between chunks."""
        if type(data) is bytes and flags is _ZERO and self._fns is _CONN and not self._timeout and len(data) <= _FAST_MAX:
            users = self._users
            users.append(None)
            if self._state is _OPEN:
                n = len(data)
                r: int = _send_fast(self._hb, data, n, 0)
                users.pop()
                if self._state is not _OPEN:
                    self._settle()
                if r == n:
                    return
            else:
                users.pop()
                self._settle()
                raise self._unusable()
        Connection._sendall_slow(self, data, flags)

    def _sendall_slow(self, data: Any, flags: Any) -> None:
        self._expect(_CONN, "sendall")
        fl = int_arg(flags, "flags", "sendall")
        ptr, n, pin = readable(data)
        if pin is None:
            base = (ctypes.cast(ptr, ctypes.c_void_p).value or 0) if n else 0
            keep = ptr
        else:
            base, keep = pin.address, pin
        try:
            timeout = self._timeout
            deadline = time.monotonic() + timeout if timeout else None
            sent = 0
            while sent < n:
                off = sent
                sent += self._retry(
                    "sendall()",
                    _OUT,
                    lambda hv: _send(hv, base + off, n - off, fl),  # noqa: B023 (called at once)
                    _NOT_YET,
                    "wl_conn_send",
                    deadline=deadline,
                )
                if sent < n:
                    check_signals()
        finally:
            del keep
            if pin is not None:
                pin.release()

    @_hot_recv(_CONN, "wl_conn_recv")
    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Receives up to ``bufsize`` bytes; ``b""`` at end of stream."""
        raise AssertionError("made by _hot_recv")

    @_hot_recv_into(_CONN, "wl_conn_recv", STREAM_COPY_LIMIT)
    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Receives into a writable buffer (``bytearray``, ``memoryview``
        ...); returns the byte count (0 at end of stream). Up to 8 KiB go
        through a pooled buffer and one copy (cheaper than pinning the
        caller's buffer); larger receives write into it directly."""
        raise AssertionError("made by _hot_recv_into")

    def send_vectored(self, buffers: Iterable[Any]) -> int:
        """Sends several buffers in one ``sendmsg(2)`` (gather); returns the
        byte count sent."""
        iov = IovecArray(buffers, False, "send_vectored")
        try:
            return self._io(
                "send_vectored()", _OUT, lambda h: _ffi.wl_conn_send_vectored(h, iov.array, iov.count)
            )
        finally:
            iov.release()

    def recv_vectored(self, buffers: Iterable[Any]) -> int:
        """Receives into several writable buffers in one ``recvmsg(2)``
        (scatter); returns the byte count (0 at end of stream)."""
        iov = IovecArray(buffers, True, "recv_vectored")
        try:
            return self._io(
                "recv_vectored()",
                _IN,
                lambda h: _ffi.wl_conn_recv_vectored(h, iov.array, iov.count),
                eof_is_zero=True,
            )
        finally:
            iov.release()

    # --- connection ---------------------------------------------------------

    def shutdown(self, how: int) -> None:
        """Shuts down reading (``SHUT_RD``), writing (``SHUT_WR``: the peer
        reads end-of-stream) or both; the object stays open."""
        mode = _check.integer(how, "how", "shutdown")
        self._call(lambda h: _ffi.wl_conn_shutdown(h, mode))

    def getpeername(self) -> D:
        """The peer's address (``getpeername(2)``)."""
        return self._address(_ffi.wl_conn_peer_addr)  # type: ignore[no-any-return]

    def dup(self) -> Connection[D]:
        """A second object for the same connection (``F_DUPFD_CLOEXEC``),
        e.g. one thread reading while another writes; same timeout."""
        return self._clone(Connection, _ffi.wl_conn_try_clone)

    def peer_credentials(self: Connection[UnixAddr]) -> Credentials:
        """The Unix peer's pid, uid and gid at connect time (``SO_PEERCRED``)."""
        out = _ffi.wl_ucred()
        self._call(lambda h: _ffi.wl_conn_peer_credentials(h, ctypes.byref(out)))
        return Credentials(out.pid, out.uid, out.gid)

    def makefile(
        self,
        mode: str = "r",
        buffering: int | None = None,
        *,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> Any:
        """A file object over the connection, as ``socket.makefile``: modes
        ``"r"``, ``"w"``, ``"b"`` combinations; closing the connection is
        deferred until every file from it is closed too."""
        if not set(_check.text(mode, "mode", "makefile")) <= {"r", "w", "b"}:
            raise ValueError(f"invalid mode {mode!r} (only r, w, b allowed)")
        writing = "w" in mode
        reading = "r" in mode or not writing
        binary = "b" in mode
        rawmode = ("r" if reading else "") + ("w" if writing else "")
        if self.closed:
            raise self._unusable()
        raw = SocketIO(self, rawmode)
        self._io_refs += 1
        if buffering is not None:
            buffering = _check.integer(buffering, "buffering", "makefile", -(2**63), 2**63 - 1)
        if buffering is None or buffering < 0:
            buffering = io.DEFAULT_BUFFER_SIZE
        if buffering == 0:
            if not binary:
                raise ValueError("unbuffered streams must be binary")
            return raw
        buffer: Any
        if reading and writing:
            buffer = io.BufferedRWPair(raw, raw, buffering)
        elif reading:
            buffer = io.BufferedReader(raw, buffering)
        else:
            buffer = io.BufferedWriter(raw, buffering)
        if binary:
            return buffer
        text = io.TextIOWrapper(buffer, io.text_encoding(encoding), errors, newline)
        text.mode = mode  # type: ignore[misc]
        return text

    def __repr__(self) -> str:
        base = super().__repr__()
        if self.closed:
            return base
        try:
            return f"{base[:-1]} raddr={self.getpeername()}>"
        except OSError:
            return base


@final
class Listener(TimeoutSocket[D]):
    """A listening stream socket: it accepts connections. From
    :meth:`BoundSocket.listen`; accepting does not consume it."""

    __slots__ = ()

    @staticmethod
    def from_fd(fd: int, domain: type[D]) -> Listener[D]:
        """Adopts a listening socket's descriptor (checked by the library);
        on failure the caller still owns ``fd``."""
        return _adopted(Listener, _ffi.LISTENER, fd, _family_of(domain))

    @staticmethod
    def from_socket(sock: socket.socket, domain: type[D]) -> Listener[D]:
        """Takes over a listening ``socket.socket`` (detached on success)."""
        return _take_over(sock, lambda fd: Listener.from_fd(fd, domain))

    def accept(self) -> tuple[Connection[D], D]:
        """Waits for a connection (``accept4(2)``, close-on-exec) and returns
        it with the client's address. The new connection gets
        ``socket.getdefaulttimeout()``, as in the stdlib."""
        out = _ffi.ConnP()
        peer = _ffi.wl_addr()
        self._io("accept()", _IN, lambda h: _ffi.wl_listener_accept(h, ctypes.byref(out), ctypes.byref(peer)))
        conn: Connection[D] = _new_conn(out, default_timeout(), True)
        return conn, from_wl(peer)  # type: ignore[return-value]

    def dup(self) -> Listener[D]:
        """A second object for the same listening socket
        (``F_DUPFD_CLOEXEC``, ``wl_listener_try_clone``), e.g. one per
        accepting thread; it listens until both are closed. Same timeout."""
        return self._clone(Listener, _ffi.wl_listener_try_clone)


def _listen_again(self: Listener[Any], backlog: int | None = None) -> None:
    """Already listening: a no-op for code that calls ``listen`` on a socket
    it is handed (``loop.create_server(sock=...)``); the backlog stays the
    one ``BoundSocket.listen`` set. Attached at run time only, so a type
    checker still rejects ``listener.listen()``."""
    if backlog is not None:
        _check.integer(backlog, "backlog", "listen")
    self._call(lambda h: None)


setattr(Listener, "listen", _listen_again)


@final
class BoundSocket(TimeoutSocket[D]):
    """A stream socket bound to a local address, not yet listening. From
    :meth:`RawSocket.bind`; its one transition is :meth:`listen`."""

    __slots__ = ()

    @staticmethod
    def from_fd(fd: int, domain: type[D]) -> BoundSocket[D]:
        """Adopts a bound (not listening, not connected) stream socket's
        descriptor; on failure the caller still owns ``fd``."""
        return _adopted(BoundSocket, _ffi.BOUND, fd, _family_of(domain))

    @staticmethod
    def from_socket(sock: socket.socket, domain: type[D]) -> BoundSocket[D]:
        """Takes over a bound, not listening ``socket.socket`` (detached on success)."""
        return _take_over(sock, lambda fd: BoundSocket.from_fd(fd, domain))

    def listen(self, backlog: int | None = None) -> Listener[D]:
        """Starts listening (``listen(2)``) and returns the :class:`Listener`;
        this object is consumed. ``backlog`` defaults to
        ``min(SOMAXCONN, 128)`` like the stdlib. On failure this object
        stays usable."""
        if backlog is None:
            backlog = min(socket.SOMAXCONN, 128)
        n = max(0, _check.integer(backlog, "backlog", "listen"))
        return self._into("listen()", _ffi.LISTENER, Listener, _ffi.wl_bound_listen, n)


@final
class PendingConnect(SocketBase[D]):
    """A stream connect in flight, from :meth:`RawSocket.connect_nonblocking`.

    Wait for it with :meth:`wait` (or register :meth:`fileno` for
    writability with ``selectors``/``asyncio``), then :meth:`finish`. The
    descriptor is non-blocking.
    """

    __slots__ = ()

    def wait(self, timeout: float | None = None) -> bool:
        """Waits up to ``timeout`` seconds (``None``: forever) for the
        connect to resolve either way; ``True`` if it has (call
        :meth:`finish`). Signals: handlers run, then the wait resumes with
        the time left (PEP 475)."""
        t = parse_timeout(timeout)
        deadline = None if t is None else time.monotonic() + t
        h = self._acquire()
        try:
            while True:
                ms = -1
                if deadline is not None:
                    ms = max(0, int((deadline - time.monotonic()) * 1000 + 0.999))
                try:
                    ready = _ffi.wl_pending_wait(h, ms)
                except InterruptedError:
                    check_signals()
                    continue
                if self._state != _OPEN:
                    raise self._closed_during("wait()")
                return bool(ready)
        finally:
            self._release()

    def finish(self) -> Connection[D]:
        """Completes the connect: returns the :class:`Connection` (still
        non-blocking, ``gettimeout() == 0.0``) and consumes this object.
        Raises ``BlockingIOError`` while the handshake is in flight and the
        connect's own error (``ConnectionRefusedError`` ...) once it failed;
        either way this object stays usable (close it after a failure)."""
        return self._into("finish()", _ffi.CONN, Connection, _ffi.wl_pending_finish, timeout=0.0)

    def wait_connected(self, timeout: float | None = None) -> Connection[D]:
        """:meth:`wait` then :meth:`finish`, returning a connection in the
        default mode (``socket.getdefaulttimeout()``, blocking unless set).
        Raises ``TimeoutError`` if it has not resolved in time (this object
        then stays usable)."""
        if not self.wait(timeout):
            raise TimeoutError("timed out")
        conn = self.finish()
        try:
            conn._set_mode(default_timeout())
        except BaseException:
            conn.close()
            raise
        return conn

