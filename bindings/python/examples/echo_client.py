"""TCP echo client: sends each argument as a line, prints the replies.

    python echo_client.py HOST:PORT hello world
"""

from __future__ import annotations

import sys

from wirelane import RawSocket, SocketAddrV4


def main() -> int:
    server = SocketAddrV4.parse(sys.argv[1])
    raw = RawSocket.tcp4()  # RawSocket[Ipv4, Stream]
    raw.settimeout(5.0)  # every call below raises TimeoutError after 5 s
    with raw.connect(server) as conn:  # Connection[Ipv4]; `raw` is consumed
        with conn.makefile("rwb") as f:
            for word in sys.argv[2:]:
                f.write(word.encode() + b"\n")
                f.flush()
                print(f.readline().decode().rstrip("\n"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
