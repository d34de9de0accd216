//! The typed extended error of a generic error-queue receive: after
//! `wl_dgram_recv_cmsg(..., MSG_ERRQUEUE, ...)` the control bytes hold the
//! kernel's `IP_RECVERR` / `IPV6_RECVERR` message (`sock_extended_err`
//! followed by the offender's address); `wl_cmsg_recv_error` decodes it
//! into the same `wl_udp_queued_error` that `wl_dgram_recv_error` fills,
//! with the parser of `wirelane::cmsg::ControlMessages` (bounded, checked,
//! no allocation on success).

use std::ffi::{c_int, c_void};

use super::boundary::ffi_fn;
use super::cmsg::wl_cmsg_recv;
use super::handle::{bytes, in_ref, out_ptr};
use super::udp_meta::{ip_addr, unspec, wl_udp_queued_error};
use wirelane_core::cmsg::{ControlMessages, ParsedMessage};
use wirelane_core::ffi_support::invalid_input;

/// Decodes the queued error (`IP_RECVERR` / `IPV6_RECVERR` data: errno,
/// origin, ICMP type and code, info, data, the offender's address) from
/// the `msg->control_len` control bytes at `control` that
/// `wl_dgram_recv_cmsg` / `wl_dgram_conn_recv_cmsg` filled when called
/// with `MSG_ERRQUEUE` (after `wl_dgram_set_recv_meta(sock,
/// WL_META_ERRORS, true)`), into `*out`: `out->len` is `msg->len` (the
/// offending payload's bytes) and `out->destination` is `msg->source`
/// (where the offending datagram was going). The first extended error in
/// the buffer is decoded; other messages are skipped. `control` may be
/// NULL when `msg->control_len` is 0.
///
/// Returns 0, or `-ENOMSG` (the control bytes hold no extended error: a
/// receive without `MSG_ERRQUEUE`), `-ENOBUFS` (none arrived whole
/// because the control buffer was too small, `msg->control_truncated`:
/// offer `WL_UDP_RECV_CONTROL_SPACE` bytes), `-EINVAL` (NULL `msg` or
/// `out`, NULL `control` with `msg->control_len > 0`, malformed control
/// data); `*out` is written only on success. No allocation on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_cmsg_recv_error(
    msg: *const wl_cmsg_recv,
    control: *const c_void,
    out: *mut wl_udp_queued_error,
) -> c_int {
    ffi_fn!("wl_cmsg_recv_error", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `msg` valid; `control` holds `msg->control_len` bytes.
        let (msg, buf) = unsafe {
            let msg = *in_ref(msg, "msg")?;
            (msg, bytes(control.cast(), msg.control_len, "control")?)
        };
        let mut found = None;
        for parsed in ControlMessages::new(buf) {
            match parsed {
                Ok(ParsedMessage::ExtendedError(e)) => {
                    found = Some(e);
                    break;
                }
                Ok(_) => {}
                // The kernel cut the last message short: what came whole
                // was walked; the cut is reported below.
                Err(_) if msg.control_truncated => break,
                Err(e) => return Err(invalid_input(libc::EINVAL, e.to_string())),
            }
        }
        let Some(e) = found else {
            if msg.control_truncated {
                return Err(invalid_input(
                    libc::ENOBUFS,
                    "control data truncated (MSG_CTRUNC) before the extended error: offer at least \
                     WL_UDP_RECV_CONTROL_SPACE bytes of control buffer",
                ));
            }
            return Err(invalid_input(
                libc::ENOMSG,
                "no IP_RECVERR/IPV6_RECVERR message in the control data (receive with MSG_ERRQUEUE)",
            ));
        };
        let r = wl_udp_queued_error {
            len: msg.len,
            error: e.errno,
            origin: e.origin.to_raw(),
            icmp_type: e.icmp_type,
            icmp_code: e.icmp_code,
            info: e.info,
            data: e.data,
            offender: e.offender.map_or_else(unspec, |a| ip_addr(a.ip())),
            destination: msg.source,
        };
        // SAFETY: checked non-NULL.
        unsafe { out.write(r) };
        Ok(0)
    })
}
