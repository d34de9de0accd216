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
//! | `table.rs` | THE option table: every `int` option (`SO_*`, `TCP_*`, `IP_*`, `IPV6_*`), from which the C ABI, Python, C++ and `OPTIONS.md` are generated too |
//! | `kinds.rs` | how a table row's value is checked and converted |
//! | `socket.rs` | `SO_LINGER` |
//! | `device.rs` | `SO_BINDTODEVICE` |
//! | `keepalive.rs` | the keepalive limits the builders share |
//! | `tcp.rs` | `TCP_CONGESTION` |
//! | `multicast.rs` | `IP_ADD/DROP_MEMBERSHIP` and their IPv6 twins |
//! | `multicast_source.rs` | `IP_MULTICAST_IF`, source-specific joins (`IP_ADD/DROP_SOURCE_MEMBERSHIP`, `MCAST_JOIN/LEAVE_SOURCE_GROUP`) |
//! | `proxy.rs` | `SO_ORIGINAL_DST`, `IP6T_SO_ORIGINAL_DST`, `TCP_SAVED_SYN` |
//! | `info.rs` | `TCP_INFO` |
//! | `bpf.rs` | `SO_ATTACH_REUSEPORT_CBPF`, `SO_ATTACH_FILTER`, `SO_DETACH_FILTER` with a typed classic-BPF builder |

mod bpf;
mod check;
mod device;
mod info;
mod keepalive;
pub(crate) mod kinds;
mod multicast;
mod multicast_source;
mod proxy;
mod socket;
pub(crate) mod table;
mod tcp;

pub use bpf::{CbpfProgram, attach_filter, attach_reuseport_cbpf, detach_filter};
pub use device::{bind_device, bound_device};
pub use info::{TcpInfo, TcpState, tcp_info};
pub use multicast::{join_multicast_v4, join_multicast_v6, leave_multicast_v4, leave_multicast_v6};
pub use multicast_source::{
    join_ssm_v4, join_ssm_v6, leave_ssm_v4, leave_ssm_v6, multicast_if_v4, set_multicast_if_v4,
};
pub use proxy::{original_dst_v4, original_dst_v6, tcp_saved_syn, tcp_saved_syn_into};
pub use socket::{linger, set_linger};
pub use table::*;
pub use tcp::{set_tcp_congestion, tcp_congestion};

pub(crate) use keepalive::keepalive_time_error;
