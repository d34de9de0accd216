"""What the standard library's event loop asks of a socket it is handed
with ``sock=`` (``loop.sock_connect``, ``create_connection(sock=)``,
``create_server(sock=)``, ``create_datagram_endpoint(sock=)``) beyond what
the state classes already have: ``getsockopt``/``setsockopt`` on every
state, ``getpeername`` on an unconnected datagram socket (``ENOTCONN``, as
the stdlib) and ``listen`` on a listener.

Kept in one mixin so the state classes stay as they are; ``family``,
``type``, ``proto``, ``setblocking`` and ``gettimeout`` live in ``_base``.
"""

from __future__ import annotations

import errno
import socket
from typing import Any, overload

from . import _check


class LoopCompat:
    """``getsockopt``/``setsockopt`` with the :mod:`socket` module's
    signatures, for code (the asyncio loop, stdlib helpers) that reads raw
    options. The typed option methods (``set_tcp_nodelay`` ...) are the
    better API for new code."""

    __slots__ = ()

    def _borrowed_socket(self) -> tuple[Any, socket.socket]:
        """A ``socket.socket`` view of the descriptor, detached (never
        closed) by the caller; the handle is borrowed meanwhile."""
        h = self._acquire()  # type: ignore[attr-defined]
        try:
            return h, socket.socket(fileno=self._fd)  # type: ignore[attr-defined]
        except BaseException:
            self._release()  # type: ignore[attr-defined]
            raise

    @overload
    def getsockopt(self, level: int, optname: int) -> int: ...

    @overload
    def getsockopt(self, level: int, optname: int, buflen: int) -> bytes: ...

    def getsockopt(self, level: int, optname: int, buflen: int | None = None) -> int | bytes:
        """``getsockopt(2)``, as ``socket.getsockopt``: an ``int``, or
        ``buflen`` raw bytes. ``getsockopt(SOL_SOCKET, SO_ERROR)`` is how
        ``loop.sock_connect`` learns a connect's outcome."""
        _, view = self._borrowed_socket()
        try:
            if buflen is None:
                return view.getsockopt(level, optname)
            return view.getsockopt(level, optname, buflen)
        finally:
            view.detach()
            self._release()  # type: ignore[attr-defined]

    def setsockopt(self, level: int, optname: int, value: int | bytes) -> None:
        """``setsockopt(2)``, as ``socket.setsockopt`` (an ``int`` or raw bytes)."""
        lvl = _check.integer(level, "level", "setsockopt")
        opt = _check.integer(optname, "optname", "setsockopt")
        if not isinstance(value, (bytes, bytearray, memoryview)):
            value = _check.integer(value, "value", "setsockopt", -(2**31), 2**32 - 1)
        _, view = self._borrowed_socket()
        try:
            view.setsockopt(lvl, opt, value)
        finally:
            view.detach()
            self._release()  # type: ignore[attr-defined]


class UnconnectedPeer:
    """``getpeername`` of a socket with no peer: ``OSError(ENOTCONN)``, as
    the stdlib (asyncio's transports probe it)."""

    __slots__ = ()

    def getpeername(self) -> Any:
        """Always raises ``OSError(ENOTCONN)``: this state has no peer."""
        raise OSError(errno.ENOTCONN, f"this {type(self).__name__} is not connected (no peer address)")
