//! Socket options: free functions generic over any descriptor.
//!
//! Every function takes `&S` where `S: AsFd`, so it works on every Wirelane
//! state type (`RawSocket`, `Listener`, `ConnectedStream`, ...) and on `std`
//! sockets alike:
//!
//! ```
//! use wirelane::{set_tcp_nodelay, tcp_nodelay, Ipv4, RawSocket, Stream};
//! # fn main() -> std::io::Result<()> {
//! let socket = RawSocket::<Ipv4, Stream>::new()?;
//! set_tcp_nodelay(&socket, true)?;
//! assert!(tcp_nodelay(&socket)?);
//!
//! let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
//! set_tcp_nodelay(&std_listener, true)?;
//! # Ok(()) }
//! ```
//!
//! Each setter has a getter where the kernel has one, and each names its
//! man page (`socket(7)`, `tcp(7)`, `ip(7)`, `ipv6(7)`). Values the kernel
//! would reject or silently adjust are checked first: an out-of-range value
//! is an `ErrorKind::InvalidInput` error whose message names the option and
//! the accepted range (and which carries `EINVAL` for the C ABI). Nothing is
//! silently clamped by this library. Errors from the kernel itself (for
//! example `EPERM` for `SO_MARK` without `CAP_NET_ADMIN`, or `ENOPROTOOPT`
//! for a TCP option on a UDP socket) are returned unchanged.
//!
//! Receive and send timeouts (`SO_RCVTIMEO`, `SO_SNDTIMEO`) are inherent
//! methods on every state type (`set_read_timeout`, `set_write_timeout`),
//! as in `std`, and are not repeated here.
//!
//! | file | options |
//! |---|---|
//! | `socket.rs` | `SO_REUSEADDR`, `SO_REUSEPORT`, `SO_SNDBUF`, `SO_RCVBUF`, `SO_LINGER`, `SO_BROADCAST`, `SO_MARK`, `SO_PRIORITY`, `SO_RCVLOWAT` |
//! | `device.rs` | `SO_BINDTODEVICE` |
//! | `keepalive.rs` | `SO_KEEPALIVE`, `TCP_KEEPIDLE`, `TCP_KEEPINTVL`, `TCP_KEEPCNT` |
//! | `tcp.rs` | `TCP_NODELAY`, `TCP_CORK`, `TCP_QUICKACK`, `TCP_FASTOPEN`, `TCP_FASTOPEN_CONNECT`, `TCP_USER_TIMEOUT`, `TCP_CONGESTION` |
//! | `ip.rs` | `IP_TTL`, `IP_TOS`, `IPV6_UNICAST_HOPS`, `IPV6_TCLASS`, `IPV6_V6ONLY` |
//! | `multicast.rs` | `IP_MULTICAST_TTL`, `IP_MULTICAST_LOOP`, `IP_ADD/DROP_MEMBERSHIP` and their IPv6 twins |
//! | `info.rs` | `TCP_INFO` |

mod check;
mod device;
mod info;
mod ip;
mod keepalive;
mod multicast;
mod socket;
mod tcp;

pub use device::{bind_device, bound_device};
pub use info::{TcpInfo, TcpState, tcp_info};
pub use ip::{
    only_v6, set_only_v6, set_tclass_v6, set_tos, set_ttl, set_unicast_hops_v6, tclass_v6, tos, ttl, unicast_hops_v6,
};
pub use keepalive::{
    keepalive, set_keepalive, set_tcp_keepalive_count, set_tcp_keepalive_idle, set_tcp_keepalive_interval,
    tcp_keepalive_count, tcp_keepalive_idle, tcp_keepalive_interval,
};
pub use multicast::{
    join_multicast_v4, join_multicast_v6, leave_multicast_v4, leave_multicast_v6, multicast_hops_v6, multicast_loop_v4,
    multicast_loop_v6, multicast_ttl_v4, set_multicast_hops_v6, set_multicast_loop_v4, set_multicast_loop_v6,
    set_multicast_ttl_v4,
};
pub use socket::{
    broadcast, linger, mark, priority, recv_buffer_size, recv_low_watermark, reuse_address, reuse_port,
    send_buffer_size, set_broadcast, set_linger, set_mark, set_priority, set_recv_buffer_size, set_recv_low_watermark,
    set_reuse_address, set_reuse_port, set_send_buffer_size,
};
pub use tcp::{
    set_tcp_congestion, set_tcp_cork, set_tcp_fastopen, set_tcp_fastopen_connect, set_tcp_nodelay, set_tcp_quickack,
    set_tcp_user_timeout, tcp_congestion, tcp_cork, tcp_fastopen, tcp_fastopen_connect, tcp_nodelay, tcp_quickack,
    tcp_user_timeout,
};

pub(crate) use keepalive::keepalive_time_error;
