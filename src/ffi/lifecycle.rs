//! The four calls every socket handle has, generated once for all of
//! them: `wl_<h>_free`, `wl_<h>_fd`, `wl_<h>_into_fd` and
//! `wl_<h>_from_fd` (the last for every state a descriptor can be adopted
//! as). Their bodies are `common.rs`'s generic functions.
//!
//! cbindgen does not expand macros, so tests/c_abi/render.rs reads this
//! file to write their header declarations: the doc lines of the templates
//! below (`///`, or `#[doc = concat!(..)]` naming `$ty` with
//! `stringify!($ty)`), and per handle the `from_fd` doc written in the
//! table at the end. Keep both in those two forms.

use std::ffi::c_int;

use super::boundary::ffi_fn;
use super::common;

/// `lifecycle_exports! { short wl_type { /// from_fd doc } ... }`: the
/// free / fd / into_fd exports of `wl_<short>`, and `from_fd` with the doc
/// given (an entry `short wl_type;` has no `from_fd`).
macro_rules! lifecycle_exports {
    ($($short:ident $ty:ident $({ $(#[doc = $doc:literal])* })?;)*) => {$(
        lifecycle_exports!(@each $short $ty, free fd into_fd from_fd $({ $(#[doc = $doc])* })?);
    )*};
    (@each $short:ident $ty:ident, $free:ident $fd:ident $into_fd:ident $from_fd:ident $({ $(#[doc = $doc:literal])* })?) => {
        const _: () = {
            use super::$ty;

            /// Closes the socket and frees the handle. NULL is a no-op.
            ///
            /// Ownership: consumes `sock`; it must not be used afterwards. Errors from
            /// `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
            /// thread still uses it is the caller's bug.
            #[unsafe(export_name = concat!("wl_", stringify!($short), "_free"))]
            pub unsafe extern "C" fn $free(sock: *mut $ty) {
                ffi_fn!(concat!("wl_", stringify!($short), "_free"), {
                    // SAFETY: `sock` is NULL or a live handle the caller gives up.
                    unsafe { common::free(sock) }
                })
            }

            /// The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
            /// a `setsockopt(2)` Wirelane does not wrap.
            ///
            /// Ownership: the descriptor stays owned by the handle: do not close it,
            #[doc = concat!(" and do not use it after `", stringify!($ty), "_free`. Returns the descriptor (>= 0), or")]
            /// `-EINVAL` if `sock` is NULL.
            #[unsafe(export_name = concat!("wl_", stringify!($short), "_fd"))]
            pub unsafe extern "C" fn $fd(sock: *const $ty) -> c_int {
                ffi_fn!(concat!("wl_", stringify!($short), "_fd"), {
                    // SAFETY: `sock` is NULL or a live handle (caller contract).
                    unsafe { common::fd(sock) }
                })
            }

            /// Frees the handle and returns its descriptor, which the caller now owns
            /// and must `close(2)`.
            ///
            /// Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
            /// `-EINVAL` if `sock` is NULL (nothing is consumed then).
            #[unsafe(export_name = concat!("wl_", stringify!($short), "_into_fd"))]
            pub unsafe extern "C" fn $into_fd(sock: *mut $ty) -> c_int {
                ffi_fn!(concat!("wl_", stringify!($short), "_into_fd"), {
                    // SAFETY: `sock` is NULL or a live handle the caller gives up.
                    unsafe { common::into_fd(sock) }
                })
            }

            $(
                $(#[doc = $doc])*
                #[unsafe(export_name = concat!("wl_", stringify!($short), "_from_fd"))]
                pub unsafe extern "C" fn $from_fd(fd: c_int, out: *mut *mut $ty) -> c_int {
                    ffi_fn!(concat!("wl_", stringify!($short), "_from_fd"), {
                        // SAFETY: `fd` is the caller's to give; `out` NULL or writable.
                        unsafe { common::from_fd(fd, out) }
                    })
                }
            )?
        };
    };
}

// The handles, in the order of their files; the doc of each `from_fd`.
lifecycle_exports! {
    raw wl_raw {
        /// Adopts an existing descriptor as a `wl_raw`, after asking the kernel
        /// that it is a fresh socket (not bound, not connected, not listening; stream or datagram) of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
        /// `SO_ACCEPTCONN`, peer and local address).
        ///
        /// Ownership: on success the handle owns `fd` (close it only through
        /// `wl_raw_free`, or take it back with `wl_raw_into_fd`) and `*out` is written.
        /// On failure `fd` stays open and owned by the caller. Returns 0, or
        /// `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
        /// domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
        /// `out`).
    };
    bound wl_bound {
        /// Adopts an existing descriptor as a `wl_bound`, after asking the kernel
        /// that it is a bound stream socket (bound, not listening, not connected) of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
        /// `SO_ACCEPTCONN`, peer and local address).
        ///
        /// Ownership: on success the handle owns `fd` (close it only through
        /// `wl_bound_free`, or take it back with `wl_bound_into_fd`) and `*out` is written.
        /// On failure `fd` stays open and owned by the caller. Returns 0, or
        /// `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
        /// domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
        /// `out`).
    };
    listener wl_listener {
        /// Adopts an existing descriptor as a `wl_listener`, after asking the kernel
        /// that it is a listening stream socket of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
        /// `SO_ACCEPTCONN`, peer and local address).
        ///
        /// Ownership: on success the handle owns `fd` (close it only through
        /// `wl_listener_free`, or take it back with `wl_listener_into_fd`) and `*out` is written.
        /// On failure `fd` stays open and owned by the caller. Returns 0, or
        /// `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
        /// domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
        /// `out`).
    };
    conn wl_conn {
        /// Adopts an existing descriptor as a `wl_conn`, after asking the kernel
        /// that it is a connected stream socket (TCP or Unix stream) of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
        /// `SO_ACCEPTCONN`, peer and local address).
        ///
        /// Ownership: on success the handle owns `fd` (close it only through
        /// `wl_conn_free`, or take it back with `wl_conn_into_fd`) and `*out` is written.
        /// On failure `fd` stays open and owned by the caller. Returns 0, or
        /// `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
        /// domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
        /// `out`).
    };
    pending wl_pending;
    dgram wl_dgram {
        /// Adopts an existing descriptor as a `wl_dgram`, after asking the kernel
        /// that it is a bound, unconnected datagram socket (UDP or Unix datagram) of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
        /// `SO_ACCEPTCONN`, peer and local address).
        ///
        /// Ownership: on success the handle owns `fd` (close it only through
        /// `wl_dgram_free`, or take it back with `wl_dgram_into_fd`) and `*out` is written.
        /// On failure `fd` stays open and owned by the caller. Returns 0, or
        /// `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
        /// domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
        /// `out`).
    };
    dgram_conn wl_dgram_conn {
        /// Adopts an existing descriptor as a `wl_dgram_conn`, after asking the kernel
        /// that it is a connected datagram socket of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
        /// `SO_ACCEPTCONN`, peer and local address).
        ///
        /// Ownership: on success the handle owns `fd` (close it only through
        /// `wl_dgram_conn_free`, or take it back with `wl_dgram_conn_into_fd`) and `*out` is written.
        /// On failure `fd` stays open and owned by the caller. Returns 0, or
        /// `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
        /// domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
        /// `out`).
    };
    seqpacket_raw wl_seqpacket_raw {
        /// Adopts an existing descriptor as a `wl_seqpacket_raw`, after asking the
        /// kernel that it is a fresh (unbound, unconnected) Unix seqpacket socket
        /// (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`, `SO_ACCEPTCONN`, addresses).
        ///
        /// Ownership: on success the handle owns `fd` and `*out` is written. On
        /// failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
        /// (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not `AF_UNIX`),
        /// `-EPROTOTYPE` (not `SOCK_SEQPACKET`), `-EINVAL` (other state, NULL `out`).
    };
    seqpacket_bound wl_seqpacket_bound {
        /// Adopts an existing descriptor as a `wl_seqpacket_bound`, after asking
        /// the kernel that it is a bound, not listening, unconnected Unix
        /// seqpacket socket.
        ///
        /// Ownership: on success the handle owns `fd` and `*out` is written. On
        /// failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`,
        /// `-ENOTSOCK`, `-EAFNOSUPPORT`, `-EPROTOTYPE`, `-EINVAL` (other state,
        /// NULL `out`).
    };
    seqpacket_listener wl_seqpacket_listener {
        /// Adopts an existing descriptor as a `wl_seqpacket_listener`, after
        /// asking the kernel that it is a listening Unix seqpacket socket.
        ///
        /// Ownership: on success the handle owns `fd` and `*out` is written. On
        /// failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`,
        /// `-ENOTSOCK`, `-EAFNOSUPPORT`, `-EPROTOTYPE`, `-EINVAL` (other state,
        /// NULL `out`).
    };
    seqpacket wl_seqpacket {
        /// Adopts an existing descriptor as a `wl_seqpacket`, after asking the
        /// kernel that it is a connected Unix seqpacket socket.
        ///
        /// Ownership: on success the handle owns `fd` and `*out` is written. On
        /// failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`,
        /// `-ENOTSOCK`, `-EAFNOSUPPORT`, `-EPROTOTYPE` (e.g. a Unix stream),
        /// `-EINVAL` (other state, NULL `out`).
    };
    icmp_raw wl_icmp_raw {
        /// Adopts an existing descriptor as a `wl_icmp_raw`, after asking the kernel that
        /// it is a fresh (unbound, unconnected) ICMP echo socket (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
        /// `SO_ACCEPTCONN`, peer and local address).
        ///
        /// Ownership: on success the handle owns `fd` and `*out` is written. On
        /// failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
        /// (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not IPv4 or
        /// IPv6), `-EPROTOTYPE` (other socket type), `-EPROTONOSUPPORT` (other
        /// protocol), `-EINVAL` (other state, NULL `out`).
    };
    icmp wl_icmp {
        /// Adopts an existing descriptor as a `wl_icmp`, after asking the kernel that
        /// it is a bound, unconnected ICMP echo socket (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
        /// `SO_ACCEPTCONN`, peer and local address).
        ///
        /// Ownership: on success the handle owns `fd` and `*out` is written. On
        /// failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
        /// (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not IPv4 or
        /// IPv6), `-EPROTOTYPE` (other socket type), `-EPROTONOSUPPORT` (other
        /// protocol), `-EINVAL` (other state, NULL `out`).
    };
    icmp_conn wl_icmp_conn {
        /// Adopts an existing descriptor as a `wl_icmp_conn`, after asking the kernel that
        /// it is a connected ICMP echo socket (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
        /// `SO_ACCEPTCONN`, peer and local address).
        ///
        /// Ownership: on success the handle owns `fd` and `*out` is written. On
        /// failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
        /// (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not IPv4 or
        /// IPv6), `-EPROTOTYPE` (other socket type), `-EPROTONOSUPPORT` (other
        /// protocol), `-EINVAL` (other state, NULL `out`).
    };
    rawip_raw wl_rawip_raw {
        /// Adopts an existing descriptor as a `wl_rawip_raw`, after asking the kernel that
        /// it is a fresh (unbound, unconnected) raw IP socket (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
        /// `SO_ACCEPTCONN`, peer and local address).
        ///
        /// Ownership: on success the handle owns `fd` and `*out` is written. On
        /// failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
        /// (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not IPv4 or
        /// IPv6), `-EPROTOTYPE` (other socket type), `-EPROTONOSUPPORT` (other
        /// protocol), `-EINVAL` (other state, NULL `out`).
    };
    rawip wl_rawip {
        /// Adopts an existing descriptor as a `wl_rawip`, after asking the kernel that
        /// it is a bound, unconnected raw IP socket (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
        /// `SO_ACCEPTCONN`, peer and local address).
        ///
        /// Ownership: on success the handle owns `fd` and `*out` is written. On
        /// failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
        /// (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not IPv4 or
        /// IPv6), `-EPROTOTYPE` (other socket type), `-EPROTONOSUPPORT` (other
        /// protocol), `-EINVAL` (other state, NULL `out`).
    };
    rawip_conn wl_rawip_conn {
        /// Adopts an existing descriptor as a `wl_rawip_conn`, after asking the kernel that
        /// it is a connected raw IP socket (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
        /// `SO_ACCEPTCONN`, peer and local address).
        ///
        /// Ownership: on success the handle owns `fd` and `*out` is written. On
        /// failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
        /// (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not IPv4 or
        /// IPv6), `-EPROTOTYPE` (other socket type), `-EPROTONOSUPPORT` (other
        /// protocol), `-EINVAL` (other state, NULL `out`).
    };
}
