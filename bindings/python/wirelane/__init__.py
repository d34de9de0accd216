"""Wirelane for Python: type-safe sockets, one class per socket state.

Each kernel socket state is its own class, generic over the address family
(the domain) so a type checker rejects misuse before the program runs::

    from wirelane import RawSocket, SocketAddrV4

    listener = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen()
    conn, peer = listener.accept()      # Connection[Ipv4], SocketAddrV4
    # listener.send(b"x")               # rejected by mypy: no such method

A transition (``bind``, ``listen``, ``connect``, ``finish`` ...) returns the
next state's object and consumes the old one (using it afterwards raises
:class:`ConsumedError`); a failed transition raises ``OSError`` and leaves
the object usable. Errors are the standard ``OSError`` subclasses
(``ConnectionRefusedError``, ``BrokenPipeError``, ``TimeoutError`` ...).
Timeouts, ``makefile``, ``sendfile``, ``with`` blocks, ``fileno`` and
``detach`` behave as in the :mod:`socket` module.

The package is a ctypes binding of the Wirelane C ABI (``libwirelane.so``);
see ``wirelane._lib`` for where the library is looked for.
"""

from __future__ import annotations

from typing import overload

from . import _ffi
from . import activation as activation
from ._addr import (
    Address,
    Datagram,
    Ipv4,
    Ipv6,
    SocketAddrV4,
    SocketAddrV6,
    Stream,
    Unix,
    UnixAddr,
    format_address,
    parse_address,
)
from ._base import ConsumedError
from ._connect_by_name import DEFAULT_HAPPY_EYEBALLS_DELAY, InetAddress, connect_datagram, create_connection, resolve
from ._batch import (
    MAX_BATCH,
    MAX_UDP_SEGMENTS,
    MSG_WAITFORONE,
    GroRecv,
    RecvBatch,
    RecvMsg,
    SegmentedSend,
    SendBatch,
    max_udp_payload,
)
from ._builder import (
    BufferConfig,
    ConnectorBuilder,
    DatagramBuilder,
    KeepaliveConfig,
    ListenerBuilder,
    ReuseConfig,
    TcpConfig,
)
from ._dgram import BoundDatagram, ConnectedDatagram
from ._io import SocketIO
from ._options import TcpInfo
from ._proxy_opts import CbpfProgram
from ._lib import EXPECTED_ABI, AbiVersionError, LibraryNotFoundError
from ._raw import RawSocket
from ._base import IPPROTO_MPTCP
from ._fdpass import MAX_FDS, Credentials, own_credentials
from ._stream import BoundSocket, Connection, Listener, PendingConnect
from ._stream_ext import (
    ERROR,
    HANGUP,
    PRIORITY,
    READ_HANGUP,
    READABLE,
    WRITABLE,
    CancelToken,
    errno_name,
    is_transient,
    wait,
)
# Socket kinds: SEQPACKET, ICMP echo, raw IP (issue 17).
from ._icmp import BoundIcmp, ConnectedIcmp, EchoReply, RawIcmp
from ._rawip import BoundRawIp, ConnectedRawIp, RawIpSocket
from ._seqpacket import BoundSeqPacket, ConnectedSeqPacket, MessageTruncatedError, RawSeqPacket, SeqPacketListener
from ._zerocopy import (
    SPLICE_F_GIFT,
    SPLICE_F_MORE,
    SPLICE_F_MOVE,
    SPLICE_F_NONBLOCK,
    Pipe,
    ZerocopyCompletion,
    pipe,
    splice,
    splice_all,
    tee,
)

__version__ = "0.1.0"

LIBRARY_VERSION: str = _ffi.VERSION
"""The loaded ``libwirelane.so``'s version (``wl_version()``)."""
LIBRARY_PATH: str = str(_ffi.LIB_PATH)
"""Where the loaded ``libwirelane.so`` is."""


@overload
def socketpair() -> tuple[Connection[UnixAddr], Connection[UnixAddr]]: ...


@overload
def socketpair(kind: type[Stream]) -> tuple[Connection[UnixAddr], Connection[UnixAddr]]: ...


@overload
def socketpair(kind: type[Datagram]) -> tuple[ConnectedDatagram[UnixAddr], ConnectedDatagram[UnixAddr]]: ...


def socketpair(
    kind: type[Stream] | type[Datagram] = Stream,
) -> (
    tuple[Connection[UnixAddr], Connection[UnixAddr]]
    | tuple[ConnectedDatagram[UnixAddr], ConnectedDatagram[UnixAddr]]
):
    """A pair of connected Unix sockets (``socketpair(2)``): streams by
    default, ``socketpair(Datagram)`` for datagrams."""
    if kind is Datagram:
        return ConnectedDatagram.pair()
    if kind is Stream:
        return Connection.pair()
    raise TypeError("socketpair(kind): kind is Stream or Datagram")


__all__ = [
    # Socket kinds (issue 17).
    "BoundIcmp",
    "BoundRawIp",
    "BoundSeqPacket",
    "ConnectedIcmp",
    "ConnectedRawIp",
    "ConnectedSeqPacket",
    "EchoReply",
    "MessageTruncatedError",
    "RawIcmp",
    "RawIpSocket",
    "RawSeqPacket",
    "SeqPacketListener",
    # MPTCP streams: RawSocket.mptcp4()/mptcp6(), RawSocket.new(..., protocol) (issue 17).
    "IPPROTO_MPTCP",
    # Proxy, multicast and classic-BPF options (issue 17).
    "CbpfProgram",
    # Connect by name (issue 18).
    "DEFAULT_HAPPY_EYEBALLS_DELAY",
    "InetAddress",
    "connect_datagram",
    "create_connection",
    "resolve",
    "AbiVersionError",
    "Address",
    "BoundDatagram",
    "BoundSocket",
    "BufferConfig",
    "CancelToken",
    "ConnectedDatagram",
    "Connection",
    "ConnectorBuilder",
    "ConsumedError",
    "Credentials",
    "Datagram",
    "DatagramBuilder",
    "errno_name",
    "ERROR",
    "EXPECTED_ABI",
    "format_address",
    "GroRecv",
    "HANGUP",
    "Ipv4",
    "Ipv6",
    "is_transient",
    "KeepaliveConfig",
    "LIBRARY_PATH",
    "LIBRARY_VERSION",
    "LibraryNotFoundError",
    "Listener",
    "ListenerBuilder",
    "MAX_BATCH",
    "MAX_FDS",
    "max_udp_payload",
    "MAX_UDP_SEGMENTS",
    "MSG_WAITFORONE",
    "own_credentials",
    "parse_address",
    "PendingConnect",
    "Pipe",
    "pipe",
    "PRIORITY",
    "RawSocket",
    "READ_HANGUP",
    "READABLE",
    "RecvBatch",
    "RecvMsg",
    "ReuseConfig",
    "SegmentedSend",
    "SendBatch",
    "SocketAddrV4",
    "SocketAddrV6",
    "SocketIO",
    "socketpair",
    "splice",
    "splice_all",
    "SPLICE_F_GIFT",
    "SPLICE_F_MORE",
    "SPLICE_F_MOVE",
    "SPLICE_F_NONBLOCK",
    "Stream",
    "TcpConfig",
    "TcpInfo",
    "tee",
    "Unix",
    "UnixAddr",
    "wait",
    "WRITABLE",
    "ZerocopyCompletion",
]
