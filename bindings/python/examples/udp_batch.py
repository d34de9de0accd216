"""UDP batch: 64 datagrams out in one sendmmsg(2), echoed back by a server
that receives and answers a batch per recvmmsg/sendmmsg pair.

    python udp_batch.py

std::net / the socket module: 64 syscalls each way. Here: one per batch.
"""

from __future__ import annotations

import sys
import threading

from wirelane import BoundDatagram, DatagramBuilder, Ipv4, RecvBatch, SendBatch, SocketAddrV4

BATCH = 64


def echo_server(sock: BoundDatagram[Ipv4]) -> None:
    with RecvBatch(Ipv4, BATCH, 1500) as inbox, SendBatch(Ipv4, BATCH) as outbox:
        echoed = 0
        while echoed < BATCH:
            sock.recv_batch(inbox)  # one recvmmsg: every datagram queued
            for msg in inbox:
                outbox.push(msg.data, msg.source)
            while len(outbox):
                echoed += sock.send_batch(outbox)  # one sendmmsg
                outbox.remove_sent()


def main() -> int:
    local = SocketAddrV4("127.0.0.1", 0)
    server = DatagramBuilder(Ipv4).bind(local)
    client = DatagramBuilder(Ipv4).bind(local)
    for s in (server, client):
        s.settimeout(5.0)
    thread = threading.Thread(target=echo_server, args=(server,))
    thread.start()
    messages = [f"packet {i}".encode() for i in range(BATCH)]
    sent = client.sendmmsg([(m, server.getsockname()) for m in messages])
    assert len(sent) == BATCH, sent
    echoed: list[bytes] = []
    with RecvBatch(Ipv4, BATCH, 1500) as inbox:
        while len(echoed) < BATCH:
            client.recv_batch(inbox)
            echoed.extend(msg.data for msg in inbox)
    thread.join()
    server.close()
    client.close()
    if sorted(echoed) != sorted(messages):
        print("mismatch", file=sys.stderr)
        return 1
    print(f"all {BATCH} datagrams echoed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
