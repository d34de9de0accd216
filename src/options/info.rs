//! `TCP_INFO` (see `tcp(7)`): the kernel's live statistics for one TCP
//! socket, as a typed [`TcpInfo`].
//!
//! The kernel's `struct tcp_info` (`<linux/tcp.h>`) has grown over the
//! years; glibc's copy (`libc::tcp_info`) stops at `tcpi_total_retrans`
//! (Linux 2.6), so byte counters such as `tcpi_bytes_acked` are missing
//! from it. [`RawTcpInfo`] mirrors the kernel's layout up to
//! `tcpi_total_rto_time` (Linux 6.7), and compile-time checks pin its first
//! part to `libc::tcp_info`'s offsets. The kernel copies
//! `min(our size, its size)` bytes, so both an older kernel (shorter
//! answer) and a newer one (longer struct) work: what an older kernel does
//! not fill stays zero.

use std::io;
use std::mem::{offset_of, size_of};
use std::os::fd::AsFd;
use std::time::Duration;

use crate::sys;

/// The kernel's `struct tcp_info` as of Linux 6.7, field for field (two
/// bitfield bytes kept as raw bytes). Every field is an integer, so every
/// bit pattern is valid, as `sys::getsockopt_raw` requires.
#[repr(C)]
#[derive(Clone, Copy)]
struct RawTcpInfo {
    tcpi_state: u8,
    tcpi_ca_state: u8,
    tcpi_retransmits: u8,
    tcpi_probes: u8,
    tcpi_backoff: u8,
    tcpi_options: u8,
    /// `tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4`.
    tcpi_wscale_bits: u8,
    /// `tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2`.
    tcpi_flag_bits: u8,
    tcpi_rto: u32,
    tcpi_ato: u32,
    tcpi_snd_mss: u32,
    tcpi_rcv_mss: u32,
    tcpi_unacked: u32,
    tcpi_sacked: u32,
    tcpi_lost: u32,
    tcpi_retrans: u32,
    tcpi_fackets: u32,
    tcpi_last_data_sent: u32,
    tcpi_last_ack_sent: u32,
    tcpi_last_data_recv: u32,
    tcpi_last_ack_recv: u32,
    tcpi_pmtu: u32,
    tcpi_rcv_ssthresh: u32,
    tcpi_rtt: u32,
    tcpi_rttvar: u32,
    tcpi_snd_ssthresh: u32,
    tcpi_snd_cwnd: u32,
    tcpi_advmss: u32,
    tcpi_reordering: u32,
    tcpi_rcv_rtt: u32,
    tcpi_rcv_space: u32,
    tcpi_total_retrans: u32,
    tcpi_pacing_rate: u64,
    tcpi_max_pacing_rate: u64,
    tcpi_bytes_acked: u64,
    tcpi_bytes_received: u64,
    tcpi_segs_out: u32,
    tcpi_segs_in: u32,
    tcpi_notsent_bytes: u32,
    tcpi_min_rtt: u32,
    tcpi_data_segs_in: u32,
    tcpi_data_segs_out: u32,
    tcpi_delivery_rate: u64,
    tcpi_busy_time: u64,
    tcpi_rwnd_limited: u64,
    tcpi_sndbuf_limited: u64,
    tcpi_delivered: u32,
    tcpi_delivered_ce: u32,
    tcpi_bytes_sent: u64,
    tcpi_bytes_retrans: u64,
    tcpi_dsack_dups: u32,
    tcpi_reord_seen: u32,
    tcpi_rcv_ooopack: u32,
    tcpi_snd_wnd: u32,
    tcpi_rcv_wnd: u32,
    tcpi_rehash: u32,
    tcpi_total_rto: u16,
    tcpi_total_rto_recoveries: u16,
    tcpi_total_rto_time: u32,
}

// The layout must match the kernel's: the shared prefix is pinned to libc's
// definition, the rest to the offsets in <linux/tcp.h>.
const _: () = {
    assert!(offset_of!(RawTcpInfo, tcpi_rto) == offset_of!(libc::tcp_info, tcpi_rto));
    assert!(offset_of!(RawTcpInfo, tcpi_rtt) == offset_of!(libc::tcp_info, tcpi_rtt));
    assert!(offset_of!(RawTcpInfo, tcpi_total_retrans) == offset_of!(libc::tcp_info, tcpi_total_retrans));
    assert!(offset_of!(RawTcpInfo, tcpi_pacing_rate) == 104);
    assert!(offset_of!(RawTcpInfo, tcpi_bytes_acked) == 120);
    assert!(offset_of!(RawTcpInfo, tcpi_delivery_rate) == 160);
    assert!(offset_of!(RawTcpInfo, tcpi_bytes_sent) == 200);
    assert!(offset_of!(RawTcpInfo, tcpi_snd_wnd) == 228);
    assert!(offset_of!(RawTcpInfo, tcpi_total_rto) == 240);
    assert!(size_of::<RawTcpInfo>() == 248);
};

/// A TCP connection state, as in `tcpi_state` (`TCP_ESTABLISHED`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TcpState {
    /// Connected: data flows both ways.
    Established,
    /// Client sent `SYN`, waiting for `SYN-ACK`.
    SynSent,
    /// Server got `SYN`, sent `SYN-ACK`, waiting for the final `ACK`.
    SynRecv,
    /// We closed first; our `FIN` is not yet acknowledged.
    FinWait1,
    /// We closed first; our `FIN` is acknowledged, waiting for the peer's.
    FinWait2,
    /// Both sides closed; waiting out stray segments (2 MSL).
    TimeWait,
    /// Not connected (a fresh or fully closed socket).
    Close,
    /// The peer closed; we may still send.
    CloseWait,
    /// The peer closed, then we did; waiting for the last `ACK`.
    LastAck,
    /// Listening for connections.
    Listen,
    /// Both sides closed at once; waiting for the `ACK` of our `FIN`.
    Closing,
    /// A request socket for a connection still in its handshake.
    NewSynRecv,
    /// Bound but inactive (Linux 6.9+).
    BoundInactive,
    /// A state this library does not know (a newer kernel).
    Unknown(u8),
}

impl TcpState {
    /// Decodes the kernel's state number (`include/net/tcp_states.h`).
    pub fn from_raw(state: u8) -> Self {
        match state {
            1 => Self::Established,
            2 => Self::SynSent,
            3 => Self::SynRecv,
            4 => Self::FinWait1,
            5 => Self::FinWait2,
            6 => Self::TimeWait,
            7 => Self::Close,
            8 => Self::CloseWait,
            9 => Self::LastAck,
            10 => Self::Listen,
            11 => Self::Closing,
            12 => Self::NewSynRecv,
            13 => Self::BoundInactive,
            other => Self::Unknown(other),
        }
    }
}

/// A snapshot of a TCP socket's state and statistics (`TCP_INFO`, see
/// `tcp(7)`), read with [`tcp_info`].
///
/// Durations are converted from the kernel's microseconds (`rtt`, `rto`,
/// ...) or milliseconds (`last_*`, `total_rto_time`). Counts of segments
/// are segments, `*_bytes`/`bytes_*` are bytes, rates are bytes per second.
///
/// On a listening socket two fields mean something else: `unacked` is the
/// number of connections waiting in the accept queue and `sacked` the
/// queue's limit (the `listen` backlog, capped at `net.core.somaxconn`);
/// most other fields are zero.
///
/// Fields marked "Linux x.y+" are filled only by kernels that have them;
/// on an older kernel the answer is shorter and those fields are **zero**.
/// [`reported_len`](Self::reported_len) says how many bytes the kernel
/// actually filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TcpInfo {
    /// The connection state.
    pub state: TcpState,
    /// Congestion-avoidance state: 0 open, 1 disorder, 2 CWR, 3 recovery, 4 loss.
    pub ca_state: u8,
    /// Consecutive retransmissions of the segment at the head of the queue.
    pub retransmits: u8,
    /// Unanswered zero-window or keepalive probes.
    pub probes: u8,
    /// Exponential backoff of the retransmission timer.
    pub backoff: u8,
    /// Negotiated options, bits `TCPI_OPT_*`: 1 timestamps, 2 SACK, 4 window
    /// scaling, 8 ECN, 16 ECN seen, 32 data in SYN, 64 µs timestamps.
    pub options: u8,
    /// Our window-scale shift.
    pub snd_wscale: u8,
    /// The peer's window-scale shift.
    pub rcv_wscale: u8,
    /// Whether the last delivery-rate sample was application limited (4.9+).
    pub delivery_rate_app_limited: bool,
    /// Why client Fast Open fell back, 0 if it did not (5.5+).
    pub fastopen_client_fail: u8,
    /// Retransmission timeout.
    pub rto: Duration,
    /// Delayed-ACK timeout.
    pub ato: Duration,
    /// Maximum segment size for sending.
    pub snd_mss: u32,
    /// Maximum segment size seen from the peer.
    pub rcv_mss: u32,
    /// Segments sent and not yet acknowledged.
    pub unacked: u32,
    /// Segments selectively acknowledged (SACK).
    pub sacked: u32,
    /// Segments considered lost.
    pub lost: u32,
    /// Segments retransmitted and not yet acknowledged.
    pub retrans: u32,
    /// Time since data was last sent.
    pub last_data_sent: Duration,
    /// Time since data was last received.
    pub last_data_recv: Duration,
    /// Time since an ACK was last received.
    pub last_ack_recv: Duration,
    /// Path MTU.
    pub pmtu: u32,
    /// Receive slow-start threshold.
    pub rcv_ssthresh: u32,
    /// Smoothed round-trip time.
    pub rtt: Duration,
    /// Round-trip time variation.
    pub rttvar: Duration,
    /// Send slow-start threshold, in segments (a huge value: not yet set).
    pub snd_ssthresh: u32,
    /// Congestion window, in segments.
    pub cwnd: u32,
    /// Advertised maximum segment size.
    pub advmss: u32,
    /// Reordering tolerance, in segments.
    pub reordering: u32,
    /// Receiver-side round-trip estimate.
    pub rcv_rtt: Duration,
    /// Receive buffer space the autotuner aims for.
    pub rcv_space: u32,
    /// Retransmitted segments over the connection's lifetime.
    pub total_retrans: u32,
    /// Current pacing rate (3.15+).
    pub pacing_rate: u64,
    /// Maximum pacing rate, `u64::MAX` when unlimited (3.15+).
    pub max_pacing_rate: u64,
    /// Bytes acknowledged by the peer (4.1+).
    pub bytes_acked: u64,
    /// Bytes received in order (4.1+).
    pub bytes_received: u64,
    /// Segments sent, retransmissions included (4.2+).
    pub segs_out: u32,
    /// Segments received (4.2+).
    pub segs_in: u32,
    /// Bytes queued but not yet sent (4.6+).
    pub notsent_bytes: u32,
    /// Minimum round-trip time seen; `u32::MAX` µs before the first sample (4.6+).
    pub min_rtt: Duration,
    /// Segments received carrying data (4.6+).
    pub data_segs_in: u32,
    /// Segments sent carrying data (4.6+).
    pub data_segs_out: u32,
    /// Most recent delivery-rate estimate (4.9+).
    pub delivery_rate: u64,
    /// Time spent with data in flight (4.10+).
    pub busy_time: Duration,
    /// Time limited by the peer's receive window (4.10+).
    pub rwnd_limited: Duration,
    /// Time limited by our send buffer (4.10+).
    pub sndbuf_limited: Duration,
    /// Segments delivered, as counted for rate sampling (4.18+).
    pub delivered: u32,
    /// Segments delivered with an ECN congestion mark (4.18+).
    pub delivered_ce: u32,
    /// Bytes sent, retransmissions included (4.19+).
    pub bytes_sent: u64,
    /// Bytes retransmitted (4.19+).
    pub bytes_retrans: u64,
    /// Duplicate segments reported by D-SACK (4.19+).
    pub dsack_dups: u32,
    /// Reordering events seen (4.19+).
    pub reord_seen: u32,
    /// Out-of-order packets received (5.4+).
    pub rcv_ooopack: u32,
    /// The peer's advertised window, in bytes (5.4+).
    pub snd_wnd: u32,
    /// Our advertised window, in bytes (6.2+).
    pub rcv_wnd: u32,
    /// Path rehash attempts (6.2+).
    pub rehash: u32,
    /// Retransmission timeouts, handshake included (6.7+).
    pub total_rto: u16,
    /// RTO recoveries (6.7+).
    pub total_rto_recoveries: u16,
    /// Time spent in RTO recoveries (6.7+).
    pub total_rto_time: Duration,
    /// How many bytes of `struct tcp_info` the kernel filled; fields past
    /// this point are zero.
    pub reported_len: usize,
}

fn micros(v: u32) -> Duration {
    Duration::from_micros(u64::from(v))
}

fn millis(v: u32) -> Duration {
    Duration::from_millis(u64::from(v))
}

/// Splits the two bitfield bytes; C packs the first-declared field into the
/// low bits on little-endian targets and the high bits on big-endian ones.
fn bitfields(wscale: u8, flags: u8) -> (u8, u8, bool, u8) {
    if cfg!(target_endian = "little") {
        (wscale & 0xf, wscale >> 4, flags & 1 != 0, (flags >> 1) & 3)
    } else {
        (wscale >> 4, wscale & 0xf, flags & 0x80 != 0, (flags >> 5) & 3)
    }
}

impl TcpInfo {
    fn from_raw(r: &RawTcpInfo, reported_len: usize) -> Self {
        let (snd_wscale, rcv_wscale, delivery_rate_app_limited, fastopen_client_fail) =
            bitfields(r.tcpi_wscale_bits, r.tcpi_flag_bits);
        Self {
            state: TcpState::from_raw(r.tcpi_state),
            ca_state: r.tcpi_ca_state,
            retransmits: r.tcpi_retransmits,
            probes: r.tcpi_probes,
            backoff: r.tcpi_backoff,
            options: r.tcpi_options,
            snd_wscale,
            rcv_wscale,
            delivery_rate_app_limited,
            fastopen_client_fail,
            rto: micros(r.tcpi_rto),
            ato: micros(r.tcpi_ato),
            snd_mss: r.tcpi_snd_mss,
            rcv_mss: r.tcpi_rcv_mss,
            unacked: r.tcpi_unacked,
            sacked: r.tcpi_sacked,
            lost: r.tcpi_lost,
            retrans: r.tcpi_retrans,
            last_data_sent: millis(r.tcpi_last_data_sent),
            last_data_recv: millis(r.tcpi_last_data_recv),
            last_ack_recv: millis(r.tcpi_last_ack_recv),
            pmtu: r.tcpi_pmtu,
            rcv_ssthresh: r.tcpi_rcv_ssthresh,
            rtt: micros(r.tcpi_rtt),
            rttvar: micros(r.tcpi_rttvar),
            snd_ssthresh: r.tcpi_snd_ssthresh,
            cwnd: r.tcpi_snd_cwnd,
            advmss: r.tcpi_advmss,
            reordering: r.tcpi_reordering,
            rcv_rtt: micros(r.tcpi_rcv_rtt),
            rcv_space: r.tcpi_rcv_space,
            total_retrans: r.tcpi_total_retrans,
            pacing_rate: r.tcpi_pacing_rate,
            max_pacing_rate: r.tcpi_max_pacing_rate,
            bytes_acked: r.tcpi_bytes_acked,
            bytes_received: r.tcpi_bytes_received,
            segs_out: r.tcpi_segs_out,
            segs_in: r.tcpi_segs_in,
            notsent_bytes: r.tcpi_notsent_bytes,
            min_rtt: micros(r.tcpi_min_rtt),
            data_segs_in: r.tcpi_data_segs_in,
            data_segs_out: r.tcpi_data_segs_out,
            delivery_rate: r.tcpi_delivery_rate,
            busy_time: Duration::from_micros(r.tcpi_busy_time),
            rwnd_limited: Duration::from_micros(r.tcpi_rwnd_limited),
            sndbuf_limited: Duration::from_micros(r.tcpi_sndbuf_limited),
            delivered: r.tcpi_delivered,
            delivered_ce: r.tcpi_delivered_ce,
            bytes_sent: r.tcpi_bytes_sent,
            bytes_retrans: r.tcpi_bytes_retrans,
            dsack_dups: r.tcpi_dsack_dups,
            reord_seen: r.tcpi_reord_seen,
            rcv_ooopack: r.tcpi_rcv_ooopack,
            snd_wnd: r.tcpi_snd_wnd,
            rcv_wnd: r.tcpi_rcv_wnd,
            rehash: r.tcpi_rehash,
            total_rto: r.tcpi_total_rto,
            total_rto_recoveries: r.tcpi_total_rto_recoveries,
            total_rto_time: millis(r.tcpi_total_rto_time),
            reported_len,
        }
    }
}

/// Reads the kernel's statistics for a TCP socket (`TCP_INFO`, see
/// `tcp(7)`): state, round-trip estimates, congestion window,
/// retransmissions, byte counters.
///
/// Works on any TCP socket, connected or not (a listener reports
/// [`TcpState::Listen`]). On a non-TCP socket the kernel answers
/// `EOPNOTSUPP`. Fields an older kernel does not report are zero; see
/// [`TcpInfo`].
///
/// ```
/// use wirelane::{tcp_info, Ipv4, RawSocket, SocketAddrV4, Stream, TcpState};
/// # fn main() -> std::io::Result<()> {
/// let listener = RawSocket::<Ipv4, Stream>::new()?.bind(SocketAddrV4::localhost(0))?.listen(1)?;
/// assert_eq!(tcp_info(&listener)?.state, TcpState::Listen);
/// let conn = RawSocket::<Ipv4, Stream>::new()?.connect(listener.local_addr()?)?;
/// assert_eq!(tcp_info(&conn)?.state, TcpState::Established);
/// # Ok(()) }
/// ```
pub fn tcp_info<S: AsFd + ?Sized>(socket: &S) -> io::Result<TcpInfo> {
    let (raw, len) = sys::getsockopt_raw::<RawTcpInfo>(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_INFO)?;
    Ok(TcpInfo::from_raw(&raw, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitfields_unpack_on_this_target() {
        // snd_wscale 7, rcv_wscale 9; app-limited, fastopen_client_fail 2.
        let (wscale, flags) = if cfg!(target_endian = "little") {
            (0x97, 0b101)
        } else {
            (0x79, 0b1100_0000)
        };
        assert_eq!(bitfields(wscale, flags), (7, 9, true, 2));
    }

    #[test]
    fn states_decode() {
        assert_eq!(TcpState::from_raw(1), TcpState::Established);
        assert_eq!(TcpState::from_raw(10), TcpState::Listen);
        assert_eq!(TcpState::from_raw(200), TcpState::Unknown(200));
    }
}
