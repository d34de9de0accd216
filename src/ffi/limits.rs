//! The kernel's limits on lengths and counts, checked before a C caller's
//! value is used, so an impossible request fails with a message naming
//! the limit instead of an opaque kernel errno, a short count, or
//! (worse) a slice built from a length Rust cannot represent.
//!
//! Each check runs before anything is queued, sent or consumed. Lengths
//! of single buffers are checked against `SSIZE_MAX` by `handle::bytes`;
//! these are the limits that involve more than one value.

use std::fmt;
use std::io;

use super::batch::WL_MAX_BATCH;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::{Domain, batch};

/// The most buffers one vectored send or receive takes (`IOV_MAX` in
/// `<limits.h>`, `UIO_MAXIOV` in the kernel), which strict C11 hides.
/// More is refused with `-EMSGSIZE` (what `sendmsg(2)` would return),
/// with a message naming the count.
pub const WL_IOV_MAX: usize = 1024;

const _: () = assert!(WL_IOV_MAX == libc::UIO_MAXIOV as usize);

/// An iovec count for one `sendmsg`/`recvmsg`, and the lengths' total,
/// which the kernel takes as `ssize_t`.
pub(crate) fn iovecs(lens: impl Iterator<Item = usize>, count: usize, what: &str) -> io::Result<()> {
    if count > WL_IOV_MAX {
        return Err(invalid_input(
            libc::EMSGSIZE,
            format!("`{what}` holds {count} buffers; the kernel takes at most IOV_MAX ({WL_IOV_MAX}) per call"),
        ));
    }
    let mut total = 0usize;
    for len in lens {
        total = match total.checked_add(len) {
            Some(t) if t <= isize::MAX as usize => t,
            _ => {
                return Err(invalid_input(
                    libc::EINVAL,
                    format!("the lengths in `{what}` add up to more than SSIZE_MAX bytes"),
                ));
            }
        };
    }
    Ok(())
}

/// A message count for one `sendmmsg(2)`, at most `WL_MAX_BATCH`.
pub(crate) fn messages(count: usize, what: &str) -> io::Result<()> {
    if count > WL_MAX_BATCH {
        return Err(invalid_input(
            libc::EINVAL,
            format!(
                "`{what}` holds {count} messages; one call sends at most WL_MAX_BATCH ({WL_MAX_BATCH}, \
                 UIO_MAXIOV): nothing was sent"
            ),
        ));
    }
    Ok(())
}

/// A UDP payload over domain `D` (IPv4 or IPv6): at most 65507 / 65527
/// bytes, what a 16-bit IP length leaves after the headers.
pub(crate) fn udp_payload<D: Domain>(len: usize, what: fmt::Arguments<'_>) -> io::Result<()> {
    let max = batch::max_udp_payload::<D>();
    if len > max {
        return Err(invalid_input(
            libc::EMSGSIZE,
            format!(
                "`{what}` is {len} bytes; one UDP datagram over {} carries at most {max}",
                D::NAME
            ),
        ));
    }
    Ok(())
}

/// The bytes of `count` slots of `size` bytes: it must fit `size_t`, and
/// an allocation is at most `SSIZE_MAX` bytes.
pub(crate) fn slots(count: usize, size: usize) -> io::Result<()> {
    match count.checked_mul(size) {
        None => Err(invalid_input(
            libc::EINVAL,
            format!("{count} slots of {size} bytes overflow size_t"),
        )),
        Some(total) if total > isize::MAX as usize => Err(invalid_input(
            libc::EINVAL,
            format!("{count} slots of {size} bytes are {total} bytes, more than SSIZE_MAX"),
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wirelane_core::{Ipv4, Ipv6};

    fn errno(r: io::Result<()>) -> i32 {
        wirelane_core::error::errno_of(&r.expect_err("refused"))
    }

    #[test]
    fn iovec_counts_and_totals() {
        assert!(iovecs([1usize; 1024].into_iter(), 1024, "iov").is_ok());
        assert_eq!(errno(iovecs([1usize; 1025].into_iter(), 1025, "iov")), libc::EMSGSIZE);
        assert_eq!(
            errno(iovecs([isize::MAX as usize, 1].into_iter(), 2, "iov")),
            libc::EINVAL
        );
        assert_eq!(errno(iovecs([usize::MAX].into_iter(), 1, "iov")), libc::EINVAL);
        assert!(iovecs([isize::MAX as usize].into_iter(), 1, "iov").is_ok());
    }

    #[test]
    fn message_counts_and_udp_payloads() {
        assert!(messages(WL_MAX_BATCH, "msgs").is_ok());
        assert_eq!(errno(messages(WL_MAX_BATCH + 1, "msgs")), libc::EINVAL);
        assert!(udp_payload::<Ipv4>(65507, format_args!("buf")).is_ok());
        assert_eq!(errno(udp_payload::<Ipv4>(65508, format_args!("buf"))), libc::EMSGSIZE);
        assert!(udp_payload::<Ipv6>(65527, format_args!("buf")).is_ok());
        let e = udp_payload::<Ipv6>(65528, format_args!("buf")).expect_err("too big");
        assert_eq!(
            e.to_string(),
            "`buf` is 65528 bytes; one UDP datagram over IPv6 carries at most 65527"
        );
    }

    #[test]
    fn slot_totals() {
        assert!(slots(1024, 65536).is_ok());
        assert_eq!(errno(slots(2, usize::MAX / 2 + 1)), libc::EINVAL);
        assert_eq!(errno(slots(1, isize::MAX as usize + 1)), libc::EINVAL);
    }
}
