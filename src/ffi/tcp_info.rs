//! `wl_tcp_info`: the C form of `wirelane::TcpInfo` (`TCP_INFO`).

use std::ffi::c_int;
use std::time::Duration;

use super::boundary::ffi_fn;
use super::handle::out_ptr;
use super::options::fd_arg;
use wirelane_core::options::{TcpInfo, TcpState};

/// A snapshot of a TCP socket's state and statistics (`TCP_INFO`, see
/// `tcp(7)`), filled by `wl_get_tcp_info`: the fields of `wirelane::TcpInfo`,
/// with durations in microseconds (`*_us`) and the state as the kernel's
/// number.
///
/// On a listening socket `unacked` is the number of connections waiting
/// in the accept queue and `sacked` the queue's limit. Fields an older
/// kernel does not report are zero; `reported_len` says how many bytes of
/// `struct tcp_info` the kernel filled.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_tcp_info {
    /// The connection state. The kernel's number: `TCP_ESTABLISHED` = 1 ... `TCP_LISTEN` = 10 (see
    /// `netinet/tcp.h`).
    pub state: u8,
    /// Congestion-avoidance state: 0 open, 1 disorder, 2 CWR, 3 recovery, 4 loss.
    pub ca_state: u8,
    /// Consecutive retransmissions of the segment at the head of the queue.
    pub retransmits: u8,
    /// Unanswered zero-window or keepalive probes.
    pub probes: u8,
    /// Exponential backoff of the retransmission timer.
    pub backoff: u8,
    /// Negotiated options, bits `TCPI_OPT_*`: 1 timestamps, 2 SACK, 4 window scaling, 8 ECN, 16 ECN
    /// seen, 32 data in SYN, 64 µs timestamps.
    pub options: u8,
    /// Our window-scale shift.
    pub snd_wscale: u8,
    /// The peer's window-scale shift.
    pub rcv_wscale: u8,
    /// Whether the last delivery-rate sample was application limited (4.9+).
    pub delivery_rate_app_limited: bool,
    /// Why client Fast Open fell back, 0 if it did not (5.5+).
    pub fastopen_client_fail: u8,
    /// Retransmission timeout. In microseconds.
    pub rto_us: u64,
    /// Delayed-ACK timeout. In microseconds.
    pub ato_us: u64,
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
    /// Time since data was last sent. In microseconds.
    pub last_data_sent_us: u64,
    /// Time since data was last received. In microseconds.
    pub last_data_recv_us: u64,
    /// Time since an ACK was last received. In microseconds.
    pub last_ack_recv_us: u64,
    /// Path MTU.
    pub pmtu: u32,
    /// Receive slow-start threshold.
    pub rcv_ssthresh: u32,
    /// Smoothed round-trip time. In microseconds.
    pub rtt_us: u64,
    /// Round-trip time variation. In microseconds.
    pub rttvar_us: u64,
    /// Send slow-start threshold, in segments (a huge value: not yet set).
    pub snd_ssthresh: u32,
    /// Congestion window, in segments.
    pub cwnd: u32,
    /// Advertised maximum segment size.
    pub advmss: u32,
    /// Reordering tolerance, in segments.
    pub reordering: u32,
    /// Receiver-side round-trip estimate. In microseconds.
    pub rcv_rtt_us: u64,
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
    /// Minimum round-trip time seen; `u32::MAX` µs before the first sample (4.6+). In microseconds.
    pub min_rtt_us: u64,
    /// Segments received carrying data (4.6+).
    pub data_segs_in: u32,
    /// Segments sent carrying data (4.6+).
    pub data_segs_out: u32,
    /// Most recent delivery-rate estimate (4.9+).
    pub delivery_rate: u64,
    /// Time spent with data in flight (4.10+). In microseconds.
    pub busy_time_us: u64,
    /// Time limited by the peer's receive window (4.10+). In microseconds.
    pub rwnd_limited_us: u64,
    /// Time limited by our send buffer (4.10+). In microseconds.
    pub sndbuf_limited_us: u64,
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
    /// Time spent in RTO recoveries (6.7+). In microseconds.
    pub total_rto_time_us: u64,
    /// How many bytes of `struct tcp_info` the kernel filled; fields past this point are zero.
    pub reported_len: usize,
}

/// Microseconds of a duration, saturating.
fn us(d: Duration) -> u64 {
    d.as_micros().min(u128::from(u64::MAX)) as u64
}

/// The kernel's number for a state (`include/net/tcp_states.h`).
fn state_number(s: TcpState) -> u8 {
    match s {
        TcpState::Established => 1,
        TcpState::SynSent => 2,
        TcpState::SynRecv => 3,
        TcpState::FinWait1 => 4,
        TcpState::FinWait2 => 5,
        TcpState::TimeWait => 6,
        TcpState::Close => 7,
        TcpState::CloseWait => 8,
        TcpState::LastAck => 9,
        TcpState::Listen => 10,
        TcpState::Closing => 11,
        TcpState::NewSynRecv => 12,
        TcpState::BoundInactive => 13,
        TcpState::Unknown(n) => n,
        // `TcpState` is `#[non_exhaustive]` across the crate boundary; every
        // state the core knows is listed above, so this arm is never taken.
        _ => 0,
    }
}

impl From<TcpInfo> for wl_tcp_info {
    fn from(i: TcpInfo) -> Self {
        Self {
            state: state_number(i.state),
            ca_state: i.ca_state,
            retransmits: i.retransmits,
            probes: i.probes,
            backoff: i.backoff,
            options: i.options,
            snd_wscale: i.snd_wscale,
            rcv_wscale: i.rcv_wscale,
            delivery_rate_app_limited: i.delivery_rate_app_limited,
            fastopen_client_fail: i.fastopen_client_fail,
            rto_us: us(i.rto),
            ato_us: us(i.ato),
            snd_mss: i.snd_mss,
            rcv_mss: i.rcv_mss,
            unacked: i.unacked,
            sacked: i.sacked,
            lost: i.lost,
            retrans: i.retrans,
            last_data_sent_us: us(i.last_data_sent),
            last_data_recv_us: us(i.last_data_recv),
            last_ack_recv_us: us(i.last_ack_recv),
            pmtu: i.pmtu,
            rcv_ssthresh: i.rcv_ssthresh,
            rtt_us: us(i.rtt),
            rttvar_us: us(i.rttvar),
            snd_ssthresh: i.snd_ssthresh,
            cwnd: i.cwnd,
            advmss: i.advmss,
            reordering: i.reordering,
            rcv_rtt_us: us(i.rcv_rtt),
            rcv_space: i.rcv_space,
            total_retrans: i.total_retrans,
            pacing_rate: i.pacing_rate,
            max_pacing_rate: i.max_pacing_rate,
            bytes_acked: i.bytes_acked,
            bytes_received: i.bytes_received,
            segs_out: i.segs_out,
            segs_in: i.segs_in,
            notsent_bytes: i.notsent_bytes,
            min_rtt_us: us(i.min_rtt),
            data_segs_in: i.data_segs_in,
            data_segs_out: i.data_segs_out,
            delivery_rate: i.delivery_rate,
            busy_time_us: us(i.busy_time),
            rwnd_limited_us: us(i.rwnd_limited),
            sndbuf_limited_us: us(i.sndbuf_limited),
            delivered: i.delivered,
            delivered_ce: i.delivered_ce,
            bytes_sent: i.bytes_sent,
            bytes_retrans: i.bytes_retrans,
            dsack_dups: i.dsack_dups,
            reord_seen: i.reord_seen,
            rcv_ooopack: i.rcv_ooopack,
            snd_wnd: i.snd_wnd,
            rcv_wnd: i.rcv_wnd,
            rehash: i.rehash,
            total_rto: i.total_rto,
            total_rto_recoveries: i.total_rto_recoveries,
            total_rto_time_us: us(i.total_rto_time),
            reported_len: i.reported_len,
        }
    }
}

/// Reads the kernel's statistics for a TCP socket (`TCP_INFO`, see
/// `tcp(7)`) into `*out`: `wirelane::tcp_info` (named `get` in C because
/// `wl_tcp_info` is the struct). State, round-trip
/// estimates, congestion window, retransmissions, byte counters.
///
/// `fd` is any TCP socket descriptor (e.g. `wl_conn_fd`, `wl_listener_fd`).
/// Returns 0, or `-EOPNOTSUPP` on a non-TCP socket, `-EINVAL` for a NULL
/// `out`, or `-errno`; `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_get_tcp_info(fd: c_int, out: *mut wl_tcp_info) -> c_int {
    ffi_fn!("wl_get_tcp_info", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let info = wirelane_core::options::tcp_info(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(wl_tcp_info::from(info)) };
        Ok(0)
    })
}
