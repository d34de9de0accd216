//! The bodies of the connected-peer calls shared by `wl_conn` and
//! `wl_dgram_conn` (send, recv, vectored I/O, peer address, clone). No
//! allocation on these paths: the handle is borrowed, the buffers are the
//! caller's, and a failure stores only its errno.

use std::ffi::c_int;
use std::io;
use std::io::{IoSlice, IoSliceMut};

use super::addr::wl_addr;
use super::any::Peer;
use super::handle::{Handle, array, array_mut, borrow, bytes, bytes_mut, give, out_ptr};
use wirelane_core::MsgFlags;

/// A byte count as `ssize_t` (always fits: buffers are at most `isize::MAX`).
pub(crate) fn count(n: usize) -> libc::ssize_t {
    n as libc::ssize_t
}

pub(crate) unsafe fn send<H: Handle>(h: *const H, buf: *const u8, len: usize, flags: c_int) -> io::Result<libc::ssize_t>
where
    H::Inner: Peer,
{
    // SAFETY: forwarded from the export's contract.
    let buf = unsafe { bytes(buf, len, "buf") }?;
    // SAFETY: as above.
    unsafe { borrow(h) }?
        .send_flags(buf, MsgFlags::from_bits(flags))
        .map(count)
}

pub(crate) unsafe fn recv<H: Handle>(h: *const H, buf: *mut u8, len: usize, flags: c_int) -> io::Result<libc::ssize_t>
where
    H::Inner: Peer,
{
    // SAFETY: forwarded.
    let buf = unsafe { bytes_mut(buf, len, "buf") }?;
    // SAFETY: forwarded.
    unsafe { borrow(h) }?
        .recv_flags(buf, MsgFlags::from_bits(flags))
        .map(count)
}

pub(crate) unsafe fn send_iov<H: Handle>(h: *const H, iov: *const libc::iovec, n: usize) -> io::Result<libc::ssize_t>
where
    H::Inner: Peer,
{
    // SAFETY: the caller provides `n` valid iovecs.
    let raw = unsafe { array(iov, n, "iov") }?;
    // Before any `IoSlice` exists: a length over `isize::MAX` cannot be one.
    super::limits::iovecs(raw.iter().map(|v| v.iov_len), n, "iov")?;
    // SAFETY: `IoSlice` is ABI-compatible with `iovec` on Unix; the
    // buffers stay readable for the call (caller contract); lengths checked.
    let bufs = unsafe { std::slice::from_raw_parts(raw.as_ptr().cast::<IoSlice<'_>>(), raw.len()) };
    // SAFETY: forwarded.
    unsafe { borrow(h) }?.send_iov(bufs).map(count)
}

pub(crate) unsafe fn recv_iov<H: Handle>(h: *const H, iov: *const libc::iovec, n: usize) -> io::Result<libc::ssize_t>
where
    H::Inner: Peer,
{
    // SAFETY: the caller provides `n` valid iovecs.
    let raw = unsafe { array(iov, n, "iov") }?;
    // Before any `IoSliceMut` exists: a length over `isize::MAX` cannot be one.
    super::limits::iovecs(raw.iter().map(|v| v.iov_len), n, "iov")?;
    // SAFETY: `IoSliceMut` is ABI-compatible with `iovec`; the caller
    // provides `n` valid iovecs of writable, unaliased buffers. The array
    // itself is only read by the kernel, so a `const` pointer is accepted.
    let bufs = unsafe { array_mut(iov.cast_mut().cast::<IoSliceMut<'_>>(), n, "iov") }?;
    // SAFETY: forwarded.
    unsafe { borrow(h) }?.recv_iov(bufs).map(count)
}

pub(crate) unsafe fn peer_addr<H: Handle>(h: *const H, out: *mut wl_addr) -> io::Result<c_int>
where
    H::Inner: Peer,
{
    let out = out_ptr(out, "out")?;
    // SAFETY: forwarded.
    let addr = unsafe { borrow(h) }?.peer()?;
    // SAFETY: checked non-NULL.
    unsafe { out.write(addr) };
    Ok(0)
}

pub(crate) unsafe fn try_clone<H: Handle>(h: *const H, out: *mut *mut H) -> io::Result<c_int>
where
    H::Inner: Peer,
{
    let out = out_ptr(out, "out")?;
    // SAFETY: forwarded.
    let copy = unsafe { borrow(h) }?.dup()?;
    // SAFETY: checked non-NULL.
    unsafe { out.write(give::<H>(copy)) };
    Ok(0)
}
