//! Batched datagrams (`sendmmsg(2)`/`recvmmsg(2)`): `wirelane::batch`.
//!
//! `wl_send_batch` and `wl_recv_batch` are reusable, fixed-capacity
//! batches (`SendBatch`, `RecvBatch`): all their memory is allocated when
//! they are created, so a steady-state send/receive loop allocates
//! nothing. `wl_dgram_sendmmsg` and `wl_dgram_conn_sendmmsg` are the
//! one-shot forms (`sendmmsg`), which build a temporary batch.

use std::ffi::{c_int, c_void};
use std::io;

use super::addr::wl_addr;
use super::any::ByDomain;
use super::boundary::{ffi_fn, forward_exports};
use super::dgram::{wl_dgram, wl_dgram_conn};
use super::handle::{array, borrow, borrow_mut, bytes, give_out, impl_handle, in_ref, out_ptr, take};
use super::limits;
use super::peer::count;
use wirelane_core::batch::{RecvBatch, SendBatch};
use wirelane_core::ffi_support::AddrCodec;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::{Ipv4, Ipv6, MsgFlags, Unix};

/// The most messages one batch call handles (`UIO_MAXIOV`):
/// `wirelane::batch::MAX_BATCH`.
pub const WL_MAX_BATCH: usize = 1024;

/// `MSG_WAITFORONE` for `wl_dgram_recv_batch`: wait for one datagram,
/// then take only what is already queued (`recvmmsg(2)`). The same value
/// as `MSG_WAITFORONE` in `<sys/socket.h>`, which strict C11 hides.
pub const WL_MSG_WAITFORONE: c_int = 0x10000;

const _: () = assert!(WL_MAX_BATCH == wirelane_core::batch::MAX_BATCH);
const _: () = assert!(WL_MSG_WAITFORONE == libc::MSG_WAITFORONE);

type SendAny = ByDomain<SendBatch<'static, Ipv4>, SendBatch<'static, Ipv6>, SendBatch<'static, Unix>>;
type RecvAny = ByDomain<RecvBatch<Ipv4>, RecvBatch<Ipv6>, RecvBatch<Unix>>;

/// A reusable batch of outgoing datagrams for one `sendmmsg(2)`
/// (`SendBatch`), for one domain. It borrows the payloads: each buffer
/// passed to `wl_send_batch_push` must stay valid until the batch is
/// cleared, sent for the last time, or freed. Not thread-safe: one thread
/// at a time.
#[cfg_attr(all(), repr(C))]
pub struct wl_send_batch(super::handle::Tag, Option<SendAny>);
impl_handle!(wl_send_batch, SendAny);

/// A reusable batch of receive slots for one `recvmmsg(2)` (`RecvBatch`),
/// for one domain. Not thread-safe: one thread at a time.
#[cfg_attr(all(), repr(C))]
pub struct wl_recv_batch(super::handle::Tag, Option<RecvAny>);
impl_handle!(wl_recv_batch, RecvAny);

/// One datagram of `wl_dgram_sendmmsg`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_mmsg {
    /// The payload.
    pub buf: *const c_void,
    /// The payload's length.
    pub len: usize,
    /// The destination (same family as the socket).
    pub to: *const wl_addr,
}

/// One datagram received into a `wl_recv_batch` (`RecvMsg`), from
/// `wl_recv_batch_get`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_recv_msg {
    /// The bytes received, inside the batch: valid until the next receive
    /// into the batch or its free.
    pub data: *const u8,
    /// How many bytes of `data` are valid (at most the slot size).
    pub data_len: usize,
    /// `msg_len`: the bytes received, or with `MSG_TRUNC` the datagram's
    /// real length.
    pub len: usize,
    /// The kernel's `msg_flags` (`MSG_TRUNC`, `MSG_CTRUNC`, ...).
    pub flags: c_int,
    /// Whether the datagram was longer than its slot and was cut.
    pub truncated: bool,
    /// The `UDP_GRO` segment size when the kernel coalesced several
    /// datagrams into this one (split `data` every `gro_segment` bytes),
    /// 0 otherwise.
    pub gro_segment: u16,
    /// The sender's address.
    pub source: wl_addr,
}

fn bad_domain(domain: c_int) -> io::Error {
    invalid_input(
        libc::EAFNOSUPPORT,
        format!("domain {domain} is not supported: use AF_INET, AF_INET6 or AF_UNIX"),
    )
}

fn mismatch() -> io::Error {
    invalid_input(
        libc::EAFNOSUPPORT,
        "the batch was created for another address family than this socket's",
    )
}

/// Creates a send batch for `domain` (`AF_INET`, `AF_INET6`, `AF_UNIX`)
/// with room for `capacity` messages (1 to `WL_MAX_BATCH`):
/// `SendBatch::with_capacity`.
///
/// Ownership: on success `*out` receives a new batch the caller frees with
/// `wl_send_batch_free`. Returns 0, or `-EINVAL` (capacity out of range,
/// NULL `out`), `-EAFNOSUPPORT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_send_batch_new(domain: c_int, capacity: usize, out: *mut *mut wl_send_batch) -> c_int {
    ffi_fn!("wl_send_batch_new", {
        let out = out_ptr(out, "out")?;
        let batch = match domain {
            libc::AF_INET => ByDomain::V4(SendBatch::with_capacity(capacity)?),
            libc::AF_INET6 => ByDomain::V6(SendBatch::with_capacity(capacity)?),
            libc::AF_UNIX => ByDomain::Unix(SendBatch::with_capacity(capacity)?),
            other => return Err(bad_domain(other)),
        };
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, batch) }
    })
}

/// Frees a send batch. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_send_batch_free(batch: *mut wl_send_batch) {
    ffi_fn!("wl_send_batch_free", {
        // SAFETY: NULL or a live batch the caller gives up.
        drop(unsafe { take(batch) }?);
        Ok(())
    })
}

/// Queues a datagram of `len` bytes of `buf` for `*to`, or for a connected
/// socket's peer when `to` is NULL (`SendBatch::push` / `push_connected`).
/// Never allocates.
///
/// Ownership: the batch borrows `buf`: it must stay valid until the batch
/// is cleared, sent for the last time, or freed. Returns 0, or `-ENOBUFS`
/// (batch full: nothing queued), `-EAFNOSUPPORT` (address of another
/// family), `-EINVAL` (NULL batch, NULL `buf` with `len > 0`, `len` over
/// `SSIZE_MAX`), `-EMSGSIZE` (`len` over what one UDP datagram carries:
/// 65507 bytes over IPv4, 65527 over IPv6). A refused push leaves the
/// batch as it was.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_send_batch_push(
    batch: *mut wl_send_batch,
    buf: *const c_void,
    len: usize,
    to: *const wl_addr,
) -> c_int {
    ffi_fn!("wl_send_batch_push", {
        // SAFETY: `buf` holds `len` bytes and stays valid while queued (the
        // documented contract of this call); `bytes` checks NULL and SSIZE_MAX.
        let payload: &'static [u8] = unsafe { bytes(buf.cast(), len, "buf") }?;
        // SAFETY: `to` is NULL or a valid wl_addr (caller contract).
        let to = unsafe { to.as_ref() }.copied();
        // SAFETY: `batch` NULL or a live batch used by this thread only.
        let batch = unsafe { borrow_mut(batch) }?;
        // Refused now rather than by sendmmsg later, for the whole batch.
        match batch {
            ByDomain::V4(_) => limits::udp_payload::<Ipv4>(len, format_args!("buf"))?,
            ByDomain::V6(_) => limits::udp_payload::<Ipv6>(len, format_args!("buf"))?,
            ByDomain::Unix(_) => {}
        }
        match batch {
            ByDomain::V4(b) => match to {
                Some(a) => b.push(payload, &a.to_typed()?),
                None => b.push_connected(payload),
            },
            ByDomain::V6(b) => match to {
                Some(a) => b.push(payload, &a.to_typed()?),
                None => b.push_connected(payload),
            },
            ByDomain::Unix(b) => match to {
                Some(a) => b.push(payload, &a.to_typed()?),
                None => b.push_connected(payload),
            },
        }?;
        Ok(0)
    })
}

/// The number of queued messages. Returns it, or `-EINVAL` for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_send_batch_len(batch: *const wl_send_batch) -> c_int {
    ffi_fn!("wl_send_batch_len", {
        // SAFETY: NULL or a live batch.
        Ok(super::any::each!(unsafe { borrow(batch) }?, b => b.len()) as c_int)
    })
}

/// The batch's capacity in messages. Returns it, or `-EINVAL` for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_send_batch_capacity(batch: *const wl_send_batch) -> c_int {
    ffi_fn!("wl_send_batch_capacity", {
        // SAFETY: NULL or a live batch.
        Ok(super::any::each!(unsafe { borrow(batch) }?, b => b.capacity()) as c_int)
    })
}

/// Empties the batch (`SendBatch::clear`): the payloads are no longer
/// borrowed. Returns 0 or `-EINVAL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_send_batch_clear(batch: *mut wl_send_batch) -> c_int {
    ffi_fn!("wl_send_batch_clear", {
        // SAFETY: NULL or a live batch used by this thread only.
        super::any::each!(unsafe { borrow_mut(batch) }?, b => b.clear());
        Ok(0)
    })
}

/// Drops the messages the last send sent, keeping the rest queued for a
/// retry (`SendBatch::remove_sent`). Returns 0 or `-EINVAL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_send_batch_remove_sent(batch: *mut wl_send_batch) -> c_int {
    ffi_fn!("wl_send_batch_remove_sent", {
        // SAFETY: NULL or a live batch used by this thread only.
        super::any::each!(unsafe { borrow_mut(batch) }?, b => b.remove_sent());
        Ok(0)
    })
}

/// How many messages the last send sent (the first ones):
/// `SendBatch::sent`. Returns it, or `-EINVAL` for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_send_batch_sent(batch: *const wl_send_batch) -> c_int {
    ffi_fn!("wl_send_batch_sent", {
        // SAFETY: NULL or a live batch.
        Ok(super::any::each!(unsafe { borrow(batch) }?, b => b.sent()) as c_int)
    })
}

/// The bytes sent for message `index` of the last send (`index` below
/// `wl_send_batch_sent`): `SendBatch::sent_lens`. Writes it to `*out`.
///
/// Returns 0, or `-EINVAL` (index out of range, NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_send_batch_sent_len(batch: *const wl_send_batch, index: usize, out: *mut usize) -> c_int {
    ffi_fn!("wl_send_batch_sent_len", {
        let out = out_ptr(out, "out")?;
        // SAFETY: NULL or a live batch.
        let n = super::any::each!(unsafe { borrow(batch) }?, b => b.sent_lens().nth(index));
        let n = n.ok_or_else(|| invalid_input(libc::EINVAL, format!("message {index} was not sent")))?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(n) };
        Ok(0)
    })
}

// The body the `wl_dgram_*` and `wl_dgram_conn_*` batch sends and receives
// share (their `forward_exports!` entries' `=> <body>`): `$call` on the
// socket and batch of one domain, or
// `-EAFNOSUPPORT` when their domains differ. Returns the count.
macro_rules! batch_body {
    ($sock:ident, $batch:ident, $flags:ident, |$s:ident, $b:ident| $call:expr) => {{
        let $flags = MsgFlags::from_bits($flags);
        // SAFETY: NULL or live handles; the batch used by this thread only.
        let n = match unsafe { (borrow($sock)?, borrow_mut($batch)?) } {
            (ByDomain::V4($s), ByDomain::V4($b)) => $call?,
            (ByDomain::V6($s), ByDomain::V6($b)) => $call?,
            (ByDomain::Unix($s), ByDomain::Unix($b)) => $call?,
            _ => return Err(mismatch()),
        };
        Ok(count(n) as c_int)
    }};
}

forward_exports! {
    /// Sends every queued message of `batch` in one `sendmmsg(2)` (with
    /// `MSG_NOSIGNAL`): `BoundDatagram::send_batch_with_flags`. `flags` is 0
    /// or `MSG_*` bits (`MSG_DONTWAIT`). Messages need an address.
    ///
    /// Returns how many were sent (fewer than queued when the kernel sent only
    /// a prefix, e.g. a full send buffer or a signal after the first message:
    /// `wl_send_batch_remove_sent` keeps the rest for the retry, which reports
    /// the error if it persists (see PROGRESS); 0 for an empty batch, without
    /// a syscall), or `-errno` for an error on the first message (nothing
    /// sent), `-EAFNOSUPPORT` when the batch's domain differs. No
    /// allocation.
    ///
    /// `-EAGAIN`: no room for even the first message (non-blocking socket,
    /// `MSG_DONTWAIT`, or the write timeout). Nothing was sent: the batch keeps
    /// every message and `wl_send_batch_sent` is 0; retry when `wl_wait` (or your
    /// event loop) reports `WL_WRITABLE`. When room runs out after some messages,
    /// the call returns their count instead (`wl_send_batch_remove_sent`, then
    /// send again).
    fn dgram_send_batch(
        sock: *const wl_dgram, batch: *mut wl_send_batch, flags: c_int,
    ) -> c_int => batch_body!(sock, batch, flags, |s, b| s.send_batch_with_flags(b, flags));

    /// `wl_dgram_send_batch` on a connected datagram socket
    /// (`ConnectedDatagram::send_batch_with_flags`): messages queued without
    /// an address go to the peer.
    ///
    /// `-EAGAIN`: as for `wl_dgram_send_batch`: nothing was sent and the batch
    /// keeps every message; retry when `wl_wait` (or your event loop) reports
    /// `WL_WRITABLE`.
    fn dgram_conn_send_batch(
        sock: *const wl_dgram_conn, batch: *mut wl_send_batch, flags: c_int,
    ) -> c_int => batch_body!(sock, batch, flags, |s, b| s.send_batch_with_flags(b, flags));
}

/// Writes per-message lengths into the caller's optional array.
unsafe fn write_lens(lens: &[usize], out: *mut usize) {
    if !out.is_null() {
        // SAFETY: a non-NULL `out` has room for every message given, of
        // which `lens` is a prefix (caller contract).
        unsafe { std::ptr::copy_nonoverlapping(lens.as_ptr(), out, lens.len()) };
    }
}

/// Sends each of the `n` messages as its own datagram in one
/// `sendmmsg(2)` (`BoundDatagram::sendmmsg`). If `sent_lens` is not NULL
/// it must have room for `n` entries; the bytes sent for each message sent
/// are written there. At most `WL_MAX_BATCH` per call.
///
/// `msgs` and the buffers they point to are only read. Returns how many
/// messages were sent (a prefix: resend the rest, `msgs + sent`, and that
/// call reports the error that stopped this one, see PROGRESS), or
/// `-errno` (an error on the first message, nothing sent; `-EAFNOSUPPORT`
/// for an address of another family). More than `WL_MAX_BATCH` messages
/// is refused whole (`-EINVAL`, nothing sent). A message over what one UDP
/// datagram carries (65507 bytes over IPv4, 65527 over IPv6) is never
/// handed to the kernel: the messages before it are sent and counted, and
/// the call that starts with it fails with `-EMSGSIZE`, naming it. This
/// builds a temporary batch (it allocates); a `wl_send_batch` does not.
///
/// `-EAGAIN`: no room for even the first message (non-blocking socket,
/// `MSG_DONTWAIT`, or the write timeout); nothing was sent and `sent_lens` is
/// untouched. Retry when `wl_wait` (or your event loop) reports
/// `WL_WRITABLE`. When room runs out after some messages the call returns
/// their count: resend from there.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_sendmmsg(
    sock: *const wl_dgram,
    msgs: *const wl_mmsg,
    n: usize,
    sent_lens: *mut usize,
) -> c_int {
    ffi_fn!("wl_dgram_sendmmsg", {
        limits::messages(n, "msgs")?;
        // SAFETY: `msgs` NULL or `n` messages (caller contract).
        let msgs = unsafe { array(msgs, n, "msgs") }?;
        // SAFETY: NULL or a live handle.
        let s = unsafe { borrow(sock) }?;
        macro_rules! send {
            ($s:expr, $limit:expr) => {{
                let mut list = Vec::with_capacity(msgs.len());
                for (i, m) in msgs.iter().enumerate() {
                    // SAFETY: each message's pointers are valid (caller contract).
                    let (buf, to) = unsafe {
                        (
                            bytes(m.buf.cast(), m.len, "msgs[].buf")?,
                            *in_ref(m.to, "msgs[].to")?,
                        )
                    };
                    // Too long to send: as the kernel does for a failing
                    // message, send the ones before it (their count says
                    // where it stopped); the error comes when it is first.
                    if let Err(e) = $limit(m.len, i) {
                        if i == 0 {
                            return Err(e);
                        }
                        break;
                    }
                    list.push((buf, to.to_typed()?));
                }
                $s.sendmmsg(&list)?
            }};
        }
        let lens = match s {
            ByDomain::V4(s) => send!(s, |len, i| limits::udp_payload::<Ipv4>(len, format_args!("msgs[{i}]"))),
            ByDomain::V6(s) => send!(s, |len, i| limits::udp_payload::<Ipv6>(len, format_args!("msgs[{i}]"))),
            ByDomain::Unix(s) => send!(s, |_, _| io::Result::Ok(())),
        };
        // SAFETY: room for `n` entries (caller contract); `lens.len() <= n`.
        unsafe { write_lens(&lens, sent_lens) };
        Ok(lens.len() as c_int)
    })
}

/// Sends each of the `n` buffers as its own datagram to the peer in one
/// `sendmmsg(2)` (`ConnectedDatagram::sendmmsg`); `sent_lens` as in
/// `wl_dgram_sendmmsg`. The iovec array is `const`: neither it nor the
/// buffers are written. Returns how many were sent (a prefix, as in
/// `wl_dgram_sendmmsg`) or `-errno` (nothing sent); the count and lengths
/// are checked first as in `wl_dgram_sendmmsg`.
///
/// `-EAGAIN`: as for `wl_dgram_sendmmsg`: nothing was sent; retry when
/// `wl_wait` (or your event loop) reports `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_sendmmsg(
    sock: *const wl_dgram_conn,
    msgs: *const libc::iovec,
    n: usize,
    sent_lens: *mut usize,
) -> c_int {
    ffi_fn!("wl_dgram_conn_sendmmsg", {
        limits::messages(n, "msgs")?;
        // SAFETY: `msgs` NULL or `n` iovecs (caller contract).
        let iovs = unsafe { array(msgs, n, "msgs") }?;
        // SAFETY: NULL or a live handle.
        let s = unsafe { borrow(sock) }?;
        let mut list = Vec::with_capacity(iovs.len());
        for (i, v) in iovs.iter().enumerate() {
            // SAFETY: each iovec describes a readable buffer (caller contract).
            let buf = unsafe { bytes(v.iov_base.cast::<u8>(), v.iov_len, "msgs[].iov_base") }?;
            let fits = match s {
                ByDomain::V4(_) => limits::udp_payload::<Ipv4>(v.iov_len, format_args!("msgs[{i}]")),
                ByDomain::V6(_) => limits::udp_payload::<Ipv6>(v.iov_len, format_args!("msgs[{i}]")),
                ByDomain::Unix(_) => Ok(()),
            };
            // As in wl_dgram_sendmmsg: the ones before a message too long
            // are sent, the error comes when it is first.
            match fits {
                Err(e) if i == 0 => return Err(e),
                Err(_) => break,
                Ok(()) => list.push(buf),
            }
        }
        let lens = super::any::each!(s, s => s.sendmmsg(&list)?);
        // SAFETY: room for `n` entries (caller contract).
        unsafe { write_lens(&lens, sent_lens) };
        Ok(lens.len() as c_int)
    })
}

/// Creates a receive batch for `domain` with `count` slots (1 to
/// `WL_MAX_BATCH`) of `slot_size` bytes (at least 1; 65536 for UDP GRO):
/// `RecvBatch::new`. All memory is allocated here.
///
/// Ownership: on success `*out` receives a new batch the caller frees with
/// `wl_recv_batch_free`. Returns 0, or `-EINVAL`, `-EAFNOSUPPORT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_batch_new(
    domain: c_int,
    count: usize,
    slot_size: usize,
    out: *mut *mut wl_recv_batch,
) -> c_int {
    ffi_fn!("wl_recv_batch_new", {
        let out = out_ptr(out, "out")?;
        limits::slots(count, slot_size)?;
        let batch = match domain {
            libc::AF_INET => ByDomain::V4(RecvBatch::new(count, slot_size)?),
            libc::AF_INET6 => ByDomain::V6(RecvBatch::new(count, slot_size)?),
            libc::AF_UNIX => ByDomain::Unix(RecvBatch::new(count, slot_size)?),
            other => return Err(bad_domain(other)),
        };
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, batch) }
    })
}

/// Frees a receive batch. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_batch_free(batch: *mut wl_recv_batch) {
    ffi_fn!("wl_recv_batch_free", {
        // SAFETY: NULL or a live batch the caller gives up.
        drop(unsafe { take(batch) }?);
        Ok(())
    })
}

/// How many messages the last receive delivered. Returns it or `-EINVAL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_batch_len(batch: *const wl_recv_batch) -> c_int {
    ffi_fn!("wl_recv_batch_len", {
        // SAFETY: NULL or a live batch.
        Ok(super::any::each!(unsafe { borrow(batch) }?, b => b.len()) as c_int)
    })
}

/// The number of slots. Returns it or `-EINVAL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_batch_capacity(batch: *const wl_recv_batch) -> c_int {
    ffi_fn!("wl_recv_batch_capacity", {
        // SAFETY: NULL or a live batch.
        Ok(super::any::each!(unsafe { borrow(batch) }?, b => b.capacity()) as c_int)
    })
}

/// Writes the slot size in bytes to `*out`. Returns 0 or `-EINVAL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_batch_slot_size(batch: *const wl_recv_batch, out: *mut usize) -> c_int {
    ffi_fn!("wl_recv_batch_slot_size", {
        let out = out_ptr(out, "out")?;
        // SAFETY: NULL or a live batch.
        let size = super::any::each!(unsafe { borrow(batch) }?, b => b.slot_size());
        // SAFETY: checked non-NULL.
        unsafe { out.write(size) };
        Ok(0)
    })
}

/// Describes message `index` (below `wl_recv_batch_len`) of the last
/// receive in `*out` (`RecvBatch::get`): data, lengths, flags, GRO segment
/// size, sender. `out->data` points into the batch and stays valid until
/// the next receive into it or its free.
///
/// Returns 0, or `-EINVAL` (index out of range, NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_batch_get(batch: *const wl_recv_batch, index: usize, out: *mut wl_recv_msg) -> c_int {
    ffi_fn!("wl_recv_batch_get", {
        let out = out_ptr(out, "out")?;
        // SAFETY: NULL or a live batch.
        let b = unsafe { borrow(batch) }?;
        macro_rules! describe {
            ($b:expr) => {{
                let m = $b
                    .get(index)
                    .ok_or_else(|| invalid_input(libc::EINVAL, format!("message {index} was not received")))?;
                let data = m.data();
                wl_recv_msg {
                    data: data.as_ptr(),
                    data_len: data.len(),
                    len: m.len(),
                    flags: m.flags(),
                    truncated: m.truncated(),
                    gro_segment: m.gro_segment().unwrap_or(0),
                    source: wl_addr::from_raw(&m.source()?.to_raw()),
                }
            }};
        }
        let msg = match b {
            ByDomain::V4(b) => describe!(b),
            ByDomain::V6(b) => describe!(b),
            ByDomain::Unix(b) => describe!(b),
        };
        // SAFETY: checked non-NULL.
        unsafe { out.write(msg) };
        Ok(0)
    })
}

forward_exports! {
    /// Receives up to the batch's capacity of datagrams in one `recvmmsg(2)`
    /// (`BoundDatagram::recv_batch`). `flags`: 0 waits for the whole batch
    /// (each receive honouring the read timeout); `WL_MSG_WAITFORONE` waits for
    /// one and takes what else is queued; `MSG_DONTWAIT` never waits.
    ///
    /// Returns how many arrived (read them with `wl_recv_batch_get`; an error
    /// after the first datagram is kept by the kernel for the next receive,
    /// see PROGRESS), or `-EAGAIN` (nothing queued, or the read timeout passed
    /// with nothing), `-EINTR` (nothing received), `-EAFNOSUPPORT` (batch of
    /// another domain), ... Never returns 0. No allocation.
    ///
    /// `-EAGAIN`: not even one datagram arrived (non-blocking socket,
    /// `MSG_DONTWAIT`, or the read timeout). Nothing was consumed; the batch then
    /// holds no messages (`wl_recv_batch_len` is 0: read the previous ones before
    /// receiving again); retry when `wl_wait` (or your event loop) reports
    /// `WL_READABLE`. Once one datagram has arrived, running out of them returns
    /// the count instead. A blocking receive on a socket shut down with
    /// `wl_dgram_shutdown` returns `-ESHUTDOWN`.
    fn dgram_recv_batch(
        sock: *const wl_dgram, batch: *mut wl_recv_batch, flags: c_int,
    ) -> c_int => batch_body!(sock, batch, flags, |s, b| s.recv_batch(b, flags));

    /// `wl_dgram_recv_batch` on a connected datagram socket
    /// (`ConnectedDatagram::recv_batch`).
    ///
    /// `-EAGAIN`: as for `wl_dgram_recv_batch`: nothing was consumed and the
    /// batch holds no messages; retry when `wl_wait` (or your event loop) reports
    /// `WL_READABLE`.
    fn dgram_conn_recv_batch(
        sock: *const wl_dgram_conn, batch: *mut wl_recv_batch, flags: c_int,
    ) -> c_int => batch_body!(sock, batch, flags, |s, b| s.recv_batch(b, flags));
}
