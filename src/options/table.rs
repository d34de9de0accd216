//! THE option table: every `int`-valued socket option, once.
//!
//! Each row names the setter and getter, the Rust value type and its
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
//! multicast membership, `TCP_INFO`) stay hand-written next door.

/// Calls `$emit! { {row} {row} ... }` with every row of the option table.
/// Not public API (the C ABI package consumes it).
#[doc(hidden)]
#[macro_export]
macro_rules! option_table {
    ($emit:ident) => {
        $emit! {
        {
            /// Allows binding to a local address still held by a socket in
            /// `TIME_WAIT`, or (for a wildcard bind) alongside other sockets on the
            /// same port (`SO_REUSEADDR`, see `socket(7)`). Set it before `bind`; a
            /// server that restarts needs it to rebind its port at once.
            fn set_reuse_address(enable: bool) as Flag;
            /// Whether `SO_REUSEADDR` is set (see `socket(7)`).
            fn reuse_address;
            opt SOL_SOCKET SO_REUSEADDR "socket(7)" any 0..=1;
            brief "rebind a port still in TIME_WAIT; set before bind";
        }
        {
            /// Lets several sockets of the same user bind the very same address and
            /// port (`SO_REUSEPORT`, see `socket(7)`); every one of them must set it
            /// before `bind`. The kernel then spreads incoming connections (TCP) or
            /// datagrams (UDP) across them, which is how multi-process servers balance
            /// load without a shared accept queue. Internet sockets only: the kernel
            /// refuses it on Unix sockets (`EOPNOTSUPP`).
            fn set_reuse_port(enable: bool) as Flag;
            /// Whether `SO_REUSEPORT` is set (see `socket(7)`).
            fn reuse_port;
            opt SOL_SOCKET SO_REUSEPORT "socket(7)" any 0..=1;
            brief "several sockets share one address and port; set before bind";
        }
        {
            /// Requests a send buffer of `size` bytes (`SO_SNDBUF`, see `socket(7)`).
            ///
            /// The kernel **doubles** the value (the extra half is for its own
            /// bookkeeping) and [`send_buffer_size`] returns that doubled value. The
            /// kernel caps the request at `net.core.wmem_max` before doubling and
            /// raises it to a kernel minimum of a few KiB; read the result back to see
            /// what you got. For TCP, setting it turns off send-buffer
            /// autotuning for this socket. `size` must be in `1..=i32::MAX`.
            fn set_send_buffer_size(size: usize) as Bytes;
            /// The send buffer size the kernel uses (`SO_SNDBUF`, see `socket(7)`):
            /// twice what was requested with [`set_send_buffer_size`].
            fn send_buffer_size;
            opt SOL_SOCKET SO_SNDBUF "socket(7)" any 1..=2147483647;
            brief "the kernel doubles the request and reports the doubled size";
        }
        {
            /// Requests a receive buffer of `size` bytes (`SO_RCVBUF`, see `socket(7)`).
            ///
            /// The kernel **doubles** the value and [`recv_buffer_size`] returns the
            /// doubled value. The request is capped at `net.core.rmem_max` before
            /// doubling and raised to a kernel minimum of a few KiB.
            /// For TCP, set it before `listen`/`connect`: the window scale is fixed at
            /// the handshake, and setting it turns off receive-buffer autotuning.
            /// `size` must be in `1..=i32::MAX`.
            fn set_recv_buffer_size(size: usize) as Bytes;
            /// The receive buffer size the kernel uses (`SO_RCVBUF`, see `socket(7)`):
            /// twice what was requested with [`set_recv_buffer_size`].
            fn recv_buffer_size;
            opt SOL_SOCKET SO_RCVBUF "socket(7)" any 1..=2147483647;
            brief "the kernel doubles the request and reports the doubled size";
        }
        {
            /// Allows sending datagrams to a broadcast address (`SO_BROADCAST`, see
            /// `socket(7)`); without it such a `send_to` fails with `EACCES`.
            fn set_broadcast(enable: bool) as Flag;
            /// Whether `SO_BROADCAST` is set (see `socket(7)`).
            fn broadcast;
            opt SOL_SOCKET SO_BROADCAST "socket(7)" any 0..=1;
            brief "allow sending to broadcast addresses (UDP/IPv4)";
        }
        {
            /// Tags every packet of the socket with a firewall mark (`SO_MARK`, see
            /// `socket(7)`), which routing rules (`ip rule fwmark`) and netfilter can
            /// match. Needs `CAP_NET_RAW` or `CAP_NET_ADMIN`; without it the kernel
            /// answers `EPERM`.
            fn set_mark(mark: u32) as Bits;
            /// The socket's firewall mark (`SO_MARK`, see `socket(7)`); 0 when unset.
            fn mark;
            opt SOL_SOCKET SO_MARK "socket(7)" any 0..=4294967295;
            brief "the firewall mark on outgoing packets (needs CAP_NET_ADMIN)";
        }
        {
            /// Sets the queueing priority of the socket's packets (`SO_PRIORITY`, see
            /// `socket(7)`), used by queueing disciplines to pick a band. Values
            /// `0..=6` are open to everyone; higher ones need `CAP_NET_ADMIN` (else
            /// `EPERM`). `priority` must be at most `i32::MAX`.
            fn set_priority(priority: u32) as Count;
            /// The socket's queueing priority (`SO_PRIORITY`, see `socket(7)`).
            fn priority;
            opt SOL_SOCKET SO_PRIORITY "socket(7)" any 0..=2147483647;
            brief "the queueing priority of outgoing packets";
        }
        {
            /// Makes blocking receives (and readiness for `poll`/`epoll`) wait until at
            /// least `bytes` bytes are queued (`SO_RCVLOWAT`, see `socket(7)`); a
            /// receive still returns less at end of stream, on a signal, on an error or
            /// when a timeout expires. `bytes` must be in `1..=i32::MAX` (the kernel
            /// would turn 0 into 1). The send-side twin, `SO_SNDLOWAT`, cannot be
            /// changed on Linux.
            fn set_recv_low_watermark(bytes: usize) as Bytes;
            /// The receive low-water mark (`SO_RCVLOWAT`, see `socket(7)`); 1 by default.
            fn recv_low_watermark;
            opt SOL_SOCKET SO_RCVLOWAT "socket(7)" any 1..=2147483647;
            brief "bytes that must be queued before a receive returns";
        }
        {
            /// Turns keepalive probing on or off (`SO_KEEPALIVE`, see `socket(7)`).
            /// The probe timing comes from [`set_tcp_keepalive_idle`],
            /// [`set_tcp_keepalive_interval`] and [`set_tcp_keepalive_count`], or from
            /// the `net.ipv4.tcp_keepalive_*` sysctls (2 hours idle by default).
            fn set_keepalive(enable: bool) as Flag;
            /// Whether `SO_KEEPALIVE` is on (see `socket(7)`).
            fn keepalive;
            opt SOL_SOCKET SO_KEEPALIVE "socket(7)" any 0..=1;
            brief "probe idle connections";
        }
        {
            /// How long a connection must be idle before the first keepalive probe
            /// (`TCP_KEEPIDLE`, see `tcp(7)`).
            ///
            /// The kernel counts whole seconds up to 32767: `idle` must be a whole
            /// number of seconds in `1..=32767`, otherwise this fails with
            /// `ErrorKind::InvalidInput` (never rounded or clamped).
            fn set_tcp_keepalive_idle(idle: Duration) as Seconds;
            /// The keepalive idle time (`TCP_KEEPIDLE`, see `tcp(7)`); the sysctl
            /// default when never set.
            fn tcp_keepalive_idle;
            opt IPPROTO_TCP TCP_KEEPIDLE "tcp(7)" inet 1..=32767;
            brief "idle seconds before the first keepalive probe";
        }
        {
            /// The time between keepalive probes (`TCP_KEEPINTVL`, see `tcp(7)`).
            ///
            /// Like [`set_tcp_keepalive_idle`]: a whole number of seconds in
            /// `1..=32767`, otherwise `ErrorKind::InvalidInput`.
            fn set_tcp_keepalive_interval(interval: Duration) as Seconds;
            /// The keepalive probe interval (`TCP_KEEPINTVL`, see `tcp(7)`).
            fn tcp_keepalive_interval;
            opt IPPROTO_TCP TCP_KEEPINTVL "tcp(7)" inet 1..=32767;
            brief "seconds between keepalive probes";
        }
        {
            /// How many unanswered probes drop the connection (`TCP_KEEPCNT`, see
            /// `tcp(7)`). `count` must be in `1..=127`, the kernel's range.
            fn set_tcp_keepalive_count(count: u32) as Count;
            /// The keepalive probe count (`TCP_KEEPCNT`, see `tcp(7)`).
            fn tcp_keepalive_count;
            opt IPPROTO_TCP TCP_KEEPCNT "tcp(7)" inet 1..=127;
            brief "unanswered probes before the connection drops";
        }
        {
            /// Disables (`true`) or re-enables Nagle's algorithm (`TCP_NODELAY`, see
            /// `tcp(7)`). With Nagle on, the kernel holds back a small segment while
            /// earlier data is unacknowledged, to coalesce writes; with `TCP_NODELAY`
            /// every write is sent at once, which latency-sensitive protocols want.
            /// Setting it also flushes anything Nagle was holding back.
            fn set_tcp_nodelay(enable: bool) as Flag;
            /// Whether `TCP_NODELAY` is set (see `tcp(7)`).
            fn tcp_nodelay;
            opt IPPROTO_TCP TCP_NODELAY "tcp(7)" inet 0..=1;
            brief "send small writes at once (no Nagle delay)";
        }
        {
            /// Corks (`true`) or uncorks the connection (`TCP_CORK`, see `tcp(7)`).
            /// While corked the kernel sends only full-sized segments, so a header and
            /// a body written separately leave in one packet; uncorking sends what is
            /// left. The kernel sends a partial segment anyway after 200 ms.
            fn set_tcp_cork(enable: bool) as Flag;
            /// Whether `TCP_CORK` is set (see `tcp(7)`).
            fn tcp_cork;
            opt IPPROTO_TCP TCP_CORK "tcp(7)" inet 0..=1;
            brief "hold partial frames until uncorked or full";
        }
        {
            /// Enters (`true`) or leaves quick-ACK mode (`TCP_QUICKACK`, see `tcp(7)`):
            /// in quick-ACK mode the kernel acknowledges every segment at once instead
            /// of delaying ACKs.
            ///
            /// The mode is not permanent: the kernel's own heuristics switch between
            /// quick and delayed ACKs as traffic flows, so a program that wants it
            /// throughout sets it again after each receive. [`tcp_quickack`] reports
            /// the mode at the moment of the call.
            fn set_tcp_quickack(enable: bool) as Flag;
            /// Whether the connection is in quick-ACK mode right now (`TCP_QUICKACK`,
            /// see `tcp(7)`).
            fn tcp_quickack;
            opt IPPROTO_TCP TCP_QUICKACK "tcp(7)" inet 0..=1;
            brief "acknowledge at once (the kernel may clear it again)";
        }
        {
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
            fn set_tcp_fastopen(qlen: u32) as Count;
            /// The Fast Open queue length (`TCP_FASTOPEN`, see `tcp(7)`); 0 when off.
            fn tcp_fastopen;
            opt IPPROTO_TCP TCP_FASTOPEN "tcp(7)" inet 0..=2147483647;
            brief "the server's Fast Open queue length; 0 turns it off";
        }
        {
            /// Enables client-side TCP Fast Open (`TCP_FASTOPEN_CONNECT`, see
            /// `tcp(7)`), set before `connect`. `connect` then returns at once without
            /// a handshake, and the first write sends the `SYN` carrying the data (and
            /// the server's cookie, once one is cached; the first connection to a
            /// server only fetches the cookie). Needs bit `0x1` of
            /// `net.ipv4.tcp_fastopen` (the default); otherwise `EOPNOTSUPP`. On a
            /// socket that is already connecting or connected the kernel answers
            /// `EINVAL`.
            fn set_tcp_fastopen_connect(enable: bool) as Flag;
            /// Whether `TCP_FASTOPEN_CONNECT` is set (see `tcp(7)`).
            fn tcp_fastopen_connect;
            opt IPPROTO_TCP TCP_FASTOPEN_CONNECT "tcp(7)" inet 0..=1;
            brief "client Fast Open; set before connect";
        }
        {
            /// Bounds how long sent data may stay unacknowledged (or the peer's window
            /// stay closed) before the kernel gives up on the connection with
            /// `ETIMEDOUT` (`TCP_USER_TIMEOUT`, see `tcp(7)`, RFC 5482). It also
            /// overrides keepalive's probe count when keepalive is on. `None` restores
            /// the kernel's default retransmission limits.
            ///
            /// The kernel counts whole milliseconds: the timeout must be a whole number
            /// of milliseconds in `1..=i32::MAX` ms.
            fn set_tcp_user_timeout(timeout: Option<Duration>) as Millis;
            /// The user timeout (`TCP_USER_TIMEOUT`, see `tcp(7)`); `None` when unset.
            fn tcp_user_timeout;
            opt IPPROTO_TCP TCP_USER_TIMEOUT "tcp(7)" inet 1..=2147483647;
            brief "how long sent data may stay unacknowledged, in milliseconds; 0 is the kernel default";
        }
        {
            /// Sets the time-to-live of outgoing unicast IPv4 packets (`IP_TTL`, see
            /// `ip(7)`): each router decrements it and drops the packet at zero.
            /// `ttl` must be in `1..=255`, the kernel's range; the default comes from
            /// `net.ipv4.ip_default_ttl` (64).
            fn set_ttl(ttl: u32) as Count;
            /// The IPv4 unicast time-to-live (`IP_TTL`, see `ip(7)`).
            fn ttl;
            opt IPPROTO_IP IP_TTL "ip(7)" v4 1..=255;
            brief "the time-to-live of outgoing unicast packets (1-255)";
        }
        {
            /// Sets the Type-of-Service byte of outgoing IPv4 packets (`IP_TOS`, see
            /// `ip(7)`): the DSCP in the upper six bits, ECN in the lower two. On TCP
            /// sockets the kernel owns the two ECN bits and keeps its own value for
            /// them, so only the DSCP part of `tos` takes effect.
            fn set_tos(tos: u8) as Byte;
            /// The IPv4 Type-of-Service byte (`IP_TOS`, see `ip(7)`).
            fn tos;
            opt IPPROTO_IP IP_TOS "ip(7)" v4 0..=255;
            brief "the Type-of-Service byte (DSCP and ECN)";
        }
        {
            /// Sets the hop limit of outgoing unicast IPv6 packets
            /// (`IPV6_UNICAST_HOPS`, see `ipv6(7)`), IPv6's TTL. `hops` must be in
            /// `0..=255`, the kernel's range; the default comes from the route or
            /// `net.ipv6.conf.*.hop_limit` (64).
            fn set_unicast_hops_v6(hops: u32) as Count;
            /// The IPv6 unicast hop limit (`IPV6_UNICAST_HOPS`, see `ipv6(7)`).
            fn unicast_hops_v6;
            opt IPPROTO_IPV6 IPV6_UNICAST_HOPS "ipv6(7)" v6 0..=255;
            brief "the hop limit of outgoing unicast packets";
        }
        {
            /// Sets the Traffic Class byte of outgoing IPv6 packets (`IPV6_TCLASS`,
            /// see `ipv6(7)`), IPv6's TOS. As with [`set_tos`], on TCP sockets the
            /// kernel keeps its own value for the two ECN bits.
            fn set_tclass_v6(tclass: u8) as Byte;
            /// The IPv6 Traffic Class byte (`IPV6_TCLASS`, see `ipv6(7)`).
            fn tclass_v6;
            opt IPPROTO_IPV6 IPV6_TCLASS "ipv6(7)" v6 0..=255;
            brief "the traffic class byte";
        }
        {
            /// Restricts an IPv6 socket to IPv6 (`IPV6_V6ONLY`, see `ipv6(7)`). When
            /// off, a socket bound to `::` also accepts IPv4 traffic as v4-mapped
            /// addresses (`::ffff:a.b.c.d`). Set it before `bind`; afterwards the
            /// kernel refuses with `EINVAL`. The default comes from
            /// `net.ipv6.bindv6only` (normally off).
            fn set_only_v6(only_v6: bool) as Flag;
            /// Whether `IPV6_V6ONLY` is set (see `ipv6(7)`).
            fn only_v6;
            opt IPPROTO_IPV6 IPV6_V6ONLY "ipv6(7)" v6 0..=1;
            brief "refuse IPv4-mapped traffic; set before bind";
        }
        {
            /// Sets the time-to-live of outgoing IPv4 multicast packets
            /// (`IP_MULTICAST_TTL`, see `ip(7)`). The default 1 keeps them on the local
            /// network; 0 keeps them on this host. `ttl` must be in `0..=255`.
            fn set_multicast_ttl_v4(ttl: u32) as Count;
            /// The IPv4 multicast time-to-live (`IP_MULTICAST_TTL`, see `ip(7)`).
            fn multicast_ttl_v4;
            opt IPPROTO_IP IP_MULTICAST_TTL "ip(7)" v4 0..=255;
            brief "the time-to-live of outgoing multicast packets";
        }
        {
            /// Whether this host's own IPv4 multicast sends are looped back to its
            /// local listeners (`IP_MULTICAST_LOOP`, see `ip(7)`); on by default.
            fn set_multicast_loop_v4(enable: bool) as Flag;
            /// Whether `IP_MULTICAST_LOOP` is on (see `ip(7)`).
            fn multicast_loop_v4;
            opt IPPROTO_IP IP_MULTICAST_LOOP "ip(7)" v4 0..=1;
            brief "deliver our own multicast packets locally";
        }
        {
            /// Sets the hop limit of outgoing IPv6 multicast packets
            /// (`IPV6_MULTICAST_HOPS`, see `ipv6(7)`); default 1. `hops` must be in
            /// `0..=255`.
            fn set_multicast_hops_v6(hops: u32) as Count;
            /// The IPv6 multicast hop limit (`IPV6_MULTICAST_HOPS`, see `ipv6(7)`).
            fn multicast_hops_v6;
            opt IPPROTO_IPV6 IPV6_MULTICAST_HOPS "ipv6(7)" v6 0..=255;
            brief "the hop limit of outgoing multicast packets";
        }
        {
            /// Whether this host's own IPv6 multicast sends are looped back to its
            /// local listeners (`IPV6_MULTICAST_LOOP`, see `ipv6(7)`); on by default.
            fn set_multicast_loop_v6(enable: bool) as Flag;
            /// Whether `IPV6_MULTICAST_LOOP` is on (see `ipv6(7)`).
            fn multicast_loop_v6;
            opt IPPROTO_IPV6 IPV6_MULTICAST_LOOP "ipv6(7)" v6 0..=1;
            brief "deliver our own multicast packets locally";
        }
        }
    };
}

/// The Rust face of each row: `set_<name>` and `<name>`, generic over any
/// descriptor.
macro_rules! emit_rust {
    ($({
        $(#[doc = $sdoc:literal])*
        fn $set:ident($arg:ident: $ty:ty) as $kind:ident;
        $(#[doc = $gdoc:literal])*
        fn $get:ident;
        opt $level:ident $name:ident $man:literal $scope:ident $min:literal..=$max:literal;
        brief $brief:literal;
    })*) => {$(
        $(#[doc = $sdoc])*
        pub fn $set<S: AsFd + ?Sized>(socket: &S, $arg: $ty) -> io::Result<()> {
            let raw = <kinds::$kind as OptionKind>::encode(stringify!($name), $arg, $min, $max)?;
            sys::setsockopt_int(socket.as_fd(), libc::$level, libc::$name, raw)
        }

        $(#[doc = $gdoc])*
        pub fn $get<S: AsFd + ?Sized>(socket: &S) -> io::Result<$ty> {
            let raw = sys::getsockopt_int(socket.as_fd(), libc::$level, libc::$name)?;
            Ok(<kinds::$kind as OptionKind>::decode(raw))
        }
    )*};
}

use std::io;
use std::os::fd::AsFd;
use std::time::Duration;

use super::kinds::{self, OptionKind};
use crate::sys;

option_table!(emit_rust);
