"""Batched datagrams (sendmmsg/recvmmsg) and UDP GSO/GRO on loopback."""

from __future__ import annotations

import errno
import socket

import pytest
from conftest import BOUND, abstract_addr

from wirelane import (
    MSG_WAITFORONE,
    Ipv4,
    Ipv6,
    RawSocket,
    RecvBatch,
    SendBatch,
    SocketAddrV4,
    SocketAddrV6,
    Unix,
    max_udp_payload,
    socketpair,
)
from wirelane import Datagram as DatagramKind

LO4 = SocketAddrV4("127.0.0.1", 0)
LO6 = SocketAddrV6("::1", 0)


def test_send_batch_and_recv_batch_one_syscall_each() -> None:
    a = RawSocket.udp4().bind(LO4)
    b = RawSocket.udp4().bind(LO4)
    b.settimeout(BOUND)
    dest = b.getsockname()
    payloads = [f"packet {i}".encode() for i in range(32)]
    with SendBatch(Ipv4, 64) as batch:
        assert batch.capacity == 64 and len(batch) == 0
        for p in payloads[:16]:
            batch.push(p, dest)
        for p in payloads[16:]:
            batch.push(bytearray(p), dest)  # pinned, not copied
        assert len(batch) == 32
        assert a.send_batch(batch) == 32
        assert batch.sent == 32
        assert batch.sent_lens() == [len(p) for p in payloads]
        batch.clear()
        assert len(batch) == 0
    with RecvBatch(Ipv4, 64, 1500) as rb:
        assert rb.capacity == 64 and rb.slot_size == 1500
        got: list[bytes] = []
        while len(got) < 32:
            n = b.recv_batch(rb)
            assert n == len(rb) > 0
            for msg in rb:
                assert msg.source == a.getsockname()
                assert not msg.truncated and msg.len == len(msg.data)
                got.append(msg.data)
        assert got == payloads
        assert rb[-1].data == rb[len(rb) - 1].data
        with pytest.raises(IndexError):
            rb[len(rb)]
    a.close()
    b.close()


def test_recv_batch_marks_truncated_datagrams() -> None:
    a = RawSocket.udp6().bind(LO6)
    b = RawSocket.udp6().bind(LO6)
    b.settimeout(BOUND)
    a.sendto(b"x" * 100, b.getsockname())
    with RecvBatch(Ipv6, 4, 10) as rb:
        assert b.recv_batch(rb, MSG_WAITFORONE | socket.MSG_TRUNC) == 1
        msg = rb[0]
        assert msg.truncated and msg.data == b"x" * 10 and msg.len == 100
    a.close()
    b.close()


def test_sendmmsg_lists_and_full_batch() -> None:
    a = RawSocket.udp4().bind(LO4)
    b = RawSocket.udp4().bind(LO4)
    b.settimeout(BOUND)
    dest = b.getsockname()
    lens = a.sendmmsg([(b"one", dest), (memoryview(b"--two")[2:], dest), (bytearray(b"four"), dest)])
    assert lens == [3, 3, 4]
    assert [b.recvfrom(10)[0] for _ in range(3)] == [b"one", b"two", b"four"]
    assert a.sendmmsg([]) == []
    with pytest.raises(ValueError, match="at most 1024"):
        a.sendmmsg([(b"x", dest)] * 1025)
    with SendBatch(Ipv4, 1) as batch:
        batch.push(b"a", dest)
        with pytest.raises(OSError) as e:
            batch.push(b"b", dest)
        assert e.value.errno == errno.ENOBUFS
        assert len(batch) == 1
    with pytest.raises(OSError) as e2:
        SendBatch(Ipv4, 0)
    assert e2.value.errno == errno.EINVAL
    a.close()
    b.close()


def test_connected_batches_and_remove_sent() -> None:
    server = RawSocket.udp4().bind(LO4)
    server.settimeout(BOUND)
    conn = RawSocket.udp4().connect(server.getsockname())
    conn.settimeout(BOUND)
    assert conn.sendmmsg([b"a", b"bb", bytearray(b"ccc")]) == [1, 2, 3]
    with SendBatch(Ipv4, 8) as batch:
        batch.push(b"x")  # no address: the connected peer
        batch.push(b"yy")
        assert conn.send_batch(batch) == 2
        batch.remove_sent()
        assert len(batch) == 0
    got = [server.recvfrom(10)[0] for _ in range(5)]
    assert got == [b"a", b"bb", b"ccc", b"x", b"yy"]
    for p in (b"1", b"2"):
        server.sendto(p, conn.getsockname())
    with RecvBatch(Ipv4, 8, 64) as rb:
        n = conn.recv_batch(rb)
        while n < 2:
            n += conn.recv_batch(rb)  # the second may not be queued yet
        assert [m.source for m in rb] == [server.getsockname()] * len(rb)
    conn.close()
    server.close()


def test_unix_datagram_batches() -> None:
    a, b = socketpair(DatagramKind)
    b.settimeout(BOUND)
    assert a.sendmmsg([b"u1", b"u2"]) == [2, 2]
    with RecvBatch(Unix, 4, 16) as rb:
        total = 0
        while total < 2:
            total += b.recv_batch(rb)
    a.close()
    b.close()
    path = abstract_addr()
    srv = RawSocket.unix_datagram().bind(path)
    cli = RawSocket.unix_datagram().bind(abstract_addr())
    srv.settimeout(BOUND)
    assert cli.sendmmsg([(b"to path", path)]) == [7]
    assert srv.recvfrom(10) == (b"to path", cli.getsockname())
    srv.close()
    cli.close()


def test_batch_of_another_domain_is_refused() -> None:
    a = RawSocket.udp4().bind(LO4)
    with SendBatch(Ipv6, 4) as batch:
        batch.push(b"x", LO6)
        with pytest.raises(OSError) as e:
            a.send_batch(batch)  # type: ignore[arg-type]
        assert e.value.errno == errno.EAFNOSUPPORT
    with SendBatch(Ipv4, 4) as b4, pytest.raises(OSError) as e2:
        b4.push(b"x", LO6)  # type: ignore[arg-type]
    assert e2.value.errno == errno.EAFNOSUPPORT
    closed = SendBatch(Ipv4, 1)
    closed.close()
    with pytest.raises(ValueError, match="closed"):
        len(closed)
    a.close()


def test_recv_batch_timeout_and_nonblocking() -> None:
    d = RawSocket.udp4().bind(LO4)
    with RecvBatch(Ipv4, 4, 64) as rb:
        d.settimeout(0.05)
        with pytest.raises(TimeoutError):
            d.recv_batch(rb)
        d.setblocking(False)
        with pytest.raises(BlockingIOError):
            d.recv_batch(rb)
    d.close()


def test_gso_segmented_send_and_gro_receive() -> None:
    assert max_udp_payload(Ipv4) == 65507
    assert max_udp_payload(Ipv6) == 65527
    rx = RawSocket.udp4().bind(LO4)
    rx.settimeout(BOUND)
    rx.set_udp_gro(True)
    assert rx.udp_gro()
    tx = RawSocket.udp4().bind(LO4)
    data = bytes(range(256)) * 10  # 2560 bytes -> 3 segments of 1000
    result = tx.sendto_segmented(data, 1000, rx.getsockname())
    assert result.bytes == 2560 and result.datagrams == 3
    assert result.offloaded or result.fallback_errno != 0
    buf = bytearray(65536)
    pieces: list[bytes] = []
    while sum(map(len, pieces)) < len(data):
        r = rx.recv_gro(buf)
        assert r.source == tx.getsockname() and not r.truncated
        pieces.extend(bytes(s) for s in r.segments(buf))
    assert b"".join(pieces) == data
    assert all(len(p) <= 1000 for p in pieces)
    tx.set_udp_segment(500)
    assert tx.udp_segment() == 500
    with pytest.raises(OSError) as e:
        tx.sendto_segmented(data, 0, rx.getsockname())
    assert e.value.errno == errno.EINVAL
    conn = RawSocket.udp6().bind(LO6)
    peer = RawSocket.udp6().bind(LO6)
    peer.settimeout(BOUND)
    c = conn.connect(peer.getsockname())
    c.settimeout(BOUND)
    sent = c.send_segmented(b"y" * 300, 100)
    assert sent.datagrams == 3
    got = [peer.recvfrom(200)[0] for _ in range(3)]
    assert got == [b"y" * 100] * 3
    peer.sendto(b"back", c.getsockname())
    r6 = c.recv_gro(buf)
    assert bytes(buf[: r6.len]) == b"back" and r6.segment_size == 0
    for s in (rx, tx, c, peer):
        s.close()
