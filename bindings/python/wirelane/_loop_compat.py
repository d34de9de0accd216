"""What the standard library's event loop asks of a socket it is handed
with ``sock=`` (``loop.sock_connect``, ``create_connection(sock=)``,
``create_server(sock=)``, ``create_datagram_endpoint(sock=)``) beyond what
the state classes already have: ``getsockopt``/``setsockopt`` on every
state, ``getpeername`` on an unconnected datagram socket (``ENOTCONN``, as
the stdlib) and ``listen`` on a listener.

Ownership handed to a loop. uvloop runs a ``sock=`` object's descriptor
inside libuv; when the transport closes, libuv closes the descriptor and
uvloop then calls ``sock.detach()`` on a ``socket.socket`` but
``sock.close()`` on any other object, expecting ``OSError(EBADF)``. Freeing
the handle then would close a descriptor that is no longer ours (the Rust
core's debug build aborts on exactly that; a release build could close an
unrelated descriptor that reused the number). So :meth:`fileno` records
which open file the number names when it first lends it out, and the
handle is freed only while the number still names that file; otherwise the
handle is forgotten (nothing closed) and ``close()`` raises
``OSError(EBADF)``, as a stdlib socket's ``close()`` does on a descriptor
closed under it.

Kept in one mixin so the state classes stay as they are; ``family``,
``type``, ``proto``, ``setblocking`` and ``gettimeout`` live in ``_base``.
"""

from __future__ import annotations

import errno
import os
import socket
from typing import Any, overload

from . import _check


def _identity(fd: int) -> tuple[int, int] | None:
    """Which open file ``fd`` names (device, inode), or ``None`` if the
    number is not open. Socket inodes are unique while the socket lives."""
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


class LoopCompat:
    """``getsockopt``/``setsockopt`` with the :mod:`socket` module's
    signatures, for code (the asyncio loop, stdlib helpers) that reads raw
    options. The typed option methods (``set_tcp_nodelay`` ...) are the
    better API for new code. Also keeps the handle from freeing a
    descriptor that a loop it was lent to has closed (module docstring)."""

    __slots__ = ("_lent",)
    _lent: tuple[int, int] | None

    def _lend(self, fd: int) -> None:
        """Notes, the first time ``fileno()`` hands ``fd`` out, which file it names."""
        try:
            self._lent
        except AttributeError:
            self._lent = _identity(fd)

    def _free_owned(self, handle: Any) -> bool:
        """Frees ``handle`` if this object's descriptor still names the file
        it was lent as (or was never lent); otherwise forgets it without
        closing anything and returns ``False``: whoever it was lent to
        closed it."""
        fns, fd = self._fns, self._fd  # type: ignore[attr-defined]
        free, into_fd = fns.free, fns.into_fd
        try:
            lent = self._lent
        except AttributeError:
            lent = None
        if lent is None or _identity(fd) == lent:
            free(handle)
            return True
        into_fd(handle)  # ownership ends here; the number is not ours to close
        return False

    def _closed_elsewhere(self, fd: int) -> OSError:
        return OSError(
            errno.EBADF,
            f"fd {fd} of this {type(self).__name__} was closed by "
            "the code it was lent to (an event loop given it as sock=); the object is now closed",
        )

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
