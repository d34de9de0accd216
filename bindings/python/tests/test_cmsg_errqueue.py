"""The error queue and software timestamps through the generic control
message path (``wirelane.cmsg``), both families on loopback, sync and
``wirelane.aio``: a UDP socket aimed at a closed port with
``set_recv_meta(errors=True)`` receives the ICMP error with
``recv_cmsg(..., flags=MSG_ERRQUEUE)``: one ``IP_RECVERR`` /
``IPV6_RECVERR`` message whose raw ``sock_extended_err`` (decoded here
with ``struct``) and :meth:`RecvCmsg.queued_error` agree (ICMP / ICMP6,
ECONNREFUSED, port unreachable, the loopback offender); a too-small
control buffer reports ``MSG_CTRUNC`` and ``ENOBUFS``, never a silent
loss; ``software_timestamp`` (``SO_TIMESTAMPING``) stamps lie between send
and receive."""

from __future__ import annotations

import asyncio
import errno
import socket
import struct
import time
from typing import Any

import pytest

from wirelane import RawSocket, SocketAddrV4, SocketAddrV6, aio, cmsg, udp_errors, udp_meta

from aio_support import run  # noqa: F401 (run is a fixture)

FAMILIES = [
    pytest.param(False, SocketAddrV4("127.0.0.1", 0), "127.0.0.1", id="v4"),
    pytest.param(True, SocketAddrV6("::1", 0), "::1", id="v6"),
]

IP_RECVERR, IPV6_RECVERR = 11, 25  # <linux/in.h>, <linux/in6.h>
SO_TIMESTAMPING = 37  # <asm-generic/socket.h>
EE = struct.Struct("=IBBBBII")  # struct sock_extended_err


def _new(v6: bool) -> Any:
    return RawSocket.udp6 if v6 else RawSocket.udp4


def _closed(v6: bool, lo: Any) -> Any:
    gone: Any = _new(v6)().bind(lo)
    addr = gone.getsockname()
    gone.close()
    return addr


def _errqueue(sock: Any, buf: bytearray, ancbufsize: int = cmsg.RECV_CONTROL_SPACE) -> cmsg.RecvCmsg:
    """MSG_ERRQUEUE never blocks; the ICMP error arrives after the send."""
    for _ in range(300):
        try:
            return cmsg.recv_cmsg(sock, buf, ancbufsize, socket.MSG_ERRQUEUE)
        except BlockingIOError:
            time.sleep(0.01)
    raise AssertionError("no queued error within 3 s")


def _check_refused(v6: bool, host: str, r: cmsg.RecvCmsg, closed: Any, nbytes: int) -> None:
    assert r.msg_flags & socket.MSG_ERRQUEUE
    assert not r.control_truncated and r.nbytes == nbytes
    assert len(r.ancdata) == 1
    level, kind, data = r.ancdata[0]
    assert (level, kind) == ((socket.IPPROTO_IPV6, IPV6_RECVERR) if v6 else (socket.IPPROTO_IP, IP_RECVERR))
    off_len = 28 if v6 else 16
    assert len(data) == EE.size + off_len
    ee_errno, origin, icmp_type, icmp_code, _pad, info, ee_data = EE.unpack_from(data)
    assert ee_errno == errno.ECONNREFUSED
    assert origin == (udp_errors.ORIGIN_ICMP6 if v6 else udp_errors.ORIGIN_ICMP)
    assert (icmp_type, icmp_code) == ((1, 4) if v6 else (3, 3))  # port unreachable
    off = data[EE.size :]
    family = socket.AF_INET6 if v6 else socket.AF_INET
    assert int.from_bytes(off[:2], "little") == family
    raw_ip = off[8:24] if v6 else off[4:8]
    assert socket.inet_ntop(family, raw_ip) == host
    q = r.queued_error()
    assert (q.errno, q.origin, q.icmp_type, q.icmp_code) == (ee_errno, origin, icmp_type, icmp_code)
    assert (q.info, q.data, q.offender, q.nbytes) == (info, ee_data, host, nbytes)
    assert q.destination is not None and q.destination.port == closed.port
    assert isinstance(q.as_oserror(), ConnectionRefusedError)


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_error_queue_through_recv_cmsg(v6: bool, lo: Any, host: str) -> None:
    closed = _closed(v6, lo)
    tx: Any = _new(v6)().bind(lo)
    tx.settimeout(5)
    udp_meta.set_recv_meta(tx, errors=True)
    buf = bytearray(16)
    tx.sendto(b"x", closed)
    r = _errqueue(tx, buf)
    assert bytes(buf[:1]) == b"x"
    _check_refused(v6, host, r, closed, 1)
    # Too small a control buffer: the cut is reported, the error not lost silently.
    tx.sendto(b"cut", closed)
    r = _errqueue(tx, buf, 24)
    assert r.control_truncated and r.msg_flags & socket.MSG_CTRUNC
    with pytest.raises(OSError) as e:
        r.queued_error()
    assert e.value.errno == errno.ENOBUFS and "MSG_CTRUNC" in str(e.value)
    # Connected.
    conn = tx.connect(closed)
    with conn:
        conn.send(b"yy")
        r = _errqueue(conn, buf)
        _check_refused(v6, host, r, closed, 2)
        conn.settimeout(0)
        with pytest.raises(BlockingIOError):
            cmsg.recv_cmsg(conn, buf, flags=socket.MSG_ERRQUEUE)


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_plain_datagram_has_no_queued_error(v6: bool, lo: Any, host: str) -> None:
    rx: Any = _new(v6)().bind(lo)
    rx.settimeout(5)
    tx: Any = _new(v6)().bind(lo)
    udp_meta.set_recv_meta(rx, ttl=True)
    tx.sendto(b"p", rx.getsockname())
    r = cmsg.recv_cmsg(rx, bytearray(8))
    assert r.ancdata and not r.control_truncated
    with pytest.raises(OSError) as e:
        r.queued_error()
    assert e.value.errno == errno.ENOMSG


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_software_timestamp(v6: bool, lo: Any, host: str) -> None:
    rx: Any = _new(v6)().bind(lo)
    rx.settimeout(5)
    tx: Any = _new(v6)().bind(lo)
    udp_meta.set_recv_meta(rx, software_timestamp=True)
    buf = bytearray(16)
    for _ in range(200):
        before = time.time_ns()
        tx.sendto(b"ts", rx.getsockname())
        m = udp_meta.recv_meta(rx, buf)
        after = time.time_ns()
        if m.timestamp_ns is not None:
            break
        time.sleep(0.01)
    assert m.timestamp_ns is not None and before <= m.timestamp_ns <= after
    tx.sendto(b"raw", rx.getsockname())
    r = cmsg.recv_cmsg(rx, buf)
    assert [(c.level, c.type, len(c.data)) for c in r.ancdata] == [(socket.SOL_SOCKET, SO_TIMESTAMPING, 48)]
    udp_meta.set_recv_meta(rx, software_timestamp=True, on=False)
    tx.sendto(b"off", rx.getsockname())
    assert udp_meta.recv_meta(rx, buf).timestamp_ns is None


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_async_error_queue_through_recv_cmsg(run: Any, v6: bool, lo: Any, host: str) -> None:
    async def main() -> None:
        closed = _closed(v6, lo)
        d: Any = aio.wrap(_new(v6)().bind(lo))
        async with d:
            d.set_recv_meta(errors=True, software_timestamp=True)
            buf = bytearray(16)
            pending = asyncio.ensure_future(d.recv_cmsg(buf, flags=socket.MSG_ERRQUEUE))
            await asyncio.sleep(0)
            assert not pending.done()
            assert await d.sendto(b"x", closed) == 1
            r = await asyncio.wait_for(pending, 5)
            # The error queue entry may carry a software stamp besides the error.
            errs = [c for c in r.ancdata if c.type != SO_TIMESTAMPING]
            assert len(errs) == 1
            q = r.queued_error()
            assert (q.errno, q.offender, q.nbytes) == (errno.ECONNREFUSED, host, 1)
            assert q.origin == (udp_errors.ORIGIN_ICMP6 if v6 else udp_errors.ORIGIN_ICMP)
            c: Any = aio.wrap(d.unwrap().connect(closed))
        async with c:
            pending = asyncio.ensure_future(c.recv_cmsg(buf, flags=socket.MSG_ERRQUEUE))
            await asyncio.sleep(0)
            assert await c.send(b"yy") == 2
            r = await asyncio.wait_for(pending, 5)
            q = r.queued_error()
            assert (q.errno, q.offender, q.nbytes) == (errno.ECONNREFUSED, host, 2)
            assert q.destination is not None and q.destination.port == closed.port

    run(main)
