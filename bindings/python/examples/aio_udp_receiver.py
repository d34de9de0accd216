"""asyncio UDP batch receiver: ``wirelane.aio.create_datagram_endpoint``
drains each readiness event with one recvmmsg(2), and a sender's bursts of
``sendto`` go out as one GSO send (or sendmmsg) per loop iteration.

    python aio_udp_receiver.py [COUNT] [--uvloop]     (default 10000)

Sends COUNT 256-byte datagrams over loopback in bursts of 64 and checks
that every one arrived, in order. asyncio's own transport does one
recvfrom and one sendto per datagram.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from wirelane import RawSocket, SocketAddrV4, aio

BURST = 64
SIZE = 256


class Receiver(asyncio.DatagramProtocol):
    def __init__(self, count: int) -> None:
        self.expected = 0
        self.count = count
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: Any) -> None:
        seq = int.from_bytes(data[:4], "big")
        if seq != self.expected or len(data) != SIZE:
            self.done.set_exception(RuntimeError(f"datagram {seq} ({len(data)} B) where {self.expected} was due"))
            return
        self.expected += 1
        if self.expected == self.count and not self.done.done():
            self.done.set_result(None)


async def run(count: int) -> None:
    rx, receiver = await aio.create_datagram_endpoint(
        lambda: Receiver(count), RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
    )
    tx, _ = await aio.create_datagram_endpoint(
        asyncio.DatagramProtocol, RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
    )
    dest = rx.get_extra_info("sockname")
    pad = bytes(SIZE - 4)
    start = time.perf_counter()
    sent = 0
    while sent < count and not receiver.done.done():
        for seq in range(sent, min(sent + BURST, count)):
            tx.sendto(seq.to_bytes(4, "big") + pad, dest)  # queued; one send per burst
        sent = min(sent + BURST, count)
        while receiver.expected < sent and not receiver.done.done():
            await asyncio.sleep(0)  # let the burst go out and be received
    await asyncio.wait_for(receiver.done, 10)
    elapsed = time.perf_counter() - start
    print(f"received all {count} datagrams in order ({count / elapsed:,.0f} datagrams/s)", flush=True)
    tx.close()
    rx.close()


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--uvloop"]
    count = int(args[0]) if args else 10000
    if "--uvloop" in sys.argv:
        import uvloop

        uvloop.run(run(count))
    else:
        asyncio.run(run(count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
