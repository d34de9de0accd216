"""asyncio benchmarks for wirelane.aio, both loops, one run (not a test;
the numbers are for PERFORMANCE.md, measured side by side).

    cargo build --release -p wirelane-ffi
    WIRELANE_LIB=target/release/libwirelane.so \
        bindings/python/.venv/bin/python bindings/python/bench/bench_aio.py [--rounds 7] [--json FILE]

Rows, each on the default asyncio loop and on uvloop, interleaved round by
round (median of the rounds reported):

- TCP ping-pong, 64 B, against the C echo peer of the comparison program
  (benches/compare/peer.c): wirelane.aio (``AsyncConnection.send`` /
  ``recv_into``) vs ``loop.sock_sendall``/``loop.sock_recv_into`` on a
  stdlib socket vs asyncio streams (``asyncio.open_connection``) vs asyncio
  streams on wirelane (``wirelane.aio.open_connection``) vs the floor of
  any ctypes binding (libc ``send``/``recv`` through ctypes with no checks
  and the same waits: the part of the gap to the stdlib's C socket that is
  ctypes itself). The median µs of 2,000 round trips timed one by one; this process and the peer's echo
  thread pinned to one CPU (``--cpu N``, ``--no-pin``), as the comparison
  program does.
- UDP receive: 50,000 64-byte datagrams are queued on the receiving socket
  first (a 128 MiB ``SO_RCVBUFFORCE`` buffer, so none is dropped; run as
  root), then the endpoint is created and timed until its
  ``DatagramProtocol`` has counted them all: datagrams/s received through
  ``wirelane.aio.create_datagram_endpoint`` vs the loop's own
  ``create_datagram_endpoint(sock=stdlib socket)``. With the queue filled
  beforehand no sender competes for the CPU, so the rate is the receiver's
  own (a live sender on this 2-core machine, shared with other work,
  could not outpace either receiver). A third row drains the same queue
  from C with recvmmsg(64) and nothing else (benches/compare/udp_drain.c):
  the kernel's cost per datagram, the ceiling for any receiver.

The C echo peer and the drain are compiled with ``cc -O2`` into
target/bench-aio/.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import errno
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

import uvloop

from wirelane import RawSocket, SocketAddrV4, aio

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "target" / "bench-aio"
LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "asyncio": asyncio.new_event_loop,
    "uvloop": uvloop.new_event_loop,
}
MSG = b"p" * 64
PINGS = 2000
WARM_PINGS = 200


_BUILT: set[str] = set()


def build(name: str, *extra: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    exe = OUT / name
    if name in _BUILT:
        return exe
    _BUILT.add(name)
    src = ROOT / "benches" / "compare" / f"{name}.c"
    subprocess.run(["cc", "-O2", "-o", str(exe), str(src), *extra], check=True)
    return exe


# --- TCP ping-pong -----------------------------------------------------------


async def pingpong(send: Callable[[], Awaitable[Any]], recv_into: Callable[[memoryview], Awaitable[int]]) -> float:
    """The median round trip, in µs, of PINGS timed one by one (after
    WARM_PINGS untimed): on a shared machine a round that is preempted
    shifts a mean by milliseconds, a median barely."""
    buf = bytearray(64)
    view = memoryview(buf)
    clock = time.perf_counter_ns
    times = [0] * PINGS

    async def one() -> None:
        await send()
        got = 0
        while got < 64:
            k = await recv_into(view[got:])
            if not k:
                raise RuntimeError("echo peer closed")
            got += k

    for _ in range(WARM_PINGS):
        await one()
    for i in range(PINGS):
        start = clock()
        await one()
        times[i] = clock() - start
    return statistics.median(times) / 1e3


async def tcp_wirelane_aio(port: int) -> float:
    sync = RawSocket.tcp4().connect(SocketAddrV4("127.0.0.1", port))
    sync.set_tcp_nodelay(True)
    async with aio.wrap(sync) as conn:
        return await pingpong(lambda: conn.send(MSG), conn.recv_into)


async def tcp_loop_sock(port: int) -> float:
    loop = asyncio.get_running_loop()
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setblocking(False)
    try:
        return await pingpong(lambda: loop.sock_sendall(s, MSG), lambda v: loop.sock_recv_into(s, v))
    finally:
        s.close()


_LIBC = ctypes.CDLL(None, use_errno=True)
_libc_send = _LIBC.send  # no argtypes: the cheapest ctypes call (see wirelane._ffi.fast)
_libc_recv = _LIBC.recv
_MSG_NOSIGNAL = 0x4000


async def tcp_ctypes_floor(port: int) -> float:
    """What any ctypes binding pays at the least: libc ``send``/``recv``
    through ctypes (no argtypes, a reused receive buffer copied into the
    caller's view, as the binding does), waiting with the loop's
    ``add_reader``/``add_writer`` when the call would block. No handle
    borrowing, no argument checks: a floor, not a usable API."""
    loop = asyncio.get_running_loop()
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setblocking(False)
    fd = s.fileno()
    scratch = bytearray(65536)
    ref = ctypes.c_void_p(ctypes.addressof((ctypes.c_char * 65536).from_buffer(scratch)))

    def wake(fut: asyncio.Future[None]) -> None:
        if not fut.done():
            fut.set_result(None)

    async def ready(add: Callable[..., Any], remove: Callable[[int], Any]) -> None:
        fut: asyncio.Future[None] = loop.create_future()
        add(fd, wake, fut)
        try:
            await fut
        finally:
            remove(fd)

    async def send() -> None:
        while _libc_send(fd, MSG, 64, _MSG_NOSIGNAL) < 0:
            if ctypes.get_errno() != errno.EAGAIN:
                raise OSError(ctypes.get_errno(), "send")
            await ready(loop.add_writer, loop.remove_writer)

    async def recv_into(v: memoryview) -> int:
        while True:
            r: int = _libc_recv(fd, ref, len(v), 0)
            if r >= 0:
                v[:r] = scratch[:r]
                return r
            if ctypes.get_errno() != errno.EAGAIN:
                raise OSError(ctypes.get_errno(), "recv")
            await ready(loop.add_reader, loop.remove_reader)

    try:
        return await pingpong(send, recv_into)
    finally:
        s.close()


async def streams(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> float:
    async def send() -> None:
        writer.write(MSG)
        await writer.drain()

    async def recv_into(v: memoryview) -> int:
        data = await reader.readexactly(64)
        v[:64] = data
        return 64

    try:
        return await pingpong(send, recv_into)
    finally:
        writer.close()
        await writer.wait_closed()


async def tcp_asyncio_streams(port: int) -> float:
    return await streams(*await asyncio.open_connection("127.0.0.1", port))


async def tcp_wirelane_streams(port: int) -> float:
    return await streams(*await aio.open_connection(SocketAddrV4("127.0.0.1", port)))


TCP = {
    "wirelane.aio": tcp_wirelane_aio,
    "loop.sock_* (stdlib socket)": tcp_loop_sock,
    "ctypes floor (libc send/recv, no checks)": tcp_ctypes_floor,
    "asyncio streams (stdlib)": tcp_asyncio_streams,
    "asyncio streams (wirelane.aio.open_connection)": tcp_wirelane_streams,
}


# --- UDP receive -------------------------------------------------------------

DGRAMS = 50_000
SO_RCVBUFFORCE = 33  # asm-generic/socket.h; root may exceed rmem_max


class Counter(asyncio.DatagramProtocol):
    """Counts datagrams; ``done`` resolves at the ``want``-th."""

    def __init__(self, want: int) -> None:
        self.n = 0
        self.want = want
        self.done: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.n += 1
        if self.n == self.want:
            self.done.set_result(time.perf_counter())


def prefill(port: int, count: int) -> None:
    """Queues ``count`` 64-byte datagrams on the receiver before it reads:
    the drain then measures the receiver alone (no sender competes for the
    CPU, nothing is dropped)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        msg, to = b"u" * 64, ("127.0.0.1", port)
        for _ in range(count):
            s.sendto(msg, to)
    finally:
        s.close()


def big_receive_buffer(s: socket.socket) -> None:
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 128 << 20)  # room for all DGRAMS (about 40 MiB)


async def drain(endpoint: Callable[[Counter], Awaitable[Any]], port: int) -> float:
    prefill(port, DGRAMS)
    start = time.perf_counter()
    counter = Counter(DGRAMS)
    transport = await endpoint(counter)
    try:
        end = await asyncio.wait_for(counter.done, 30)
    except TimeoutError:
        raise RuntimeError(f"only {counter.n} of {DGRAMS} datagrams arrived (dropped?)") from None
    finally:
        transport.close()
    return DGRAMS / (end - start)


async def udp_wirelane() -> float:
    sync = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
    sync.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 128 << 20)

    async def endpoint(counter: Counter) -> Any:
        t, _ = await aio.create_datagram_endpoint(lambda: counter, sync)
        return t

    return await drain(endpoint, sync.getsockname().port)


async def udp_stdlib() -> float:
    loop = asyncio.get_running_loop()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    big_receive_buffer(s)

    async def endpoint(counter: Counter) -> Any:
        t, _ = await loop.create_datagram_endpoint(lambda: counter, sock=s)
        return t

    return await drain(endpoint, s.getsockname()[1])


async def udp_kernel_floor() -> float:
    """benches/compare/udp_drain.c: the same queue drained by C with
    recvmmsg(64), no loop and no callback: the kernel's own cost per
    datagram, a ceiling for every receiver (run through the loop only so
    it sits in the same rounds)."""
    out = subprocess.run([str(build("udp_drain")), str(DGRAMS)], check=True, capture_output=True, text=True).stdout
    return float(out.split("=")[1])


UDP = {
    "wirelane.aio.create_datagram_endpoint": udp_wirelane,
    "loop.create_datagram_endpoint (stdlib socket)": udp_stdlib,
    "raw C recvmmsg(64) drain, no loop (ceiling)": udp_kernel_floor,
}


# --- driver ------------------------------------------------------------------


def on_loop(make: Callable[[], asyncio.AbstractEventLoop], coro: Awaitable[float]) -> float:
    loop = make()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)), help="CPU for this process and the echo thread")
    ap.add_argument("--no-pin", action="store_true", help="leave both unpinned")
    args = ap.parse_args()

    peer_exe = build("peer", "-pthread")
    # As the comparison program does: this process and the peer's echo
    # thread on one CPU, so a round trip is two context switches on one
    # core for every contender, not cross-CPU wake-ups whose cost depends
    # on where the scheduler put each side.
    peer_args = [] if args.no_pin else [str(args.cpu)]
    if not args.no_pin:
        os.sched_setaffinity(0, {args.cpu})
    peer = subprocess.Popen([str(peer_exe), *peer_args], stdout=subprocess.PIPE, text=True)
    try:
        assert peer.stdout is not None
        ports = dict(kv.split("=") for kv in peer.stdout.readline().split())
        echo = int(ports["tcp_echo"])
        tcp: dict[tuple[str, str], list[float]] = {}
        udp: dict[tuple[str, str], list[float]] = {}
        for r in range(args.rounds):
            for lname, make in LOOPS.items():
                for name, fn in TCP.items():
                    tcp.setdefault((lname, name), []).append(on_loop(make, fn(echo)))
                for name, ufn in UDP.items():
                    udp.setdefault((lname, name), []).append(on_loop(make, ufn()))
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    finally:
        peer.kill()
        peer.wait()

    results: dict[str, Any] = {"rounds": args.rounds, "tcp_us_per_round_trip": {}, "udp_datagrams_per_s": {}}
    pin = "unpinned" if args.no_pin else f"client and echo thread on CPU {args.cpu}"
    print(f"\nTCP ping-pong, 64 B, median round trip of {PINGS} per round, median of {args.rounds} rounds, {pin} (µs)")
    for lname in LOOPS:
        base = statistics.median(tcp[(lname, "wirelane.aio")])
        for name in TCP:
            med = statistics.median(tcp[(lname, name)])
            ratio = "" if name == "wirelane.aio" else f"   wirelane.aio takes {base / med:.2f}x this"
            print(f"  {lname:8s} {name:48s} {med:8.2f}{ratio}")
            results["tcp_us_per_round_trip"][f"{lname}/{name}"] = med
    print(f"\nUDP receive, draining {DGRAMS:,} queued 64 B datagrams, median of {args.rounds} rounds")
    for lname in LOOPS:
        ours = statistics.median(udp[(lname, "wirelane.aio.create_datagram_endpoint")])
        for name in UDP:
            med = statistics.median(udp[(lname, name)])
            ratio = "" if name.startswith("wirelane") else f"   wirelane.aio receives {ours / med:.2f}x this"
            print(f"  {lname:8s} {name:48s} {med:12,.0f} datagrams/s{ratio}")
            results["udp_datagrams_per_s"][f"{lname}/{name}"] = med
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
