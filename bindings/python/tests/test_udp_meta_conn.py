"""UDP metadata beyond the unconnected datagram, from Python, both
families on loopback: connected sockets (``udp_meta`` on
``ConnectedDatagram``), the error queue with the offender and path MTU
discovery (``udp_errors``), per-slot batch metadata (``push_meta`` /
``batch_meta``), receive slots into the caller's own buffers
(``udp_slots``) and raw control messages (``wirelane.cmsg``: a too-small
control buffer reports the cut)."""

from __future__ import annotations

import errno
import socket
import sys
import time
from typing import Any

import pytest

from wirelane import MSG_WAITFORONE, ConnectedDatagram, RawSocket, RecvBatch, SendBatch, SocketAddrV4, SocketAddrV6, cmsg, udp_errors, udp_meta, udp_slots

FAMILIES = [
    pytest.param(False, SocketAddrV4("127.0.0.1", 0), "127.0.0.1", id="v4"),
    pytest.param(True, SocketAddrV6("::1", 0), "::1", id="v6"),
]


def _new(v6: bool) -> Any:
    return RawSocket.udp6 if v6 else RawSocket.udp4


def _pair(v6: bool, lo: Any) -> tuple[Any, Any]:
    """Two UDP sockets connected to each other."""
    a: Any = _new(v6)().bind(lo)
    b: Any = _new(v6)().bind(lo)
    a_addr, b_addr = a.getsockname(), b.getsockname()
    ca, cb = a.connect(b_addr), b.connect(a_addr)
    ca.settimeout(5)
    cb.settimeout(5)
    return ca, cb


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_connected_metadata(v6: bool, lo: Any, host: str) -> None:
    tx, rx = _pair(v6, lo)
    with tx, rx:
        udp_meta.set_recv_meta(rx, ecn=True, ttl=True, addr=True)
        assert udp_meta.send_meta(tx, b"conn", ecn=udp_meta.CE, ttl=7) == 4
        buf = bytearray(16)
        m = udp_meta.recv_meta(rx, buf)
        assert bytes(buf[: m.nbytes]) == b"conn"
        assert (m.ecn, m.ttl, m.dst) == (udp_meta.CE, 7, host)
        assert m.source == tx.getsockname()
        assert not m.control_truncated
        udp_meta.set_recv_meta(rx, ecn=True, on=False)
        udp_meta.send_meta(tx, b"x", ttl=9)
        m = udp_meta.recv_meta(rx, buf)
        assert (m.ecn, m.ttl) == (None, 9)
        with pytest.raises(TypeError, match="takes no address"):
            udp_meta.send_meta(tx, b"x", rx.getsockname())  # type: ignore[call-overload]
        with pytest.raises(OSError) as e:
            udp_meta.send_meta(tx, b"x", ecn=4)
        assert e.value.errno == errno.EINVAL


def test_unix_connected_is_refused() -> None:
    a, b = ConnectedDatagram.pair()
    with a, b:
        with pytest.raises(OSError) as e:
            udp_meta.set_recv_meta(a, ecn=True)  # type: ignore[arg-type]
        assert e.value.errno == errno.EAFNOSUPPORT


def _closed_port(lo: Any, v6: bool) -> Any:
    gone: Any = _new(v6)().bind(lo)
    addr = gone.getsockname()
    gone.close()
    return addr


def _wait_error(sock: Any) -> udp_errors.QueuedError:
    """The ICMP error arrives asynchronously after the send: wait, bounded."""
    for _ in range(300):
        try:
            return udp_errors.recv_error(sock, bytearray(16))
        except BlockingIOError:
            time.sleep(0.01)
    raise AssertionError("no queued error within 3 s")


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_error_queue_names_the_offender(v6: bool, lo: Any, host: str) -> None:
    closed = _closed_port(lo, v6)
    tx: Any = _new(v6)().bind(lo)
    udp_errors.set_recv_errors(tx)
    with pytest.raises(BlockingIOError):
        udp_errors.recv_error(tx)
    # Unconnected.
    tx.sendto(b"x", closed)
    q = _wait_error(tx)
    assert q.errno == errno.ECONNREFUSED
    assert q.origin == (udp_errors.ORIGIN_ICMP6 if v6 else udp_errors.ORIGIN_ICMP)
    assert q.icmp_type == (1 if v6 else 3)  # destination unreachable
    assert q.offender == host
    assert q.nbytes == 1
    if q.destination is not None:
        assert q.destination.port == closed.port
    assert isinstance(q.as_oserror(), ConnectionRefusedError)
    assert host in str(q.as_oserror())
    # Connected: the same, and the path MTU towards the peer.
    conn = tx.connect(closed)
    with conn:
        conn.send(b"yy")
        q = _wait_error(conn)
        assert (q.errno, q.offender, q.nbytes) == (errno.ECONNREFUSED, host, 2)
        with pytest.raises(BlockingIOError):
            udp_errors.recv_error(conn)
        assert udp_errors.path_mtu(conn) >= 1280


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_mtu_discovery_modes(v6: bool, lo: Any, host: str) -> None:
    d: Any = _new(v6)().bind(lo)
    with d:
        for mode in (udp_errors.PMTUDISC_DO, udp_errors.PMTUDISC_PROBE, udp_errors.PMTUDISC_DONT):
            udp_errors.set_mtu_discover(d, mode)
            assert udp_errors.mtu_discover(d) == mode
        with pytest.raises(OSError) as e:
            udp_errors.set_mtu_discover(d, 99)
        assert e.value.errno == errno.EINVAL
        with pytest.raises(TypeError, match="ConnectedDatagram"):
            udp_errors.path_mtu(d)  # type: ignore[arg-type]
    a, b = _pair(v6, lo)
    with a, b:
        udp_errors.set_mtu_discover(a, udp_errors.PMTUDISC_DO)
        assert udp_errors.mtu_discover(a) == udp_errors.PMTUDISC_DO
        # On loopback the path MTU is lo's MTU; IPv4 caps it at its
        # largest packet (65535), IPv6 does not.
        with open("/sys/class/net/lo/mtu") as f:
            lo_mtu = int(f.read())
        assert udp_errors.path_mtu(a) == (lo_mtu if v6 else min(lo_mtu, 65535))


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_batch_slots_keep_their_own_metadata(v6: bool, lo: Any, host: str) -> None:
    dom = SocketAddrV6 if v6 else SocketAddrV4
    rx: Any = _new(v6)().bind(lo)
    tx: Any = _new(v6)().bind(lo)
    rx.settimeout(5)
    udp_meta.set_recv_meta(rx, ecn=True, ttl=True)
    to = rx.getsockname()
    n = 8
    with SendBatch(dom, n) as sb, RecvBatch(dom, n, 64) as rb:  # type: ignore[type-var]
        for i in range(n):
            udp_meta.push_meta(sb, bytearray(b"s%d" % i), to, ecn=i % 4, ttl=10 + i)
        with pytest.raises(OSError) as e:
            udp_meta.push_meta(sb, b"z", to)
        assert e.value.errno == errno.ENOBUFS
        assert tx.send_batch(sb) == n
        seen = 0
        while seen < n:
            k = rx.recv_batch(rb)
            for j in range(k):
                i = int(rb[j].data[1:])
                assert i == seen + j
                m = udp_meta.batch_meta(rb, j)
                assert (m.nbytes, m.ecn, m.ttl) == (2, i % 4, 10 + i)
                assert m.source == tx.getsockname()
                level, kind = (socket.IPPROTO_IPV6, socket.IPV6_HOPLIMIT) if v6 else (socket.IPPROTO_IP, socket.IP_TTL)
                hops = [c for c in cmsg.batch_control(rb, j) if (c.level, c.type) == (level, kind)]
                assert [int.from_bytes(h.data, sys.byteorder) for h in hops] == [10 + i]
            seen += k
        with pytest.raises(IndexError):
            udp_meta.batch_meta(rb, n)
        sb.clear()
        with pytest.raises(OSError) as e:
            udp_meta.push_meta(sb, b"z", to, segment_size=0)
        assert e.value.errno == errno.EINVAL
        assert len(sb) == 0


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_raw_control_messages(v6: bool, lo: Any, host: str) -> None:
    rx: Any = _new(v6)().bind(lo)
    tx: Any = _new(v6)().bind(lo)
    rx.settimeout(5)
    udp_meta.set_recv_meta(rx, ecn=True, ttl=True)
    if v6:
        tos = (socket.IPPROTO_IPV6, socket.IPV6_TCLASS)
        hop = (socket.IPPROTO_IPV6, socket.IPV6_HOPLIMIT)
    else:
        tos = (socket.IPPROTO_IP, socket.IP_TOS)
        hop = (socket.IPPROTO_IP, socket.IP_TTL)
    msgs = [(*tos, (3).to_bytes(4, sys.byteorder)), (*hop, (7).to_bytes(4, sys.byteorder))]
    built = cmsg.encode(msgs)
    assert len(built) == 2 * cmsg.space(4) == 2 * socket.CMSG_SPACE(4)
    assert [tuple(m) for m in cmsg.parse(built)] == msgs
    assert cmsg.send_cmsg(tx, b"raw", msgs, rx.getsockname()) == 3
    buf = bytearray(16)
    r = cmsg.recv_cmsg(rx, buf)
    assert (r.nbytes, bytes(buf[:3]), r.address) == (3, b"raw", tx.getsockname())
    assert not r.control_truncated and not r.truncated
    got = {(c.level, c.type): c.data for c in r.ancdata}
    assert got[tos][0] == 3 and int.from_bytes(got[hop], sys.byteorder) == 7
    m = r.meta()
    assert (m.ecn, m.ttl, m.control_truncated) == (udp_meta.CE, 7, False)

    # A control buffer with room for one message of two: reported.
    cmsg.send_cmsg(tx, b"cut", built, rx.getsockname())
    r = cmsg.recv_cmsg(rx, buf, cmsg.space(4))
    assert r.control_truncated and r.msg_flags & socket.MSG_CTRUNC
    assert len(r.ancdata) <= 1
    assert r.meta().control_truncated

    # Connected sockets; a malformed buffer is refused before the kernel.
    a, b = _pair(v6, lo)
    with a, b:
        udp_meta.set_recv_meta(b, ttl=True)
        assert cmsg.send_cmsg(a, b"cc", built) == 2
        r = cmsg.recv_cmsg(b, buf)
        assert {(c.level, c.type): c.data for c in r.ancdata}[hop] == (7).to_bytes(4, sys.byteorder)
        bad = (1000).to_bytes(8, sys.byteorder) + bytes(24)
        with pytest.raises(OSError, match="runs past the end") as e:
            cmsg.send_cmsg(a, b"x", bad)
        assert e.value.errno == errno.EINVAL
        with pytest.raises(OSError, match="runs past the end"):
            cmsg.parse(bad)


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_recv_slots_into_own_buffers(v6: bool, lo: Any, host: str) -> None:
    dom = SocketAddrV6 if v6 else SocketAddrV4
    rx: Any = _new(v6)().bind(lo)
    tx: Any = _new(v6)().bind(lo)
    rx.settimeout(5)
    udp_meta.set_recv_meta(rx, ecn=True, ttl=True)
    to = rx.getsockname()
    n = 6
    bufs = [bytearray(8) for _ in range(n)]
    with SendBatch(dom, n) as sb, udp_slots.RecvSlots(dom, n) as slots:  # type: ignore[type-var]
        for i in range(n):
            udp_meta.push_meta(sb, b"p%d" % i, to, ecn=i % 4, ttl=20 + i)
        assert tx.send_batch(sb) == n
        seen = 0
        while seen < n:
            k = udp_slots.recv_slots(rx, slots, bufs[: n - seen], MSG_WAITFORONE)
            assert len(slots) == k
            for j in range(k):
                m = slots.meta(j)
                i = int(bufs[j][1:2])
                assert i == seen + j
                assert (m.nbytes, m.ecn, m.ttl, m.source) == (2, i % 4, 20 + i, tx.getsockname())
                assert not slots.flags(j) & (socket.MSG_TRUNC | socket.MSG_CTRUNC)
                assert any(c.data == (20 + i).to_bytes(4, sys.byteorder) for c in slots.control(j))
            seen += k
        with pytest.raises(IndexError):
            slots.meta(n)
        # Cut to a short buffer: MSG_TRUNC says so.
        tx.sendto(b"0123456789", to)
        assert udp_slots.recv_slots(rx, slots, [bytearray(4)]) == 1
        assert slots.flags(0) & socket.MSG_TRUNC and slots.meta(0).nbytes == 4
        with pytest.raises(ValueError):
            udp_slots.recv_slots(rx, slots, [])
    # Connected sockets, and a family mismatch.
    a, b = _pair(v6, lo)
    with a, b, udp_slots.RecvSlots(dom, 2) as slots:  # type: ignore[type-var]
        udp_meta.set_recv_meta(b, ttl=True)
        udp_meta.send_meta(a, b"cs", ttl=9)
        buf = bytearray(8)
        assert udp_slots.recv_slots(b, slots, [buf]) == 1
        assert (bytes(buf[:2]), slots.meta(0).ttl) == (b"cs", 9)
        other = SocketAddrV4 if v6 else SocketAddrV6
        with udp_slots.RecvSlots(other, 2) as wrong:  # type: ignore[type-var]
            with pytest.raises(OSError) as e:
                udp_slots.recv_slots(b, wrong, [buf], socket.MSG_DONTWAIT)
            assert e.value.errno == errno.EAFNOSUPPORT
