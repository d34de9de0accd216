"""The comparison protocol for the Python clients (same as worker.h and
benches/compare/rust/protocol.rs).

argv: WORKLOAD HOST PORT COUNT SIZE BATCH FILE. The client sets up,
prints "ready", then for each stdin line "run" runs one round and prints
"<elapsed_ns> <check>". Only the client loop is timed, with
time.perf_counter_ns() (CLOCK_MONOTONIC on Linux), inside the client.
"""

import struct
import sys
import time
from dataclasses import dataclass

END_MARKER = b"END"
# Not exported by the socket module before Python 3.12 (see udp(7)).
SOL_UDP = 17
UDP_SEGMENT = 103


@dataclass
class Params:
    workload: str
    host: str
    port: int
    count: int
    size: int
    batch: int
    file: str

    @property
    def peer(self):
        return (self.host, self.port)

    @property
    def train_len(self):
        return self.size * max(self.batch, 1)


def parse(argv):
    if len(argv) != 7:
        sys.exit("usage: WORKLOAD HOST PORT COUNT SIZE BATCH FILE")
    w, host, port, count, size, batch, path = argv
    return Params(w, host, int(port), int(count), int(size), int(batch), path)


def decode_count(reply):
    if len(reply) != 8:
        raise RuntimeError("sink reply is not 8 bytes")
    return struct.unpack("<Q", reply)[0]


def serve(timed, check):
    """Runs `timed()` once per "run" line and prints its time and `check()`."""
    print("ready", flush=True)
    clock = time.perf_counter_ns
    for line in sys.stdin:
        if line.strip() != "run":
            continue
        start = clock()
        timed()
        ns = clock() - start
        print(ns, check(), flush=True)
