//! Per-message metadata inside the batches (`wirelane::batch` with
//! `wirelane::meta`): `wl_send_batch_push_meta` gives one queued datagram
//! its own ECN mark, source address / interface, TTL and GSO segment size
//! (`SendBatch::push_with_meta`); `wl_recv_batch_meta` decodes one
//! received slot's own control data (`RecvMsg::meta`), and
//! `wl_recv_batch_control` hands out those raw bytes for `wl_cmsg_next`.
//! Every slot has its own control space, so slots never mix metadata;
//! nothing here allocates. IPv4/IPv6 batches only.

use std::ffi::{c_int, c_void};

use super::addr::wl_addr;
use super::any::{ByDomain, each_ip};
use super::batch::{wl_recv_batch, wl_send_batch};
use super::boundary::ffi_fn;
use super::handle::{borrow, borrow_mut, out_ptr};
use super::udp_meta::{inet_only, recv_out, send_meta_arg, wl_udp_recv_meta, wl_udp_send_meta};
use wirelane_core::ffi_support::{AddrCodec, invalid_input};
use wirelane_core::meta::RecvMeta;

/// Queues a datagram of `len` bytes of `buf` for `*to` with its own
/// metadata `*meta`; `to` may be NULL (the datagram goes to a connected
/// socket's peer), and `meta` may be NULL (no metadata). The metadata is
/// encoded now into this message's own control space:
/// `SendBatch::push_with_meta` / `push_connected_with_meta`. Send it with
/// `wl_dgram_send_batch` / `wl_dgram_conn_send_batch`. Never allocates.
///
/// Ownership: the batch borrows `buf` as `wl_send_batch_push` does.
/// Returns 0, or `-ENOBUFS` (batch full), `-EINVAL` (NULL batch, NULL
/// `buf` with `len > 0`, bad metadata: unknown bits, ECN above 3, a GSO
/// segment of 0, a source of the wrong family), `-EAFNOSUPPORT` (a Unix
/// batch, an address of another family); on error nothing is queued.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_send_batch_push_meta(
    batch: *mut wl_send_batch,
    buf: *const c_void,
    len: usize,
    to: *const wl_addr,
    meta: *const wl_udp_send_meta,
) -> c_int {
    ffi_fn!("wl_send_batch_push_meta", {
        let payload: &'static [u8] = if len == 0 {
            &[]
        } else if buf.is_null() {
            return Err(invalid_input(
                libc::EINVAL,
                "the buffer `buf` is NULL but its length is not 0",
            ));
        } else {
            // SAFETY: `buf` holds `len` bytes and stays valid while queued
            // (the documented contract of this call).
            unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), len) }
        };
        // SAFETY: `meta` is NULL or points to a wl_udp_send_meta.
        let m = unsafe { send_meta_arg(meta) }?;
        // SAFETY: `to` is NULL or a valid wl_addr (caller contract).
        let to = unsafe { to.as_ref() }.copied();
        // SAFETY: `batch` NULL or a live batch used by this thread only.
        match unsafe { borrow_mut(batch) }? {
            ByDomain::V4(b) => match to {
                Some(a) => b.push_with_meta(payload, &a.to_typed()?, &m),
                None => b.push_connected_with_meta(payload, &m),
            },
            ByDomain::V6(b) => match to {
                Some(a) => b.push_with_meta(payload, &a.to_typed()?, &m),
                None => b.push_connected_with_meta(payload, &m),
            },
            ByDomain::Unix(_) => return Err(inet_only()),
        }?;
        Ok(0)
    })
}

/// Decodes the metadata of message `index` (below `wl_recv_batch_len`) of
/// the last receive into `batch` from that slot's own control data into
/// `*out` (`RecvMsg::meta`): `len` is the bytes the slot holds, `source`
/// the sender, a cut control buffer `WL_META_CTRUNC`. Enable the kinds
/// with `wl_dgram_set_recv_meta` first.
///
/// Returns 0, or `-EINVAL` (index out of range, NULL, malformed control
/// data), `-EAFNOSUPPORT` (a Unix batch); `*out` is written only on
/// success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_batch_meta(
    batch: *const wl_recv_batch,
    index: usize,
    out: *mut wl_udp_recv_meta,
) -> c_int {
    ffi_fn!("wl_recv_batch_meta", {
        let out = out_ptr(out, "out")?;
        macro_rules! describe {
            ($b:expr) => {{
                let m = $b
                    .get(index)
                    .ok_or_else(|| invalid_input(libc::EINVAL, format!("message {index} was not received")))?;
                recv_out(
                    m.data().len(),
                    wl_addr::from_raw(&m.source()?.to_raw()),
                    &RecvMeta::from_control(m.control_bytes(), m.flags())?,
                )
            }};
        }
        // SAFETY: NULL or a live batch.
        let r = each_ip!(unsafe { borrow(batch) }?, inet_only(), b => describe!(b));
        // SAFETY: checked non-NULL.
        unsafe { out.write(r) };
        Ok(0)
    })
}

/// Points `*control` at the raw control bytes of message `index` of the
/// last receive into `batch` and writes their length (`msg_controllen`)
/// to `*control_len`, for `wl_cmsg_first` / `wl_cmsg_next`. The bytes live
/// in the batch: valid until the next receive into it or its free. A cut
/// control buffer shows as `MSG_CTRUNC` in `wl_recv_batch_get`'s `flags`.
///
/// Returns 0, or `-EINVAL` (index out of range, NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_batch_control(
    batch: *const wl_recv_batch,
    index: usize,
    control: *mut *const u8,
    control_len: *mut usize,
) -> c_int {
    ffi_fn!("wl_recv_batch_control", {
        let control = out_ptr(control, "control")?;
        let control_len = out_ptr(control_len, "control_len")?;
        // SAFETY: NULL or a live batch.
        let bytes = super::any::each!(unsafe { borrow(batch) }?, b => b
            .get(index)
            .ok_or_else(|| invalid_input(libc::EINVAL, format!("message {index} was not received")))?
            .control_bytes());
        // SAFETY: both checked non-NULL.
        unsafe {
            control.write(bytes.as_ptr());
            control_len.write(bytes.len());
        }
        Ok(0)
    })
}
