//! `TCP_CONGESTION` (see `tcp(7)`), whose value is a string; the `int`
//! TCP options are rows of the option table (`table.rs`), `TCP_INFO` is in
//! `info.rs`.

use std::io;
use std::os::fd::AsFd;

use crate::error::invalid_input;
use crate::sys;

/// The kernel's limit on a congestion-control name, NUL included.
const TCP_CA_NAME_MAX: usize = 16;

/// Selects the congestion-control algorithm for this socket
/// (`TCP_CONGESTION`, see `tcp(7)`), e.g. `"cubic"`, `"reno"`, `"bbr"`.
///
/// The name must be 1 to 15 bytes without NUL (checked first; the kernel
/// would truncate). The kernel answers `ENOENT` for an algorithm that is
/// not available (see `net.ipv4.tcp_available_congestion_control`; it may
/// load a module) and `EPERM` for one outside
/// `net.ipv4.tcp_allowed_congestion_control` without `CAP_NET_ADMIN`.
pub fn set_tcp_congestion<S: AsFd + ?Sized>(socket: &S, algorithm: &str) -> io::Result<()> {
    if algorithm.is_empty() || algorithm.len() >= TCP_CA_NAME_MAX || algorithm.contains('\0') {
        return Err(invalid_input(
            libc::EINVAL,
            format!(
                "TCP_CONGESTION: algorithm name must be 1..={} bytes without NUL, got {algorithm:?}",
                TCP_CA_NAME_MAX - 1
            ),
        ));
    }
    sys::setsockopt_bytes(
        socket.as_fd(),
        libc::IPPROTO_TCP,
        libc::TCP_CONGESTION,
        algorithm.as_bytes(),
    )
}

/// The congestion-control algorithm in use (`TCP_CONGESTION`, see `tcp(7)`).
pub fn tcp_congestion<S: AsFd + ?Sized>(socket: &S) -> io::Result<String> {
    let mut buf = [0u8; TCP_CA_NAME_MAX];
    let len = sys::getsockopt_bytes(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_CONGESTION, &mut buf)?;
    let bytes = &buf[..len.min(TCP_CA_NAME_MAX)];
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8(bytes[..end].to_vec()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "TCP_CONGESTION: algorithm name is not UTF-8",
        )
    })
}
