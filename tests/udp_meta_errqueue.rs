//! The error queue through the generic control-message API (issue 16):
//! `recv_msg` with `MsgFlags::ERRQUEUE` on a connected UDP socket aimed at
//! a closed loopback port yields the ICMP error as
//! `ParsedMessage::ExtendedError`, and a control buffer too small for it
//! reports `MSG_CTRUNC` instead of losing it silently. Both families.

mod common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use wirelane::cmsg::{ErrorOrigin, ExtendedError, ParsedMessage};
use wirelane::meta::RECV_CONTROL_SPACE;
use wirelane::{
    BoundDatagram, ConnectedDatagram, Datagram, Inet, Ipv4, Ipv6, MsgFlags, RawSocket, SocketAddrV4, SocketAddrV6,
};

/// What each family's test needs.
trait Family: Inet {
    fn localhost(port: u16) -> Self::Addr;
    /// An address no test sends from (the hold socket's peer).
    fn elsewhere() -> Self::Addr;
    fn loopback_ip() -> IpAddr;
    fn port(a: &Self::Addr) -> u16;
    /// The origin and ICMP type/code of "port unreachable".
    fn port_unreachable() -> (ErrorOrigin, u8, u8);
}

impl Family for Ipv4 {
    fn localhost(port: u16) -> SocketAddrV4 {
        SocketAddrV4::localhost(port)
    }
    fn elsewhere() -> SocketAddrV4 {
        SocketAddrV4::localhost(9)
    }
    fn loopback_ip() -> IpAddr {
        Ipv4Addr::LOCALHOST.into()
    }
    fn port(a: &SocketAddrV4) -> u16 {
        a.port()
    }
    fn port_unreachable() -> (ErrorOrigin, u8, u8) {
        (ErrorOrigin::Icmp, 3, 3) // destination unreachable, port unreachable
    }
}

impl Family for Ipv6 {
    fn localhost(port: u16) -> SocketAddrV6 {
        SocketAddrV6::localhost(port)
    }
    fn elsewhere() -> SocketAddrV6 {
        SocketAddrV6::localhost(9)
    }
    fn loopback_ip() -> IpAddr {
        Ipv6Addr::LOCALHOST.into()
    }
    fn port(a: &SocketAddrV6) -> u16 {
        a.port()
    }
    fn port_unreachable() -> (ErrorOrigin, u8, u8) {
        (ErrorOrigin::Icmp6, 1, 4) // ICMPv6 destination unreachable, port unreachable
    }
}

fn bound<D: Family>() -> BoundDatagram<D> {
    RawSocket::<D, Datagram>::new().unwrap().bind(D::localhost(0)).unwrap()
}

/// A closed UDP port held for as long as the value lives: a socket bound
/// to it and connected elsewhere. No other socket can bind the port
/// meanwhile, and the kernel delivers to a connected socket only what its
/// peer sends, so a datagram from anyone else finds no socket and draws
/// ICMP port unreachable (`udp(7)`).
struct ClosedUdpPort<D: Family> {
    hold: ConnectedDatagram<D>,
}

impl<D: Family> ClosedUdpPort<D> {
    fn new() -> Self {
        Self {
            hold: bound::<D>().connect(D::elsewhere()).unwrap(),
        }
    }
    fn addr(&self) -> D::Addr {
        D::localhost(D::port(&self.hold.local_addr().unwrap()))
    }
}

/// A connected socket with recv-errors on, aimed at the held closed port.
fn aimed_at_closed<D: Family>(closed: &ClosedUdpPort<D>) -> ConnectedDatagram<D> {
    let s = bound::<D>().connect(closed.addr()).unwrap();
    s.set_recv_errors(true).unwrap();
    s
}

/// Sends a probe and polls the error queue (bounded: the ICMP error is
/// queued asynchronously) with `recv_msg(ERRQUEUE | DONTWAIT)`; returns
/// (payload length, kernel flags, control bytes written).
fn probe_errqueue<D: Family>(s: &ConnectedDatagram<D>, buf: &mut [u8], control: &mut [u8]) -> (usize, i32, Vec<u8>) {
    s.send(b"anyone?").unwrap();
    for _ in 0..200 {
        match s.recv_msg(buf, control, MsgFlags::ERRQUEUE | MsgFlags::DONTWAIT) {
            Ok(got) => return (got.len, got.flags, got.control.to_vec()),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("recv_msg(ERRQUEUE): {e}"),
        }
    }
    panic!("no queued error within 2 s");
}

fn extended_errors(control: &[u8]) -> Vec<ExtendedError> {
    wirelane::cmsg::ControlMessages::new(control)
        .map(|m| m.expect("well-formed control message"))
        .filter_map(|m| match m {
            ParsedMessage::ExtendedError(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn errqueue_yields_typed_error<D: Family>() {
    let closed = ClosedUdpPort::<D>::new();
    let s = aimed_at_closed(&closed);
    let mut buf = [0u8; 64];
    let mut control = [0u8; RECV_CONTROL_SPACE];
    let (len, flags, ctl) = probe_errqueue(&s, &mut buf, &mut control);
    assert_ne!(flags & libc::MSG_ERRQUEUE, 0, "flags {flags:#x} lack MSG_ERRQUEUE");
    assert_eq!(flags & libc::MSG_CTRUNC, 0, "full-size buffer truncated: {flags:#x}");
    assert_eq!(&buf[..len], b"anyone?", "the offending datagram's payload");
    let errors = extended_errors(&ctl);
    assert_eq!(errors.len(), 1, "one ExtendedError in {ctl:?}");
    let e = errors[0];
    let (origin, ty, code) = D::port_unreachable();
    assert_eq!(e.errno, libc::ECONNREFUSED);
    assert_eq!(e.origin, origin);
    assert_eq!((e.icmp_type, e.icmp_code), (ty, code));
    assert_eq!(e.offender.map(|a| a.ip()), Some(D::loopback_ip()));
    // Read once: the queue is empty now.
    let again = s.recv_msg(&mut buf, &mut control, MsgFlags::ERRQUEUE | MsgFlags::DONTWAIT);
    assert_eq!(again.unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
}

fn small_control_buffer_reports_truncation<D: Family>() {
    let closed = ClosedUdpPort::<D>::new();
    let s = aimed_at_closed(&closed);
    let mut buf = [0u8; 64];
    // Room for a header but not for sock_extended_err + offender.
    let mut control = [0u8; 24];
    let (_, flags, ctl) = probe_errqueue(&s, &mut buf, &mut control);
    assert_ne!(flags & libc::MSG_ERRQUEUE, 0, "flags {flags:#x} lack MSG_ERRQUEUE");
    assert_ne!(flags & libc::MSG_CTRUNC, 0, "cut error not reported: flags {flags:#x}");
    assert!(
        extended_errors_lenient(&ctl).is_empty(),
        "a cut error decoded as whole: {ctl:?}"
    );
    // Received::meta refuses rather than reporting "no error".
    let closed2 = ClosedUdpPort::<D>::new();
    let s2 = aimed_at_closed(&closed2);
    s2.send(b"anyone?").unwrap();
    for _ in 0..200 {
        match s2.recv_msg(&mut buf, &mut control, MsgFlags::ERRQUEUE | MsgFlags::DONTWAIT) {
            Ok(got) => {
                assert!(got.control_truncated());
                let err = got.meta().unwrap_err();
                assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
                return;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => panic!("recv_msg(ERRQUEUE): {e}"),
        }
    }
    panic!("no queued error within 2 s");
}

/// The whole extended errors in `control`, stopping at a malformed message.
fn extended_errors_lenient(control: &[u8]) -> Vec<ExtendedError> {
    wirelane::cmsg::ControlMessages::new(control)
        .map_while(Result::ok)
        .filter_map(|m| match m {
            ParsedMessage::ExtendedError(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[test]
fn recv_msg_errqueue_yields_typed_icmp_error_v4() {
    errqueue_yields_typed_error::<Ipv4>();
}

#[test]
fn recv_msg_errqueue_yields_typed_icmp_error_v6() {
    errqueue_yields_typed_error::<Ipv6>();
}

#[test]
fn recv_msg_errqueue_small_control_buffer_reports_ctrunc_v4() {
    small_control_buffer_reports_truncation::<Ipv4>();
}

#[test]
fn recv_msg_errqueue_small_control_buffer_reports_ctrunc_v6() {
    small_control_buffer_reports_truncation::<Ipv6>();
}
