//! Flags for `send(2)` / `recv(2)`.

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

/// Message flags for the `*_with_flags` calls (see `send(2)`, `recv(2)`).
///
/// `MSG_NOSIGNAL` is always added to sends by the library and need not be
/// given. Combine flags with `|`:
///
/// ```
/// use wirelane::MsgFlags;
/// let f = MsgFlags::PEEK | MsgFlags::DONTWAIT;
/// assert!(f.contains(MsgFlags::PEEK));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MsgFlags(libc::c_int);

impl MsgFlags {
    /// No flags.
    pub const NONE: Self = Self(0);
    /// `MSG_PEEK`: return data without removing it from the queue.
    pub const PEEK: Self = Self(libc::MSG_PEEK);
    /// `MSG_DONTWAIT`: this one call is non-blocking.
    pub const DONTWAIT: Self = Self(libc::MSG_DONTWAIT);
    /// `MSG_WAITALL`: block until the whole buffer is filled (streams).
    pub const WAITALL: Self = Self(libc::MSG_WAITALL);
    /// `MSG_TRUNC`: on datagram receive, return the real length even if it
    /// exceeded the buffer.
    pub const TRUNC: Self = Self(libc::MSG_TRUNC);
    /// `MSG_OOB`: out-of-band data (TCP urgent data).
    pub const OOB: Self = Self(libc::MSG_OOB);
    /// `MSG_MORE`: more data follows; the kernel may hold this send back
    /// (like `TCP_CORK` for one call).
    pub const MORE: Self = Self(libc::MSG_MORE);
    /// `MSG_DONTROUTE`: send only to directly connected hosts.
    pub const DONTROUTE: Self = Self(libc::MSG_DONTROUTE);
    /// `MSG_CONFIRM`: tell the link layer the peer is reachable (datagrams).
    pub const CONFIRM: Self = Self(libc::MSG_CONFIRM);
    /// `MSG_ERRQUEUE`: receive from the socket's error queue.
    pub const ERRQUEUE: Self = Self(libc::MSG_ERRQUEUE);
    /// `MSG_WAITFORONE`: for batched receives (`recvmmsg(2)`), block for
    /// the first message only, then take what is already queued.
    pub const WAITFORONE: Self = Self(libc::MSG_WAITFORONE);

    /// Flags from raw `MSG_*` bits (unknown bits are passed to the kernel,
    /// which rejects what it does not support with `EINVAL` or `EOPNOTSUPP`).
    pub const fn from_bits(bits: libc::c_int) -> Self {
        Self(bits)
    }

    /// The raw `MSG_*` bits.
    pub const fn bits(self) -> libc::c_int {
        self.0
    }

    /// Whether every flag in `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for MsgFlags {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl BitOrAssign for MsgFlags {
    fn bitor_assign(&mut self, rhs: Self) {
        self.0 |= rhs.0;
    }
}

impl fmt::Debug for MsgFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MsgFlags({:#x})", self.0)
    }
}
