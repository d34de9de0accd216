//! Conversions both ways between `Async<state>` and the `tokio::net`
//! types. Into tokio: infallible, the descriptor moves to a tokio type on
//! the same reactor. From tokio: the kernel is asked first (`SO_DOMAIN`,
//! `SO_TYPE`, `SO_ACCEPTCONN`, peer, bound address) and on a mismatch the
//! tokio value comes back unchanged in the error, naming the problem.

use std::os::fd::AsFd;

use super::Async;
use crate::domain::{Datagram, Ipv4, Ipv6, Stream, Unix};
use crate::error::TransitionError;
use crate::socket::adopt::{Expect, check};
use crate::{BoundDatagram, ConnectedDatagram, ConnectedStream, Listener};

macro_rules! tokio_interop {
    ($state:ident < $d:ty >, $sock:ty, $expect:expr, $tokio:ty, $std:ty) => {
        /// Moves the descriptor into the tokio type, registered with the
        /// same runtime. Panics only if that reactor cannot register a
        /// descriptor at all (out of memory), as tokio's `from_std` would
        /// report.
        impl From<Async<$state<$d>>> for $tokio {
            fn from(socket: Async<$state<$d>>) -> $tokio {
                let handle = socket.handle().clone();
                let (registration, _, state) = socket.into_parts();
                drop(registration);
                let std = <$std>::from(state);
                let _entered = handle.enter();
                <$tokio>::from_std(std).expect("tokio reactor failed to register a descriptor")
            }
        }

        /// Checks the descriptor with the kernel and wraps it; on a
        /// mismatch (wrong domain, type or state) the tokio value is
        /// handed back in the error.
        impl TryFrom<$tokio> for Async<$state<$d>> {
            type Error = TransitionError<$tokio>;

            fn try_from(socket: $tokio) -> Result<Self, Self::Error> {
                if let Err(e) = check::<$d, $sock>(socket.as_fd(), $expect) {
                    return Err(TransitionError::new(e, socket));
                }
                match socket.into_std() {
                    Ok(std) => Async::new($state::<$d>::from_fd(std.into())).map_err(|e| {
                        // Async::new failing here means no runtime; the
                        // descriptor was consumed, so report it plainly.
                        TransitionError::new(e, lost_socket::<$tokio>())
                    }),
                    Err(e) => Err(TransitionError::new(e, lost_socket::<$tokio>())),
                }
            }
        }
    };
}

/// Never called in practice: converting a tokio value means a runtime is
/// running, and `into_std` fails only without one. Kept as a clear panic
/// rather than a fabricated socket.
fn lost_socket<T>() -> T {
    panic!("tokio socket conversion outside a runtime: the descriptor could not be handed back")
}

tokio_interop!(
    ConnectedStream<Ipv4>,
    Stream,
    Expect::Connected,
    tokio::net::TcpStream,
    std::net::TcpStream
);
tokio_interop!(
    ConnectedStream<Ipv6>,
    Stream,
    Expect::Connected,
    tokio::net::TcpStream,
    std::net::TcpStream
);
tokio_interop!(
    ConnectedStream<Unix>,
    Stream,
    Expect::Connected,
    tokio::net::UnixStream,
    std::os::unix::net::UnixStream
);
tokio_interop!(
    Listener<Ipv4>,
    Stream,
    Expect::Listening,
    tokio::net::TcpListener,
    std::net::TcpListener
);
tokio_interop!(
    Listener<Ipv6>,
    Stream,
    Expect::Listening,
    tokio::net::TcpListener,
    std::net::TcpListener
);
tokio_interop!(
    Listener<Unix>,
    Stream,
    Expect::Listening,
    tokio::net::UnixListener,
    std::os::unix::net::UnixListener
);
tokio_interop!(
    BoundDatagram<Ipv4>,
    Datagram,
    Expect::Bound,
    tokio::net::UdpSocket,
    std::net::UdpSocket
);
tokio_interop!(
    BoundDatagram<Ipv6>,
    Datagram,
    Expect::Bound,
    tokio::net::UdpSocket,
    std::net::UdpSocket
);
tokio_interop!(
    BoundDatagram<Unix>,
    Datagram,
    Expect::Bound,
    tokio::net::UnixDatagram,
    std::os::unix::net::UnixDatagram
);
tokio_interop!(
    ConnectedDatagram<Ipv4>,
    Datagram,
    Expect::Connected,
    tokio::net::UdpSocket,
    std::net::UdpSocket
);
tokio_interop!(
    ConnectedDatagram<Ipv6>,
    Datagram,
    Expect::Connected,
    tokio::net::UdpSocket,
    std::net::UdpSocket
);
tokio_interop!(
    ConnectedDatagram<Unix>,
    Datagram,
    Expect::Connected,
    tokio::net::UnixDatagram,
    std::os::unix::net::UnixDatagram
);
