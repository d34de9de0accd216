"""The proxy, multicast and classic-BPF options of wirelane._proxy_opts:
IP_MULTICAST_IF, a source-filtered member hearing 127.0.0.1 and not
127.0.0.2, the saved SYN, SO_ORIGINAL_DST behind an nft REDIRECT rule in
namespaces the test makes (scripts/in-netns.sh), and CbpfProgram steering
connections over a SO_REUSEPORT group as it says."""

from __future__ import annotations

import errno
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

from wirelane import CbpfProgram, Listener, RawSocket, SocketAddrV4

ROOT = pathlib.Path(__file__).resolve().parents[3]
GROUP = 3


def test_multicast_if_v4_by_address_and_index() -> None:
    s = RawSocket.udp4().bind(SocketAddrV4("0.0.0.0", 0))
    assert s.multicast_if_v4() == "0.0.0.0"
    s.set_multicast_if_v4("127.0.0.1")
    assert s.multicast_if_v4() == "127.0.0.1"
    s.set_multicast_if_v4(ifindex=1)
    assert s.multicast_if_v4() == "0.0.0.0"
    with pytest.raises(OSError) as e:
        s.set_multicast_if_v4("192.0.2.1")
    assert e.value.errno == errno.EADDRNOTAVAIL
    with pytest.raises(ValueError, match="not a numeric IPv4 address"):
        s.set_multicast_if_v4("lo")
    s.close()


def test_a_source_filtered_member_hears_only_its_source() -> None:
    group = "232.7.17.4"
    rx = RawSocket.udp4().bind(SocketAddrV4("0.0.0.0", 0))
    rx.set_multicast_all_v4(False)
    port = rx.getsockname().port
    rx.join_ssm_v4(group, "127.0.0.1", "127.0.0.1")
    with pytest.raises(OSError) as e:
        rx.join_ssm_v4(group, "127.0.0.1", "127.0.0.1")
    assert e.value.errno == errno.EADDRNOTAVAIL
    for source in ("127.0.0.2", "127.0.0.1"):
        tx = RawSocket.udp4().bind(SocketAddrV4(source, 0))
        tx.set_multicast_if_v4("127.0.0.1")
        tx.sendto(source.encode(), SocketAddrV4(group, port))
        tx.close()
    rx.settimeout(0.3)
    data, sender = rx.recvfrom(64)
    assert (data, sender.host) == (b"127.0.0.1", "127.0.0.1")
    with pytest.raises(TimeoutError):
        rx.recvfrom(64)
    rx.leave_ssm_v4(group, "127.0.0.1", "127.0.0.1")
    with pytest.raises(OSError) as e:
        rx.join_ssm_v4("10.0.0.1", "127.0.0.1")
    assert e.value.errno == errno.EINVAL and "not an IPv4 multicast address" in str(e.value)
    rx.close()


def test_the_saved_syn_is_the_clients_ipv4_tcp_syn() -> None:
    raw = RawSocket.tcp4()
    raw.set_tcp_save_syn(True)
    listener = raw.bind(SocketAddrV4("127.0.0.1", 0)).listen()
    client = RawSocket.tcp4().connect(listener.getsockname())
    server, _ = listener.accept()
    syn = server.tcp_saved_syn()
    assert syn[0] >> 4 == 4 and syn[9] == 6  # IPv4, TCP
    tcp = syn[(syn[0] & 0x0F) * 4:]
    assert int.from_bytes(tcp[0:2], "big") == client.getsockname().port
    assert int.from_bytes(tcp[2:4], "big") == listener.getsockname().port
    assert tcp[13] & 0x12 == 0x02  # SYN, not ACK
    assert server.tcp_saved_syn() == b""  # handed out once
    for s in (client, server, listener):
        s.close()


def test_original_dst_behind_a_redirect_inside_a_namespace() -> None:
    script = textwrap.dedent(
        """
        import subprocess
        from wirelane import RawSocket, SocketAddrV4, SocketAddrV6
        l4 = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen()
        l6 = RawSocket.tcp6().bind(SocketAddrV6("::1", 0)).listen()
        rules = f'''table ip wl {{
          chain out {{
            type nat hook output priority -100;
            ip daddr 127.0.0.5 tcp dport 9999 redirect to :{l4.getsockname().port}
          }}
        }}
        table ip6 wl {{
          chain out {{
            type nat hook output priority -100;
            tcp dport 9999 redirect to :{l6.getsockname().port}
          }}
        }}
        '''
        subprocess.run(["nft", "-f", "-"], input=rules.encode(), check=True)
        c4 = RawSocket.tcp4().connect(SocketAddrV4("127.0.0.5", 9999))
        a4, _ = l4.accept()
        assert a4.getsockname().port != 9999
        assert a4.original_dst_v4() == SocketAddrV4("127.0.0.5", 9999), a4.original_dst_v4()
        c6 = RawSocket.tcp6().connect(SocketAddrV6("::1", 9999))
        a6, _ = l6.accept()
        o6 = a6.original_dst_v6()
        assert (o6.host, o6.port) == ("::1", 9999), o6
        print("original destinations ok")
        """
    )
    try:
        out = subprocess.run(
            [str(ROOT / "scripts" / "in-netns.sh"), sys.executable, "-c", script],
            capture_output=True, text=True, timeout=60, env=dict(os.environ),
        )
    except FileNotFoundError as e:
        raise AssertionError(f"{e}: scripts/ensure-tools.sh installs util-linux, iproute2 and nftables") from None
    assert out.returncode == 0, f"namespace script failed:\n{out.stdout}\n{out.stderr}"
    assert "original destinations ok" in out.stdout


def _group() -> list[Listener[SocketAddrV4]]:
    port, group = 0, []
    for _ in range(GROUP):
        raw = RawSocket.tcp4()
        raw.set_reuse_port(True)
        listener = raw.bind(SocketAddrV4("127.0.0.1", port)).listen(64)
        port = listener.getsockname().port
        listener.setblocking(False)
        group.append(listener)
    return group


def _spread(group: list[Listener[SocketAddrV4]], n: int) -> list[int]:
    clients = [RawSocket.tcp4().connect(group[0].getsockname()) for _ in range(n)]
    got = []
    for listener in group:
        count = 0
        while True:
            try:
                conn, _ = listener.accept()
            except BlockingIOError:
                break
            conn.close()
            count += 1
        got.append(count)
    for c in clients:
        c.close()
    assert sum(got) == n
    return got


def test_cbpf_programs_pick_the_listener() -> None:
    group = _group()
    group[0].attach_reuseport_cbpf(CbpfProgram.constant(2))
    assert _spread(group, 9) == [0, 0, 9]
    # A program from raw instructions: BPF_RET | BPF_K, 1.
    group[1].attach_reuseport_cbpf(CbpfProgram([(0x06, 0, 0, 1)]))
    assert _spread(group, 9) == [0, 9, 0]
    group[2].attach_reuseport_cbpf(CbpfProgram.steer_by_hash(GROUP))
    assert all(n > 0 for n in _spread(group, 60)), "60 flows by hash reach every listener"
    for listener in group:
        listener.close()


def test_steer_by_cpu_follows_the_connecting_cpu() -> None:
    cpus = min(len(os.sched_getaffinity(0)), GROUP)
    assert cpus >= 2, "needs 2 CPUs to tell steering from chance"
    saved = os.sched_getaffinity(0)
    group = _group()
    group[0].attach_reuseport_cbpf(CbpfProgram.steer_by_cpu(GROUP))
    try:
        for cpu in sorted(saved)[:cpus]:
            os.sched_setaffinity(0, {cpu})
            want = [0] * GROUP
            want[cpu % GROUP] = 6
            assert _spread(group, 6) == want, f"connections from CPU {cpu}"
    finally:
        os.sched_setaffinity(0, saved)
        for listener in group:
            listener.close()


def test_cbpf_program_values_and_filters() -> None:
    assert len(CbpfProgram.steer_by_cpu(4)) == 3
    assert CbpfProgram.constant(7).instructions == [(0x06, 0, 0, 7)]
    with pytest.raises(OSError) as e:
        CbpfProgram.steer_by_hash(0)
    assert e.value.errno == errno.EINVAL and "at least 1 socket" in str(e.value)
    with pytest.raises(ValueError, match="1 to 4096 instructions"):
        CbpfProgram([])
    with pytest.raises(TypeError, match="instruction 0"):
        CbpfProgram([(1, 2, 3)])  # type: ignore[list-item]
    rx = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
    tx = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
    rx.settimeout(0.2)
    rx.attach_filter(CbpfProgram.constant(0))
    tx.sendto(b"dropped", rx.getsockname())
    with pytest.raises(TimeoutError):
        rx.recvfrom(16)
    rx.detach_filter()
    tx.sendto(b"kept", rx.getsockname())
    assert rx.recvfrom(16)[0] == b"kept"
    with pytest.raises(OSError) as e:
        rx.detach_filter()
    assert e.value.errno == errno.ENOENT
    with pytest.raises(TypeError, match="must be CbpfProgram"):
        rx.attach_filter([(6, 0, 0, 0)])  # type: ignore[arg-type]
    rx.close()
    tx.close()
