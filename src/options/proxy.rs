//! What proxies read from an accepted connection: the destination before
//! a NAT redirect (`SO_ORIGINAL_DST` / `IP6T_SO_ORIGINAL_DST`, netfilter's
//! conntrack; see `iptables-extensions(8)` `REDIRECT`) and the client's
//! saved SYN (`TCP_SAVED_SYN`, see `tcp(7)`).

use std::io;
use std::mem;
use std::os::fd::{AsFd, AsRawFd};

use crate::addr::RawSockAddr;
use crate::addr::codec::AddrCodec;
use crate::addr::{SocketAddrV4, SocketAddrV6};
use crate::sys;

/// `SO_ORIGINAL_DST` and `IP6T_SO_ORIGINAL_DST` share the value 80
/// (`linux/netfilter_ipv4.h`, `linux/netfilter_ipv6/ip6_tables.h`).
fn original_dst(socket: impl AsFd, level: libc::c_int, name: libc::c_int) -> io::Result<RawSockAddr> {
    // SAFETY: sockaddr_storage is plain old data; all zeroes is valid.
    let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: `storage` is a writable buffer of `len` bytes.
    sys::cvt(unsafe {
        libc::getsockopt(
            socket.as_fd().as_raw_fd(),
            level,
            name,
            (&mut storage as *mut libc::sockaddr_storage).cast(),
            &mut len,
        )
    })?;
    Ok(RawSockAddr::from_parts(storage, len))
}

/// The destination an IPv4 TCP connection had before a netfilter NAT rule
/// (`REDIRECT`, `DNAT`) rewrote it (`SO_ORIGINAL_DST` at `SOL_IP`, see
/// `iptables-extensions(8)`): call it on the accepted connection of a
/// transparent (redirecting) proxy. A connection no rule translated gives
/// its own destination (conntrack still tracks it); `ENOENT` when
/// conntrack does not track the connection at all.
pub fn original_dst_v4<S: AsFd + ?Sized>(socket: &S) -> io::Result<SocketAddrV4> {
    SocketAddrV4::from_raw(&original_dst(socket.as_fd(), libc::SOL_IP, libc::SO_ORIGINAL_DST)?)
}

/// The IPv6 twin of [`original_dst_v4`] (`IP6T_SO_ORIGINAL_DST` at
/// `SOL_IPV6`): the destination before an `ip6tables`/`nft` NAT rule.
/// `ENOENT` when conntrack does not track the connection.
pub fn original_dst_v6<S: AsFd + ?Sized>(socket: &S) -> io::Result<SocketAddrV6> {
    SocketAddrV6::from_raw(&original_dst(
        socket.as_fd(),
        libc::SOL_IPV6,
        libc::IP6T_SO_ORIGINAL_DST,
    )?)
}

/// Copies the SYN that opened this accepted connection, its IP and TCP
/// headers as they arrived (`TCP_SAVED_SYN`, see `tcp(7)`), into `buf`,
/// after `set_tcp_save_syn(&listener, true)` on the listener.
///
/// Returns the SYN's length: 0 when none is saved (the listener did not
/// ask for it, or it was read already: the kernel hands it out once). A
/// return value larger than `buf.len()` means `buf` is too small: nothing
/// was copied and the SYN stays saved; call again with that many bytes
/// (an IPv4 SYN is at most 120 bytes, an IPv6 one with extension headers
/// can be longer).
pub fn tcp_saved_syn_into<S: AsFd + ?Sized>(socket: &S, buf: &mut [u8]) -> io::Result<usize> {
    let cap = buf.len().min(libc::socklen_t::MAX as usize);
    let mut len = cap as libc::socklen_t;
    // SAFETY: `buf` is a writable buffer of at least `len` bytes.
    let ret = unsafe {
        libc::getsockopt(
            socket.as_fd().as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_SAVED_SYN,
            buf.as_mut_ptr().cast(),
            &mut len,
        )
    };
    match sys::cvt(ret) {
        Ok(_) => Ok(len as usize),
        // Too small: the kernel keeps the SYN and reports its length.
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) && len as usize > cap => Ok(len as usize),
        Err(e) => Err(e),
    }
}

/// The saved SYN of an accepted connection as a vector (see
/// [`tcp_saved_syn_into`]); empty when none is saved.
pub fn tcp_saved_syn<S: AsFd + ?Sized>(socket: &S) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; 256];
    loop {
        let n = tcp_saved_syn_into(socket, &mut buf)?;
        if n <= buf.len() {
            buf.truncate(n);
            return Ok(buf);
        }
        buf.resize(n, 0);
    }
}
