//! The socket options that switch on receive-side metadata, and path MTU
//! discovery: methods of the UDP datagram states only (`Ipv4`/`Ipv6`), so
//! they cannot be set on a socket that would ignore them.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};

use crate::domain::{Domain, Inet};
use crate::sys;
use crate::{BoundDatagram, ConnectedDatagram};

/// Whether `D` is IPv6.
pub(crate) fn is_v6<D: Domain>() -> bool {
    D::FAMILY == libc::AF_INET6
}

/// Path MTU discovery modes (`IP_MTU_DISCOVER` / `IPV6_MTU_DISCOVER`,
/// `ip(7)`); the values are the same for both families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PmtuDiscover {
    /// `IP_PMTUDISC_DONT`: never set DF; the kernel may fragment.
    Dont,
    /// `IP_PMTUDISC_WANT`: per-route default (fragment when the path MTU
    /// is exceeded).
    Want,
    /// `IP_PMTUDISC_DO`: always set DF; a send above the path MTU fails
    /// with `EMSGSIZE`.
    Do,
    /// `IP_PMTUDISC_PROBE`: set DF but ignore the path MTU (only the
    /// interface MTU limits sends): what QUIC's own PMTU probing wants.
    Probe,
    /// `IP_PMTUDISC_INTERFACE`: use the interface MTU, never fragment
    /// locally, ignore ICMP "fragmentation needed".
    Interface,
    /// `IP_PMTUDISC_OMIT`: like `Interface`, but fragment packets that
    /// exceed it.
    Omit,
}

impl PmtuDiscover {
    fn to_raw(self) -> libc::c_int {
        match self {
            Self::Dont => libc::IP_PMTUDISC_DONT,
            Self::Want => libc::IP_PMTUDISC_WANT,
            Self::Do => libc::IP_PMTUDISC_DO,
            Self::Probe => libc::IP_PMTUDISC_PROBE,
            Self::Interface => libc::IP_PMTUDISC_INTERFACE,
            Self::Omit => libc::IP_PMTUDISC_OMIT,
        }
    }

    fn from_raw(v: libc::c_int) -> io::Result<Self> {
        Ok(match v {
            libc::IP_PMTUDISC_DONT => Self::Dont,
            libc::IP_PMTUDISC_WANT => Self::Want,
            libc::IP_PMTUDISC_DO => Self::Do,
            libc::IP_PMTUDISC_PROBE => Self::Probe,
            libc::IP_PMTUDISC_INTERFACE => Self::Interface,
            libc::IP_PMTUDISC_OMIT => Self::Omit,
            other => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("unknown path MTU discovery mode {other} from the kernel"),
                ));
            }
        })
    }
}

fn set_bool(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int, on: bool) -> io::Result<()> {
    sys::setsockopt_int(fd, level, name, libc::c_int::from(on))
}

/// Sets the IPv6 option and, on an IPv6 socket, its IPv4 twin for
/// IPv4-mapped traffic (best effort: an `IPV6_V6ONLY` socket refuses it,
/// and there it does not matter).
fn set_family_bool<D: Domain>(fd: BorrowedFd<'_>, v4: libc::c_int, v6: libc::c_int, on: bool) -> io::Result<()> {
    if is_v6::<D>() {
        set_bool(fd, libc::IPPROTO_IPV6, v6, on)?;
        let _ = set_bool(fd, libc::IPPROTO_IP, v4, on);
        Ok(())
    } else {
        set_bool(fd, libc::IPPROTO_IP, v4, on)
    }
}

pub(crate) fn set_recv_ecn<D: Domain>(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    set_family_bool::<D>(fd, libc::IP_RECVTOS, libc::IPV6_RECVTCLASS, on)
}

pub(crate) fn set_recv_pktinfo<D: Domain>(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    set_family_bool::<D>(fd, libc::IP_PKTINFO, libc::IPV6_RECVPKTINFO, on)
}

pub(crate) fn set_mtu_discover<D: Domain>(fd: BorrowedFd<'_>, mode: PmtuDiscover) -> io::Result<()> {
    if is_v6::<D>() {
        sys::setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_MTU_DISCOVER, mode.to_raw())?;
        let _ = sys::setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_MTU_DISCOVER, mode.to_raw());
        Ok(())
    } else {
        sys::setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_MTU_DISCOVER, mode.to_raw())
    }
}

macro_rules! meta_options {
    ($state:ident) => {
        impl<D: Inet> $state<D> {
            /// Receive each datagram's ECN codepoint and TOS / traffic
            /// class (`IP_RECVTOS`, or `IPV6_RECVTCLASS` plus `IP_RECVTOS`
            /// for IPv4-mapped traffic; `ip(7)`, `ipv6(7)`).
            pub fn set_recv_ecn(&self, on: bool) -> io::Result<()> {
                set_recv_ecn::<D>(self.as_fd(), on)
            }

            /// Receive each datagram's destination address and arrival
            /// interface (`IP_PKTINFO`, or `IPV6_RECVPKTINFO` plus
            /// `IP_PKTINFO`; `ip(7)`, `ipv6(7)`).
            pub fn set_recv_pktinfo(&self, on: bool) -> io::Result<()> {
                set_recv_pktinfo::<D>(self.as_fd(), on)
            }

            /// Receive each datagram's TTL / hop limit (`IP_RECVTTL` /
            /// `IPV6_RECVHOPLIMIT`).
            pub fn set_recv_ttl(&self, on: bool) -> io::Result<()> {
                set_family_bool::<D>(self.as_fd(), libc::IP_RECVTTL, libc::IPV6_RECVHOPLIMIT, on)
            }

            /// Receive the kernel's receive timestamp with nanoseconds
            /// (`SO_TIMESTAMPNS`, `socket(7)`). The kernel switches
            /// receive stamping on system-wide asynchronously when the
            /// first socket asks, so the first datagrams after that may
            /// arrive without a stamp.
            pub fn set_recv_timestamp(&self, on: bool) -> io::Result<()> {
                set_bool(self.as_fd(), libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, on)
            }

            /// Receive software receive timestamps through
            /// `SO_TIMESTAMPING` (`SOF_TIMESTAMPING_RX_SOFTWARE |
            /// SOF_TIMESTAMPING_SOFTWARE`, see the kernel's
            /// `timestamping.rst`); `false` turns `SO_TIMESTAMPING` off.
            pub fn set_recv_software_timestamping(&self, on: bool) -> io::Result<()> {
                let flags = if on {
                    libc::SOF_TIMESTAMPING_RX_SOFTWARE | libc::SOF_TIMESTAMPING_SOFTWARE
                } else {
                    0
                };
                sys::setsockopt_int(
                    self.as_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_TIMESTAMPING,
                    flags as libc::c_int,
                )
            }

            /// Queue ICMP and local errors on the socket's error queue with
            /// their details (`IP_RECVERR` / `IPV6_RECVERR`), read with
            /// `recv_error`.
            pub fn set_recv_errors(&self, on: bool) -> io::Result<()> {
                set_family_bool::<D>(self.as_fd(), libc::IP_RECVERR, libc::IPV6_RECVERR, on)
            }

            /// Sets the path MTU discovery mode (`IP_MTU_DISCOVER` /
            /// `IPV6_MTU_DISCOVER`; on IPv6 also the IPv4 one for mapped
            /// traffic, best effort).
            pub fn set_mtu_discover(&self, mode: PmtuDiscover) -> io::Result<()> {
                set_mtu_discover::<D>(self.as_fd(), mode)
            }

            /// The path MTU discovery mode.
            pub fn mtu_discover(&self) -> io::Result<PmtuDiscover> {
                let v = if is_v6::<D>() {
                    sys::getsockopt_int(self.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_MTU_DISCOVER)?
                } else {
                    sys::getsockopt_int(self.as_fd(), libc::IPPROTO_IP, libc::IP_MTU_DISCOVER)?
                };
                PmtuDiscover::from_raw(v)
            }

            /// Forbids fragmentation of IPv6 sends (`IPV6_DONTFRAG`; on
            /// IPv4 use [`set_mtu_discover`](Self::set_mtu_discover) with
            /// `Do` or `Probe`). On an IPv4 socket this is an `InvalidInput`
            /// error naming the family.
            pub fn set_ipv6_dontfrag(&self, on: bool) -> io::Result<()> {
                if !is_v6::<D>() {
                    return Err(crate::error::invalid_input(
                        libc::EINVAL,
                        "IPV6_DONTFRAG applies to IPv6 sockets; use set_mtu_discover on IPv4",
                    ));
                }
                set_bool(self.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_DONTFRAG, on)
            }
        }
    };
}

meta_options!(BoundDatagram);
meta_options!(ConnectedDatagram);

impl<D: Inet> ConnectedDatagram<D> {
    /// The path MTU the kernel knows towards the peer (`IP_MTU` /
    /// `IPV6_MTU`): only on a connected socket, which is why it lives
    /// here and not on `BoundDatagram`.
    pub fn path_mtu(&self) -> io::Result<u32> {
        let v = if is_v6::<D>() {
            sys::getsockopt_int(self.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_MTU)?
        } else {
            sys::getsockopt_int(self.as_fd(), libc::IPPROTO_IP, libc::IP_MTU)?
        };
        Ok(v.max(0) as u32)
    }
}
