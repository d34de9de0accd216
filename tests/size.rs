//! The seed's zero-cost claim, checked: every state type of every valid
//! domain/type combination is exactly one `OwnedFd`, `Option<State>` costs
//! nothing extra (the fd's niche), the markers are zero-sized, and every
//! state can move to and be shared between threads.

use std::mem::{align_of, size_of};
use std::os::fd::OwnedFd;

use wirelane::{
    BoundDatagram, BoundSocket, ConnectedDatagram, ConnectedStream, Datagram, Ipv4, Ipv6, Listener, PendingConnect,
    RawSocket, Stream, Unix,
};

/// Asserts that `S` has the layout of an `OwnedFd`, with the niche intact.
fn assert_fd_sized<S>(name: &str) {
    assert_eq!(size_of::<S>(), size_of::<OwnedFd>(), "size_of::<{name}>()");
    assert_eq!(align_of::<S>(), align_of::<OwnedFd>(), "align_of::<{name}>()");
    assert_eq!(
        size_of::<Option<S>>(),
        size_of::<OwnedFd>(),
        "size_of::<Option<{name}>>(): the fd niche must be kept"
    );
}

/// Compiles only if `S` is `Send + Sync` (and `Unpin`).
fn assert_send_sync<S: Send + Sync + Unpin>() {}

macro_rules! check_states {
    ($($ty:ty),+ $(,)?) => {{
        $(
            assert_fd_sized::<$ty>(stringify!($ty));
            assert_send_sync::<$ty>();
        )+
        [$(stringify!($ty)),+].len()
    }};
}

#[test]
fn every_state_is_exactly_one_fd() {
    // The seed's "4 bytes. Same as a raw fd."
    assert_eq!(size_of::<OwnedFd>(), 4);
    let checked = check_states!(
        // Stream states, all three domains.
        RawSocket<Ipv4, Stream>,
        RawSocket<Ipv6, Stream>,
        RawSocket<Unix, Stream>,
        BoundSocket<Ipv4, Stream>,
        BoundSocket<Ipv6, Stream>,
        BoundSocket<Unix, Stream>,
        Listener<Ipv4>,
        Listener<Ipv6>,
        Listener<Unix>,
        PendingConnect<Ipv4>,
        PendingConnect<Ipv6>,
        PendingConnect<Unix>,
        ConnectedStream<Ipv4>,
        ConnectedStream<Ipv6>,
        ConnectedStream<Unix>,
        // Datagram states, all three domains.
        RawSocket<Ipv4, Datagram>,
        RawSocket<Ipv6, Datagram>,
        RawSocket<Unix, Datagram>,
        BoundDatagram<Ipv4>,
        BoundDatagram<Ipv6>,
        BoundDatagram<Unix>,
        ConnectedDatagram<Ipv4>,
        ConnectedDatagram<Ipv6>,
        ConnectedDatagram<Unix>,
    );
    assert_eq!(checked, 24);
}

#[test]
fn bound_socket_defaults_to_stream() {
    // `BoundSocket<D>` is `BoundSocket<D, Stream>` (the seed writes both).
    let same: fn(BoundSocket<Ipv4>) -> BoundSocket<Ipv4, Stream> = |b| b;
    let _ = same;
    assert_fd_sized::<BoundSocket<Ipv4>>("BoundSocket<Ipv4>");
}

#[test]
fn markers_are_zero_sized() {
    assert_eq!(size_of::<Ipv4>(), 0);
    assert_eq!(size_of::<Ipv6>(), 0);
    assert_eq!(size_of::<Unix>(), 0);
    assert_eq!(size_of::<Stream>(), 0);
    assert_eq!(size_of::<Datagram>(), 0);
    assert_eq!(size_of::<std::marker::PhantomData<(Ipv4, Stream)>>(), 0);
}

#[test]
fn size_holds_for_live_values_too() {
    // The same fact about real values, as the seed states it at run time.
    let s = RawSocket::<Ipv4, Stream>::new().unwrap();
    assert_eq!(std::mem::size_of_val(&s), size_of::<OwnedFd>());
    let (a, _b) = ConnectedStream::<Unix>::pair().unwrap();
    assert_eq!(std::mem::size_of_val(&a), 4);
    let boxed: Option<ConnectedStream<Unix>> = Some(a);
    assert_eq!(std::mem::size_of_val(&boxed), 4);
}
