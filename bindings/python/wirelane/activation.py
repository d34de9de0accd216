"""Servers in production: socket activation, readiness notification and
listener handover for zero-downtime restarts.

Socket activation (``sd_listen_fds(3)``): the service manager (systemd,
``systemd-socket-activate``, s6 ...) opens the sockets and passes them at
descriptors 3, 4, ... with ``LISTEN_FDS``/``LISTEN_PID``/``LISTEN_FDNAMES``::

    from wirelane import SocketAddrV4, activation

    inherited = activation.listen_fds()
    listener = inherited.take_listener("web", SocketAddrV4)   # Listener[SocketAddrV4]
    activation.notify(activation.READY)

Handover: the running process passes its listeners to a successor over a
Unix stream in one message; the successor adopts them typed and
acknowledges; the old process then closes its listeners (the successor's
descriptors keep the sockets and their queues alive, so no connection
attempt is refused), drains and exits::

    # old process (on SIGHUP, say)
    pid, channel = activation.spawn_successor([sys.executable, *sys.argv])
    activation.Handover().add("web", listener).send(channel)   # returns once adopted
    listener.close()

    # new process, at start-up
    channel = activation.channel_from_env()         # None on a first start
    if channel is not None:
        inherited = activation.receive(channel)
        listener = inherited.take_listener("web", SocketAddrV4)
        activation.acknowledge(channel)

Errors are ``OSError`` subclasses whose text names the problem and the
descriptor (``"LISTEN_FDS: fd 3 (\\"web\\") is an AF_INET (IPv4) datagram
socket; cannot adopt it as wl_listener of AF_INET (IPv4) ..."``). The
asyncio forms are in :mod:`wirelane.aio_activation`.

The functions that read or unset environment variables (``listen_fds``,
``channel_from_env``) are not thread-safe with other environment access
(``setenv(3)``): call them early, before starting threads. They keep
``os.environ`` in step with the C environment.
"""

from __future__ import annotations

import ctypes
import os
import threading
from ctypes import POINTER, Structure, c_bool, c_char_p, c_int, c_size_t
from typing import Any, Callable, Sequence, TypeVar, Union

from . import _ffi
from . import _prototypes as _p
from ._addr import D, UnixAddr
from ._base import KEY, SocketBase
from ._dgram import BoundDatagram, ConnectedDatagram
from ._stream import Connection, Listener, _blocking_timeout, _family_of, _new_conn

__all__ = [
    "HANDOVER_FD_VAR",
    "LISTEN_FDS_START",
    "READY",
    "RELOADING",
    "STOPPING",
    "Handover",
    "InheritedSockets",
    "Transferable",
    "acknowledge",
    "channel_from_env",
    "listen_fds",
    "notify",
    "notify_to",
    "receive",
    "spawn_successor",
]

READY = "READY=1"
"""Start-up finished (a ``Type=notify`` service counts as started)."""
STOPPING = "STOPPING=1"
"""The service is beginning its shutdown."""
RELOADING = "RELOADING=1"
"""The service is reloading (send :data:`READY` when done)."""
LISTEN_FDS_START = 3
"""The first passed descriptor (``SD_LISTEN_FDS_START``)."""
HANDOVER_FD_VAR = "WIRELANE_HANDOVER_FD"
"""The variable naming a successor's handover channel descriptor."""

_ENV_VARS = ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES")


wl_inherited = _p.wl_inherited


wl_handover = _p.wl_handover


InheritedP = POINTER(wl_inherited)
HandoverP = POINTER(wl_handover)

_I = c_int
_S = TypeVar("_S", bound=SocketBase[Any])
_Fn = Callable[..., int]
_d = _ffi.declare

_name: _Fn = _p.wl_inherited_name
_fd: _Fn = _p.wl_inherited_fd

_receive: _Fn = _p.wl_handover_receive
_acknowledge: _Fn = _p.wl_handover_acknowledge


def _text(value: str, what: str) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, not {type(value).__name__}")
    data = value.encode("utf-8")
    if b"\0" in data:
        raise ValueError(f"{what} contains a NUL character")
    return data


class InheritedSockets:
    """Descriptors inherited by this process, with names: from
    :func:`listen_fds` or a predecessor's handover (:func:`receive`).

    Take each as its typed state by index or name (``take_listener(0,
    SocketAddrV4)``, ``take_datagram("dns", SocketAddrV6)``); the library
    checks with the kernel that the descriptor is that kind of socket in
    that domain. A descriptor that fails its check stays here (try another
    kind); whatever is never taken is closed by :meth:`close` (or at
    garbage collection, or at the end of a ``with`` block). Every
    descriptor is close-on-exec.
    """

    __slots__ = ("_h", "_lock")

    def __init__(self, key: object, handle: Any) -> None:
        if key is not KEY:
            raise TypeError("InheritedSockets come from listen_fds() and receive(), not from the constructor")
        self._h: Any = handle
        self._lock = threading.Lock()

    def _handle(self) -> Any:
        if self._h is None:
            raise OSError(9, "this InheritedSockets is closed")  # EBADF
        return self._h

    def __len__(self) -> int:
        with self._lock:
            return _p.wl_inherited_count(self._handle())

    def name(self, index: int) -> str:
        """The name of descriptor ``index`` (``"unknown"`` when the manager
        gave none). ``OSError(EINVAL)`` out of range."""
        with self._lock:
            h = self._handle()
            n = _name(h, index, None, 0)
            buf = ctypes.create_string_buffer(n + 1)
            _name(h, index, buf, n + 1)
            return buf.value.decode("utf-8")

    @property
    def names(self) -> list[str]:
        """Every name, in order (index ``i`` is descriptor ``i``)."""
        return [self.name(i) for i in range(len(self))]

    def index_of(self, name: str) -> int:
        """The index of the first descriptor called ``name``;
        ``FileNotFoundError`` (listing the names) when there is none."""
        with self._lock:
            return _p.wl_inherited_index_of(self._handle(), _text(name, "name"))

    def fd(self, index: int) -> int:
        """The number descriptor ``index`` had when it was inherited
        (3, 4, ... under socket activation), taken or not."""
        with self._lock:
            return _fd(self._handle(), index)

    def _take(self, which: int | str, domain: type, by_index: _Fn, by_name: _Fn, cls: type[_S], fns: _ffi.StateFns) -> _S:
        if isinstance(which, bool) or not isinstance(which, (int, str)):
            raise TypeError(f"which is an index (int) or a name (str), not {type(which).__name__}")
        family = _family_of(domain)
        out = fns.handle()
        with self._lock:
            h = self._handle()
            if isinstance(which, str):
                by_name(h, _text(which, "name"), family, ctypes.byref(out))
            else:
                if which < 0:
                    raise OSError(22, f"no descriptor at index {which}")  # EINVAL
                by_index(h, which, family, ctypes.byref(out))
        return cls(KEY, fns, out, _blocking_timeout(fns, out))

    def take_listener(self, which: int | str, domain: type[D]) -> Listener[D]:
        """Takes descriptor ``which`` (an index or a name) as a
        :class:`~wirelane.Listener` of ``domain`` (``SocketAddrV4``,
        ``SocketAddrV6`` or ``UnixAddr``). On a mismatch (not a socket, not
        listening, another domain) raises ``OSError`` naming the descriptor
        and what it is; it stays here."""
        return self._take(which, domain, _p.wl_inherited_take_listener, _p.wl_inherited_take_listener_named, Listener, _ffi.LISTENER)

    def take_datagram(self, which: int | str, domain: type[D]) -> BoundDatagram[D]:
        """Takes descriptor ``which`` as a :class:`~wirelane.BoundDatagram`
        of ``domain``; see :meth:`take_listener`."""
        return self._take(which, domain, _p.wl_inherited_take_dgram, _p.wl_inherited_take_dgram_named, BoundDatagram, _ffi.DGRAM)

    def take_connected_datagram(self, which: int | str, domain: type[D]) -> ConnectedDatagram[D]:
        """Takes descriptor ``which`` as a
        :class:`~wirelane.ConnectedDatagram` of ``domain``; see
        :meth:`take_listener`."""
        return self._take(
            which, domain, _p.wl_inherited_take_dgram_conn, _p.wl_inherited_take_dgram_conn_named, ConnectedDatagram, _ffi.DGRAM_CONN
        )

    def close(self) -> None:
        """Closes every descriptor not taken; idempotent."""
        with self._lock:
            h, self._h = self._h, None
        if h is not None:
            _p.wl_inherited_free(h)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._h is None

    def __enter__(self) -> InheritedSockets:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        if self._h is None:
            return "<InheritedSockets closed>"
        return f"<InheritedSockets {self.names!r}>"


def _sync_environ(*names: str) -> None:
    """The library unset ``names`` in the C environment; ``os.environ``
    (a copy taken at start-up) follows."""
    for var in names:
        os.environ.pop(var, None)


def listen_fds(unset_environment: bool = True) -> InheritedSockets:
    """The descriptors passed by socket activation (``sd_listen_fds(3)``),
    each made close-on-exec, with their names.

    Raises ``FileNotFoundError`` (``ENOENT``) when ``LISTEN_PID`` or
    ``LISTEN_FDS`` is not set (not socket-activated), ``OSError(EINVAL)``
    when a variable is malformed or ``LISTEN_PID`` names another process,
    ``OSError(EBADF)`` when a counted descriptor is not open. With
    ``unset_environment`` (the default) the variables are unset whether or
    not this succeeds, so children do not see them."""
    out = InheritedP()
    try:
        _p.wl_activation_listen_fds(bool(unset_environment), ctypes.byref(out))
    finally:
        if unset_environment:
            _sync_environ(*_ENV_VARS)
    return InheritedSockets(KEY, out)


def notify(state: str) -> bool:
    """Sends ``state`` (``READY``, ``STOPPING``, ``"STATUS=..."``, several
    joined by newlines) to the socket in ``NOTIFY_SOCKET``
    (``sd_notify(3)``). ``False`` when ``NOTIFY_SOCKET`` is not set (nothing
    to do); ``True`` once sent."""
    return _p.wl_activation_notify(_text(state, "state")) == 1


def notify_to(socket: str, state: str) -> None:
    """Sends ``state`` to the notification socket ``socket`` (a path, or
    ``"@name"`` for the abstract namespace), whatever the environment says."""
    _p.wl_activation_notify_to(_text(socket, "socket"), _text(state, "state"))


Transferable = Union[Listener[Any], BoundDatagram[Any], ConnectedDatagram[Any]]
"""What a handover carries: listeners and datagram sockets (a connected
stream belongs to one process's conversation and is not handed over)."""


class Handover:
    """The sockets to hand to a successor, with names, sent in one message
    by :meth:`send`."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: list[tuple[bytes, Transferable]] = []

    def add(self, name: str, sock: Transferable) -> Handover:
        """Adds ``sock`` under ``name`` (names need not be unique); returns
        this object, to chain. ``TypeError`` for anything but a
        :class:`~wirelane.Listener`, :class:`~wirelane.BoundDatagram` or
        :class:`~wirelane.ConnectedDatagram`."""
        if not isinstance(sock, (Listener, BoundDatagram, ConnectedDatagram)):
            raise TypeError(
                f"a handover carries Listener, BoundDatagram or ConnectedDatagram sockets, not {type(sock).__name__}"
            )
        self._items.append((_text(name, "name"), sock))
        return self

    def __len__(self) -> int:
        return len(self._items)

    def send(self, channel: Connection[UnixAddr]) -> None:
        """Sends every socket and its name over ``channel`` (a blocking
        Unix stream, from :func:`spawn_successor`) and waits until the
        successor has adopted them (its :func:`acknowledge`).

        When this returns, close the listeners (stop accepting), drain and
        exit. Raises ``OSError(EINVAL)`` for an empty handover,
        ``OSError(ENODATA)`` when the successor closed the channel without
        acknowledging; on any error the sockets are still yours."""
        out = HandoverP()
        _p.wl_handover_new(ctypes.byref(out))
        borrowed: list[Transferable] = []
        try:
            for name, sock in self._items:
                h = sock._acquire()
                borrowed.append(sock)
                if isinstance(sock, Listener):
                    _p.wl_handover_add_listener(out, name, h)
                elif isinstance(sock, BoundDatagram):
                    _p.wl_handover_add_dgram(out, name, h)
                else:
                    _p.wl_handover_add_dgram_conn(out, name, h)
            channel._call(lambda ch: _p.wl_handover_send(out, ch))
        finally:
            for sock in borrowed:
                sock._release()
            _p.wl_handover_free(out)


def receive(channel: Connection[UnixAddr]) -> InheritedSockets:
    """In the successor: receives the predecessor's sockets with their
    names over ``channel`` (blocking). Take each, then call
    :func:`acknowledge`. ``OSError(ENODATA)`` when the channel closed
    first; ``OSError(EINVAL)`` for a malformed message (every descriptor
    that came is closed)."""
    out = InheritedP()
    channel._call(lambda ch: _receive(ch, ctypes.byref(out)))
    return InheritedSockets(KEY, out)


def acknowledge(channel: Connection[UnixAddr]) -> None:
    """Tells the predecessor the sockets are adopted: its
    :meth:`Handover.send` returns and it stops accepting."""
    channel._call(lambda ch: _acknowledge(ch))


def channel_from_env() -> Connection[UnixAddr] | None:
    """In a successor: the handover channel named by
    :data:`HANDOVER_FD_VAR` (checked to be a connected Unix stream, made
    close-on-exec; the variable is unset). ``None`` when it is not set (a
    first start)."""
    out = _ffi.ConnP()
    try:
        found = _p.wl_handover_channel_from_env(ctypes.byref(out))
    finally:
        _sync_environ(HANDOVER_FD_VAR)
    if found == 0:
        return None
    conn: Connection[UnixAddr] = _new_conn(out, None, False)
    return conn


def spawn_successor(args: Sequence[str], executable: str | None = None) -> tuple[int, Connection[UnixAddr]]:
    """Starts the successor: runs ``executable`` (default ``args[0]``,
    looked up in ``PATH`` when it has no slash) with ``args`` as its argv,
    the environment inherited, and one end of a new Unix stream pair
    inherited with its number in :data:`HANDOVER_FD_VAR`. Returns the
    child's pid (reap it with ``os.waitpid``) and this process's end, for
    :meth:`Handover.send`. For a Python server:
    ``spawn_successor([sys.executable, *sys.argv])``."""
    argv = [_text(a, "argument") for a in args]
    if not argv:
        raise ValueError("spawn_successor needs at least args[0], the program")
    path = _text(executable, "executable") if executable is not None else argv[0]
    arr = (c_char_p * (len(argv) + 1))(*argv, None)
    pid = c_int(-1)
    out = _ffi.ConnP()
    _p.wl_handover_spawn(path, arr, ctypes.byref(pid), ctypes.byref(out))
    conn: Connection[UnixAddr] = _new_conn(out, None, False)
    return pid.value, conn
