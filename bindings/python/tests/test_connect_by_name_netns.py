"""Connect by name where loopback is not enough, each in a namespace of
its own (tests/netns.py): ``timeout`` bounds each connection attempt,
compared with ``socket.create_connection`` on a blackholed first
address; and ``wirelane.aio.create_connection`` resolves off the loop's
thread while a lookup hangs on a blackholed nameserver."""

from __future__ import annotations

import netns

# twofam.test: a silent IPv6 address first (RFC 6724 puts it before
# 127.0.0.1), then loopback; silent.test: two silent addresses.
HOSTS = (
    "127.0.0.1 localhost\n"
    "2001:db8::2 twofam.test\n127.0.0.1 twofam.test\n"
    "2001:db8::2 silent.test\n198.51.100.2 silent.test\n"
)

TIMEOUT_SCRIPT = """
import asyncio, socket, time
import wirelane
from wirelane import aio

assert [a[4][0] for a in socket.getaddrinfo("twofam.test", 1, type=socket.SOCK_STREAM)] == [
    "2001:db8::2", "127.0.0.1"], "the resolver must list the silent address first"
lst = socket.create_server(("127.0.0.1", 0))
port = lst.getsockname()[1]
T = 0.5

def timed(fn):
    start = time.monotonic()
    try:
        return fn(), time.monotonic() - start
    except OSError as e:
        return e, time.monotonic() - start

# The stdlib: the silent address costs one whole timeout, then 127.0.0.1
# answers, and the socket keeps the timeout.
std, took = timed(lambda: socket.create_connection(("twofam.test", port), timeout=T))
assert isinstance(std, socket.socket), std
assert T <= took < T + 0.4, took
assert std.gettimeout() == T and std.getpeername()[0] == "127.0.0.1"
std.close(); lst.accept()[0].close()

# Ours with no race (the attempt delay longer than the timeout): the same.
ours, took = timed(lambda: wirelane.create_connection(("twofam.test", port), timeout=T, happy_eyeballs_delay=10))
assert not isinstance(ours, OSError), repr(ours)
assert T <= took < T + 0.4, took
assert ours.gettimeout() == T and ours.getpeername()[0] == "127.0.0.1"
ours.close(); lst.accept()[0].close()

# Ours racing (the default 250 ms delay): 127.0.0.1 starts beside the
# silent attempt after one attempt delay, before the timeout.
ours, took = timed(lambda: wirelane.create_connection(("twofam.test", port), timeout=T))
assert not isinstance(ours, OSError), repr(ours)
assert 0.25 <= took < T, took
assert ours.gettimeout() == T
ours.close(); lst.accept()[0].close()

# Every address silent: each attempt times out, so both fail after about
# two timeouts with TimeoutError, ours naming each address.
std, took_std = timed(lambda: socket.create_connection(("silent.test", 9), timeout=0.3))
ours, took = timed(lambda: wirelane.create_connection(("silent.test", 9), timeout=0.3, happy_eyeballs_delay=10))
assert isinstance(std, TimeoutError) and isinstance(ours, TimeoutError), (std, ours)
assert 0.6 <= took_std < 1.0 and 0.6 <= took < 1.0, (took_std, took)
assert "[2001:db8::2]:9" in str(ours) and "198.51.100.2:9" in str(ours), str(ours)

# The aio form: the same per-attempt timeout.
async def aio_connect():
    return await aio.create_connection(("twofam.test", port), timeout=T, happy_eyeballs_delay=10)

conn, took = timed(lambda: asyncio.run(aio_connect()))
assert not isinstance(conn, OSError), repr(conn)
assert T <= took < T + 0.4, took
conn.close(); lst.accept()[0].close()
print("ok timeouts")
"""


def test_timeout_bounds_each_attempt_as_in_the_stdlib() -> None:
    assert "ok timeouts" in netns.run(TIMEOUT_SCRIPT, hosts=HOSTS)


# A nameserver that never answers, one try of one second: a name not in
# /etc/hosts takes about a second to fail.
SLOW_RESOLV = f"nameserver {netns.BLACKHOLE_V4}\noptions timeout:1 attempts:1\n"

OFF_THREAD_SCRIPT = """
import asyncio, socket, time
import uvloop
from wirelane import aio

async def ticking(coro):
    ticks = 0
    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1
    t = asyncio.ensure_future(ticker())
    start = time.monotonic()
    try:
        await coro
    except socket.gaierror as e:
        result = e
    else:
        raise AssertionError("slow.example. resolved")
    finally:
        t.cancel()
    return result, ticks, time.monotonic() - start

async def blocking_lookup():
    socket.getaddrinfo("slow.example.", 80)  # on the loop's thread: the control

for new_loop in (asyncio.new_event_loop, uvloop.new_event_loop):
    loop = new_loop()
    try:
        # The control: a lookup on the loop's thread stops the ticker.
        _, ticks, took = loop.run_until_complete(ticking(blocking_lookup()))
        assert 0.8 <= took < 5 and ticks <= 1, (new_loop, took, ticks)
        # aio.create_connection: the ticker keeps going while it resolves.
        err, ticks, took = loop.run_until_complete(ticking(aio.create_connection(("slow.example.", 80))))
        assert 0.8 <= took < 5, (new_loop, took)
        assert ticks >= 5, (new_loop, ticks, took)
        assert err.errno in (socket.EAI_AGAIN, socket.EAI_NONAME), err
    finally:
        loop.close()
print("ok off-thread")
"""


def test_aio_resolves_off_the_loop_thread() -> None:
    out = netns.run(OFF_THREAD_SCRIPT, hosts="127.0.0.1 localhost\n", resolv=SLOW_RESOLV)
    assert "ok off-thread" in out
