//! Adopting descriptors of the ICMP echo and raw IP kinds in each state
//! (`TryFrom<OwnedFd>`), inside user + network namespaces the test creates
//! (common::netns). Their ports name no peer, so a connect to port 0
//! leaves `getpeername` failing and a raw socket's local port is its
//! protocol from birth: the state checks must not rely on either.

mod common;

use std::os::fd::OwnedFd;

use common::netns::{self, Namespaces};
use wirelane::error::errno_of;
use wirelane::{
    BoundDatagram, ConnectedDatagram, Icmp, IpProtocol, Ipv4, Ipv6, RawIp, RawSocket, SocketAddrV4, SocketAddrV6,
};

#[test]
fn icmp_states_are_recognised_when_adopted() {
    if !netns::inside("icmp_states_are_recognised_when_adopted", Namespaces::UserAndNet) {
        return;
    }
    let fresh = OwnedFd::from(RawSocket::<Ipv4, Icmp>::new().unwrap());
    let raw = RawSocket::<Ipv4, Icmp>::try_from(fresh).unwrap();
    let bound = OwnedFd::from(raw.bind(SocketAddrV4::new([0, 0, 0, 0], 0)).unwrap());
    let e = RawSocket::<Ipv4, Icmp>::try_from(bound).unwrap_err();
    assert_eq!(errno_of(e.error()), libc::EINVAL, "{}", e.error());
    let bound = BoundDatagram::<Ipv4, Icmp>::try_from(e.into_parts().1).unwrap();
    let connected = OwnedFd::from(bound.connect(SocketAddrV4::localhost(0)).unwrap());
    let e = BoundDatagram::<Ipv4, Icmp>::try_from(connected).unwrap_err();
    assert!(e.error().to_string().contains("Connected"), "{}", e.error());
    let c = ConnectedDatagram::<Ipv4, Icmp>::try_from(e.into_parts().1).unwrap();
    c.send_echo(1, b"adopted").unwrap();

    let v6 = RawSocket::<Ipv6, Icmp>::new()
        .unwrap()
        .connect(SocketAddrV6::localhost(0))
        .unwrap();
    ConnectedDatagram::<Ipv6, Icmp>::try_from(OwnedFd::from(v6)).unwrap();
}

#[test]
fn raw_ip_states_are_recognised_when_adopted() {
    if !netns::inside("raw_ip_states_are_recognised_when_adopted", Namespaces::UserAndNet) {
        return;
    }
    let fresh = OwnedFd::from(RawSocket::<Ipv4, RawIp>::with_protocol(IpProtocol::new(253)).unwrap());
    let raw = RawSocket::<Ipv4, RawIp>::try_from(fresh).unwrap();
    let bound = OwnedFd::from(raw.bind(SocketAddrV4::localhost(0)).unwrap());
    let e = RawSocket::<Ipv4, RawIp>::try_from(bound).unwrap_err();
    let bound = BoundDatagram::<Ipv4, RawIp>::try_from(e.into_parts().1).unwrap();
    let connected = OwnedFd::from(bound.connect(SocketAddrV4::localhost(0)).unwrap());
    assert!(BoundDatagram::<Ipv4, RawIp>::try_from(connected.try_clone().unwrap()).is_err());
    ConnectedDatagram::<Ipv4, RawIp>::try_from(connected).unwrap();
}
