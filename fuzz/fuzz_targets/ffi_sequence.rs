//! Random C-ABI call sequences, coverage-guided: the input is a program
//! for a small interpreter that keeps a table of live handles of every
//! kind and calls the `wl_*` functions on them (transitions, borrowing
//! calls, frees, give-ups, NULL and malformed arguments), exactly as a C
//! caller would through `include/wirelane.h`, only through the same
//! symbols from Rust. Invariants: nothing panics or crashes (the fuzz
//! build runs under AddressSanitizer), every return is a success or a
//! plain `-errno` with a last-error message, a failed transition leaves
//! its handle usable, and once the table is freed the process has exactly
//! the descriptors it started with. Every socket is non-blocking, so no
//! call can wait. The deterministic C version of the
//! same walk is `ffi-tests/hardening/call_sequences.c`.
#![no_main]

use std::ffi::{c_char, c_int};
use std::ptr;

use libfuzzer_sys::fuzz_target;
use wirelane_ffi::*;

#[derive(Clone, Copy)]
enum H {
    Raw(*mut wl_raw),
    Bound(*mut wl_bound),
    Listener(*mut wl_listener),
    Conn(*mut wl_conn),
    Pending(*mut wl_pending),
    Dgram(*mut wl_dgram),
    DgramConn(*mut wl_dgram_conn),
}

const SLOTS: usize = 8;

struct Machine<'a> {
    input: &'a [u8],
    table: [Option<H>; SLOTS],
    addrs: Vec<wl_addr>,
    buf: [u8; 2048],
}

fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0)
}

/// Checks one return code and passes it through.
fn seen(rc: i64) -> i64 {
    if rc < 0 {
        assert!(rc >= -4095, "return {rc} is not a -errno");
        let mut msg = [0 as c_char; 128];
        // SAFETY: a valid buffer of the given length.
        let n = unsafe { wl_last_error_message(msg.as_mut_ptr(), msg.len()) };
        assert!(n > 0, "a failure ({rc}) left no message");
    }
    rc
}

impl Machine<'_> {
    fn byte(&mut self) -> u8 {
        match self.input.split_first() {
            Some((&b, rest)) => {
                self.input = rest;
                b
            }
            None => 0,
        }
    }

    fn addr(&mut self) -> *const wl_addr {
        let pick = self.byte();
        if pick == 0xff {
            return ptr::null();
        }
        let i = usize::from(pick) % self.addrs.len();
        if pick & 0x40 != 0 {
            // A malformed copy: any length.
            let mut bad = self.addrs[i];
            bad.len = u32::from(self.byte());
            self.addrs.push(bad);
            return self.addrs.last().map_or(ptr::null(), |a| a as *const wl_addr);
        }
        &self.addrs[i]
    }

    fn free(h: H) {
        // SAFETY: every handle in the table is live and owned by the table.
        unsafe {
            match h {
                H::Raw(p) => wl_raw_free(p),
                H::Bound(p) => wl_bound_free(p),
                H::Listener(p) => wl_listener_free(p),
                H::Conn(p) => wl_conn_free(p),
                H::Pending(p) => wl_pending_free(p),
                H::Dgram(p) => wl_dgram_free(p),
                H::DgramConn(p) => wl_dgram_conn_free(p),
            }
        }
    }

    fn put(&mut self, h: H) {
        let slot = usize::from(self.byte()) % SLOTS;
        if let Some(old) = self.table[slot].replace(h) {
            Self::free(old);
        }
    }

    fn step(&mut self) {
        let op = self.byte();
        let slot = usize::from(self.byte()) % SLOTS;
        let domain = [libc::AF_INET, libc::AF_INET6, libc::AF_UNIX, 12345][usize::from(op >> 6)];
        // SAFETY (whole block): every pointer passed is NULL, a live handle
        // from the table, or a local buffer of the stated length; handles
        // are removed from the table exactly when a call consumes them.
        unsafe {
            match (op % 12, self.table[slot]) {
                (0, _) => {
                    let mut r = ptr::null_mut();
                    let ty = if op & 0x20 != 0 {
                        libc::SOCK_DGRAM
                    } else {
                        libc::SOCK_STREAM
                    };
                    if seen(wl_raw_new(domain, ty, &mut r).into()) == 0 {
                        wl_socket_set_nonblocking(wl_raw_fd(r), true);
                        self.put(H::Raw(r));
                    }
                }
                (1, _) => {
                    if op & 0x20 != 0 {
                        let (mut a, mut b) = (ptr::null_mut(), ptr::null_mut());
                        if seen(wl_dgram_conn_pair(&mut a, &mut b).into()) == 0 {
                            wl_socket_set_nonblocking(wl_dgram_conn_fd(a), true);
                            wl_socket_set_nonblocking(wl_dgram_conn_fd(b), true);
                            self.put(H::DgramConn(a));
                            self.put(H::DgramConn(b));
                        }
                    } else {
                        let (mut a, mut b) = (ptr::null_mut(), ptr::null_mut());
                        if seen(wl_conn_pair(&mut a, &mut b).into()) == 0 {
                            wl_socket_set_nonblocking(wl_conn_fd(a), true);
                            wl_socket_set_nonblocking(wl_conn_fd(b), true);
                            self.put(H::Conn(a));
                            self.put(H::Conn(b));
                        }
                    }
                }
                (2, Some(H::Raw(r))) => {
                    let a = self.addr();
                    let which = self.byte() % 5;
                    let mut out: *mut std::ffi::c_void = ptr::null_mut();
                    let o = &mut out as *mut *mut std::ffi::c_void;
                    let rc = seen(i64::from(match which {
                        0 => wl_raw_bind(r, a, o.cast()),
                        1 => wl_raw_connect(r, a, o.cast()),
                        2 => wl_raw_connect_nonblocking(r, a, o.cast()),
                        3 => wl_raw_bind_dgram(r, a, o.cast()),
                        _ => wl_raw_connect_dgram(r, a, o.cast()),
                    }));
                    if rc == 0 {
                        self.table[slot] = Some(match which {
                            0 => H::Bound(out.cast()),
                            1 => H::Conn(out.cast()),
                            2 => H::Pending(out.cast()),
                            3 => H::Dgram(out.cast()),
                            _ => H::DgramConn(out.cast()),
                        });
                    } else {
                        assert!(wl_raw_fd(r) >= 0, "a failed transition broke its handle");
                    }
                }
                (3, Some(H::Bound(b))) => {
                    let mut l = ptr::null_mut();
                    if seen(wl_bound_listen(b, u32::from(self.byte()), &mut l).into()) == 0 {
                        wl_socket_set_nonblocking(wl_listener_fd(l), true);
                        let mut a = std::mem::zeroed::<wl_addr>();
                        if wl_socket_local_addr(wl_listener_fd(l), &mut a) == 0 {
                            self.addrs.push(a);
                        }
                        self.table[slot] = Some(H::Listener(l));
                    }
                }
                (4, Some(H::Listener(l))) => {
                    let mut c = ptr::null_mut();
                    if seen(wl_listener_accept(l, &mut c, ptr::null_mut()).into()) == 0 {
                        wl_socket_set_nonblocking(wl_conn_fd(c), true);
                        self.put(H::Conn(c));
                    }
                }
                (5, Some(H::Pending(p))) => {
                    let mut c = ptr::null_mut();
                    if seen(wl_pending_finish(p, &mut c).into()) == 0 {
                        self.table[slot] = Some(H::Conn(c));
                    }
                }
                (6, Some(H::Conn(c))) => {
                    let n = usize::from(self.byte()) * 8;
                    let flags = c_int::from(self.byte() & 0x41); // MSG_OOB, MSG_DONTWAIT
                    if op & 0x20 != 0 {
                        seen(wl_conn_send(c, self.buf.as_ptr().cast(), n, flags | libc::MSG_DONTWAIT) as i64);
                    } else {
                        seen(wl_conn_recv(c, self.buf.as_mut_ptr().cast(), n, flags | libc::MSG_DONTWAIT) as i64);
                    }
                }
                (7, Some(H::Conn(c))) => {
                    let fds = [0 as c_int; 3];
                    let n = usize::from(self.byte() % 4);
                    if op & 0x20 != 0 {
                        seen(wl_conn_send_fds(c, b"f".as_ptr().cast(), 1, fds.as_ptr(), n) as i64);
                    } else {
                        let mut got = [0 as c_int; 8];
                        let mut count = 0usize;
                        let rc = wl_conn_recv_fds(c, self.buf.as_mut_ptr().cast(), 1, got.as_mut_ptr(), n, &mut count);
                        if seen(rc as i64) >= 0 {
                            for fd in &got[..count] {
                                libc::close(*fd);
                            }
                        }
                    }
                }
                (8, Some(H::Dgram(d))) => {
                    let a = self.addr();
                    let n = usize::from(self.byte()) * 4;
                    seen(wl_dgram_send_to(d, self.buf.as_ptr().cast(), n, a, libc::MSG_DONTWAIT) as i64);
                    let mut from = std::mem::zeroed::<wl_addr>();
                    seen(wl_dgram_recv_from(d, self.buf.as_mut_ptr().cast(), 64, &mut from, libc::MSG_DONTWAIT) as i64);
                    if wl_socket_local_addr(wl_dgram_fd(d), &mut from) == 0 {
                        self.addrs.push(from);
                    }
                }
                (9, Some(H::DgramConn(d))) => {
                    let n = usize::from(self.byte()) * 4;
                    seen(wl_dgram_conn_send(d, self.buf.as_ptr().cast(), n, libc::MSG_DONTWAIT) as i64);
                    seen(wl_dgram_conn_recv(d, self.buf.as_mut_ptr().cast(), 64, libc::MSG_DONTWAIT) as i64);
                }
                (10, Some(h)) => {
                    // Give the descriptor up, sometimes adopting it back.
                    let fd = match h {
                        H::Raw(p) => wl_raw_into_fd(p),
                        H::Bound(p) => wl_bound_into_fd(p),
                        H::Listener(p) => wl_listener_into_fd(p),
                        H::Conn(p) => wl_conn_into_fd(p),
                        H::Pending(p) => wl_pending_into_fd(p),
                        H::Dgram(p) => wl_dgram_into_fd(p),
                        H::DgramConn(p) => wl_dgram_conn_into_fd(p),
                    };
                    assert!(fd >= 0);
                    self.table[slot] = None;
                    let mut c = ptr::null_mut();
                    if op & 0x20 != 0 && seen(wl_conn_from_fd(fd, &mut c).into()) == 0 {
                        wl_socket_set_nonblocking(wl_conn_fd(c), true);
                        self.table[slot] = Some(H::Conn(c));
                    } else {
                        libc::close(fd);
                    }
                }
                (11, Some(h)) => {
                    self.table[slot] = None;
                    Self::free(h);
                }
                (_, None) => {
                    // NULL handles everywhere: refused, never a crash.
                    let mut c = ptr::null_mut();
                    assert_eq!(
                        wl_conn_send(ptr::null(), self.buf.as_ptr().cast(), 1, 0),
                        -(libc::EINVAL as isize)
                    );
                    assert_eq!(
                        wl_raw_bind(ptr::null_mut(), self.addr(), &mut ptr::null_mut()),
                        -libc::EINVAL
                    );
                    assert_eq!(wl_listener_accept(ptr::null(), &mut c, ptr::null_mut()), -libc::EINVAL);
                }
                _ => {}
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let before = fd_count();
    let mut m = Machine {
        input: data,
        table: [None; SLOTS],
        addrs: Vec::new(),
        buf: [0x5a; 2048],
    };
    for text in [
        &b"127.0.0.1:0\0"[..],
        b"[::1]:0\0",
        b"127.0.0.1:1\0",
        b"@wl-fuzz-seq\0",
        b"/tmp/wl-fuzz-seq.sock\0",
    ] {
        // SAFETY: a NUL-terminated string and a valid output.
        let mut a = unsafe { std::mem::zeroed::<wl_addr>() };
        assert_eq!(unsafe { wl_addr_parse(text.as_ptr().cast(), &mut a) }, 0);
        m.addrs.push(a);
    }
    let mut steps = 0;
    while !m.input.is_empty() && steps < 200 {
        m.step();
        steps += 1;
    }
    for h in m.table.iter_mut().filter_map(Option::take) {
        Machine::free(h);
    }
    let _ = std::fs::remove_file("/tmp/wl-fuzz-seq.sock");
    assert_eq!(fd_count(), before, "descriptors leaked");
});
