//! Error classification: transient or not, and readable errno names.

use std::io;

/// Whether `error` is transient: the same call may succeed if retried
/// later, so loops should wait and retry rather than give up.
///
/// Transient: `EAGAIN`/`EWOULDBLOCK` (nothing to read or no room to write
/// right now), `EINTR` (a signal interrupted the call), `EINPROGRESS` (a
/// non-blocking connect is under way) and `ENOBUFS` (the kernel is short of
/// buffer memory or, for `MSG_ZEROCOPY`, of notification slots; it clears
/// as queues drain). Errors without an errno count as transient only if
/// their kind is `WouldBlock` or `Interrupted`.
pub fn is_transient(error: &io::Error) -> bool {
    match error.raw_os_error() {
        Some(code) => matches!(code, libc::EAGAIN | libc::EINTR | libc::EINPROGRESS | libc::ENOBUFS),
        None => matches!(error.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted),
    }
}

/// The symbolic name of an errno value (`libc::ECONNREFUSED` →
/// `"ECONNREFUSED"`), for logs that should say what the kernel said.
/// Aliases get one name: `EWOULDBLOCK` is `"EAGAIN"`, `ENOTSUP` is
/// `"EOPNOTSUPP"`, `EDEADLOCK` is `"EDEADLK"`. Values it does not know give
/// `"UNKNOWN"`.
///
/// ```
/// use wirelane::stream_ext::errno_name;
/// assert_eq!(errno_name(libc::ECONNREFUSED), "ECONNREFUSED");
/// assert_eq!(errno_name(libc::EWOULDBLOCK), "EAGAIN");
/// assert_eq!(errno_name(-1), "UNKNOWN");
/// ```
pub fn errno_name(errno: i32) -> &'static str {
    match errno {
        libc::EPERM => "EPERM",
        libc::ENOENT => "ENOENT",
        libc::ESRCH => "ESRCH",
        libc::EINTR => "EINTR",
        libc::EIO => "EIO",
        libc::ENXIO => "ENXIO",
        libc::E2BIG => "E2BIG",
        libc::EBADF => "EBADF",
        libc::ECHILD => "ECHILD",
        libc::EAGAIN => "EAGAIN",
        libc::ENOMEM => "ENOMEM",
        libc::EACCES => "EACCES",
        libc::EFAULT => "EFAULT",
        libc::EBUSY => "EBUSY",
        libc::EEXIST => "EEXIST",
        libc::EXDEV => "EXDEV",
        libc::ENODEV => "ENODEV",
        libc::ENOTDIR => "ENOTDIR",
        libc::EISDIR => "EISDIR",
        libc::EINVAL => "EINVAL",
        libc::ENFILE => "ENFILE",
        libc::EMFILE => "EMFILE",
        libc::ENOTTY => "ENOTTY",
        libc::EFBIG => "EFBIG",
        libc::ENOSPC => "ENOSPC",
        libc::ESPIPE => "ESPIPE",
        libc::EROFS => "EROFS",
        libc::EPIPE => "EPIPE",
        libc::ERANGE => "ERANGE",
        libc::EDEADLK => "EDEADLK",
        libc::ENAMETOOLONG => "ENAMETOOLONG",
        libc::ENOSYS => "ENOSYS",
        libc::ELOOP => "ELOOP",
        libc::ENOMSG => "ENOMSG",
        libc::ENODATA => "ENODATA",
        libc::ETIME => "ETIME",
        libc::EPROTO => "EPROTO",
        libc::EBADMSG => "EBADMSG",
        libc::EOVERFLOW => "EOVERFLOW",
        libc::EBADFD => "EBADFD",
        libc::ENOTSOCK => "ENOTSOCK",
        libc::EDESTADDRREQ => "EDESTADDRREQ",
        libc::EMSGSIZE => "EMSGSIZE",
        libc::EPROTOTYPE => "EPROTOTYPE",
        libc::ENOPROTOOPT => "ENOPROTOOPT",
        libc::EPROTONOSUPPORT => "EPROTONOSUPPORT",
        libc::ESOCKTNOSUPPORT => "ESOCKTNOSUPPORT",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::EPFNOSUPPORT => "EPFNOSUPPORT",
        libc::EAFNOSUPPORT => "EAFNOSUPPORT",
        libc::EADDRINUSE => "EADDRINUSE",
        libc::EADDRNOTAVAIL => "EADDRNOTAVAIL",
        libc::ENETDOWN => "ENETDOWN",
        libc::ENETUNREACH => "ENETUNREACH",
        libc::ENETRESET => "ENETRESET",
        libc::ECONNABORTED => "ECONNABORTED",
        libc::ECONNRESET => "ECONNRESET",
        libc::ENOBUFS => "ENOBUFS",
        libc::EISCONN => "EISCONN",
        libc::ENOTCONN => "ENOTCONN",
        libc::ESHUTDOWN => "ESHUTDOWN",
        libc::ETOOMANYREFS => "ETOOMANYREFS",
        libc::ETIMEDOUT => "ETIMEDOUT",
        libc::ECONNREFUSED => "ECONNREFUSED",
        libc::EHOSTDOWN => "EHOSTDOWN",
        libc::EHOSTUNREACH => "EHOSTUNREACH",
        libc::EALREADY => "EALREADY",
        libc::EINPROGRESS => "EINPROGRESS",
        libc::EREMOTEIO => "EREMOTEIO",
        libc::ECANCELED => "ECANCELED",
        libc::EOWNERDEAD => "EOWNERDEAD",
        libc::ENOTRECOVERABLE => "ENOTRECOVERABLE",
        _ => "UNKNOWN",
    }
}
