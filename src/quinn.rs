//! quinn on Wirelane (feature `quinn`): a bound UDP socket as a
//! [`quinn::AsyncUdpSocket`], for
//! [`quinn::Endpoint::new_with_abstract_socket`].
//!
//! Receives go through one `recvmmsg(2)` straight into quinn's buffers
//! ([`RecvSlots`]), with GRO (`UDP_GRO`), the ECN codepoint and the
//! destination address per datagram; sends are one `sendmsg(2)` per
//! quinn transmit with its ECN mark, source address (pktinfo) and GSO
//! segment size ([`SendMeta`]). Path MTU discovery is set to `Probe` (and
//! `IPV6_DONTFRAG` on IPv6) so quinn's own PMTU probing sees no
//! fragmentation.
//!
//! ```no_run
//! # async fn run(server_config: quinn::ServerConfig) -> std::io::Result<()> {
//! use wirelane::{Datagram, Ipv4, RawSocket, SocketAddrV4};
//! let bound = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(4433))?;
//! let socket = wirelane::quinn::socket(bound)?;
//! let endpoint = quinn::Endpoint::new_with_abstract_socket(
//!     quinn::EndpointConfig::default(),
//!     Some(server_config),
//!     socket,
//!     std::sync::Arc::new(quinn::TokioRuntime),
//! )?;
//! # drop(endpoint); Ok(()) }
//! ```

use std::fmt;
use std::future::Future;
use std::io::{self, IoSliceMut};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};

use quinn::udp::{EcnCodepoint, RecvMeta as QuinnRecvMeta, Transmit};
use quinn::{AsyncUdpSocket, UdpPoller};
use tokio::io::Interest;

use crate::batch::{MAX_UDP_SEGMENTS, set_udp_gro, set_udp_segment};
use crate::domain::Inet;
use crate::meta::{Ecn, PmtuDiscover, RecvSlots, SendMeta};
use crate::tokio::Async;
use crate::{BoundDatagram, Ipv4, Ipv6, MsgFlags, SocketAddrV4, SocketAddrV6};

/// How many datagrams one `poll_recv` takes at most (quinn offers
/// `BATCH_SIZE` buffers; extra ones are left for the next call).
const RECV_SLOTS: usize = 32;

/// The families quinn can run on: [`Ipv4`] and [`Ipv6`]. Converts
/// quinn's `std::net::SocketAddr` to the socket's own address type.
pub trait QuinnDomain: Inet {
    /// `addr` as this family's address (IPv4 as IPv4-mapped on IPv6;
    /// IPv6 on an IPv4 socket is an `InvalidInput` error naming it).
    fn from_std(addr: SocketAddr) -> io::Result<Self::Addr>;
    /// This family's address as `std`.
    fn to_std(addr: &Self::Addr) -> SocketAddr;
}

impl QuinnDomain for Ipv4 {
    fn from_std(addr: SocketAddr) -> io::Result<SocketAddrV4> {
        match addr {
            SocketAddr::V4(a) => Ok(a.into()),
            SocketAddr::V6(a) => match a.ip().to_ipv4_mapped() {
                Some(ip) => Ok(SocketAddrV4::new(ip, a.port())),
                None => Err(crate::error::invalid_input(
                    libc::EAFNOSUPPORT,
                    format!("cannot send to {addr} from an IPv4 socket"),
                )),
            },
        }
    }

    fn to_std(addr: &SocketAddrV4) -> SocketAddr {
        (*addr).into()
    }
}

impl QuinnDomain for Ipv6 {
    fn from_std(addr: SocketAddr) -> io::Result<SocketAddrV6> {
        Ok(match addr {
            SocketAddr::V6(a) => a.into(),
            SocketAddr::V4(a) => SocketAddrV6::new(a.ip().to_ipv6_mapped(), a.port(), 0, 0),
        })
    }

    fn to_std(addr: &SocketAddrV6) -> SocketAddr {
        (*addr).into()
    }
}

/// Makes `bound` a quinn socket: non-blocking on the current tokio
/// runtime, GRO, ECN and destination-address reception on, path MTU
/// discovery `Probe`. Call it inside a tokio runtime.
pub fn socket<D: QuinnDomain>(bound: BoundDatagram<D>) -> io::Result<Arc<dyn AsyncUdpSocket>> {
    bound.set_recv_ecn(true)?;
    bound.set_recv_pktinfo(true)?;
    let gro = set_udp_gro(&bound, true).is_ok();
    // GSO is usable when the kernel knows UDP_SEGMENT (4.18+); 0 keeps
    // the per-socket default off, each send names its own size.
    let gso = set_udp_segment(&bound, None).is_ok();
    let mut may_fragment = bound.set_mtu_discover(PmtuDiscover::Probe).is_err();
    if D::FAMILY == libc::AF_INET6 {
        may_fragment |= bound.set_ipv6_dontfrag(true).is_err();
    }
    Ok(Arc::new(WirelaneUdp {
        slots: Mutex::new(RecvSlots::new(RECV_SLOTS)?),
        io: Async::new(bound)?,
        gso_segments: AtomicUsize::new(if gso { MAX_UDP_SEGMENTS } else { 1 }),
        gro_segments: if gro { MAX_UDP_SEGMENTS } else { 1 },
        may_fragment,
    }))
}

/// The [`AsyncUdpSocket`] over an `Async<BoundDatagram<D>>`.
struct WirelaneUdp<D: QuinnDomain> {
    io: Async<BoundDatagram<D>>,
    /// Receive-side storage, reused by every `poll_recv` (one receiver
    /// at a time in quinn, so the lock is uncontended).
    slots: Mutex<RecvSlots<D>>,
    /// Becomes 1 when the kernel refuses a GSO send (`EIO`/`EINVAL`).
    gso_segments: AtomicUsize,
    gro_segments: usize,
    may_fragment: bool,
}

impl<D: QuinnDomain> fmt::Debug for WirelaneUdp<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("wirelane::quinn::socket")
            .field("io", &self.io)
            .field("gso_segments", &self.gso_segments.load(Ordering::Relaxed))
            .field("gro_segments", &self.gro_segments)
            .finish()
    }
}

fn ecn_of(e: EcnCodepoint) -> Ecn {
    Ecn::from_tos(e as u8)
}

impl<D: QuinnDomain> AsyncUdpSocket for WirelaneUdp<D> {
    fn create_io_poller(self: Arc<Self>) -> Pin<Box<dyn UdpPoller>> {
        Box::pin(Poller {
            socket: self,
            fut: None,
        })
    }

    fn try_send(&self, transmit: &Transmit<'_>) -> io::Result<()> {
        let to = D::from_std(transmit.destination)?;
        let meta = SendMeta {
            ecn: transmit.ecn.map(ecn_of),
            src_ip: transmit.src_ip,
            segment_size: transmit.segment_size.and_then(|s| u16::try_from(s).ok()),
            ..SendMeta::default()
        };
        let io = self.io.io()?;
        let sent = io.try_io(Interest::WRITABLE, |_| {
            self.io.get_ref().send_with_meta(transmit.contents, &to, &meta)
        });
        match sent {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Err(e),
            Err(e) => {
                // As quinn-udp does: a driver without GSO answers EIO or
                // EINVAL; stop offering segmentation. Any other send error
                // drops this datagram (QUIC's loss recovery resends); an
                // error here would tear the endpoint down.
                if matches!(e.raw_os_error(), Some(libc::EIO | libc::EINVAL)) && meta.segment_size.is_some() {
                    self.gso_segments.store(1, Ordering::Relaxed);
                }
                Ok(())
            }
        }
    }

    fn poll_recv(
        &self,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
        meta: &mut [QuinnRecvMeta],
    ) -> Poll<io::Result<usize>> {
        let io = self.io.io()?;
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let n = bufs.len().min(meta.len());
        loop {
            let mut guard = ready!(io.poll_read_ready(cx))?;
            let got = match guard.try_io(|_| self.io.get_ref().recv_slots(&mut slots, &mut bufs[..n], MsgFlags::NONE)) {
                Ok(r) => r?,
                Err(_would_block) => continue,
            };
            for (i, out) in meta.iter_mut().enumerate().take(got) {
                let len = slots.len_of(i)?;
                let m = slots.meta(i)?;
                *out = QuinnRecvMeta {
                    addr: D::to_std(&slots.source(i)?),
                    len,
                    stride: m.gro_segment.map_or(len, usize::from),
                    ecn: m.ecn.and_then(|e| EcnCodepoint::from_bits(e.bits())),
                    dst_ip: m.dst_ip,
                };
            }
            return Poll::Ready(Ok(got));
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(D::to_std(&self.io.get_ref().local_addr()?))
    }

    fn max_transmit_segments(&self) -> usize {
        self.gso_segments.load(Ordering::Relaxed)
    }

    fn max_receive_segments(&self) -> usize {
        self.gro_segments
    }

    fn may_fragment(&self) -> bool {
        self.may_fragment
    }
}

type WritableFuture = Pin<Box<dyn Future<Output = io::Result<()>> + Send + Sync>>;

/// One task's wait for writability: each poller owns its own future (and
/// so its own waker), as [`UdpPoller`] requires.
struct Poller<D: QuinnDomain> {
    socket: Arc<WirelaneUdp<D>>,
    fut: Option<WritableFuture>,
}

impl<D: QuinnDomain> fmt::Debug for Poller<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("wirelane::quinn::Poller").finish_non_exhaustive()
    }
}

impl<D: QuinnDomain> UdpPoller for Poller<D> {
    fn poll_writable(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let fut = this.fut.get_or_insert_with(|| {
            let socket = this.socket.clone();
            Box::pin(async move {
                // Readiness is left set: `try_send` clears it on WouldBlock.
                let _ready = socket.io.io()?.writable().await?;
                Ok(())
            })
        });
        let r = ready!(fut.as_mut().poll(cx));
        this.fut = None;
        Poll::Ready(r)
    }
}
