"""Unprivileged ping over an ICMP echo socket (no CAP_NET_RAW; the
process's group must be inside net.ipv4.ping_group_range):

    python ping.py 127.0.0.1 3
    python ping.py ::1
"""

from __future__ import annotations

import sys
import time

from wirelane import ConnectedIcmp, RawIcmp, SocketAddrV4, SocketAddrV6


def main() -> int:
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if ":" in host:
        conn6 = RawIcmp.v6().connect(SocketAddrV6(host, 0))  # ConnectedIcmp[Ipv6]
        return ping(conn6, host, count)
    conn4 = RawIcmp.v4().connect(SocketAddrV4(host, 0))  # ConnectedIcmp[Ipv4]
    return ping(conn4, host, count)


def ping(conn: ConnectedIcmp[SocketAddrV4] | ConnectedIcmp[SocketAddrV6], host: str, count: int) -> int:
    with conn:
        conn.settimeout(2.0)  # a lost reply raises TimeoutError
        for seq in range(1, count + 1):
            start = time.monotonic()
            conn.send_echo(seq, b"wirelane ping")
            reply = conn.recv_echo()
            ms = (time.monotonic() - start) * 1000
            print(f"{len(reply.payload) + 8} bytes from {host}: icmp_seq={reply.seq} ident={reply.ident} time={ms:.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
