"""Unix sequenced-packet sockets (``SOCK_SEQPACKET``, see ``unix(7)``), one
class per state: :class:`RawSeqPacket` → :class:`BoundSeqPacket` →
:class:`SeqPacketListener` (accept) and :class:`RawSeqPacket` →
:class:`ConnectedSeqPacket` (connect, :meth:`ConnectedSeqPacket.pair`).

Connection-oriented like a Unix stream, but every :meth:`~ConnectedSeqPacket.send`
is one message and every :meth:`~ConnectedSeqPacket.recv` returns exactly
one, so message boundaries survive. A message longer than the receive
buffer is reported, never silently cut: :class:`MessageTruncatedError`
(an ``OSError`` with ``errno.EMSGSIZE``) carries both lengths.

The C handles are ``wl_seqpacket_raw``, ``wl_seqpacket_bound``,
``wl_seqpacket_listener`` and ``wl_seqpacket``; the classes here are not
generic (the kind is Unix only) and each has only its state's methods, so a
type checker rejects ``listener.send(...)`` or ``raw.accept()``.
"""

from __future__ import annotations

import ctypes
import errno
import select
import socket
from ctypes import POINTER
from typing import Any, Callable, Final, TypeVar, final

from . import _check, _ffi
from . import _prototypes as _p
from ._addr import UnixAddr, coerce, from_wl, to_wl
from ._base import KEY, TimeoutSocket, default_timeout, pair_of, sync_mode
from ._buffers import int_arg, size_arg, writable
from ._fdpass import Credentials
from ._stream import _adopted

__all__ = [
    "BoundSeqPacket",
    "ConnectedSeqPacket",
    "MessageTruncatedError",
    "RawSeqPacket",
    "SeqPacketListener",
]

_IN = select.POLLIN
_TS = TypeVar("_TS", bound=TimeoutSocket[Any])

SEQ_RAW: Final = _ffi._state("wl_seqpacket_raw", POINTER(_p.wl_seqpacket_raw))
SEQ_BOUND: Final = _ffi._state("wl_seqpacket_bound", POINTER(_p.wl_seqpacket_bound))
SEQ_LISTENER: Final = _ffi._state("wl_seqpacket_listener", POINTER(_p.wl_seqpacket_listener))
SEQ_CONN: Final = _ffi._state("wl_seqpacket", POINTER(_p.wl_seqpacket))


class MessageTruncatedError(OSError):
    """A message was longer than the receive buffer (``errno.EMSGSIZE``).

    :attr:`data` holds its first bytes (as many as fitted), and the rest of
    that message is gone (unless the receive only peeked);
    :attr:`message_len` is the whole message's length when the kernel
    reports it (``SOCK_SEQPACKET`` does, ICMP echo sockets do not).
    """

    def __init__(self, text: str, data: bytes, message_len: int | None) -> None:
        super().__init__(errno.EMSGSIZE, text)
        self.data = data
        self.message_len = message_len

    @property
    def received(self) -> int:
        """How many bytes of the message were received."""
        return len(self.data)


def _unix(address: object, what: str) -> _ffi.wl_addr:
    """A Unix address argument, refused with ``TypeError`` unless it is a
    :class:`UnixAddr` (a seqpacket socket has no other family)."""
    _check.instance(address, UnixAddr, "address", what)
    return to_wl(coerce(socket.AF_UNIX, address))


@final
class RawSeqPacket(TimeoutSocket[UnixAddr]):
    """A fresh Unix seqpacket socket: :meth:`bind` (then listen) or
    :meth:`connect`. A transition returns the next state and consumes this
    object; a failed one raises ``OSError`` and leaves it usable."""

    __slots__ = ()
    _TYPE = socket.SOCK_SEQPACKET

    @staticmethod
    def new() -> RawSeqPacket:
        """Creates the socket (``socket(AF_UNIX, SOCK_SEQPACKET)``,
        close-on-exec), with ``socket.getdefaulttimeout()``."""
        return new_socket(RawSeqPacket, SEQ_RAW, _p.wl_seqpacket_raw_new)

    @staticmethod
    def from_fd(fd: int) -> RawSeqPacket:
        """Adopts a fresh Unix seqpacket socket's descriptor, checked by the
        library; on failure the caller still owns ``fd``."""
        return _adopted(RawSeqPacket, SEQ_RAW, fd, None)

    def bind(self, address: UnixAddr) -> BoundSeqPacket:
        """Binds to a Unix address (``bind(2)``) and returns the
        :class:`BoundSeqPacket`; this object is consumed."""
        addr = _unix(address, "bind")
        return self._into("bind()", SEQ_BOUND, BoundSeqPacket, _p.wl_seqpacket_raw_bind, ctypes.byref(addr))

    def connect(self, address: UnixAddr) -> ConnectedSeqPacket:
        """Connects to a listening seqpacket socket (``connect(2)``) and
        returns the :class:`ConnectedSeqPacket`; this object is consumed.
        ``ConnectionRefusedError`` / ``FileNotFoundError`` when nobody
        listens there (this object then stays usable)."""
        addr = _unix(address, "connect")
        return self._into("connect()", SEQ_CONN, ConnectedSeqPacket, _p.wl_seqpacket_raw_connect, ctypes.byref(addr))


@final
class BoundSeqPacket(TimeoutSocket[UnixAddr]):
    """A bound, not yet listening Unix seqpacket socket; its one
    transition is :meth:`listen`."""

    __slots__ = ()
    _TYPE = socket.SOCK_SEQPACKET

    @staticmethod
    def from_fd(fd: int) -> BoundSeqPacket:
        """Adopts a bound, not listening seqpacket socket's descriptor."""
        return _adopted(BoundSeqPacket, SEQ_BOUND, fd, None)

    def listen(self, backlog: int | None = None) -> SeqPacketListener:
        """Starts listening (``listen(2)``; ``backlog`` defaults to
        ``min(SOMAXCONN, 128)``) and returns the :class:`SeqPacketListener`;
        this object is consumed."""
        if backlog is None:
            backlog = min(socket.SOMAXCONN, 128)
        n = max(0, _check.integer(backlog, "backlog", "listen"))
        return self._into("listen()", SEQ_LISTENER, SeqPacketListener, _p.wl_seqpacket_bound_listen, n)


@final
class SeqPacketListener(TimeoutSocket[UnixAddr]):
    """A listening Unix seqpacket socket: :meth:`accept` returns
    :class:`ConnectedSeqPacket` objects and does not consume it."""

    __slots__ = ()
    _TYPE = socket.SOCK_SEQPACKET

    @staticmethod
    def from_fd(fd: int) -> SeqPacketListener:
        """Adopts a listening seqpacket socket's descriptor."""
        return _adopted(SeqPacketListener, SEQ_LISTENER, fd, None)

    def accept(self) -> tuple[ConnectedSeqPacket, UnixAddr]:
        """Accepts one connection (``accept4(2)``, close-on-exec) and returns
        it with the client's address (usually unnamed). Timeouts as in
        ``socket.accept``; the connection gets ``socket.getdefaulttimeout()``."""
        peer = _ffi.wl_addr()
        out = SEQ_CONN.handle()
        self._io("accept()", _IN, lambda h: _p.wl_seqpacket_listener_accept(h, ctypes.byref(out), ctypes.byref(peer)))
        conn = sync_mode(ConnectedSeqPacket(KEY, SEQ_CONN, out, None), default_timeout())
        addr = from_wl(peer)
        assert isinstance(addr, UnixAddr)
        return conn, addr


@final
class ConnectedSeqPacket(TimeoutSocket[UnixAddr]):
    """A connected Unix seqpacket socket: reliable and ordered, message by
    message. Sends never raise ``SIGPIPE``: a closed peer gives
    ``BrokenPipeError``."""

    __slots__ = ()
    _TYPE = socket.SOCK_SEQPACKET

    @staticmethod
    def pair() -> tuple[ConnectedSeqPacket, ConnectedSeqPacket]:
        """A pair of connected seqpacket sockets (``socketpair(2)``)."""
        a, b = SEQ_CONN.handle(), SEQ_CONN.handle()
        _p.wl_seqpacket_pair(ctypes.byref(a), ctypes.byref(b))
        return pair_of(ConnectedSeqPacket, SEQ_CONN, a, b)

    @staticmethod
    def from_fd(fd: int) -> ConnectedSeqPacket:
        """Adopts a connected seqpacket socket's descriptor (a Unix stream
        one is refused with ``EPROTOTYPE``); on failure the caller still
        owns ``fd``."""
        return _adopted(ConnectedSeqPacket, SEQ_CONN, fd, None)

    def send(self, data: Any, flags: int = 0) -> int:
        """Sends ``data`` (any bytes-like object) as one message, whole or
        not at all (``send(2)``); returns its length. ``OSError(EMSGSIZE)``
        for a message larger than the send buffer allows."""
        fl = int_arg(flags, "flags", "send")
        return self._send_buffer("send()", data, lambda h, ptr, n: _p.wl_seqpacket_send(h, ptr, n, fl))

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Receives exactly one message of at most ``bufsize`` bytes.

        ``b""`` is an empty message or the peer's shutdown. A longer
        message raises :class:`MessageTruncatedError` with its first
        ``bufsize`` bytes and its whole length. ``MSG_PEEK`` in ``flags``
        leaves it queued."""
        size = size_arg(bufsize, "bufsize", "recv")
        buf = ctypes.create_string_buffer(size)
        n = self._recv(buf, size, int_arg(flags, "flags", "recv"), lambda m: buf.raw[:m])
        return buf.raw[:n]

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Receives one message into a writable buffer (its first ``nbytes``
        bytes, or all of it when 0); returns the message's length. A longer
        message raises :class:`MessageTruncatedError` (the buffer holds
        its first bytes)."""
        ptr, size = writable(buffer, nbytes, "recv_into")
        view = memoryview(buffer).cast("B")
        return self._recv(ptr, size, int_arg(flags, "flags", "recv_into"), lambda m: bytes(view[:m]))

    def _recv(self, ptr: Any, size: int, flags: int, head: Any) -> int:
        whole = ctypes.c_size_t()
        try:
            return self._io(
                "recv()", _IN, lambda h: _p.wl_seqpacket_recv(h, ptr, size, flags, ctypes.byref(whole)), eof_is_zero=True
            )
        except OSError as e:
            if e.errno != errno.EMSGSIZE or isinstance(e, MessageTruncatedError):
                raise
            raise MessageTruncatedError(str(e.strerror), head(size), whole.value) from None

    def next_len(self) -> int:
        """The length of the next message without consuming it (``MSG_PEEK |
        MSG_TRUNC``), so :meth:`recv` can be sized for it; waits like
        :meth:`recv`."""
        return self._io("next_len()", _IN, _p.wl_seqpacket_next_len)

    def shutdown(self, how: int) -> None:
        """``shutdown(2)``: ``socket.SHUT_RD``, ``SHUT_WR`` or ``SHUT_RDWR``;
        after ``SHUT_WR`` the peer's receives return ``b""``."""
        h = int_arg(how, "how", "shutdown")
        self._call(lambda hh: _p.wl_seqpacket_shutdown(hh, h))

    def getpeername(self) -> UnixAddr:
        """The peer's address (``getpeername(2)``)."""
        addr = self._address(_p.wl_seqpacket_peer_addr)
        assert isinstance(addr, UnixAddr)
        return addr

    def peer_credentials(self) -> Credentials:
        """The peer process's credentials at connect time (``SO_PEERCRED``)."""
        out = _ffi.wl_ucred()
        self._call(lambda h: _p.wl_seqpacket_peer_credentials(h, ctypes.byref(out)))
        return Credentials(out.pid, out.uid, out.gid)

    def dup(self) -> ConnectedSeqPacket:
        """A second object for the same socket (``F_DUPFD_CLOEXEC``)."""
        return self._clone(ConnectedSeqPacket, _p.wl_seqpacket_try_clone)


def new_socket(cls: type[_TS], fns: _ffi.StateFns, create: Callable[..., Any], *args: Any) -> _TS:
    """A new socket: ``create(*args, 0, &out)`` makes a blocking ``fns``
    handle, returned as ``cls`` with ``socket.getdefaulttimeout()``."""
    out = fns.handle()
    create(*args, 0, ctypes.byref(out))
    return sync_mode(cls(KEY, fns, out, None), default_timeout())
