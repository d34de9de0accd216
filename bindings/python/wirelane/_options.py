"""Socket options: methods every state has (as in Rust, where the option
functions take anything with a descriptor), over the C ABI's
``wl_set_<option>(fd, value)`` / ``wl_<option>(fd, &out)``. The methods of
the ``int`` options are generated from the core's option table
(``src/options/table.rs``) by ``tests/c_abi/option_table.rs``.

Options that only exist for some domains are typed on them: TCP options
on IPv4/IPv6 sockets, ``IP_*`` options on IPv4, ``IPV6_*`` options on IPv6,
so a type checker rejects ``set_ttl`` on a Unix socket. The kernel still
decides per socket type (a TCP option on a UDP socket raises
``OSError(ENOPROTOOPT)``).
"""

from __future__ import annotations

import ctypes
import socket
from ctypes import POINTER, Structure, c_bool, c_char_p, c_int, c_int32, c_size_t, c_uint8, c_uint16, c_uint32, c_uint64
from typing import Any, Callable, Generic

from . import _check, _ffi
from . import _prototypes as _p
from ._addr import D, SocketAddrV4, SocketAddrV6, UnixAddr
from ._proxy_opts import ProxyOptions, _packed

_Fn = Callable[..., int]


class TcpInfo(_p.wl_tcp_info):
    """A snapshot of a TCP socket's state and statistics (``TCP_INFO``, see
    ``tcp(7)``), from :meth:`Options.tcp_info`. Durations are in
    microseconds (``*_us``); ``state`` is the kernel's number
    (``TCP_ESTABLISHED`` = 1 ... ``TCP_LISTEN`` = 10). Fields an older
    kernel does not report are 0."""

    state: int
    """The connection state. The kernel's number: `TCP_ESTABLISHED` = 1 ... `TCP_LISTEN` = 10 (see `netinet/tcp.h`)."""

    ca_state: int
    """Congestion-avoidance state: 0 open, 1 disorder, 2 CWR, 3 recovery, 4 loss."""

    retransmits: int
    """Consecutive retransmissions of the segment at the head of the queue."""

    probes: int
    """Unanswered zero-window or keepalive probes."""

    backoff: int
    """Exponential backoff of the retransmission timer."""

    options: int
    """Negotiated options, bits `TCPI_OPT_*`: 1 timestamps, 2 SACK, 4 window scaling, 8 ECN, 16 ECN seen, 32 data in SYN, 64 µs timestamps."""

    snd_wscale: int
    """Our window-scale shift."""

    rcv_wscale: int
    """The peer's window-scale shift."""

    delivery_rate_app_limited: bool
    """Whether the last delivery-rate sample was application limited (4.9+)."""

    fastopen_client_fail: int
    """Why client Fast Open fell back, 0 if it did not (5.5+)."""

    rto_us: int
    """Retransmission timeout. In microseconds."""

    ato_us: int
    """Delayed-ACK timeout. In microseconds."""

    snd_mss: int
    """Maximum segment size for sending."""

    rcv_mss: int
    """Maximum segment size seen from the peer."""

    unacked: int
    """Segments sent and not yet acknowledged."""

    sacked: int
    """Segments selectively acknowledged (SACK)."""

    lost: int
    """Segments considered lost."""

    retrans: int
    """Segments retransmitted and not yet acknowledged."""

    last_data_sent_us: int
    """Time since data was last sent. In microseconds."""

    last_data_recv_us: int
    """Time since data was last received. In microseconds."""

    last_ack_recv_us: int
    """Time since an ACK was last received. In microseconds."""

    pmtu: int
    """Path MTU."""

    rcv_ssthresh: int
    """Receive slow-start threshold."""

    rtt_us: int
    """Smoothed round-trip time. In microseconds."""

    rttvar_us: int
    """Round-trip time variation. In microseconds."""

    snd_ssthresh: int
    """Send slow-start threshold, in segments (a huge value: not yet set)."""

    cwnd: int
    """Congestion window, in segments."""

    advmss: int
    """Advertised maximum segment size."""

    reordering: int
    """Reordering tolerance, in segments."""

    rcv_rtt_us: int
    """Receiver-side round-trip estimate. In microseconds."""

    rcv_space: int
    """Receive buffer space the autotuner aims for."""

    total_retrans: int
    """Retransmitted segments over the connection's lifetime."""

    pacing_rate: int
    """Current pacing rate (3.15+)."""

    max_pacing_rate: int
    """Maximum pacing rate, `u64::MAX` when unlimited (3.15+)."""

    bytes_acked: int
    """Bytes acknowledged by the peer (4.1+)."""

    bytes_received: int
    """Bytes received in order (4.1+)."""

    segs_out: int
    """Segments sent, retransmissions included (4.2+)."""

    segs_in: int
    """Segments received (4.2+)."""

    notsent_bytes: int
    """Bytes queued but not yet sent (4.6+)."""

    min_rtt_us: int
    """Minimum round-trip time seen; `u32::MAX` µs before the first sample (4.6+). In microseconds."""

    data_segs_in: int
    """Segments received carrying data (4.6+)."""

    data_segs_out: int
    """Segments sent carrying data (4.6+)."""

    delivery_rate: int
    """Most recent delivery-rate estimate (4.9+)."""

    busy_time_us: int
    """Time spent with data in flight (4.10+). In microseconds."""

    rwnd_limited_us: int
    """Time limited by the peer's receive window (4.10+). In microseconds."""

    sndbuf_limited_us: int
    """Time limited by our send buffer (4.10+). In microseconds."""

    delivered: int
    """Segments delivered, as counted for rate sampling (4.18+)."""

    delivered_ce: int
    """Segments delivered with an ECN congestion mark (4.18+)."""

    bytes_sent: int
    """Bytes sent, retransmissions included (4.19+)."""

    bytes_retrans: int
    """Bytes retransmitted (4.19+)."""

    dsack_dups: int
    """Duplicate segments reported by D-SACK (4.19+)."""

    reord_seen: int
    """Reordering events seen (4.19+)."""

    rcv_ooopack: int
    """Out-of-order packets received (5.4+)."""

    snd_wnd: int
    """The peer's advertised window, in bytes (5.4+)."""

    rcv_wnd: int
    """Our advertised window, in bytes (6.2+)."""

    rehash: int
    """Path rehash attempts (6.2+)."""

    total_rto: int
    """Retransmission timeouts, handshake included (6.7+)."""

    total_rto_recoveries: int
    """RTO recoveries (6.7+)."""

    total_rto_time_us: int
    """Time spent in RTO recoveries (6.7+). In microseconds."""

    reported_len: int
    """How many bytes of `struct tcp_info` the kernel filled; fields past this point are zero."""


    def as_dict(self) -> dict[str, int | bool]:
        """Every field by name."""
        return {f[0]: getattr(self, f[0]) for f in self._fields_}

    def __repr__(self) -> str:
        return f"TcpInfo(state={self.state}, rtt_us={self.rtt_us}, cwnd={self.cwnd}, ...)"





# The option table's C types (``wl_set_<name>(int fd, T)``,
# ``wl_<name>(int fd, T *out)``) and whether each has a setter.
# BEGIN GENERATED TYPES FROM src/options/table.rs (WIRELANE_BLESS=1 cargo test -p wirelane-ffi --test option_table)
_OPTION_TYPES: dict[str, tuple[Any, bool]] = {
    "reuse_address": (c_bool, True),
    "reuse_port": (c_bool, True),
    "send_buffer_size": (c_size_t, True),
    "recv_buffer_size": (c_size_t, True),
    "broadcast": (c_bool, True),
    "mark": (c_uint32, True),
    "priority": (c_uint32, True),
    "recv_low_watermark": (c_size_t, True),
    "keepalive": (c_bool, True),
    "tcp_keepalive_idle": (c_uint32, True),
    "tcp_keepalive_interval": (c_uint32, True),
    "tcp_keepalive_count": (c_uint32, True),
    "tcp_nodelay": (c_bool, True),
    "tcp_cork": (c_bool, True),
    "tcp_quickack": (c_bool, True),
    "tcp_fastopen": (c_uint32, True),
    "tcp_fastopen_connect": (c_bool, True),
    "tcp_user_timeout": (c_uint32, True),
    "ttl": (c_uint32, True),
    "tos": (c_uint8, True),
    "unicast_hops_v6": (c_uint32, True),
    "tclass_v6": (c_uint8, True),
    "only_v6": (c_bool, True),
    "multicast_ttl_v4": (c_uint32, True),
    "multicast_loop_v4": (c_bool, True),
    "multicast_hops_v6": (c_uint32, True),
    "multicast_loop_v6": (c_bool, True),
    "transparent": (c_bool, True),
    "freebind": (c_bool, True),
    "freebind_v6": (c_bool, True),
    "transparent_v6": (c_bool, True),
    "bind_address_no_port": (c_bool, True),
    "tcp_notsent_lowat": (c_uint32, True),
    "tcp_maxseg": (c_uint32, True),
    "tcp_defer_accept": (c_uint32, True),
    "tcp_save_syn": (c_bool, True),
    "tcp_thin_linear_timeouts": (c_bool, True),
    "tcp_syncnt": (c_uint32, True),
    "tcp_window_clamp": (c_uint32, True),
    "cookie": (c_uint64, False),
    "incoming_cpu": (c_int32, True),
    "busy_poll": (c_uint32, True),
    "prefer_busy_poll": (c_bool, True),
    "out_of_band_inline": (c_bool, True),
    "socket_domain": (c_int32, False),
    "socket_type": (c_int32, False),
    "socket_protocol": (c_int32, False),
    "accepts_connections": (c_bool, False),
    "multicast_all_v4": (c_bool, True),
    "multicast_all_v6": (c_bool, True),
    "multicast_if_v6": (c_uint32, True),
    "recv_tos_v4": (c_bool, True),
    "recv_tclass_v6": (c_bool, True),
    "recv_hoplimit_v6": (c_bool, True),
    "header_included_v4": (c_bool, True),
    "udp_segment": (c_uint16, True),
    "udp_gro": (c_bool, True),
    "passcred": (c_bool, True),
    "zerocopy": (c_bool, True),
}
# END GENERATED TYPES
_SETTERS: dict[str, _Fn] = {n: _ffi.declare(f"wl_set_{n}", c_int, c_int, t) for n, (t, w) in _OPTION_TYPES.items() if w}
_GETTERS: dict[str, _Fn] = {n: _ffi.declare(f"wl_{n}", c_int, c_int, POINTER(t)) for n, (t, _) in _OPTION_TYPES.items()}


def _ip4(host: Any, name: str, what: str) -> Any:
    return _packed(socket.AF_INET, host, name, what)


def _ip6(host: Any, name: str, what: str) -> Any:
    return _packed(socket.AF_INET6, host, name, what)


def _text(call: Callable[[Any, int], int]) -> str:
    size = 16
    while True:
        buf = ctypes.create_string_buffer(size)
        n = call(buf, size)
        if n < size:
            return buf.value.decode("utf-8", "replace")
        size = n + 1


class Options(ProxyOptions[D], Generic[D]):
    """Socket options (``socket(7)``, ``tcp(7)``, ``ip(7)``, ``ipv6(7)``)
    on every state; see the module docstring for domain typing."""

    __slots__ = ()

    def set_linger(self, seconds: int | None) -> None:
        """``SO_LINGER`` (``socket(7)``): ``None`` (the default) lets
        ``close`` return at once while the kernel sends queued data;
        ``n`` makes ``close`` wait up to ``n`` seconds; ``0`` makes it
        discard queued data and reset the connection."""
        on = seconds is not None
        secs = 0 if seconds is None else _check.uint(seconds, 32, "seconds", "set_linger")
        self._call(lambda h: _p.wl_set_linger(self._fd, on, secs))

    def linger(self) -> int | None:
        """The ``SO_LINGER`` time in seconds, or ``None`` when off."""
        on, secs = c_bool(), c_uint32()
        self._call(lambda h: _p.wl_linger(self._fd, ctypes.byref(on), ctypes.byref(secs)))
        return int(secs.value) if on.value else None

    def bind_device(self, interface: str | None) -> None:
        """``SO_BINDTODEVICE`` (``socket(7)``): only use this interface
        (e.g. ``"lo"``); ``None`` removes the binding."""
        name = None if interface is None else _check.c_string(interface, "interface", "bind_device")
        self._call(lambda h: _p.wl_bind_device(self._fd, name))

    def bound_device(self) -> str | None:
        """The interface from ``SO_BINDTODEVICE``, or ``None``."""
        name = self._call(lambda h: _text(lambda buf, n: _p.wl_bound_device(self._fd, buf, n)))
        return name or None

    def set_tcp_congestion(self: Options[SocketAddrV4] | Options[SocketAddrV6], algorithm: str) -> None:
        """``TCP_CONGESTION`` (``tcp(7)``): e.g. ``"cubic"``, ``"reno"``."""
        name = _check.c_string(algorithm, "algorithm", "set_tcp_congestion")
        self._call(lambda h: _p.wl_set_tcp_congestion(self._fd, name))

    def tcp_congestion(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> str:
        """The congestion-control algorithm in use (``TCP_CONGESTION``)."""
        return self._call(lambda h: _text(lambda buf, n: _p.wl_tcp_congestion(self._fd, buf, n)))

    def tcp_info(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> TcpInfo:
        """The kernel's ``TCP_INFO`` statistics (a snapshot)."""
        out = TcpInfo()
        self._call(lambda h: _p.wl_get_tcp_info(self._fd, ctypes.byref(out)))
        return out

    def join_multicast_v4(self: Options[SocketAddrV4], group: str, interface: str = "0.0.0.0") -> None:
        """``IP_ADD_MEMBERSHIP`` (``ip(7)``): receive datagrams sent to
        ``group`` on the bound port; ``interface`` ``"0.0.0.0"`` lets the
        kernel pick by route."""
        g, i = _ip4(group, "group", "join_multicast_v4"), _ip4(interface, "interface", "join_multicast_v4")
        self._call(lambda h: _p.wl_join_multicast_v4(self._fd, g, i))

    def leave_multicast_v4(self: Options[SocketAddrV4], group: str, interface: str = "0.0.0.0") -> None:
        """``IP_DROP_MEMBERSHIP`` (``ip(7)``)."""
        g, i = _ip4(group, "group", "leave_multicast_v4"), _ip4(interface, "interface", "leave_multicast_v4")
        self._call(lambda h: _p.wl_leave_multicast_v4(self._fd, g, i))

    def join_multicast_v6(self: Options[SocketAddrV6], group: str, interface: int = 0) -> None:
        """``IPV6_ADD_MEMBERSHIP`` (``ipv6(7)``) on interface index
        ``interface`` (0: the kernel picks by route)."""
        g = _ip6(group, "group", "join_multicast_v6")
        ifindex = _check.uint(interface, 32, "interface", "join_multicast_v6")
        self._call(lambda h: _p.wl_join_multicast_v6(self._fd, g, ifindex))

    def leave_multicast_v6(self: Options[SocketAddrV6], group: str, interface: int = 0) -> None:
        """``IPV6_DROP_MEMBERSHIP`` (``ipv6(7)``)."""
        g = _ip6(group, "group", "leave_multicast_v6")
        ifindex = _check.uint(interface, 32, "interface", "leave_multicast_v6")
        self._call(lambda h: _p.wl_leave_multicast_v6(self._fd, g, ifindex))

    def _set_option(self, name: str, value: Any, what: str) -> None:
        """The generated setters: checks ``value`` against the option's C
        type (for method ``what``), then sets it."""
        fn = _SETTERS[name]
        v = _check.option(fn, value, "value", what)
        self._call(lambda h: fn(self._fd, v))

    def _get_option(self, name: str) -> Any:
        fn, out = _GETTERS[name], _OPTION_TYPES[name][0]()
        self._call(lambda h: fn(self._fd, ctypes.byref(out)))
        return out.value

    # BEGIN GENERATED METHODS FROM src/options/table.rs (WIRELANE_BLESS=1 cargo test -p wirelane-ffi --test option_table)
    def set_reuse_address(self, value: bool) -> None:
        """Sets ``SO_REUSEADDR`` (``socket(7)``): rebind a port still in TIME_WAIT; set before bind."""
        self._set_option("reuse_address", value, "set_reuse_address")

    def reuse_address(self) -> bool:
        """Reads ``SO_REUSEADDR`` (``socket(7)``): rebind a port still in TIME_WAIT; set before bind."""
        return bool(self._get_option("reuse_address"))

    def set_reuse_port(self, value: bool) -> None:
        """Sets ``SO_REUSEPORT`` (``socket(7)``): several sockets share one address and port; set before bind."""
        self._set_option("reuse_port", value, "set_reuse_port")

    def reuse_port(self) -> bool:
        """Reads ``SO_REUSEPORT`` (``socket(7)``): several sockets share one address and port; set before bind."""
        return bool(self._get_option("reuse_port"))

    def set_send_buffer_size(self, value: int) -> None:
        """Sets ``SO_SNDBUF`` (``socket(7)``): the kernel doubles the request and reports the doubled size."""
        self._set_option("send_buffer_size", value, "set_send_buffer_size")

    def send_buffer_size(self) -> int:
        """Reads ``SO_SNDBUF`` (``socket(7)``): the kernel doubles the request and reports the doubled size."""
        return int(self._get_option("send_buffer_size"))

    def set_recv_buffer_size(self, value: int) -> None:
        """Sets ``SO_RCVBUF`` (``socket(7)``): the kernel doubles the request and reports the doubled size."""
        self._set_option("recv_buffer_size", value, "set_recv_buffer_size")

    def recv_buffer_size(self) -> int:
        """Reads ``SO_RCVBUF`` (``socket(7)``): the kernel doubles the request and reports the doubled size."""
        return int(self._get_option("recv_buffer_size"))

    def set_broadcast(self, value: bool) -> None:
        """Sets ``SO_BROADCAST`` (``socket(7)``): allow sending to broadcast addresses (UDP/IPv4)."""
        self._set_option("broadcast", value, "set_broadcast")

    def broadcast(self) -> bool:
        """Reads ``SO_BROADCAST`` (``socket(7)``): allow sending to broadcast addresses (UDP/IPv4)."""
        return bool(self._get_option("broadcast"))

    def set_mark(self, value: int) -> None:
        """Sets ``SO_MARK`` (``socket(7)``): the firewall mark on outgoing packets (needs CAP_NET_ADMIN)."""
        self._set_option("mark", value, "set_mark")

    def mark(self) -> int:
        """Reads ``SO_MARK`` (``socket(7)``): the firewall mark on outgoing packets (needs CAP_NET_ADMIN)."""
        return int(self._get_option("mark"))

    def set_priority(self, value: int) -> None:
        """Sets ``SO_PRIORITY`` (``socket(7)``): the queueing priority of outgoing packets."""
        self._set_option("priority", value, "set_priority")

    def priority(self) -> int:
        """Reads ``SO_PRIORITY`` (``socket(7)``): the queueing priority of outgoing packets."""
        return int(self._get_option("priority"))

    def set_recv_low_watermark(self, value: int) -> None:
        """Sets ``SO_RCVLOWAT`` (``socket(7)``): bytes that must be queued before a receive returns."""
        self._set_option("recv_low_watermark", value, "set_recv_low_watermark")

    def recv_low_watermark(self) -> int:
        """Reads ``SO_RCVLOWAT`` (``socket(7)``): bytes that must be queued before a receive returns."""
        return int(self._get_option("recv_low_watermark"))

    def set_keepalive(self, value: bool) -> None:
        """Sets ``SO_KEEPALIVE`` (``socket(7)``): probe idle connections."""
        self._set_option("keepalive", value, "set_keepalive")

    def keepalive(self) -> bool:
        """Reads ``SO_KEEPALIVE`` (``socket(7)``): probe idle connections."""
        return bool(self._get_option("keepalive"))

    def set_tcp_keepalive_idle(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: int) -> None:
        """Sets ``TCP_KEEPIDLE`` (``tcp(7)``) in seconds: idle seconds before the first keepalive probe."""
        self._set_option("tcp_keepalive_idle", value, "set_tcp_keepalive_idle")

    def tcp_keepalive_idle(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> int:
        """Reads ``TCP_KEEPIDLE`` (``tcp(7)``) in seconds: idle seconds before the first keepalive probe."""
        return int(self._get_option("tcp_keepalive_idle"))

    def set_tcp_keepalive_interval(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: int) -> None:
        """Sets ``TCP_KEEPINTVL`` (``tcp(7)``) in seconds: seconds between keepalive probes."""
        self._set_option("tcp_keepalive_interval", value, "set_tcp_keepalive_interval")

    def tcp_keepalive_interval(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> int:
        """Reads ``TCP_KEEPINTVL`` (``tcp(7)``) in seconds: seconds between keepalive probes."""
        return int(self._get_option("tcp_keepalive_interval"))

    def set_tcp_keepalive_count(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: int) -> None:
        """Sets ``TCP_KEEPCNT`` (``tcp(7)``): unanswered probes before the connection drops."""
        self._set_option("tcp_keepalive_count", value, "set_tcp_keepalive_count")

    def tcp_keepalive_count(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> int:
        """Reads ``TCP_KEEPCNT`` (``tcp(7)``): unanswered probes before the connection drops."""
        return int(self._get_option("tcp_keepalive_count"))

    def set_tcp_nodelay(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: bool) -> None:
        """Sets ``TCP_NODELAY`` (``tcp(7)``): send small writes at once (no Nagle delay)."""
        self._set_option("tcp_nodelay", value, "set_tcp_nodelay")

    def tcp_nodelay(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> bool:
        """Reads ``TCP_NODELAY`` (``tcp(7)``): send small writes at once (no Nagle delay)."""
        return bool(self._get_option("tcp_nodelay"))

    def set_tcp_cork(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: bool) -> None:
        """Sets ``TCP_CORK`` (``tcp(7)``): hold partial frames until uncorked or full."""
        self._set_option("tcp_cork", value, "set_tcp_cork")

    def tcp_cork(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> bool:
        """Reads ``TCP_CORK`` (``tcp(7)``): hold partial frames until uncorked or full."""
        return bool(self._get_option("tcp_cork"))

    def set_tcp_quickack(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: bool) -> None:
        """Sets ``TCP_QUICKACK`` (``tcp(7)``): acknowledge at once (the kernel may clear it again)."""
        self._set_option("tcp_quickack", value, "set_tcp_quickack")

    def tcp_quickack(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> bool:
        """Reads ``TCP_QUICKACK`` (``tcp(7)``): acknowledge at once (the kernel may clear it again)."""
        return bool(self._get_option("tcp_quickack"))

    def set_tcp_fastopen(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: int) -> None:
        """Sets ``TCP_FASTOPEN`` (``tcp(7)``): the server's Fast Open queue length; 0 turns it off."""
        self._set_option("tcp_fastopen", value, "set_tcp_fastopen")

    def tcp_fastopen(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> int:
        """Reads ``TCP_FASTOPEN`` (``tcp(7)``): the server's Fast Open queue length; 0 turns it off."""
        return int(self._get_option("tcp_fastopen"))

    def set_tcp_fastopen_connect(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: bool) -> None:
        """Sets ``TCP_FASTOPEN_CONNECT`` (``tcp(7)``): client Fast Open; set before connect."""
        self._set_option("tcp_fastopen_connect", value, "set_tcp_fastopen_connect")

    def tcp_fastopen_connect(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> bool:
        """Reads ``TCP_FASTOPEN_CONNECT`` (``tcp(7)``): client Fast Open; set before connect."""
        return bool(self._get_option("tcp_fastopen_connect"))

    def set_tcp_user_timeout(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: int) -> None:
        """Sets ``TCP_USER_TIMEOUT`` (``tcp(7)``) in milliseconds (0: none): how long sent data may stay unacknowledged, in milliseconds; 0 is the kernel default."""
        self._set_option("tcp_user_timeout", value, "set_tcp_user_timeout")

    def tcp_user_timeout(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> int:
        """Reads ``TCP_USER_TIMEOUT`` (``tcp(7)``) in milliseconds (0: none): how long sent data may stay unacknowledged, in milliseconds; 0 is the kernel default."""
        return int(self._get_option("tcp_user_timeout"))

    def set_ttl(self: Options[SocketAddrV4], value: int) -> None:
        """Sets ``IP_TTL`` (``ip(7)``): the time-to-live of outgoing unicast packets (1-255)."""
        self._set_option("ttl", value, "set_ttl")

    def ttl(self: Options[SocketAddrV4]) -> int:
        """Reads ``IP_TTL`` (``ip(7)``): the time-to-live of outgoing unicast packets (1-255)."""
        return int(self._get_option("ttl"))

    def set_tos(self: Options[SocketAddrV4], value: int) -> None:
        """Sets ``IP_TOS`` (``ip(7)``): the Type-of-Service byte (DSCP and ECN)."""
        self._set_option("tos", value, "set_tos")

    def tos(self: Options[SocketAddrV4]) -> int:
        """Reads ``IP_TOS`` (``ip(7)``): the Type-of-Service byte (DSCP and ECN)."""
        return int(self._get_option("tos"))

    def set_unicast_hops_v6(self: Options[SocketAddrV6], value: int) -> None:
        """Sets ``IPV6_UNICAST_HOPS`` (``ipv6(7)``): the hop limit of outgoing unicast packets."""
        self._set_option("unicast_hops_v6", value, "set_unicast_hops_v6")

    def unicast_hops_v6(self: Options[SocketAddrV6]) -> int:
        """Reads ``IPV6_UNICAST_HOPS`` (``ipv6(7)``): the hop limit of outgoing unicast packets."""
        return int(self._get_option("unicast_hops_v6"))

    def set_tclass_v6(self: Options[SocketAddrV6], value: int) -> None:
        """Sets ``IPV6_TCLASS`` (``ipv6(7)``): the traffic class byte."""
        self._set_option("tclass_v6", value, "set_tclass_v6")

    def tclass_v6(self: Options[SocketAddrV6]) -> int:
        """Reads ``IPV6_TCLASS`` (``ipv6(7)``): the traffic class byte."""
        return int(self._get_option("tclass_v6"))

    def set_only_v6(self: Options[SocketAddrV6], value: bool) -> None:
        """Sets ``IPV6_V6ONLY`` (``ipv6(7)``): refuse IPv4-mapped traffic; set before bind."""
        self._set_option("only_v6", value, "set_only_v6")

    def only_v6(self: Options[SocketAddrV6]) -> bool:
        """Reads ``IPV6_V6ONLY`` (``ipv6(7)``): refuse IPv4-mapped traffic; set before bind."""
        return bool(self._get_option("only_v6"))

    def set_multicast_ttl_v4(self: Options[SocketAddrV4], value: int) -> None:
        """Sets ``IP_MULTICAST_TTL`` (``ip(7)``): the time-to-live of outgoing multicast packets."""
        self._set_option("multicast_ttl_v4", value, "set_multicast_ttl_v4")

    def multicast_ttl_v4(self: Options[SocketAddrV4]) -> int:
        """Reads ``IP_MULTICAST_TTL`` (``ip(7)``): the time-to-live of outgoing multicast packets."""
        return int(self._get_option("multicast_ttl_v4"))

    def set_multicast_loop_v4(self: Options[SocketAddrV4], value: bool) -> None:
        """Sets ``IP_MULTICAST_LOOP`` (``ip(7)``): deliver our own multicast packets locally."""
        self._set_option("multicast_loop_v4", value, "set_multicast_loop_v4")

    def multicast_loop_v4(self: Options[SocketAddrV4]) -> bool:
        """Reads ``IP_MULTICAST_LOOP`` (``ip(7)``): deliver our own multicast packets locally."""
        return bool(self._get_option("multicast_loop_v4"))

    def set_multicast_hops_v6(self: Options[SocketAddrV6], value: int) -> None:
        """Sets ``IPV6_MULTICAST_HOPS`` (``ipv6(7)``): the hop limit of outgoing multicast packets."""
        self._set_option("multicast_hops_v6", value, "set_multicast_hops_v6")

    def multicast_hops_v6(self: Options[SocketAddrV6]) -> int:
        """Reads ``IPV6_MULTICAST_HOPS`` (``ipv6(7)``): the hop limit of outgoing multicast packets."""
        return int(self._get_option("multicast_hops_v6"))

    def set_multicast_loop_v6(self: Options[SocketAddrV6], value: bool) -> None:
        """Sets ``IPV6_MULTICAST_LOOP`` (``ipv6(7)``): deliver our own multicast packets locally."""
        self._set_option("multicast_loop_v6", value, "set_multicast_loop_v6")

    def multicast_loop_v6(self: Options[SocketAddrV6]) -> bool:
        """Reads ``IPV6_MULTICAST_LOOP`` (``ipv6(7)``): deliver our own multicast packets locally."""
        return bool(self._get_option("multicast_loop_v6"))

    def set_transparent(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: bool) -> None:
        """Sets ``IP_TRANSPARENT`` (``ip(7)``): bind and accept for non-local addresses (transparent proxy; needs CAP_NET_ADMIN)."""
        self._set_option("transparent", value, "set_transparent")

    def transparent(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> bool:
        """Reads ``IP_TRANSPARENT`` (``ip(7)``): bind and accept for non-local addresses (transparent proxy; needs CAP_NET_ADMIN)."""
        return bool(self._get_option("transparent"))

    def set_freebind(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: bool) -> None:
        """Sets ``IP_FREEBIND`` (``ip(7)``): bind to an address not (yet) configured on this host."""
        self._set_option("freebind", value, "set_freebind")

    def freebind(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> bool:
        """Reads ``IP_FREEBIND`` (``ip(7)``): bind to an address not (yet) configured on this host."""
        return bool(self._get_option("freebind"))

    def set_freebind_v6(self: Options[SocketAddrV6], value: bool) -> None:
        """Sets ``IPV6_FREEBIND`` (``ipv6(7)``): bind to an IPv6 address not (yet) configured on this host."""
        self._set_option("freebind_v6", value, "set_freebind_v6")

    def freebind_v6(self: Options[SocketAddrV6]) -> bool:
        """Reads ``IPV6_FREEBIND`` (``ipv6(7)``): bind to an IPv6 address not (yet) configured on this host."""
        return bool(self._get_option("freebind_v6"))

    def set_transparent_v6(self: Options[SocketAddrV6], value: bool) -> None:
        """Sets ``IPV6_TRANSPARENT`` (``ipv6(7)``): transparent proxying for IPv6 (needs CAP_NET_ADMIN)."""
        self._set_option("transparent_v6", value, "set_transparent_v6")

    def transparent_v6(self: Options[SocketAddrV6]) -> bool:
        """Reads ``IPV6_TRANSPARENT`` (``ipv6(7)``): transparent proxying for IPv6 (needs CAP_NET_ADMIN)."""
        return bool(self._get_option("transparent_v6"))

    def set_bind_address_no_port(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: bool) -> None:
        """Sets ``IP_BIND_ADDRESS_NO_PORT`` (``ip(7)``): choose the local port at connect, not at bind (port 0)."""
        self._set_option("bind_address_no_port", value, "set_bind_address_no_port")

    def bind_address_no_port(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> bool:
        """Reads ``IP_BIND_ADDRESS_NO_PORT`` (``ip(7)``): choose the local port at connect, not at bind (port 0)."""
        return bool(self._get_option("bind_address_no_port"))

    def set_tcp_notsent_lowat(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: int) -> None:
        """Sets ``TCP_NOTSENT_LOWAT`` (``tcp(7)``): unsent bytes allowed before the socket stops being writable (0: the sysctl)."""
        self._set_option("tcp_notsent_lowat", value, "set_tcp_notsent_lowat")

    def tcp_notsent_lowat(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> int:
        """Reads ``TCP_NOTSENT_LOWAT`` (``tcp(7)``): unsent bytes allowed before the socket stops being writable (0: the sysctl)."""
        return int(self._get_option("tcp_notsent_lowat"))

    def set_tcp_maxseg(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: int) -> None:
        """Sets ``TCP_MAXSEG`` (``tcp(7)``): the maximum segment size (set before connect or listen)."""
        self._set_option("tcp_maxseg", value, "set_tcp_maxseg")

    def tcp_maxseg(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> int:
        """Reads ``TCP_MAXSEG`` (``tcp(7)``): the maximum segment size (set before connect or listen)."""
        return int(self._get_option("tcp_maxseg"))

    def set_tcp_defer_accept(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: int) -> None:
        """Sets ``TCP_DEFER_ACCEPT`` (``tcp(7)``) in seconds: wake accept only when data has arrived (seconds; 0: off)."""
        self._set_option("tcp_defer_accept", value, "set_tcp_defer_accept")

    def tcp_defer_accept(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> int:
        """Reads ``TCP_DEFER_ACCEPT`` (``tcp(7)``) in seconds: wake accept only when data has arrived (seconds; 0: off)."""
        return int(self._get_option("tcp_defer_accept"))

    def set_tcp_save_syn(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: bool) -> None:
        """Sets ``TCP_SAVE_SYN`` (``tcp(7)``): keep each incoming SYN for TCP_SAVED_SYN."""
        self._set_option("tcp_save_syn", value, "set_tcp_save_syn")

    def tcp_save_syn(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> bool:
        """Reads ``TCP_SAVE_SYN`` (``tcp(7)``): keep each incoming SYN for TCP_SAVED_SYN."""
        return bool(self._get_option("tcp_save_syn"))

    def set_tcp_thin_linear_timeouts(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: bool) -> None:
        """Sets ``TCP_THIN_LINEAR_TIMEOUTS`` (``tcp(7)``): linear retransmission timeouts for thin streams."""
        self._set_option("tcp_thin_linear_timeouts", value, "set_tcp_thin_linear_timeouts")

    def tcp_thin_linear_timeouts(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> bool:
        """Reads ``TCP_THIN_LINEAR_TIMEOUTS`` (``tcp(7)``): linear retransmission timeouts for thin streams."""
        return bool(self._get_option("tcp_thin_linear_timeouts"))

    def set_tcp_syncnt(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: int) -> None:
        """Sets ``TCP_SYNCNT`` (``tcp(7)``): SYN retransmissions before connect gives up."""
        self._set_option("tcp_syncnt", value, "set_tcp_syncnt")

    def tcp_syncnt(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> int:
        """Reads ``TCP_SYNCNT`` (``tcp(7)``): SYN retransmissions before connect gives up."""
        return int(self._get_option("tcp_syncnt"))

    def set_tcp_window_clamp(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: int) -> None:
        """Sets ``TCP_WINDOW_CLAMP`` (``tcp(7)``): bound on the advertised window in bytes (0: none)."""
        self._set_option("tcp_window_clamp", value, "set_tcp_window_clamp")

    def tcp_window_clamp(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> int:
        """Reads ``TCP_WINDOW_CLAMP`` (``tcp(7)``): bound on the advertised window in bytes (0: none)."""
        return int(self._get_option("tcp_window_clamp"))

    def cookie(self) -> int:
        """Reads ``SO_COOKIE`` (``socket(7)``): the kernel's 64-bit identifier of the socket."""
        return int(self._get_option("cookie"))

    def set_incoming_cpu(self, value: int) -> None:
        """Sets ``SO_INCOMING_CPU`` (``socket(7)``): the CPU of the last received packet (-1: none)."""
        self._set_option("incoming_cpu", value, "set_incoming_cpu")

    def incoming_cpu(self) -> int:
        """Reads ``SO_INCOMING_CPU`` (``socket(7)``): the CPU of the last received packet (-1: none)."""
        return int(self._get_option("incoming_cpu"))

    def set_busy_poll(self, value: int) -> None:
        """Sets ``SO_BUSY_POLL`` (``socket(7)``): microseconds to busy-poll the device on a blocking receive."""
        self._set_option("busy_poll", value, "set_busy_poll")

    def busy_poll(self) -> int:
        """Reads ``SO_BUSY_POLL`` (``socket(7)``): microseconds to busy-poll the device on a blocking receive."""
        return int(self._get_option("busy_poll"))

    def set_prefer_busy_poll(self, value: bool) -> None:
        """Sets ``SO_PREFER_BUSY_POLL`` (``socket(7)``): prefer busy polling over interrupts."""
        self._set_option("prefer_busy_poll", value, "set_prefer_busy_poll")

    def prefer_busy_poll(self) -> bool:
        """Reads ``SO_PREFER_BUSY_POLL`` (``socket(7)``): prefer busy polling over interrupts."""
        return bool(self._get_option("prefer_busy_poll"))

    def set_out_of_band_inline(self, value: bool) -> None:
        """Sets ``SO_OOBINLINE`` (``socket(7)``): deliver urgent data inline."""
        self._set_option("out_of_band_inline", value, "set_out_of_band_inline")

    def out_of_band_inline(self) -> bool:
        """Reads ``SO_OOBINLINE`` (``socket(7)``): deliver urgent data inline."""
        return bool(self._get_option("out_of_band_inline"))

    def socket_domain(self) -> int:
        """Reads ``SO_DOMAIN`` (``socket(7)``): the address family (AF_INET, AF_INET6, AF_UNIX)."""
        return int(self._get_option("socket_domain"))

    def socket_type(self) -> int:
        """Reads ``SO_TYPE`` (``socket(7)``): the socket type (SOCK_STREAM, SOCK_DGRAM, ...)."""
        return int(self._get_option("socket_type"))

    def socket_protocol(self) -> int:
        """Reads ``SO_PROTOCOL`` (``socket(7)``): the protocol (IPPROTO_TCP, IPPROTO_UDP, ...)."""
        return int(self._get_option("socket_protocol"))

    def accepts_connections(self) -> bool:
        """Reads ``SO_ACCEPTCONN`` (``socket(7)``): whether the socket is listening."""
        return bool(self._get_option("accepts_connections"))

    def set_multicast_all_v4(self: Options[SocketAddrV4], value: bool) -> None:
        """Sets ``IP_MULTICAST_ALL`` (``ip(7)``): receive every joined group's traffic, not only our own joins."""
        self._set_option("multicast_all_v4", value, "set_multicast_all_v4")

    def multicast_all_v4(self: Options[SocketAddrV4]) -> bool:
        """Reads ``IP_MULTICAST_ALL`` (``ip(7)``): receive every joined group's traffic, not only our own joins."""
        return bool(self._get_option("multicast_all_v4"))

    def set_multicast_all_v6(self: Options[SocketAddrV6], value: bool) -> None:
        """Sets ``IPV6_MULTICAST_ALL`` (``ipv6(7)``): receive every joined group's traffic, not only our own joins."""
        self._set_option("multicast_all_v6", value, "set_multicast_all_v6")

    def multicast_all_v6(self: Options[SocketAddrV6]) -> bool:
        """Reads ``IPV6_MULTICAST_ALL`` (``ipv6(7)``): receive every joined group's traffic, not only our own joins."""
        return bool(self._get_option("multicast_all_v6"))

    def set_multicast_if_v6(self: Options[SocketAddrV6], value: int) -> None:
        """Sets ``IPV6_MULTICAST_IF`` (``ipv6(7)``): the interface index for outgoing multicast (0: by route)."""
        self._set_option("multicast_if_v6", value, "set_multicast_if_v6")

    def multicast_if_v6(self: Options[SocketAddrV6]) -> int:
        """Reads ``IPV6_MULTICAST_IF`` (``ipv6(7)``): the interface index for outgoing multicast (0: by route)."""
        return int(self._get_option("multicast_if_v6"))

    def set_recv_tos_v4(self: Options[SocketAddrV4], value: bool) -> None:
        """Sets ``IP_RECVTOS`` (``ip(7)``): deliver each datagram's TOS byte as ancillary data."""
        self._set_option("recv_tos_v4", value, "set_recv_tos_v4")

    def recv_tos_v4(self: Options[SocketAddrV4]) -> bool:
        """Reads ``IP_RECVTOS`` (``ip(7)``): deliver each datagram's TOS byte as ancillary data."""
        return bool(self._get_option("recv_tos_v4"))

    def set_recv_tclass_v6(self: Options[SocketAddrV6], value: bool) -> None:
        """Sets ``IPV6_RECVTCLASS`` (``ipv6(7)``): deliver each datagram's traffic class as ancillary data."""
        self._set_option("recv_tclass_v6", value, "set_recv_tclass_v6")

    def recv_tclass_v6(self: Options[SocketAddrV6]) -> bool:
        """Reads ``IPV6_RECVTCLASS`` (``ipv6(7)``): deliver each datagram's traffic class as ancillary data."""
        return bool(self._get_option("recv_tclass_v6"))

    def set_recv_hoplimit_v6(self: Options[SocketAddrV6], value: bool) -> None:
        """Sets ``IPV6_RECVHOPLIMIT`` (``ipv6(7)``): deliver each datagram's hop limit as ancillary data."""
        self._set_option("recv_hoplimit_v6", value, "set_recv_hoplimit_v6")

    def recv_hoplimit_v6(self: Options[SocketAddrV6]) -> bool:
        """Reads ``IPV6_RECVHOPLIMIT`` (``ipv6(7)``): deliver each datagram's hop limit as ancillary data."""
        return bool(self._get_option("recv_hoplimit_v6"))

    def set_header_included_v4(self: Options[SocketAddrV4], value: bool) -> None:
        """Sets ``IP_HDRINCL`` (``raw(7)``): raw sockets: the caller writes the IP header."""
        self._set_option("header_included_v4", value, "set_header_included_v4")

    def header_included_v4(self: Options[SocketAddrV4]) -> bool:
        """Reads ``IP_HDRINCL`` (``raw(7)``): raw sockets: the caller writes the IP header."""
        return bool(self._get_option("header_included_v4"))

    def set_udp_segment(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: int) -> None:
        """Sets ``UDP_SEGMENT`` (``udp(7)``): the kernel splits larger sends into datagrams of this size (0: off)."""
        self._set_option("udp_segment", value, "set_udp_segment")

    def udp_segment(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> int:
        """Reads ``UDP_SEGMENT`` (``udp(7)``): the kernel splits larger sends into datagrams of this size (0: off)."""
        return int(self._get_option("udp_segment"))

    def set_udp_gro(self: Options[SocketAddrV4] | Options[SocketAddrV6], value: bool) -> None:
        """Sets ``UDP_GRO`` (``udp(7)``): the kernel may coalesce datagrams of one flow into one receive."""
        self._set_option("udp_gro", value, "set_udp_gro")

    def udp_gro(self: Options[SocketAddrV4] | Options[SocketAddrV6]) -> bool:
        """Reads ``UDP_GRO`` (``udp(7)``): the kernel may coalesce datagrams of one flow into one receive."""
        return bool(self._get_option("udp_gro"))

    def set_passcred(self: Options[UnixAddr], value: bool) -> None:
        """Sets ``SO_PASSCRED`` (``unix(7)``): every message received carries the sender's credentials."""
        self._set_option("passcred", value, "set_passcred")

    def passcred(self: Options[UnixAddr]) -> bool:
        """Reads ``SO_PASSCRED`` (``unix(7)``): every message received carries the sender's credentials."""
        return bool(self._get_option("passcred"))

    def set_zerocopy(self, value: bool) -> None:
        """Sets ``SO_ZEROCOPY`` (``socket(7)``): allow MSG_ZEROCOPY sends."""
        self._set_option("zerocopy", value, "set_zerocopy")

    def zerocopy(self) -> bool:
        """Reads ``SO_ZEROCOPY`` (``socket(7)``): allow MSG_ZEROCOPY sends."""
        return bool(self._get_option("zerocopy"))

    # END GENERATED METHODS
