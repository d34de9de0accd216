//! `recvmmsg(2)` straight into the caller's own buffers, with per-slot
//! sender and metadata (`wirelane::meta::RecvSlots`): the zero-copy batch
//! receive a QUIC stack wants (its packet buffers, the metadata beside
//! them). A `wl_recv_slots` holds only the per-datagram address, control
//! space and kernel header, allocated once; receiving allocates nothing.
//! Every slot has its own control space, so slots never mix metadata.
//! IPv4/IPv6 only.

use std::ffi::c_int;
use std::io::IoSliceMut;

use super::addr::wl_addr;
use super::any::{ByDomain, each_ip};
use super::boundary::ffi_fn;
use super::dgram::{wl_dgram, wl_dgram_conn};
use super::handle::{borrow, borrow_mut, give_out, impl_handle, out_ptr, take};
use super::peer::count;
use super::udp_meta::{inet_only, recv_out, wl_udp_recv_meta};
use wirelane_core::ffi_support::{AddrCodec, invalid_input};
use wirelane_core::meta::{RecvMeta, RecvSlots};
use wirelane_core::{Ipv4, Ipv6, MsgFlags, Unix};

type SlotsAny = ByDomain<RecvSlots<Ipv4>, RecvSlots<Ipv6>, RecvSlots<Unix>>;

/// Reusable per-datagram storage for `wl_dgram_recv_slots` (sender,
/// `WL_UDP_RECV_CONTROL_SPACE` bytes of control data and the kernel
/// header per slot), for one domain. Not thread-safe: one thread at a time.
#[cfg_attr(all(), repr(C))]
pub struct wl_recv_slots(super::handle::Tag, Option<SlotsAny>);
impl_handle!(wl_recv_slots, SlotsAny);

/// Creates storage for up to `count` datagrams per receive (1 to
/// `WL_MAX_BATCH`) for `domain` (`AF_INET` or `AF_INET6`):
/// `RecvSlots::new`. All its memory is allocated here.
///
/// Ownership: on success `*out` receives a new handle the caller frees
/// with `wl_recv_slots_free`. Returns 0, or `-EINVAL` (count out of range,
/// NULL `out`), `-EAFNOSUPPORT` (any other domain).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_slots_new(domain: c_int, count: usize, out: *mut *mut wl_recv_slots) -> c_int {
    ffi_fn!("wl_recv_slots_new", {
        let out = out_ptr(out, "out")?;
        let slots = match domain {
            libc::AF_INET => ByDomain::V4(RecvSlots::new(count)?),
            libc::AF_INET6 => ByDomain::V6(RecvSlots::new(count)?),
            _ => return Err(inet_only()),
        };
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, slots) }
    })
}

/// Frees receive slots. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_slots_free(slots: *mut wl_recv_slots) {
    ffi_fn!("wl_recv_slots_free", {
        // SAFETY: NULL or a live handle the caller gives up.
        drop(unsafe { take(slots) }?);
        Ok(())
    })
}

/// How many datagrams the last receive filled. Returns it or `-EINVAL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_slots_len(slots: *const wl_recv_slots) -> c_int {
    ffi_fn!("wl_recv_slots_len", {
        // SAFETY: NULL or a live handle.
        Ok(super::any::each!(unsafe { borrow(slots) }?, s => s.len()) as c_int)
    })
}

// The receive both `*_recv_slots` exports share inside their ffi_fn!:
// the socket and the slots must be of one internet domain.
macro_rules! recv_slots_body {
    ($s:ident, $slots:ident, $bufs:ident, $flags:ident) => {{
        let got = match ($s, $slots) {
            (ByDomain::V4(s), ByDomain::V4(slots)) => s.recv_slots(slots, $bufs, $flags)?,
            (ByDomain::V6(s), ByDomain::V6(slots)) => s.recv_slots(slots, $bufs, $flags)?,
            (ByDomain::Unix(_), _) => return Err(inet_only()),
            _ => return Err(mismatch()),
        };
        Ok(count(got) as c_int)
    }};
}

/// The `n` iovecs at `bufs` as the `IoSliceMut`s `recv_slots` takes.
///
/// # Safety
/// `bufs` is NULL (then `n` is 0) or points to `n` iovecs, each naming
/// writable memory, not used elsewhere during the call.
unsafe fn io_slices<'a>(bufs: *mut libc::iovec, n: usize) -> std::io::Result<&'a mut [IoSliceMut<'a>]> {
    if n == 0 {
        return Err(invalid_input(libc::EINVAL, "no receive buffers given (n is 0)"));
    }
    if bufs.is_null() {
        return Err(invalid_input(
            libc::EINVAL,
            format!("the array `bufs` is NULL but n is {n}"),
        ));
    }
    // SAFETY: `IoSliceMut` is guaranteed ABI-compatible with `iovec` on
    // Unix; the caller provides `n` of them (see above).
    Ok(unsafe { std::slice::from_raw_parts_mut(bufs.cast::<IoSliceMut<'a>>(), n) })
}

/// Receives up to `min(n, capacity)` datagrams in one `recvmmsg(2)`,
/// datagram `i` into the caller's buffer `bufs[i]` and its sender and
/// metadata into slot `i` (`BoundDatagram::recv_slots`). `flags` as for
/// `wl_dgram_recv_batch` (`WL_MSG_WAITFORONE`, `MSG_DONTWAIT`). The array
/// is only read; the buffers it names receive the data.
///
/// Returns how many arrived (read them with `wl_recv_slots_meta`), or
/// `-EAGAIN`, `-EINVAL` (NULL, `n` 0), `-EAFNOSUPPORT` (slots of another
/// domain, Unix), `-errno`. No allocation.
///
/// `-EAGAIN`: not even one datagram arrived (non-blocking socket,
/// `MSG_DONTWAIT`, or the read timeout); nothing was consumed and the slots
/// hold no messages; retry when `wl_wait` (or your event loop) reports
/// `WL_READABLE`. Once one datagram has arrived, running out of them returns
/// the count instead. After a shutdown for receiving a blocking call returns
/// `-ESHUTDOWN` (the slots keep the datagrams that came before it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_recv_slots(
    sock: *const wl_dgram,
    slots: *mut wl_recv_slots,
    bufs: *mut libc::iovec,
    n: usize,
    flags: c_int,
) -> c_int {
    ffi_fn!("wl_dgram_recv_slots", {
        let flags = MsgFlags::from_bits(flags);
        // SAFETY: NULL or live handles used by this thread; `bufs` holds `n`
        // iovecs of writable memory (caller contract).
        let (s, slots, bufs) = unsafe { (borrow(sock)?, borrow_mut(slots)?, io_slices(bufs, n)?) };
        recv_slots_body!(s, slots, bufs, flags)
    })
}

/// `wl_dgram_recv_slots` on a connected datagram socket
/// (`ConnectedDatagram::recv_slots`).
///
/// `-EAGAIN`: not even one datagram arrived (non-blocking socket,
/// `MSG_DONTWAIT`, or the read timeout); nothing was consumed and the slots
/// hold no messages; retry when `wl_wait` (or your event loop) reports
/// `WL_READABLE`. Once one datagram has arrived, running out of them returns
/// the count instead. After a shutdown for receiving a blocking call returns
/// `-ESHUTDOWN` (the slots keep the datagrams that came before it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_recv_slots(
    sock: *const wl_dgram_conn,
    slots: *mut wl_recv_slots,
    bufs: *mut libc::iovec,
    n: usize,
    flags: c_int,
) -> c_int {
    ffi_fn!("wl_dgram_conn_recv_slots", {
        let flags = MsgFlags::from_bits(flags);
        // SAFETY: as in wl_dgram_recv_slots.
        let (s, slots, bufs) = unsafe { (borrow(sock)?, borrow_mut(slots)?, io_slices(bufs, n)?) };
        recv_slots_body!(s, slots, bufs, flags)
    })
}

fn mismatch() -> std::io::Error {
    invalid_input(
        libc::EAFNOSUPPORT,
        "the receive slots were created for another address family than this socket's",
    )
}

/// Describes datagram `index` (below `wl_recv_slots_len`) of the last
/// receive in `*out`: `len` is `msg_len` (the bytes in its buffer; with
/// `MSG_TRUNC` in the receive's flags, the datagram's real length; a
/// datagram cut to its buffer has `MSG_TRUNC` in `wl_recv_slots_flags`),
/// `source` the sender, and
/// the metadata decoded from that slot's own control data (a cut control
/// buffer shows as `WL_META_CTRUNC`).
///
/// Returns 0, or `-EINVAL` (index out of range, NULL, malformed control
/// data); `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_slots_meta(
    slots: *const wl_recv_slots,
    index: usize,
    out: *mut wl_udp_recv_meta,
) -> c_int {
    ffi_fn!("wl_recv_slots_meta", {
        let out = out_ptr(out, "out")?;
        macro_rules! describe {
            ($s:expr) => {{
                let meta = RecvMeta::from_control($s.control_bytes(index)?, $s.flags_of(index)?)?;
                recv_out(
                    $s.len_of(index)?,
                    wl_addr::from_raw(&$s.source(index)?.to_raw()),
                    &meta,
                )
            }};
        }
        // SAFETY: NULL or a live handle.
        let r = each_ip!(unsafe { borrow(slots) }?, inet_only(), s => describe!(s));
        // SAFETY: checked non-NULL.
        unsafe { out.write(r) };
        Ok(0)
    })
}

/// Writes the kernel's `msg_flags` of datagram `index` (`MSG_TRUNC`: cut
/// to its buffer; `MSG_CTRUNC`) to `*out`. Returns 0, or `-EINVAL` (index
/// out of range, NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_slots_flags(slots: *const wl_recv_slots, index: usize, out: *mut c_int) -> c_int {
    ffi_fn!("wl_recv_slots_flags", {
        let out = out_ptr(out, "out")?;
        // SAFETY: NULL or a live handle.
        let flags = super::any::each!(unsafe { borrow(slots) }?, s => s.flags_of(index)?);
        // SAFETY: checked non-NULL.
        unsafe { out.write(flags) };
        Ok(0)
    })
}

/// Points `*control` at the raw control bytes of datagram `index` of the
/// last receive and writes their length to `*control_len`, for
/// `wl_cmsg_first` / `wl_cmsg_next`. The bytes live in `slots`: valid
/// until the next receive into them or their free. Returns 0, or
/// `-EINVAL` (index out of range, NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_slots_control(
    slots: *const wl_recv_slots,
    index: usize,
    control: *mut *const u8,
    control_len: *mut usize,
) -> c_int {
    ffi_fn!("wl_recv_slots_control", {
        let control = out_ptr(control, "control")?;
        let control_len = out_ptr(control_len, "control_len")?;
        // SAFETY: NULL or a live handle.
        let bytes = super::any::each!(unsafe { borrow(slots) }?, s => s.control_bytes(index)?);
        // SAFETY: both checked non-NULL.
        unsafe {
            control.write(bytes.as_ptr());
            control_len.write(bytes.len());
        }
        Ok(0)
    })
}
