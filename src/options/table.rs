//! THE option table: every `int`-valued socket option, once.
//!
//! Each row names the setter (`set:`, absent for read-only options) and
//! the getter (`get:`), the Rust value type and its
//! [`kinds`](super::kinds) (how it is checked and converted), the level and
//! option constant, the man page, the sockets it applies to (`any`, `inet`,
//! `v4`, `v6`, `unix`), the accepted range and a one-line brief, plus the
//! full docs of both functions. Every layer is generated from it:
//!
//! - the Rust functions below (`set_tcp_nodelay(&socket, true)`), generic
//!   over `AsFd` (the `emit_rust` consumer in this file);
//! - the C exports `wl_set_<name>(fd, value)` / `wl_<name>(fd, &out)`
//!   (`src/ffi/options.rs`) and their declarations and docs in
//!   `include/wirelane.h`;
//! - the Python methods (`bindings/python/wirelane/_options.py`), the C++
//!   functions (`include/wirelane.hpp`) and the options table of the docs
//!   (`OPTIONS.md`), written from `ffi_support::OPTION_ROWS` by
//!   `tests/c_abi/option_table.rs`, which fails when they drift.
//!
//! Adding an option is adding a row (and a loopback test); options with
//! structured values (`SO_LINGER`, `SO_BINDTODEVICE`, `TCP_CONGESTION`,
//! multicast membership, `TCP_INFO`, the BPF programs of `bpf.rs`) stay
//! hand-written next door. `UDP_SEGMENT`, `UDP_GRO`, `SO_PASSCRED` and
//! `SO_ZEROCOPY` are rows, re-exported where they used to live
//! (`wirelane::batch`, `fdpass`, `zerocopy`).

/// Calls `$emit! { {row} {row} ... }` with every row of the option table.
/// Not public API (the C ABI package consumes it).
#[doc(hidden)]
#[macro_export]
macro_rules! option_table {
    ($emit:ident) => {
        $emit! {
        {
            set:
            /// Allows binding to a local address still held by a socket in
            /// `TIME_WAIT`, or (for a wildcard bind) alongside other sockets on the
            /// same port (`SO_REUSEADDR`, see `socket(7)`). Set it before `bind`; a
            /// server that restarts needs it to rebind its port at once.
            fn set_reuse_address(enable);
            get:
            /// Whether `SO_REUSEADDR` is set (see `socket(7)`).
            fn reuse_address -> bool as Flag;
            opt SOL_SOCKET SO_REUSEADDR "socket(7)" any 0..=1;
            brief "rebind a port still in TIME_WAIT; set before bind";
        }
        {
            set:
            /// Lets several sockets of the same user bind the very same address and
            /// port (`SO_REUSEPORT`, see `socket(7)`); every one of them must set it
            /// before `bind`. The kernel then spreads incoming connections (TCP) or
            /// datagrams (UDP) across them, which is how multi-process servers balance
            /// load without a shared accept queue. Internet sockets only: the kernel
            /// refuses it on Unix sockets (`EOPNOTSUPP`).
            fn set_reuse_port(enable);
            get:
            /// Whether `SO_REUSEPORT` is set (see `socket(7)`).
            fn reuse_port -> bool as Flag;
            opt SOL_SOCKET SO_REUSEPORT "socket(7)" any 0..=1;
            brief "several sockets share one address and port; set before bind";
        }
        {
            set:
            /// Requests a send buffer of `size` bytes (`SO_SNDBUF`, see `socket(7)`).
            ///
            /// The kernel **doubles** the value (the extra half is for its own
            /// bookkeeping) and [`send_buffer_size`] returns that doubled value. The
            /// kernel caps the request at `net.core.wmem_max` before doubling and
            /// raises it to a kernel minimum of a few KiB; read the result back to see
            /// what you got. For TCP, setting it turns off send-buffer
            /// autotuning for this socket. `size` must be in `1..=i32::MAX`.
            fn set_send_buffer_size(size);
            get:
            /// The send buffer size the kernel uses (`SO_SNDBUF`, see `socket(7)`):
            /// twice what was requested with [`set_send_buffer_size`].
            fn send_buffer_size -> usize as Bytes;
            opt SOL_SOCKET SO_SNDBUF "socket(7)" any 1..=2147483647;
            brief "the kernel doubles the request and reports the doubled size";
        }
        {
            set:
            /// Requests a receive buffer of `size` bytes (`SO_RCVBUF`, see `socket(7)`).
            ///
            /// The kernel **doubles** the value and [`recv_buffer_size`] returns the
            /// doubled value. The request is capped at `net.core.rmem_max` before
            /// doubling and raised to a kernel minimum of a few KiB.
            /// For TCP, set it before `listen`/`connect`: the window scale is fixed at
            /// the handshake, and setting it turns off receive-buffer autotuning.
            /// `size` must be in `1..=i32::MAX`.
            fn set_recv_buffer_size(size);
            get:
            /// The receive buffer size the kernel uses (`SO_RCVBUF`, see `socket(7)`):
            /// twice what was requested with [`set_recv_buffer_size`].
            fn recv_buffer_size -> usize as Bytes;
            opt SOL_SOCKET SO_RCVBUF "socket(7)" any 1..=2147483647;
            brief "the kernel doubles the request and reports the doubled size";
        }
        {
            set:
            /// Allows sending datagrams to a broadcast address (`SO_BROADCAST`, see
            /// `socket(7)`); without it such a `send_to` fails with `EACCES`.
            fn set_broadcast(enable);
            get:
            /// Whether `SO_BROADCAST` is set (see `socket(7)`).
            fn broadcast -> bool as Flag;
            opt SOL_SOCKET SO_BROADCAST "socket(7)" any 0..=1;
            brief "allow sending to broadcast addresses (UDP/IPv4)";
        }
        {
            set:
            /// Tags every packet of the socket with a firewall mark (`SO_MARK`, see
            /// `socket(7)`), which routing rules (`ip rule fwmark`) and netfilter can
            /// match. Needs `CAP_NET_RAW` or `CAP_NET_ADMIN`; without it the kernel
            /// answers `EPERM`.
            fn set_mark(mark);
            get:
            /// The socket's firewall mark (`SO_MARK`, see `socket(7)`); 0 when unset.
            fn mark -> u32 as Bits;
            opt SOL_SOCKET SO_MARK "socket(7)" any 0..=4294967295;
            brief "the firewall mark on outgoing packets (needs CAP_NET_ADMIN)";
        }
        {
            set:
            /// Sets the queueing priority of the socket's packets (`SO_PRIORITY`, see
            /// `socket(7)`), used by queueing disciplines to pick a band. Values
            /// `0..=6` are open to everyone; higher ones need `CAP_NET_ADMIN` (else
            /// `EPERM`). `priority` must be at most `i32::MAX`.
            fn set_priority(priority);
            get:
            /// The socket's queueing priority (`SO_PRIORITY`, see `socket(7)`).
            fn priority -> u32 as Count;
            opt SOL_SOCKET SO_PRIORITY "socket(7)" any 0..=2147483647;
            brief "the queueing priority of outgoing packets";
        }
        {
            set:
            /// Makes blocking receives (and readiness for `poll`/`epoll`) wait until at
            /// least `bytes` bytes are queued (`SO_RCVLOWAT`, see `socket(7)`); a
            /// receive still returns less at end of stream, on a signal, on an error or
            /// when a timeout expires. `bytes` must be in `1..=i32::MAX` (the kernel
            /// would turn 0 into 1). The send-side twin, `SO_SNDLOWAT`, cannot be
            /// changed on Linux.
            fn set_recv_low_watermark(bytes);
            get:
            /// The receive low-water mark (`SO_RCVLOWAT`, see `socket(7)`); 1 by default.
            fn recv_low_watermark -> usize as Bytes;
            opt SOL_SOCKET SO_RCVLOWAT "socket(7)" any 1..=2147483647;
            brief "bytes that must be queued before a receive returns";
        }
        {
            set:
            /// Turns keepalive probing on or off (`SO_KEEPALIVE`, see `socket(7)`).
            /// The probe timing comes from [`set_tcp_keepalive_idle`],
            /// [`set_tcp_keepalive_interval`] and [`set_tcp_keepalive_count`], or from
            /// the `net.ipv4.tcp_keepalive_*` sysctls (2 hours idle by default).
            fn set_keepalive(enable);
            get:
            /// Whether `SO_KEEPALIVE` is on (see `socket(7)`).
            fn keepalive -> bool as Flag;
            opt SOL_SOCKET SO_KEEPALIVE "socket(7)" any 0..=1;
            brief "probe idle connections";
        }
        {
            set:
            /// How long a connection must be idle before the first keepalive probe
            /// (`TCP_KEEPIDLE`, see `tcp(7)`).
            ///
            /// The kernel counts whole seconds up to 32767: `idle` must be a whole
            /// number of seconds in `1..=32767`, otherwise this fails with
            /// `ErrorKind::InvalidInput` (never rounded or clamped).
            fn set_tcp_keepalive_idle(idle);
            get:
            /// The keepalive idle time (`TCP_KEEPIDLE`, see `tcp(7)`); the sysctl
            /// default when never set.
            fn tcp_keepalive_idle -> Duration as Seconds;
            opt IPPROTO_TCP TCP_KEEPIDLE "tcp(7)" inet 1..=32767;
            brief "idle seconds before the first keepalive probe";
        }
        {
            set:
            /// The time between keepalive probes (`TCP_KEEPINTVL`, see `tcp(7)`).
            ///
            /// Like [`set_tcp_keepalive_idle`]: a whole number of seconds in
            /// `1..=32767`, otherwise `ErrorKind::InvalidInput`.
            fn set_tcp_keepalive_interval(interval);
            get:
            /// The keepalive probe interval (`TCP_KEEPINTVL`, see `tcp(7)`).
            fn tcp_keepalive_interval -> Duration as Seconds;
            opt IPPROTO_TCP TCP_KEEPINTVL "tcp(7)" inet 1..=32767;
            brief "seconds between keepalive probes";
        }
        {
            set:
            /// How many unanswered probes drop the connection (`TCP_KEEPCNT`, see
            /// `tcp(7)`). `count` must be in `1..=127`, the kernel's range.
            fn set_tcp_keepalive_count(count);
            get:
            /// The keepalive probe count (`TCP_KEEPCNT`, see `tcp(7)`).
            fn tcp_keepalive_count -> u32 as Count;
            opt IPPROTO_TCP TCP_KEEPCNT "tcp(7)" inet 1..=127;
            brief "unanswered probes before the connection drops";
        }
        {
            set:
            /// Disables (`true`) or re-enables Nagle's algorithm (`TCP_NODELAY`, see
            /// `tcp(7)`). With Nagle on, the kernel holds back a small segment while
            /// earlier data is unacknowledged, to coalesce writes; with `TCP_NODELAY`
            /// every write is sent at once, which latency-sensitive protocols want.
            /// Setting it also flushes anything Nagle was holding back.
            fn set_tcp_nodelay(enable);
            get:
            /// Whether `TCP_NODELAY` is set (see `tcp(7)`).
            fn tcp_nodelay -> bool as Flag;
            opt IPPROTO_TCP TCP_NODELAY "tcp(7)" inet 0..=1;
            brief "send small writes at once (no Nagle delay)";
        }
        {
            set:
            /// Corks (`true`) or uncorks the connection (`TCP_CORK`, see `tcp(7)`).
            /// While corked the kernel sends only full-sized segments, so a header and
            /// a body written separately leave in one packet; uncorking sends what is
            /// left. The kernel sends a partial segment anyway after 200 ms.
            fn set_tcp_cork(enable);
            get:
            /// Whether `TCP_CORK` is set (see `tcp(7)`).
            fn tcp_cork -> bool as Flag;
            opt IPPROTO_TCP TCP_CORK "tcp(7)" inet 0..=1;
            brief "hold partial frames until uncorked or full";
        }
        {
            set:
            /// Enters (`true`) or leaves quick-ACK mode (`TCP_QUICKACK`, see `tcp(7)`):
            /// in quick-ACK mode the kernel acknowledges every segment at once instead
            /// of delaying ACKs.
            ///
            /// The mode is not permanent: the kernel's own heuristics switch between
            /// quick and delayed ACKs as traffic flows, so a program that wants it
            /// throughout sets it again after each receive. [`tcp_quickack`] reports
            /// the mode at the moment of the call.
            fn set_tcp_quickack(enable);
            get:
            /// Whether the connection is in quick-ACK mode right now (`TCP_QUICKACK`,
            /// see `tcp(7)`).
            fn tcp_quickack -> bool as Flag;
            opt IPPROTO_TCP TCP_QUICKACK "tcp(7)" inet 0..=1;
            brief "acknowledge at once (the kernel may clear it again)";
        }
        {
            set:
            /// Enables TCP Fast Open on a server socket (`TCP_FASTOPEN`, see
            /// `tcp(7)`): clients holding a valid cookie may send data in their `SYN`,
            /// delivered to `accept` before the handshake completes. `qlen` bounds the
            /// number of such not-yet-completed connections; 0 turns Fast Open off.
            ///
            /// Set it on the socket before or after `listen` (the kernel refuses it in
            /// any other state with `EINVAL`). The kernel caps `qlen` at
            /// `net.core.somaxconn`, and [`tcp_fastopen`] returns the capped value.
            /// The server side is used only when bit `0x2` of `net.ipv4.tcp_fastopen`
            /// is set. `qlen` must be at most `i32::MAX`.
            fn set_tcp_fastopen(qlen);
            get:
            /// The Fast Open queue length (`TCP_FASTOPEN`, see `tcp(7)`); 0 when off.
            fn tcp_fastopen -> u32 as Count;
            opt IPPROTO_TCP TCP_FASTOPEN "tcp(7)" inet 0..=2147483647;
            brief "the server's Fast Open queue length; 0 turns it off";
        }
        {
            set:
            /// Enables client-side TCP Fast Open (`TCP_FASTOPEN_CONNECT`, see
            /// `tcp(7)`), set before `connect`. `connect` then returns at once without
            /// a handshake, and the first write sends the `SYN` carrying the data (and
            /// the server's cookie, once one is cached; the first connection to a
            /// server only fetches the cookie). Needs bit `0x1` of
            /// `net.ipv4.tcp_fastopen` (the default); otherwise `EOPNOTSUPP`. On a
            /// socket that is already connecting or connected the kernel answers
            /// `EINVAL`.
            fn set_tcp_fastopen_connect(enable);
            get:
            /// Whether `TCP_FASTOPEN_CONNECT` is set (see `tcp(7)`).
            fn tcp_fastopen_connect -> bool as Flag;
            opt IPPROTO_TCP TCP_FASTOPEN_CONNECT "tcp(7)" inet 0..=1;
            brief "client Fast Open; set before connect";
        }
        {
            set:
            /// Bounds how long sent data may stay unacknowledged (or the peer's window
            /// stay closed) before the kernel gives up on the connection with
            /// `ETIMEDOUT` (`TCP_USER_TIMEOUT`, see `tcp(7)`, RFC 5482). It also
            /// overrides keepalive's probe count when keepalive is on. `None` restores
            /// the kernel's default retransmission limits.
            ///
            /// The kernel counts whole milliseconds: the timeout must be a whole number
            /// of milliseconds in `1..=i32::MAX` ms.
            fn set_tcp_user_timeout(timeout);
            get:
            /// The user timeout (`TCP_USER_TIMEOUT`, see `tcp(7)`); `None` when unset.
            fn tcp_user_timeout -> Option<Duration> as Millis;
            opt IPPROTO_TCP TCP_USER_TIMEOUT "tcp(7)" inet 1..=2147483647;
            brief "how long sent data may stay unacknowledged, in milliseconds; 0 is the kernel default";
        }
        {
            set:
            /// Sets the time-to-live of outgoing unicast IPv4 packets (`IP_TTL`, see
            /// `ip(7)`): each router decrements it and drops the packet at zero.
            /// `ttl` must be in `1..=255`, the kernel's range; the default comes from
            /// `net.ipv4.ip_default_ttl` (64).
            fn set_ttl(ttl);
            get:
            /// The IPv4 unicast time-to-live (`IP_TTL`, see `ip(7)`).
            fn ttl -> u32 as Count;
            opt IPPROTO_IP IP_TTL "ip(7)" v4 1..=255;
            brief "the time-to-live of outgoing unicast packets (1-255)";
        }
        {
            set:
            /// Sets the Type-of-Service byte of outgoing IPv4 packets (`IP_TOS`, see
            /// `ip(7)`): the DSCP in the upper six bits, ECN in the lower two. On TCP
            /// sockets the kernel owns the two ECN bits and keeps its own value for
            /// them, so only the DSCP part of `tos` takes effect.
            fn set_tos(tos);
            get:
            /// The IPv4 Type-of-Service byte (`IP_TOS`, see `ip(7)`).
            fn tos -> u8 as Byte;
            opt IPPROTO_IP IP_TOS "ip(7)" v4 0..=255;
            brief "the Type-of-Service byte (DSCP and ECN)";
        }
        {
            set:
            /// Sets the hop limit of outgoing unicast IPv6 packets
            /// (`IPV6_UNICAST_HOPS`, see `ipv6(7)`), IPv6's TTL. `hops` must be in
            /// `0..=255`, the kernel's range; the default comes from the route or
            /// `net.ipv6.conf.*.hop_limit` (64).
            fn set_unicast_hops_v6(hops);
            get:
            /// The IPv6 unicast hop limit (`IPV6_UNICAST_HOPS`, see `ipv6(7)`).
            fn unicast_hops_v6 -> u32 as Count;
            opt IPPROTO_IPV6 IPV6_UNICAST_HOPS "ipv6(7)" v6 0..=255;
            brief "the hop limit of outgoing unicast packets";
        }
        {
            set:
            /// Sets the Traffic Class byte of outgoing IPv6 packets (`IPV6_TCLASS`,
            /// see `ipv6(7)`), IPv6's TOS. As with [`set_tos`], on TCP sockets the
            /// kernel keeps its own value for the two ECN bits.
            fn set_tclass_v6(tclass);
            get:
            /// The IPv6 Traffic Class byte (`IPV6_TCLASS`, see `ipv6(7)`).
            fn tclass_v6 -> u8 as Byte;
            opt IPPROTO_IPV6 IPV6_TCLASS "ipv6(7)" v6 0..=255;
            brief "the traffic class byte";
        }
        {
            set:
            /// Restricts an IPv6 socket to IPv6 (`IPV6_V6ONLY`, see `ipv6(7)`). When
            /// off, a socket bound to `::` also accepts IPv4 traffic as v4-mapped
            /// addresses (`::ffff:a.b.c.d`). Set it before `bind`; afterwards the
            /// kernel refuses with `EINVAL`. The default comes from
            /// `net.ipv6.bindv6only` (normally off).
            fn set_only_v6(only_v6);
            get:
            /// Whether `IPV6_V6ONLY` is set (see `ipv6(7)`).
            fn only_v6 -> bool as Flag;
            opt IPPROTO_IPV6 IPV6_V6ONLY "ipv6(7)" v6 0..=1;
            brief "refuse IPv4-mapped traffic; set before bind";
        }
        {
            set:
            /// Sets the time-to-live of outgoing IPv4 multicast packets
            /// (`IP_MULTICAST_TTL`, see `ip(7)`). The default 1 keeps them on the local
            /// network; 0 keeps them on this host. `ttl` must be in `0..=255`.
            fn set_multicast_ttl_v4(ttl);
            get:
            /// The IPv4 multicast time-to-live (`IP_MULTICAST_TTL`, see `ip(7)`).
            fn multicast_ttl_v4 -> u32 as Count;
            opt IPPROTO_IP IP_MULTICAST_TTL "ip(7)" v4 0..=255;
            brief "the time-to-live of outgoing multicast packets";
        }
        {
            set:
            /// Whether this host's own IPv4 multicast sends are looped back to its
            /// local listeners (`IP_MULTICAST_LOOP`, see `ip(7)`); on by default.
            fn set_multicast_loop_v4(enable);
            get:
            /// Whether `IP_MULTICAST_LOOP` is on (see `ip(7)`).
            fn multicast_loop_v4 -> bool as Flag;
            opt IPPROTO_IP IP_MULTICAST_LOOP "ip(7)" v4 0..=1;
            brief "deliver our own multicast packets locally";
        }
        {
            set:
            /// Sets the hop limit of outgoing IPv6 multicast packets
            /// (`IPV6_MULTICAST_HOPS`, see `ipv6(7)`); default 1. `hops` must be in
            /// `0..=255`.
            fn set_multicast_hops_v6(hops);
            get:
            /// The IPv6 multicast hop limit (`IPV6_MULTICAST_HOPS`, see `ipv6(7)`).
            fn multicast_hops_v6 -> u32 as Count;
            opt IPPROTO_IPV6 IPV6_MULTICAST_HOPS "ipv6(7)" v6 0..=255;
            brief "the hop limit of outgoing multicast packets";
        }
        {
            set:
            /// Whether this host's own IPv6 multicast sends are looped back to its
            /// local listeners (`IPV6_MULTICAST_LOOP`, see `ipv6(7)`); on by default.
            fn set_multicast_loop_v6(enable);
            get:
            /// Whether `IPV6_MULTICAST_LOOP` is on (see `ipv6(7)`).
            fn multicast_loop_v6 -> bool as Flag;
            opt IPPROTO_IPV6 IPV6_MULTICAST_LOOP "ipv6(7)" v6 0..=1;
            brief "deliver our own multicast packets locally";
        }
        {
            set:
            /// Lets the socket bind to an address that is not local to this
            /// host, and receive traffic for it that routing rules (a TPROXY
            /// rule or policy routing) deliver to it (`IP_TRANSPARENT`, see
            /// `ip(7)`): the building block of transparent proxies. Setting it
            /// needs `CAP_NET_ADMIN` or `CAP_NET_RAW` (else `EPERM`).
            fn set_transparent(enable);
            get:
            /// Whether `IP_TRANSPARENT` is set (see `ip(7)`).
            fn transparent -> bool as Flag;
            opt SOL_IP IP_TRANSPARENT "ip(7)" inet 0..=1;
            brief "bind and accept for non-local addresses (transparent proxy; needs CAP_NET_ADMIN)";
        }
        {
            set:
            /// Lets the socket bind to an IPv4 address that is not (yet)
            /// configured on any interface (`IP_FREEBIND`, see `ip(7)`), e.g.
            /// a service address that a failover will bring up later. No
            /// privilege needed.
            fn set_freebind(enable);
            get:
            /// Whether `IP_FREEBIND` is set (see `ip(7)`).
            fn freebind -> bool as Flag;
            opt IPPROTO_IP IP_FREEBIND "ip(7)" inet 0..=1;
            brief "bind to an address not (yet) configured on this host";
        }
        {
            set:
            /// The IPv6 twin of [`set_freebind`] (`IPV6_FREEBIND`, see
            /// `ipv6(7)`, Linux 4.15+).
            fn set_freebind_v6(enable);
            get:
            /// Whether `IPV6_FREEBIND` is set (see `ipv6(7)`).
            fn freebind_v6 -> bool as Flag;
            opt IPPROTO_IPV6 IPV6_FREEBIND "ipv6(7)" v6 0..=1;
            brief "bind to an IPv6 address not (yet) configured on this host";
        }
        {
            set:
            /// The IPv6 twin of [`set_transparent`] (`IPV6_TRANSPARENT`, see
            /// `ipv6(7)`); needs `CAP_NET_ADMIN` or `CAP_NET_RAW`.
            fn set_transparent_v6(enable);
            get:
            /// Whether `IPV6_TRANSPARENT` is set (see `ipv6(7)`).
            fn transparent_v6 -> bool as Flag;
            opt IPPROTO_IPV6 IPV6_TRANSPARENT "ipv6(7)" v6 0..=1;
            brief "transparent proxying for IPv6 (needs CAP_NET_ADMIN)";
        }
        {
            set:
            /// Delays picking the local port of a `bind` with port 0 until
            /// `connect` (`IP_BIND_ADDRESS_NO_PORT`, see `ip(7)`), so that
            /// many outgoing connections from one source address can share
            /// ports across different destinations instead of exhausting the
            /// ephemeral range at `bind`.
            fn set_bind_address_no_port(enable);
            get:
            /// Whether `IP_BIND_ADDRESS_NO_PORT` is set (see `ip(7)`).
            fn bind_address_no_port -> bool as Flag;
            opt IPPROTO_IP IP_BIND_ADDRESS_NO_PORT "ip(7)" inet 0..=1;
            brief "choose the local port at connect, not at bind (port 0)";
        }
        {
            set:
            /// Limits how many unsent bytes may wait in the send queue before
            /// the socket stops being writable (`TCP_NOTSENT_LOWAT`, see
            /// `tcp(7)`): keeps latency-sensitive senders from filling the
            /// kernel buffer with data that will be stale when sent. 0 falls
            /// back to `net.ipv4.tcp_notsent_lowat` (by default `u32::MAX`, no
            /// limit).
            fn set_tcp_notsent_lowat(bytes);
            get:
            /// The socket's `TCP_NOTSENT_LOWAT` limit in bytes (see `tcp(7)`);
            /// 0 when it uses the sysctl.
            fn tcp_notsent_lowat -> u32 as Bits;
            opt IPPROTO_TCP TCP_NOTSENT_LOWAT "tcp(7)" inet 0..=4294967295;
            brief "unsent bytes allowed before the socket stops being writable (0: the sysctl)";
        }
        {
            set:
            /// Caps the maximum segment size of the connection
            /// (`TCP_MAXSEG`, see `tcp(7)`); set before `connect` or `listen`
            /// to announce a smaller MSS than the route allows. `mss` must be
            /// in `88..=32767`, the kernel's range.
            fn set_tcp_maxseg(mss);
            get:
            /// The maximum segment size (`TCP_MAXSEG`, see `tcp(7)`): before
            /// connecting the value set (or a default), afterwards the MSS in
            /// use.
            fn tcp_maxseg -> u32 as Count;
            opt IPPROTO_TCP TCP_MAXSEG "tcp(7)" inet 88..=32767;
            brief "the maximum segment size (set before connect or listen)";
        }
        {
            set:
            /// Lets a listener wake `accept` only once data has arrived on a
            /// new connection, or after the given time (`TCP_DEFER_ACCEPT`, see
            /// `tcp(7)`); zero turns it off. The kernel rounds the time to its
            /// SYN-ACK retransmission schedule, and reads back the rounded
            /// value. A whole number of seconds in `0..=i32::MAX`.
            fn set_tcp_defer_accept(timeout);
            get:
            /// The `TCP_DEFER_ACCEPT` time as the kernel rounded it (see
            /// `tcp(7)`); zero when off.
            fn tcp_defer_accept -> Duration as Seconds;
            opt IPPROTO_TCP TCP_DEFER_ACCEPT "tcp(7)" inet 0..=2147483647;
            brief "wake accept only when data has arrived (seconds; 0: off)";
        }
        {
            set:
            /// Makes the kernel keep the SYN of each incoming connection for
            /// `TCP_SAVED_SYN` (`TCP_SAVE_SYN`, see `tcp(7)`); set on the
            /// listener.
            fn set_tcp_save_syn(enable);
            get:
            /// Whether `TCP_SAVE_SYN` is set (see `tcp(7)`).
            fn tcp_save_syn -> bool as Flag;
            opt IPPROTO_TCP TCP_SAVE_SYN "tcp(7)" inet 0..=1;
            brief "keep each incoming SYN for TCP_SAVED_SYN";
        }
        {
            set:
            /// Uses linear instead of exponential retransmission timeouts
            /// while few packets are in flight (`TCP_THIN_LINEAR_TIMEOUTS`, see
            /// `tcp(7)`), for thin, latency-sensitive streams.
            fn set_tcp_thin_linear_timeouts(enable);
            get:
            /// Whether `TCP_THIN_LINEAR_TIMEOUTS` is set (see `tcp(7)`).
            fn tcp_thin_linear_timeouts -> bool as Flag;
            opt IPPROTO_TCP TCP_THIN_LINEAR_TIMEOUTS "tcp(7)" inet 0..=1;
            brief "linear retransmission timeouts for thin streams";
        }
        {
            set:
            /// How many SYN retransmissions a `connect` makes before giving up
            /// (`TCP_SYNCNT`, see `tcp(7)`); `count` must be in `1..=255`.
            fn set_tcp_syncnt(count);
            get:
            /// The SYN retransmission count (`TCP_SYNCNT`, see `tcp(7)`).
            fn tcp_syncnt -> u32 as Count;
            opt IPPROTO_TCP TCP_SYNCNT "tcp(7)" inet 1..=255;
            brief "SYN retransmissions before connect gives up";
        }
        {
            set:
            /// Bounds the window the connection advertises
            /// (`TCP_WINDOW_CLAMP`, see `tcp(7)`), in bytes; 0 removes the
            /// clamp. The kernel raises a small value to half the minimum
            /// receive buffer.
            fn set_tcp_window_clamp(bytes);
            get:
            /// The window clamp (`TCP_WINDOW_CLAMP`, see `tcp(7)`).
            fn tcp_window_clamp -> u32 as Count;
            opt IPPROTO_TCP TCP_WINDOW_CLAMP "tcp(7)" inet 0..=2147483647;
            brief "bound on the advertised window in bytes (0: none)";
        }
        {
            get:
            /// The socket's cookie (`SO_COOKIE`, see `socket(7)`, Linux 4.12+):
            /// a 64-bit number unique to this socket for the kernel's
            /// lifetime, as BPF programs and `ss -e` see it. Assigned on first
            /// read.
            fn cookie -> u64 as U64;
            opt SOL_SOCKET SO_COOKIE "socket(7)" any 0..=0;
            brief "the kernel's 64-bit identifier of the socket";
        }
        {
            set:
            /// Sets the CPU the socket's incoming packets are expected on
            /// (`SO_INCOMING_CPU`, see `socket(7)`): with `SO_REUSEPORT`, the
            /// kernel prefers the listener whose value matches the CPU that
            /// received the packet. `None` clears it.
            fn set_incoming_cpu(cpu);
            get:
            /// The CPU of the socket's last received packet (`SO_INCOMING_CPU`,
            /// see `socket(7)`), or the value set; `None` before either.
            fn incoming_cpu -> Option<u32> as Index;
            opt SOL_SOCKET SO_INCOMING_CPU "socket(7)" any 0..=2147483647;
            brief "the CPU of the last received packet (-1: none)";
        }
        {
            set:
            /// Busy-polls the device queue for up to `micros` microseconds on
            /// a blocking receive with no data (`SO_BUSY_POLL`, see `socket(7)`);
            /// 0 turns it off. Raising it above `net.core.busy_read` needs
            /// `CAP_NET_ADMIN`.
            fn set_busy_poll(micros);
            get:
            /// The busy-poll time in microseconds (`SO_BUSY_POLL`, see
            /// `socket(7)`).
            fn busy_poll -> u32 as Count;
            opt SOL_SOCKET SO_BUSY_POLL "socket(7)" any 0..=2147483647;
            brief "microseconds to busy-poll the device on a blocking receive";
        }
        {
            set:
            /// Prefers busy polling over interrupts for this socket
            /// (`SO_PREFER_BUSY_POLL`, see `socket(7)`, Linux 5.11+).
            fn set_prefer_busy_poll(enable);
            get:
            /// Whether `SO_PREFER_BUSY_POLL` is set (see `socket(7)`).
            fn prefer_busy_poll -> bool as Flag;
            opt SOL_SOCKET SO_PREFER_BUSY_POLL "socket(7)" any 0..=1;
            brief "prefer busy polling over interrupts";
        }
        {
            set:
            /// Delivers TCP urgent (out-of-band) data inline with the normal
            /// stream (`SO_OOBINLINE`, see `socket(7)`).
            fn set_out_of_band_inline(enable);
            get:
            /// Whether `SO_OOBINLINE` is set (see `socket(7)`).
            fn out_of_band_inline -> bool as Flag;
            opt SOL_SOCKET SO_OOBINLINE "socket(7)" any 0..=1;
            brief "deliver urgent data inline";
        }
        {
            get:
            /// The socket's domain (`SO_DOMAIN`, see `socket(7)`): `AF_INET`,
            /// `AF_INET6`, `AF_UNIX`, ...
            fn socket_domain -> i32 as Int;
            opt SOL_SOCKET SO_DOMAIN "socket(7)" any 0..=0;
            brief "the address family (AF_INET, AF_INET6, AF_UNIX)";
        }
        {
            get:
            /// The socket's type (`SO_TYPE`, see `socket(7)`): `SOCK_STREAM`,
            /// `SOCK_DGRAM`, `SOCK_SEQPACKET`, `SOCK_RAW`.
            fn socket_type -> i32 as Int;
            opt SOL_SOCKET SO_TYPE "socket(7)" any 0..=0;
            brief "the socket type (SOCK_STREAM, SOCK_DGRAM, ...)";
        }
        {
            get:
            /// The socket's protocol (`SO_PROTOCOL`, see `socket(7)`), e.g.
            /// `IPPROTO_TCP`, `IPPROTO_MPTCP`, `IPPROTO_UDP`, `IPPROTO_ICMP`; 0
            /// for Unix sockets.
            fn socket_protocol -> i32 as Int;
            opt SOL_SOCKET SO_PROTOCOL "socket(7)" any 0..=0;
            brief "the protocol (IPPROTO_TCP, IPPROTO_UDP, ...)";
        }
        {
            get:
            /// Whether the socket is listening (`SO_ACCEPTCONN`, see
            /// `socket(7)`).
            fn accepts_connections -> bool as Flag;
            opt SOL_SOCKET SO_ACCEPTCONN "socket(7)" any 0..=1;
            brief "whether the socket is listening";
        }
        {
            set:
            /// Whether a socket bound to the wildcard address receives the
            /// IPv4 multicast traffic of every group joined by any socket on
            /// the host (`IP_MULTICAST_ALL`, see `ip(7)`; on by default) or
            /// only of the groups it joined itself.
            fn set_multicast_all_v4(enable);
            get:
            /// Whether `IP_MULTICAST_ALL` is on (see `ip(7)`).
            fn multicast_all_v4 -> bool as Flag;
            opt IPPROTO_IP IP_MULTICAST_ALL "ip(7)" v4 0..=1;
            brief "receive every joined group's traffic, not only our own joins";
        }
        {
            set:
            /// The IPv6 twin of [`set_multicast_all_v4`] (`IPV6_MULTICAST_ALL`,
            /// see `ipv6(7)`, Linux 4.20+).
            fn set_multicast_all_v6(enable);
            get:
            /// Whether `IPV6_MULTICAST_ALL` is on (see `ipv6(7)`).
            fn multicast_all_v6 -> bool as Flag;
            opt IPPROTO_IPV6 IPV6_MULTICAST_ALL "ipv6(7)" v6 0..=1;
            brief "receive every joined group's traffic, not only our own joins";
        }
        {
            set:
            /// Sends IPv6 multicast through the interface with this index
            /// (`IPV6_MULTICAST_IF`, see `ipv6(7)`); 0 lets the kernel pick by
            /// route.
            fn set_multicast_if_v6(interface);
            get:
            /// The outgoing IPv6 multicast interface index
            /// (`IPV6_MULTICAST_IF`, see `ipv6(7)`); 0 when unset.
            fn multicast_if_v6 -> u32 as Count;
            opt IPPROTO_IPV6 IPV6_MULTICAST_IF "ipv6(7)" v6 0..=2147483647;
            brief "the interface index for outgoing multicast (0: by route)";
        }
        {
            set:
            /// Delivers each datagram's TOS byte as `IP_TOS` ancillary data
            /// (`IP_RECVTOS`, see `ip(7)`).
            fn set_recv_tos_v4(enable);
            get:
            /// Whether `IP_RECVTOS` is on (see `ip(7)`).
            fn recv_tos_v4 -> bool as Flag;
            opt IPPROTO_IP IP_RECVTOS "ip(7)" v4 0..=1;
            brief "deliver each datagram's TOS byte as ancillary data";
        }
        {
            set:
            /// Delivers each datagram's traffic class as `IPV6_TCLASS`
            /// ancillary data (`IPV6_RECVTCLASS`, see `ipv6(7)`).
            fn set_recv_tclass_v6(enable);
            get:
            /// Whether `IPV6_RECVTCLASS` is on (see `ipv6(7)`).
            fn recv_tclass_v6 -> bool as Flag;
            opt IPPROTO_IPV6 IPV6_RECVTCLASS "ipv6(7)" v6 0..=1;
            brief "deliver each datagram's traffic class as ancillary data";
        }
        {
            set:
            /// Delivers each datagram's hop limit as `IPV6_HOPLIMIT`
            /// ancillary data (`IPV6_RECVHOPLIMIT`, see `ipv6(7)`).
            fn set_recv_hoplimit_v6(enable);
            get:
            /// Whether `IPV6_RECVHOPLIMIT` is on (see `ipv6(7)`).
            fn recv_hoplimit_v6 -> bool as Flag;
            opt IPPROTO_IPV6 IPV6_RECVHOPLIMIT "ipv6(7)" v6 0..=1;
            brief "deliver each datagram's hop limit as ancillary data";
        }
        {
            set:
            /// On a raw IPv4 socket, makes the caller supply the IP header
            /// (`IP_HDRINCL`, see `raw(7)`).
            fn set_header_included_v4(enable);
            get:
            /// Whether `IP_HDRINCL` is set (see `raw(7)`).
            fn header_included_v4 -> bool as Flag;
            opt IPPROTO_IP IP_HDRINCL "raw(7)" v4 0..=1;
            brief "raw sockets: the caller writes the IP header";
        }
        {
            set:
            /// Sets the socket-wide GSO segment size (`UDP_SEGMENT`, see
            /// `udp(7)`): every later send larger than `size` is split by the
            /// kernel into datagrams of `size` bytes (the last may be shorter).
            /// `None` turns it off; `Some(0)` is rejected. Fails with
            /// `ENOPROTOOPT` on kernels without UDP GSO (< 4.18).
            fn set_udp_segment(size);
            get:
            /// The socket-wide GSO segment size (`UDP_SEGMENT`, see `udp(7)`),
            /// `None` when off. Also a cheap probe: it fails with `ENOPROTOOPT`
            /// where the kernel has no UDP GSO.
            fn udp_segment -> Option<u16> as OptU16;
            opt SOL_UDP UDP_SEGMENT "udp(7)" inet 1..=65535;
            brief "the kernel splits larger sends into datagrams of this size (0: off)";
        }
        {
            set:
            /// Turns UDP receive coalescing on or off (`UDP_GRO`, see `udp(7)`,
            /// Linux 5.0+). When on, the kernel may hand several datagrams of
            /// one flow to a single receive, with their segment size in a
            /// `UDP_GRO` control message; read it with `recv_gro` or
            /// `RecvMsg::gro_segment` and split the buffer with `Segments`. Use
            /// receive buffers of 64 KiB.
            fn set_udp_gro(enable);
            get:
            /// Whether `UDP_GRO` is on (see `udp(7)`).
            fn udp_gro -> bool as Flag;
            opt SOL_UDP UDP_GRO "udp(7)" inet 0..=1;
            brief "the kernel may coalesce datagrams of one flow into one receive";
        }
        {
            set:
            /// Enables or disables `SO_PASSCRED` (see `unix(7)`): when on, every
            /// message received carries the sender's credentials
            /// (`SCM_CREDENTIALS`), checked by the kernel. Turn it on in the
            /// receiver before the peer sends.
            fn set_passcred(enable);
            get:
            /// Whether `SO_PASSCRED` is on (see `unix(7)`).
            fn passcred -> bool as Flag;
            opt SOL_SOCKET SO_PASSCRED "unix(7)" unix 0..=1;
            brief "every message received carries the sender's credentials";
        }
        {
            set:
            /// Enables or disables `MSG_ZEROCOPY` on a socket (`SO_ZEROCOPY`,
            /// see `socket(7)`; Linux 4.14+). Without it the kernel silently
            /// ignores the flag. TCP and UDP sockets only: other sockets (Unix)
            /// give `EOPNOTSUPP`.
            fn set_zerocopy(enable);
            get:
            /// Whether `SO_ZEROCOPY` is enabled on a socket (see `socket(7)`).
            fn zerocopy -> bool as Flag;
            opt SOL_SOCKET SO_ZEROCOPY "socket(7)" any 0..=1;
            brief "allow MSG_ZEROCOPY sends";
        }
        }
    };
}

/// The Rust face of each row: `set_<name>` and `<name>`, generic over any
/// descriptor.
macro_rules! emit_rust {
    ($({
        $(set: $(#[doc = $sdoc:literal])* fn $set:ident($arg:ident);)?
        get: $(#[doc = $gdoc:literal])* fn $get:ident -> $ty:ty as $kind:ident;
        opt $level:ident $name:ident $man:literal $scope:ident $min:literal..=$max:literal;
        brief $brief:literal;
    })*) => {$(
        $(
            $(#[doc = $sdoc])*
            pub fn $set<S: AsFd + ?Sized>(socket: &S, $arg: $ty) -> io::Result<()> {
                let raw = <kinds::$kind as OptionKind>::encode(stringify!($name), $arg, $min, $max)?;
                sys::setsockopt_int(socket.as_fd(), consts::$level, consts::$name, raw)
            }
        )?

        $(#[doc = $gdoc])*
        pub fn $get<S: AsFd + ?Sized>(socket: &S) -> io::Result<$ty> {
            <kinds::$kind as OptionKind>::read(socket.as_fd(), consts::$level, consts::$name)
        }
    )*};
}

use std::io;
use std::os::fd::AsFd;
use std::time::Duration;

use super::kinds::{self, OptionKind};
use crate::sys;

/// The option constants: libc's, plus the few this libc version lacks
/// (values from the kernel's `asm-generic/socket.h`, which x86 and ARM
/// use).
mod consts {
    pub use libc::*;
    /// `SO_COOKIE` (Linux 4.12).
    pub const SO_COOKIE: c_int = 57;
    /// `SO_INCOMING_CPU` (Linux 3.19).
    pub const SO_INCOMING_CPU: c_int = 49;
    /// `SO_PREFER_BUSY_POLL` (Linux 5.11).
    pub const SO_PREFER_BUSY_POLL: c_int = 69;
    pub(crate) use crate::sys::SO_ZEROCOPY;
}

option_table!(emit_rust);
