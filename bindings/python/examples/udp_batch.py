"""UDP batch: a client sends a batch of 64 datagrams to an echo server
thread and collects the echoes.

    python udp_batch.py
"""

from __future__ import annotations

import sys
import threading

from wirelane import BoundDatagram, DatagramBuilder, Ipv4, SocketAddrV4

BATCH = 64


def echo_server(sock: BoundDatagram[Ipv4]) -> None:
    buf = bytearray(1500)
    for _ in range(BATCH):
        n, sender = sock.recvfrom_into(buf)
        sock.sendto(memoryview(buf)[:n], sender)


def main() -> int:
    server = DatagramBuilder(Ipv4).bind(SocketAddrV4("127.0.0.1", 0))
    server.settimeout(5.0)
    client = DatagramBuilder(Ipv4).bind(SocketAddrV4("127.0.0.1", 0))
    client.settimeout(5.0)
    thread = threading.Thread(target=echo_server, args=(server,))
    thread.start()
    messages = [f"packet {i}".encode() for i in range(BATCH)]
    for m in messages:
        client.sendto(m, server.getsockname())
    echoed = [client.recvfrom(1500)[0] for _ in range(BATCH)]
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
