"""Objects of the socket-kind classes for the matrices that walk every
public class (test_hardening_input's None matrix, test_arg_checking).

SEQPACKET objects are made here. ICMP echo and raw IP sockets need
net.ipv4.ping_group_range / CAP_NET_RAW, which the host need not grant,
so they are made by one helper process running as root of fresh user +
network namespaces (scripts/in-netns.sh) and handed over as descriptors
(SCM_RIGHTS); a socket stays in, and keeps alive, the namespace it was
made in, so this process then uses it on that namespace's loopback. The
helper runs once per process and exits when its socket closes."""

from __future__ import annotations

import atexit
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import wirelane
from wirelane import SocketAddrV4

from test_kinds import child_env

IN_NETNS = Path(__file__).resolve().parents[3] / "scripts" / "in-netns.sh"

SEQPACKET = {"RawSeqPacket", "BoundSeqPacket", "SeqPacketListener", "ConnectedSeqPacket"}
NAMESPACED = {"RawIcmp", "BoundIcmp", "ConnectedIcmp", "RawIpSocket", "BoundRawIp", "ConnectedRawIp"}
KIND_CLASSES = SEQPACKET | NAMESPACED

_HELPER = r"""
import socket, sys
from wirelane import RawIcmp, RawIpSocket, SocketAddrV4
ANY, LO = SocketAddrV4("0.0.0.0", 0), SocketAddrV4("127.0.0.1", 0)
MAKE = {
    "RawIcmp": lambda: RawIcmp.v4(),
    "BoundIcmp": lambda: RawIcmp.v4().bind(ANY),
    "ConnectedIcmp": lambda: RawIcmp.v4().connect(LO),
    "RawIpSocket": lambda: RawIpSocket.v4(253),
    "BoundRawIp": lambda: RawIpSocket.v4(253).bind(LO),
    "ConnectedRawIp": lambda: RawIpSocket.v4(253).connect(LO),
}
chan = socket.socket(fileno=int(sys.argv[1]))
while True:
    name = chan.recv(64).decode()
    if not name:
        break
    fd = MAKE[name]().detach()
    socket.send_fds(chan, [b"k"], [fd])
    socket.close(fd)
"""

_chan: socket.socket | None = None
_proc: subprocess.Popen[bytes] | None = None


def _stop() -> None:
    if _chan is not None:
        _chan.close()
    if _proc is not None:
        _proc.wait(timeout=10)


def namespaced_fd(name: str) -> int:
    """A descriptor of a fresh ``name`` object made inside the helper's
    namespaces; the caller owns it."""
    global _chan, _proc
    if _chan is None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        _proc = subprocess.Popen(
            [str(IN_NETNS), sys.executable, "-c", _HELPER, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            env=child_env(),
        )
        theirs.close()
        _chan = ours
        atexit.register(_stop)
    _chan.send(name.encode())
    _, fds, _, _ = socket.recv_fds(_chan, 1, 1)
    assert len(fds) == 1, f"the namespace helper made no {name} (it failed: see its stderr)"
    return fds[0]


def make(name: str, keep: Any, addr: Any) -> Any:
    """A fresh object of the socket-kind class ``name`` (``None`` if it is
    not one), registered with ``keep`` (the matrices' World.keep)."""
    if name == "RawSeqPacket":
        return keep(wirelane.RawSeqPacket.new())
    if name == "BoundSeqPacket":
        return keep(wirelane.RawSeqPacket.new().bind(addr()))
    if name == "SeqPacketListener":
        return keep(wirelane.RawSeqPacket.new().bind(addr()).listen())
    if name == "ConnectedSeqPacket":
        a, b = wirelane.ConnectedSeqPacket.pair()
        keep(b)
        return keep(a)
    if name in NAMESPACED:
        cls = getattr(wirelane, name)
        return keep(cls.from_fd(namespaced_fd(name), SocketAddrV4))
    return None


# Valid values for the kinds' parameters the matrices do not know yet.
VALUES: dict[str, Any] = {"seq": 1, "payload": b"x", "protocol": 253}
