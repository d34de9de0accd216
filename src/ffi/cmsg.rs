//! Generic control messages (`cmsg(3)`) across the C ABI: send a control
//! buffer the caller built (`wl_cmsg_push`, or libc's `CMSG_*` macros),
//! receive the raw control bytes into a caller buffer, and walk them with
//! a bounded, checked cursor (`wl_cmsg_first` / `wl_cmsg_next`, the
//! `wirelane::cmsg::ControlMessages` parser: a hostile `cmsg_len` is an
//! error, never a misread). A control buffer too small for what the
//! kernel had is reported (`MSG_CTRUNC`, `control_truncated`), never lost
//! silently. Nothing here allocates. IPv4/IPv6 datagram sockets
//! (`BoundDatagram::send_msg_encoded` / `recv_msg` and their
//! `ConnectedDatagram` forms); Unix sockets pass descriptors with
//! `wl_*_send_fds`.

use std::ffi::{c_int, c_void};
use std::io::{self, IoSlice};

use super::addr::wl_addr;
use super::any::each_ip;
use super::boundary::{ffi_fn, forward_exports};
use super::dgram::{wl_dgram, wl_dgram_conn};
use super::handle::{borrow, bytes, bytes_mut, in_ref, out_ptr};
use super::peer::count;
use super::udp_meta::{inet_only, recv_out, wl_udp_recv_meta};
use wirelane_core::MsgFlags;
use wirelane_core::cmsg::{CmsgEncoder, CmsgError, ControlMessage, ControlMessages, space};
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::meta::RecvMeta;

/// One control message found in a buffer by `wl_cmsg_first` /
/// `wl_cmsg_next`, and the cursor for the next call.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_cmsg {
    /// Offset of this message's header in the buffer.
    pub offset: usize,
    /// Offset where the following message starts: the cursor
    /// `wl_cmsg_next` reads.
    pub next: usize,
    /// `cmsg_level` (`SOL_SOCKET`, `IPPROTO_IP`, `IPPROTO_IPV6`,
    /// `SOL_UDP`, ...).
    pub cmsg_level: c_int,
    /// `cmsg_type` (`IP_TOS`, `IPV6_PKTINFO`, `SCM_TIMESTAMPNS`, ...).
    pub cmsg_type: c_int,
    /// The message's data, inside the caller's buffer (`CMSG_DATA`).
    pub data: *const u8,
    /// Bytes of `data` (`cmsg_len - CMSG_LEN(0)`).
    pub data_len: usize,
}

/// What `wl_dgram_recv_cmsg` / `wl_dgram_conn_recv_cmsg` received
/// besides the payload.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_cmsg_recv {
    /// Bytes received (with `MSG_TRUNC` in the call's flags, the
    /// datagram's real length).
    pub len: usize,
    /// The kernel's `msg_flags` (`MSG_TRUNC`, `MSG_CTRUNC`, ...).
    pub flags: c_int,
    /// The datagram was longer than the buffer and was cut (`MSG_TRUNC`).
    pub truncated: bool,
    /// The control buffer was too small and the kernel cut the control
    /// data (`MSG_CTRUNC`): the messages after the cut are lost.
    pub control_truncated: bool,
    /// Bytes of control data the kernel wrote (`msg_controllen`): walk
    /// exactly these with `wl_cmsg_first`.
    pub control_len: usize,
    /// The sender (the peer on a connected socket).
    pub source: wl_addr,
}

/// `CMSG_SPACE(data_len)`: the bytes one message with `data_len` bytes of
/// data takes in a control buffer, padding included (size buffers with
/// the sum). Returns it, or `-EINVAL` for a length no buffer can hold.
#[unsafe(no_mangle)]
pub extern "C" fn wl_cmsg_space(data_len: usize) -> libc::ssize_t {
    ffi_fn!("wl_cmsg_space", {
        if data_len > (libc::ssize_t::MAX as usize) - 64 {
            return Err(invalid_input(
                libc::EINVAL,
                format!("a control message of {data_len} data bytes cannot exist"),
            ));
        }
        Ok(space(data_len) as libc::ssize_t)
    })
}

/// Appends one message (`cmsg_level`, `cmsg_type`, `data_len` bytes of `data`) to
/// the control buffer `control` of `capacity` bytes, of which `*used` are
/// already filled, in the kernel's layout (`cmsghdr`, data, zeroed
/// padding), and adds the bytes it took to `*used`: build a buffer for
/// `wl_dgram_send_cmsg` with one call per message, starting from
/// `*used == 0`. Never allocates.
///
/// Returns 0, or `-ENOBUFS` when the message does not fit in what remains
/// (nothing is written), `-EINVAL` (NULL `control` with `capacity > 0`,
/// NULL `used`, `*used > capacity`, NULL `data` with `data_len > 0`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_cmsg_push(
    control: *mut c_void,
    capacity: usize,
    used: *mut usize,
    cmsg_level: c_int,
    cmsg_type: c_int,
    data: *const c_void,
    data_len: usize,
) -> c_int {
    ffi_fn!("wl_cmsg_push", {
        let used = out_ptr(used, "used")?;
        // SAFETY: `control` holds `capacity` writable bytes, `data`
        // `data_len` readable ones (caller contract); `used` non-NULL.
        let (buf, data, at) = unsafe {
            (
                bytes_mut(control.cast(), capacity, "control")?,
                bytes(data.cast(), data_len, "data")?,
                used.read(),
            )
        };
        if at > buf.len() {
            return Err(invalid_input(
                libc::EINVAL,
                format!("*used is {at} but the control buffer holds {capacity} bytes"),
            ));
        }
        let mut enc = CmsgEncoder::new(&mut buf[at..]);
        match enc.push(&ControlMessage::Unknown {
            level: cmsg_level,
            ty: cmsg_type,
            data,
        }) {
            Ok(()) => {}
            Err(e @ CmsgError::BufferTooSmall { .. }) => return Err(invalid_input(libc::ENOBUFS, e.to_string())),
            Err(e) => return Err(e.into()),
        }
        // SAFETY: checked non-NULL.
        unsafe { used.write(at + enc.len()) };
        Ok(0)
    })
}

/// Reads the message whose header starts at `offset` into `*out`: 1, 0 at
/// the end, or the parser's error.
fn walk_at(buf: &[u8], offset: usize, out: *mut wl_cmsg) -> io::Result<c_int> {
    let mut it = ControlMessages::starting_at(buf, offset);
    match it.next_raw() {
        None => Ok(0),
        Some(Err(e)) => Err(invalid_input(libc::EINVAL, e.to_string())),
        Some(Ok((raw, _typed))) => {
            let m = wl_cmsg {
                offset: raw.offset,
                next: it.next_offset(),
                cmsg_level: raw.level,
                cmsg_type: raw.ty,
                data: raw.data.as_ptr(),
                data_len: raw.data.len(),
            };
            // SAFETY: the callers checked `out` non-NULL.
            unsafe { out.write(m) };
            Ok(1)
        }
    }
}

/// Finds the first control message in the `control_len` bytes at
/// `control` (exactly the `control_len` a receive reported) and describes
/// it in `*out`; `out->data` points into `control`. Every header is
/// checked against the bytes that remain and every known message's data
/// against its type (the checks of `wirelane::cmsg::ControlMessages`).
///
/// Returns 1 (a message is in `*out`), 0 (no message: `*out` untouched),
/// or `-EINVAL` naming the offset and the problem (a malformed message, a
/// NULL argument).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_cmsg_first(control: *const c_void, control_len: usize, out: *mut wl_cmsg) -> c_int {
    ffi_fn!("wl_cmsg_first", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `control` holds `control_len` readable bytes.
        let buf = unsafe { bytes(control.cast(), control_len, "control")? };
        walk_at(buf, 0, out)
    })
}

/// Advances `*cursor` (a message from `wl_cmsg_first` or an earlier
/// `wl_cmsg_next` over the same buffer) to the following message, reading
/// from `cursor->next`: bounded by `control_len` whatever the cursor
/// holds. Returns 1 (the next message is in `*cursor`), 0 (the end:
/// `*cursor` untouched), or `-EINVAL` (a malformed message, NULL).
///
/// ```c
/// wl_cmsg c;
/// for (int r = wl_cmsg_first(ctl, got.control_len, &c); r == 1;
///      r = wl_cmsg_next(ctl, got.control_len, &c)) { ... }
/// ```
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_cmsg_next(control: *const c_void, control_len: usize, cursor: *mut wl_cmsg) -> c_int {
    ffi_fn!("wl_cmsg_next", {
        let cursor = out_ptr(cursor, "cursor")?;
        // SAFETY: `control` holds `control_len` readable bytes; `cursor`
        // is non-NULL and points to a wl_cmsg.
        let (buf, at) = unsafe { (bytes(control.cast(), control_len, "control")?, (*cursor).next) };
        walk_at(buf, at, cursor)
    })
}

/// Decodes the typed metadata (`wirelane::meta::RecvMeta`: ECN, TTL,
/// destination, timestamp, GRO segment) from the `msg->control_len`
/// control bytes at `control` that `wl_dgram_recv_cmsg` filled, into
/// `*out`, with `msg`'s length, sender and `MSG_CTRUNC` (the messages that
/// arrived whole before a cut are still decoded); `control` may be NULL
/// when `msg->control_len` is 0. Returns 0, or `-EINVAL` (NULL `msg` or
/// `out`, malformed control data).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_cmsg_recv_meta(
    msg: *const wl_cmsg_recv,
    control: *const c_void,
    out: *mut wl_udp_recv_meta,
) -> c_int {
    ffi_fn!("wl_cmsg_recv_meta", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `msg` valid; `control` holds `msg->control_len` bytes.
        let (msg, buf) = unsafe {
            let msg = *in_ref(msg, "msg")?;
            (msg, bytes(control.cast(), msg.control_len, "control")?)
        };
        let r = recv_out(msg.len, msg.source, &RecvMeta::from_control(buf, msg.flags)?);
        // SAFETY: checked non-NULL.
        unsafe { out.write(r) };
        Ok(0)
    })
}

/// Refuses a caller-built buffer whose headers do not walk (a `cmsg_len`
/// below the header or past the end), naming the offset, before the
/// kernel sees it. Typed contents are the kernel's to judge.
fn check_walk(control: &[u8]) -> io::Result<()> {
    let mut it = ControlMessages::new(control);
    while let Some(r) = it.next_raw() {
        match r {
            Ok(_) => {}
            Err(e @ (CmsgError::LenTooSmall { .. } | CmsgError::LenPastEnd { .. })) => {
                return Err(invalid_input(libc::EINVAL, format!("control buffer: {e}")));
            }
            // A message the parser would type differently is still passed
            // through as the caller built it.
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Sends `len` bytes of `buf` to `*to` with the `control_len` bytes of
/// caller-built control messages at `control` (`sendmsg(2)`,
/// `MSG_NOSIGNAL` added): `BoundDatagram::send_msg_encoded`. `flags` is 0
/// or `MSG_*` bits. The headers are checked first (a bad `cmsg_len` is
/// `-EINVAL` naming its offset); what they carry is passed as is.
///
/// Returns the bytes sent, or `-EINVAL` (NULL, a malformed buffer, a
/// message the kernel refuses), `-EAFNOSUPPORT` (Unix, an address of
/// another family), `-errno`. No allocation.
///
/// `-EAGAIN`: no room for the datagram, on a non-blocking socket
/// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
/// (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
/// all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_send_cmsg(
    sock: *const wl_dgram,
    buf: *const c_void,
    len: usize,
    to: *const wl_addr,
    control: *const c_void,
    control_len: usize,
    flags: c_int,
) -> libc::ssize_t {
    ffi_fn!("wl_dgram_send_cmsg", {
        // SAFETY: NULL or live handle; the buffers hold their lengths.
        let (s, data, to, control) = unsafe {
            (
                borrow(sock)?,
                bytes(buf.cast(), len, "buf")?,
                *in_ref(to, "to")?,
                bytes(control.cast(), control_len, "control")?,
            )
        };
        check_walk(control)?;
        let flags = MsgFlags::from_bits(flags);
        let iov = [IoSlice::new(data)];
        let n = each_ip!(s, inet_only(), s => s.send_msg_encoded(&iov, &to.to_typed()?, control, flags)?);
        Ok(count(n))
    })
}

/// `wl_dgram_send_cmsg` to a connected socket's peer
/// (`ConnectedDatagram::send_msg_encoded`).
///
/// `-EAGAIN`: no room for the datagram, on a non-blocking socket
/// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
/// (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
/// all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_send_cmsg(
    sock: *const wl_dgram_conn,
    buf: *const c_void,
    len: usize,
    control: *const c_void,
    control_len: usize,
    flags: c_int,
) -> libc::ssize_t {
    ffi_fn!("wl_dgram_conn_send_cmsg", {
        // SAFETY: NULL or live handle; the buffers hold their lengths.
        let (s, data, control) = unsafe {
            (
                borrow(sock)?,
                bytes(buf.cast(), len, "buf")?,
                bytes(control.cast(), control_len, "control")?,
            )
        };
        check_walk(control)?;
        let flags = MsgFlags::from_bits(flags);
        let iov = [IoSlice::new(data)];
        let n = each_ip!(s, inet_only(), s => s.send_msg_encoded(&iov, control, flags)?);
        Ok(count(n))
    })
}

// The body both raw receives share (their `forward_exports!` entries'
// `=> <body>`).
macro_rules! recv_cmsg_body {
    ($sock:ident, $buf:ident, $len:ident, $control:ident, $capacity:ident, $flags:ident, $out:ident) => {{
        let out = out_ptr($out, "out")?;
        // SAFETY: NULL or live handle; the buffers hold their lengths
        // (writable).
        let (s, buf, control) = unsafe {
            (
                borrow($sock)?,
                bytes_mut($buf.cast(), $len, "buf")?,
                bytes_mut($control.cast(), $capacity, "control")?,
            )
        };
        let flags = MsgFlags::from_bits($flags);
        macro_rules! recv {
            ($s:expr) => {{
                let g = $s.recv_msg(buf, control, flags)?;
                wl_cmsg_recv {
                    len: g.len,
                    flags: g.flags,
                    truncated: g.truncated(),
                    control_truncated: g.control_truncated(),
                    control_len: g.control.len(),
                    source: wl_addr::from_typed(&g.source),
                }
            }};
        }
        let r = each_ip!(s, inet_only(), s => recv!(s));
        // SAFETY: checked non-NULL.
        unsafe { out.write(r) };
        Ok(count(r.len))
    }};
}

forward_exports! {
    /// Receives one datagram into `buf` and its raw control messages into the
    /// caller's `control` buffer of `control_capacity` bytes (`recvmsg(2)`:
    /// `BoundDatagram::recv_msg`); `*out` says how many control bytes the
    /// kernel wrote (walk them with `wl_cmsg_first` / `wl_cmsg_next`, decode
    /// the metadata with `wl_cmsg_recv_meta`) and whether they were cut
    /// (`control_truncated`, `MSG_CTRUNC`: offer a larger buffer, at least
    /// `WL_UDP_RECV_CONTROL_SPACE`). `flags`: 0 or `MSG_*` bits (`MSG_PEEK`,
    /// `MSG_TRUNC`, `MSG_DONTWAIT`).
    ///
    /// Returns the bytes received, or `-EAGAIN`, `-EINVAL` (NULL),
    /// `-EAFNOSUPPORT` (Unix), `-errno`; `*out` is written only on success.
    /// No allocation.
    ///
    /// `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
    /// `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
    /// consumed and the outputs are untouched; retry when `wl_wait` (or your
    /// event loop) reports `WL_READABLE`. A blocking receive on a socket shut
    /// down for receiving returns `-ESHUTDOWN` instead of waiting.
    fn dgram_recv_cmsg(
        sock: *const wl_dgram, buf: *mut c_void, len: usize, control: *mut c_void, control_capacity: usize, flags: c_int, out: *mut wl_cmsg_recv,
    ) -> libc::ssize_t => recv_cmsg_body!(sock, buf, len, control, control_capacity, flags, out);

    /// `wl_dgram_recv_cmsg` on a connected datagram socket
    /// (`ConnectedDatagram::recv_msg`): `out->source` is the peer.
    ///
    /// `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
    /// `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
    /// consumed and the outputs are untouched; retry when `wl_wait` (or your
    /// event loop) reports `WL_READABLE`. A blocking receive on a socket shut
    /// down for receiving returns `-ESHUTDOWN` instead of waiting.
    fn dgram_conn_recv_cmsg(
        sock: *const wl_dgram_conn, buf: *mut c_void, len: usize, control: *mut c_void, control_capacity: usize, flags: c_int, out: *mut wl_cmsg_recv,
    ) -> libc::ssize_t => recv_cmsg_body!(sock, buf, len, control, control_capacity, flags, out);
}

/// Control space that holds every receive-side message
/// `wl_dgram_recv_meta` decodes at once
/// (`wirelane::meta::RECV_CONTROL_SPACE`): size `wl_dgram_recv_cmsg`'s
/// buffer with at least this to never see `MSG_CTRUNC` for them.
pub const WL_UDP_RECV_CONTROL_SPACE: usize = 328;

const _: () = assert!(WL_UDP_RECV_CONTROL_SPACE == wirelane_core::meta::RECV_CONTROL_SPACE);
