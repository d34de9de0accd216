//! Connect by name (RFC 8305 Happy Eyeballs over the system resolver):
//! the blocking `wl_connect_by_name` / `wl_dgram_connect_by_name`, and
//! `wl_connector`, the same race as a handle an event loop drives.

use std::ffi::{c_char, c_int};
use std::io;
use std::os::fd::AsRawFd;
use std::time::Duration;

use super::addr::wl_addr;
use super::any::ByDomain;
use super::boundary::ffi_fn;
use super::conn::wl_conn;
use super::dgram::wl_dgram_conn;
use super::handle::{array, array_mut, borrow, bytes, c_str, give_out, impl_handle, out_ptr, take, transition};
use wirelane_core::connect_by_name::HappyEyeballs;
use wirelane_core::ffi_support::{errno_of, invalid_input};
use wirelane_core::{ConnectedInet, ConnectedInetDatagram, Connector, InetAddr, SocketAddrV4, SocketAddrV6};

/// Options of a connect by name. Zero-initialise it (`= {0}`) for the
/// defaults and set what you need; every function that takes one also
/// accepts NULL for all defaults.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_connect_opts {
    /// The Connection Attempt Delay in milliseconds (RFC 8305 §5): how long
    /// one attempt runs alone before the next address starts beside it.
    /// 0: the default, 250 ms; values below 10 ms are raised to 10.
    pub attempt_delay_ms: u32,
    /// The overall deadline in milliseconds, covering resolution and every
    /// attempt; past it the call fails with `-ETIMEDOUT`. 0: none.
    pub timeout_ms: u32,
    /// Binds every attempt to this source address first (port 0: any);
    /// only resolved addresses of its family are tried. NULL: none.
    pub source: *const wl_addr,
    /// TCP Fast Open (RFC 7413): these `fastopen_len` bytes travel in the
    /// SYN (`MSG_FASTOPEN`) when the kernel has a cookie for the server,
    /// and are written right after the handshake otherwise. NULL / 0: no
    /// Fast Open. Streams only.
    pub fastopen_data: *const u8,
    /// The length of `fastopen_data`.
    pub fastopen_len: usize,
    /// The timeout of each connection attempt in milliseconds: an attempt
    /// with no answer by then fails (`ETIMEDOUT`, reported among the
    /// attempts), is closed, and the next address starts at once -- the
    /// `timeout` of Python's `socket.create_connection`. Unlike
    /// `timeout_ms` it bounds each attempt, not the whole call. 0: none.
    pub attempt_timeout_ms: u32,
}

/// A connect by name in progress (`HappyEyeballs`): the race of RFC 8305
/// as a handle an event loop drives, from `wl_connector_start` or
/// `wl_connector_start_addrs`.
///
/// Drive it: wait until one of `wl_connector_fds` is writable (`POLLOUT` /
/// `EPOLLOUT`) or `wl_connector_timeout_ms` passes, then call
/// `wl_connector_step`; re-read the descriptors after every step, they
/// change. Freeing it closes every attempt in flight, so cancelling leaves
/// no half-open socket. The winning `wl_conn` is non-blocking.
#[cfg_attr(all(), repr(C))]
pub struct wl_connector(super::handle::Tag, Option<Box<HappyEyeballs>>);
// Boxed: the race is a few hundred bytes, moved in and out of the slot on
// every step.
impl_handle!(wl_connector, Box<HappyEyeballs>);

/// The typed source address of `opts.source`; only IPv4 and IPv6 make sense.
fn source_of(addr: &wl_addr) -> io::Result<InetAddr> {
    match addr.storage.ss_family as c_int {
        libc::AF_INET => addr.to_typed::<SocketAddrV4>().map(InetAddr::V4),
        libc::AF_INET6 => addr.to_typed::<SocketAddrV6>().map(InetAddr::V6),
        other => Err(invalid_input(
            libc::EAFNOSUPPORT,
            format!("opts.source has address family {other}; a connect by name binds AF_INET or AF_INET6"),
        )),
    }
}

/// The Rust configuration from the C arguments; checks everything first.
///
/// # Safety
/// `host` is NULL or a NUL-terminated string; `opts` NULL or valid, with
/// its pointers NULL or valid for their lengths.
unsafe fn connector(host: *const c_char, port: u16, opts: *const wl_connect_opts) -> io::Result<Connector> {
    // SAFETY: caller contract.
    let host = unsafe { c_str(host, "host") }?;
    let mut c = Connector::new(host, port);
    // SAFETY: caller contract.
    if let Some(opts) = unsafe { opts.as_ref() } {
        if opts.attempt_delay_ms != 0 {
            c = c.attempt_delay(Duration::from_millis(opts.attempt_delay_ms.into()));
        }
        if opts.timeout_ms != 0 {
            c = c.timeout(Some(Duration::from_millis(opts.timeout_ms.into())));
        }
        if opts.attempt_timeout_ms != 0 {
            c = c.attempt_timeout(Some(Duration::from_millis(opts.attempt_timeout_ms.into())));
        }
        // SAFETY: caller contract.
        if let Some(source) = unsafe { opts.source.as_ref() } {
            c = c.source_addr(source_of(source)?);
        }
        // SAFETY: caller contract.
        let data = unsafe { bytes(opts.fastopen_data, opts.fastopen_len, "opts.fastopen_data") }?;
        c = c.fast_open(data);
    }
    Ok(c)
}

fn conn_any(conn: ConnectedInet) -> super::any::ConnAny {
    match conn {
        ConnectedInet::V4(s) => ByDomain::V4(s),
        ConnectedInet::V6(s) => ByDomain::V6(s),
    }
}

fn dgram_any(conn: ConnectedInetDatagram) -> super::any::DgramConnAny {
    match conn {
        ConnectedInetDatagram::V4(s) => ByDomain::V4(s),
        ConnectedInetDatagram::V6(s) => ByDomain::V6(s),
    }
}

/// Resolves `host` with the system resolver (`getaddrinfo(3)`: /etc/hosts,
/// DNS, ...; an IPv4 or `[IPv6]` literal works too) and connects to it
/// following RFC 8305: both families in interleaved order, a new attempt
/// every Connection Attempt Delay (or as soon as one fails), the first
/// handshake wins and every other attempt is closed. Blocks the calling
/// thread (bounded by `opts->timeout_ms` if set); the result is blocking.
/// `opts` (NULL or zero-initialised: all defaults) tunes the race.
///
/// Ownership: on success writes a new `wl_conn` to `*out` (IPv4 or IPv6:
/// ask `wl_socket_domain`). Returns 0, or: `-ENOENT` (no such name),
/// `-EAGAIN` (temporary resolver failure), `-ETIMEDOUT` (deadline), the
/// last attempt's error (`-ECONNREFUSED`, `-ENETUNREACH`, ...) when every
/// attempt failed -- `wl_last_error_message` then lists every address
/// tried with its error -- `-EINTR` (signal), `-EINVAL` / `-EAFNOSUPPORT`
/// (bad argument). `*out` is written only on success.
///
/// `-EAGAIN`: a temporary resolver failure (`EAI_AGAIN`: the name server did
/// not answer in time); nothing was created: retry later. This call blocks,
/// so it never reports readiness with `-EAGAIN`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_connect_by_name(
    host: *const c_char,
    port: u16,
    opts: *const wl_connect_opts,
    out: *mut *mut wl_conn,
) -> c_int {
    ffi_fn!("wl_connect_by_name", {
        let out = out_ptr(out, "out")?;
        // SAFETY: arguments NULL or valid (caller contract).
        let conn = unsafe { connector(host, port, opts) }?.connect()?;
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, conn_any(conn)) }
    })
}

/// Resolves `host` like `wl_connect_by_name` and "connects" a UDP socket
/// to the first address the kernel accepts (a datagram `connect(2)` sends
/// nothing, so there is nothing to race; addresses without a route are
/// skipped). `opts` (NULL or zero-initialised: all defaults) as for
/// `wl_connect_by_name`; `opts->fastopen_*` must be unset.
///
/// Ownership: on success writes a new `wl_dgram_conn` to `*out`. Returns 0
/// or `-errno` as `wl_connect_by_name` does.
///
/// `-EAGAIN`: a temporary resolver failure (as for `wl_connect_by_name`), or
/// no free local port for the implicit bind; nothing was created: retry
/// later.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_connect_by_name(
    host: *const c_char,
    port: u16,
    opts: *const wl_connect_opts,
    out: *mut *mut wl_dgram_conn,
) -> c_int {
    ffi_fn!("wl_dgram_connect_by_name", {
        let out = out_ptr(out, "out")?;
        // SAFETY: caller contract.
        if unsafe { opts.as_ref() }.is_some_and(|o| o.fastopen_len != 0) {
            return Err(invalid_input(
                libc::EINVAL,
                "opts.fastopen_data is for streams; a datagram connect sends nothing",
            ));
        }
        // SAFETY: arguments NULL or valid (caller contract).
        let conn = unsafe { connector(host, port, opts) }?.connect_datagram()?;
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, dgram_any(conn)) }
    })
}

/// Resolves `host` (this part blocks, bounded by `opts->timeout_ms`; an
/// event loop that resolves elsewhere uses `wl_connector_start_addrs`) and
/// starts the RFC 8305 race without waiting for it. `opts` (NULL or
/// zero-initialised: all defaults) as for `wl_connect_by_name`.
///
/// Ownership: on success writes a new `wl_connector` to `*out`; free it
/// with `wl_connector_free`. Returns 0 or `-errno` (resolution errors as
/// `wl_connect_by_name`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_connector_start(
    host: *const c_char,
    port: u16,
    opts: *const wl_connect_opts,
    out: *mut *mut wl_connector,
) -> c_int {
    ffi_fn!("wl_connector_start", {
        let out = out_ptr(out, "out")?;
        // SAFETY: arguments NULL or valid (caller contract).
        let race = Box::new(unsafe { connector(host, port, opts) }?.nonblocking(true).start()?);
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, race) }
    })
}

/// Starts the RFC 8305 race over the `n` addresses of `addrs`, already
/// resolved (in the resolver's order; they are interleaved by family
/// here), without blocking. `host` (NULL or a name) names the destination
/// in error messages (NULL: `"(addresses)"`); the addresses carry their
/// ports. `opts` (NULL or zero-initialised: all defaults) as for
/// `wl_connect_by_name`.
///
/// Ownership: on success writes a new `wl_connector` to `*out`. Returns 0,
/// `-EINVAL` (NULL `out`, NULL `addrs` with `n > 0`, no address),
/// `-EAFNOSUPPORT` (an address that is not IPv4 or IPv6), `-ENOENT` (no
/// address of `opts->source`'s family).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_connector_start_addrs(
    host: *const c_char,
    addrs: *const wl_addr,
    n: usize,
    opts: *const wl_connect_opts,
    out: *mut *mut wl_connector,
) -> c_int {
    ffi_fn!("wl_connector_start_addrs", {
        let out = out_ptr(out, "out")?;
        // SAFETY: caller contract.
        let list = unsafe { array(addrs, n, "addrs") }?;
        if list.is_empty() {
            return Err(invalid_input(libc::EINVAL, "no address to connect to (n is 0)"));
        }
        let typed = list.iter().map(source_of).collect::<io::Result<Vec<_>>>()?;
        let name = if host.is_null() { c"(addresses)".as_ptr() } else { host };
        // SAFETY: arguments NULL or valid (caller contract).
        let race = Box::new(
            unsafe { connector(name, 0, opts) }?
                .nonblocking(true)
                .start_with(typed)?,
        );
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, race) }
    })
}

/// Writes the descriptors of the attempts in flight to `fds` (up to `n`
/// of them): wait for any to become writable (`POLLOUT` / `EPOLLOUT`).
/// The set changes after every `wl_connector_step`; re-register then. The
/// descriptors stay owned by the connector: do not close them.
///
/// Returns how many attempts are in flight (more than `n` means `fds`
/// holds only the first `n`; a race in flight has at most one attempt
/// per address), or `-EINVAL` (NULL `connector`, NULL `fds` with
/// `n > 0`). Borrows `connector`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_connector_fds(connector: *const wl_connector, fds: *mut c_int, n: usize) -> c_int {
    ffi_fn!("wl_connector_fds", {
        // SAFETY: caller contract.
        let race = unsafe { borrow(connector) }?;
        // SAFETY: caller contract: `fds` holds `n` ints.
        let out = unsafe { array_mut(fds, n, "fds") }?;
        let mut count = 0usize;
        for fd in race.fds() {
            if let Some(slot) = out.get_mut(count) {
                *slot = fd.as_raw_fd();
            }
            count += 1;
        }
        Ok(count.min(c_int::MAX as usize) as c_int)
    })
}

/// Writes to `*out_ms` how long, in milliseconds, an event loop may wait
/// before the next `wl_connector_step` at the latest: until the next
/// attempt is due or the deadline, whichever is first (rounded up, so a
/// timer never fires early); -1 when only a descriptor becoming writable
/// moves the race on (wait without a timeout).
///
/// Returns 0, or `-EINVAL` for a NULL argument. Borrows `connector`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_connector_timeout_ms(connector: *const wl_connector, out_ms: *mut c_int) -> c_int {
    ffi_fn!("wl_connector_timeout_ms", {
        let out = out_ptr(out_ms, "out_ms")?;
        // SAFETY: caller contract.
        let race = unsafe { borrow(connector) }?;
        let ms = match race.timeout() {
            None => -1,
            Some(t) => {
                let ms = t.as_millis() + u128::from(t.subsec_nanos() % 1_000_000 != 0);
                ms.min(c_int::MAX as u128) as c_int
            }
        };
        // SAFETY: checked non-NULL.
        unsafe { out.write(ms) };
        Ok(0)
    })
}

/// Moves the race on without blocking: collects finished attempts, starts
/// the next one when it is due, checks the deadline.
///
/// Ownership: when a handshake has completed, consumes `connector` (every
/// other attempt is closed), writes the non-blocking `wl_conn` to `*out`
/// and returns 0. Otherwise `connector` stays valid and owned by the
/// caller and `*out` is untouched: `-EAGAIN` while the race goes on (wait
/// again on `wl_connector_fds` / `wl_connector_timeout_ms`); once every
/// attempt failed or the deadline passed, the final error (`-ETIMEDOUT`,
/// `-ECONNREFUSED`, ...; `wl_last_error_message` lists every address and
/// its error), after which the race is over: every further step fails
/// with `-EINVAL`, and the caller frees it. `-EINVAL` for a NULL argument.
///
/// `-EAGAIN`: the race goes on and nothing changed for the caller:
/// `connector` keeps every attempt; wait until `wl_wait`/your loop reports a
/// `wl_connector_fds` descriptor `WL_WRITABLE` or `wl_connector_timeout_ms`
/// passes, then step again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_connector_step(connector: *mut wl_connector, out: *mut *mut wl_conn) -> c_int {
    ffi_fn!("wl_connector_step", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `connector` is NULL or a live handle nobody else uses now.
        let conn = unsafe {
            transition(connector, |mut race| match race.step() {
                Ok(Some(conn)) => Ok(conn),
                Ok(None) => Err((io::Error::from_raw_os_error(libc::EAGAIN), race)),
                Err(e) => Err((e, race)),
            })
        }?;
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, conn_any(conn)) }
    })
}

/// Drives the race to its end, blocking in `poll(2)` on every attempt at
/// once (and until the next attempt is due): the blocking form for
/// addresses resolved elsewhere (`wl_connector_start_addrs`), and what
/// `wl_connect_by_name` does inside.
///
/// Ownership: when a handshake completes, consumes `connector`, writes the
/// non-blocking `wl_conn` to `*out` and returns 0. Otherwise `connector`
/// stays valid and `*out` is untouched: `-EINTR` when a signal interrupted
/// the wait -- the race is intact, call again to resume -- or the final
/// error as `wl_connector_step` returns it. `-EINVAL` for a NULL argument.
///
/// Never returns `-EAGAIN`: it waits; `-EAGAIN` belongs to
/// `wl_connector_step`, the non-blocking form.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_connector_wait(connector: *mut wl_connector, out: *mut *mut wl_conn) -> c_int {
    ffi_fn!("wl_connector_wait", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `connector` is NULL or a live handle nobody else uses now.
        let conn = unsafe { transition(connector, |mut race| race.wait().map_err(|e| (e, race))) }?;
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, conn_any(conn)) }
    })
}

/// One failed attempt of a connect by name: the address tried and why it
/// failed.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_connect_failure {
    /// The address tried.
    pub addr: wl_addr,
    /// Its error, a positive errno (`ECONNREFUSED`, `ETIMEDOUT` when the
    /// deadline cut it short, ...).
    pub error: c_int,
}

/// Writes the attempts that have failed so far (after a lost race: every
/// attempt) to `out`, up to `n` of them, in the order they failed: for a
/// caller that reports each one (Python's `all_errors=True`).
///
/// Returns how many have failed (more than `n` means `out` holds the
/// first `n`), or `-EINVAL` (NULL `connector`, NULL `out` with
/// `n > 0`). Borrows `connector`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_connector_failures(
    connector: *const wl_connector,
    out: *mut wl_connect_failure,
    n: usize,
) -> c_int {
    ffi_fn!("wl_connector_failures", {
        // SAFETY: caller contract.
        let race = unsafe { borrow(connector) }?;
        // SAFETY: caller contract: `out` holds `n` entries.
        let slots = unsafe { array_mut(out, n, "out") }?;
        let failures = race.failures();
        for (slot, f) in slots.iter_mut().zip(failures) {
            *slot = wl_connect_failure {
                addr: match f.addr {
                    InetAddr::V4(a) => wl_addr::from_typed(&a),
                    InetAddr::V6(a) => wl_addr::from_typed(&a),
                },
                error: errno_of(&f.error),
            };
        }
        Ok(failures.len().min(c_int::MAX as usize) as c_int)
    })
}

/// Closes every attempt in flight and frees the handle. NULL is a no-op.
///
/// Ownership: consumes `connector`; it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_connector_free(connector: *mut wl_connector) {
    ffi_fn!("wl_connector_free", {
        // SAFETY: `connector` is NULL or a live handle the caller gives up.
        drop(unsafe { take(connector) }?);
        Ok(())
    })
}
