//! A received batch copied out in one call: `wl_recv_batch_unpack`.
//!
//! `wl_recv_batch_get` describes one message per call. A binding whose
//! every foreign call is expensive (Python's ctypes: about a microsecond)
//! would pay that per datagram; this export writes every datagram of the
//! last receive back to back into one caller buffer, with their lengths
//! and senders in caller arrays, so such a binding pays one call per
//! `recvmmsg(2)`. It copies and allocates nothing else.

use std::ffi::{c_int, c_void};

use super::addr::wl_addr;
use super::batch::wl_recv_batch;
use super::boundary::ffi_fn;
use super::handle::{array_mut, borrow, bytes_mut};
use wirelane_core::ffi_support::AddrCodec;
use wirelane_core::ffi_support::invalid_input;

/// Copies the datagrams of the last receive into `batch`, starting at
/// message `index`, into `buf` (`len` bytes) back to back: message
/// `index + i` goes to `lens[i]` bytes at offset `lens[0] + ... +
/// lens[i-1]`, and its sender to `sources` (NULL or an array of `n`
/// addresses: NULL skips the senders, e.g. on a connected socket; else
/// the sender of message `index + i` goes to `sources[i]`). Stops after
/// `n` messages, at the end of the batch, or before a message that no
/// longer fits in `buf`. A datagram longer than its slot was cut at the
/// slot size (`wl_recv_batch_get` reports `truncated`); the length here is
/// what the slot held.
///
/// Returns how many messages were written (0 when `index` is the batch
/// length), or `-EINVAL` (NULL batch, `buf` NULL with `len > 0`,
/// `lens` NULL with `n > 0`, `index` past the batch length), or `-ENOBUFS`
/// when message `index` alone does not fit in `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_batch_unpack(
    batch: *const wl_recv_batch,
    index: usize,
    buf: *mut c_void,
    len: usize,
    lens: *mut usize,
    sources: *mut wl_addr,
    n: usize,
) -> c_int {
    ffi_fn!("wl_recv_batch_unpack", {
        // SAFETY: NULL or a live batch.
        let b = unsafe { borrow(batch) }?;
        // SAFETY: `buf` holds `len` writable bytes (caller contract).
        let out = unsafe { bytes_mut(buf.cast(), len, "buf") }?;
        // SAFETY: `lens` holds `n` writable lengths (caller contract).
        let lens = unsafe { array_mut(lens, n, "lens") }?;
        let mut sources = if sources.is_null() {
            None
        } else {
            // SAFETY: a non-NULL `sources` holds `n` writable addresses.
            Some(unsafe { array_mut(sources, n, "sources") }?)
        };
        macro_rules! unpack {
            ($b:expr) => {{
                let total = $b.len();
                if index > total {
                    return Err(invalid_input(
                        libc::EINVAL,
                        format!("index is {index} but the last receive delivered {total} messages"),
                    ));
                }
                let mut at = 0usize;
                let mut written = 0usize;
                for i in 0..n.min(total - index) {
                    let Some(m) = $b.get(index + i) else { break };
                    let bytes = m.data();
                    if bytes.len() > out.len() - at {
                        if written == 0 {
                            return Err(invalid_input(
                                libc::ENOBUFS,
                                format!(
                                    "message {} has {} bytes; buf holds {}",
                                    index + i,
                                    bytes.len(),
                                    out.len()
                                ),
                            ));
                        }
                        break;
                    }
                    out[at..at + bytes.len()].copy_from_slice(bytes);
                    at += bytes.len();
                    lens[i] = bytes.len();
                    if let Some(s) = sources.as_deref_mut() {
                        s[i] = wl_addr::from_raw(&m.source()?.to_raw());
                    }
                    written += 1;
                }
                written
            }};
        }
        let written = super::any::each!(b, b => unpack!(b));
        Ok(written.min(c_int::MAX as usize) as c_int)
    })
}
