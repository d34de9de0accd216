//! Classic BPF programs for sockets: `SO_ATTACH_REUSEPORT_CBPF` (which
//! socket of a `SO_REUSEPORT` group gets each new connection or datagram)
//! and `SO_ATTACH_FILTER` / `SO_DETACH_FILTER` (which packets a socket
//! receives), see `socket(7)` and the kernel's
//! `Documentation/networking/filter.rst`.
//!
//! [`CbpfProgram`] is a small typed builder for the programs servers use:
//! steer by the receiving CPU, by the packet's flow hash, or to one fixed
//! socket. The kernel checks every program when it is attached (`EINVAL`
//! for an invalid one).

use std::io;
use std::os::fd::AsFd;

use crate::error::invalid_input;
use crate::sys;

// asm-generic/socket.h; libc 0.2.191 does not define them for Linux.
const SO_ATTACH_FILTER: libc::c_int = 26;
const SO_DETACH_FILTER: libc::c_int = 27;
const SO_ATTACH_REUSEPORT_CBPF: libc::c_int = 51;

// linux/filter.h opcodes, class | size | mode (or op | source), with the
// zero-valued parts (BPF_LD, BPF_W, BPF_K) left out.
const LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
const ALU_MOD_K: u16 = 0x04 | 0x90; // BPF_ALU | BPF_MOD | BPF_K
const RET_A: u16 = 0x06 | 0x10; // BPF_RET | BPF_A
const RET_K: u16 = 0x06; // BPF_RET | BPF_K
/// `BPF_MAXINSNS`: the kernel's limit on a classic program's length.
const MAX_INSNS: usize = 4096;

/// The kernel's ancillary-data loads (`SKF_AD_OFF + SKF_AD_*`).
fn ancillary(field: libc::c_int) -> u32 {
    (libc::SKF_AD_OFF + field) as u32
}

/// A classic BPF program (`struct sock_filter[]`), built from one of the
/// typed constructors.
///
/// For `SO_ATTACH_REUSEPORT_CBPF` the program's return value is the index
/// of the socket in the reuseport group, in the order the sockets were
/// bound; an index outside the group falls back to the kernel's hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CbpfProgram {
    code: Vec<(u16, u8, u8, u32)>,
}

impl CbpfProgram {
    /// Steers to socket `cpu % sockets`: with one socket per CPU, each CPU's
    /// connections stay on that CPU's socket (`SKF_AD_CPU`).
    pub fn steer_by_cpu(sockets: u32) -> io::Result<Self> {
        Self::modulo(libc::SKF_AD_CPU, sockets)
    }

    /// Steers to socket `rxhash % sockets`: the packet's flow hash
    /// (`SKF_AD_RXHASH`), so one flow always reaches the same socket.
    pub fn steer_by_hash(sockets: u32) -> io::Result<Self> {
        Self::modulo(libc::SKF_AD_RXHASH, sockets)
    }

    /// Always returns `value`: for reuseport, every connection goes to
    /// socket `value`; as a filter, 0 drops every packet and a large value
    /// accepts it whole.
    pub fn constant(value: u32) -> Self {
        Self {
            code: vec![(RET_K, 0, 0, value)],
        }
    }

    fn modulo(field: libc::c_int, sockets: u32) -> io::Result<Self> {
        if sockets == 0 {
            return Err(invalid_input(
                libc::EINVAL,
                "a steering program needs at least 1 socket, got 0",
            ));
        }
        Ok(Self {
            code: vec![
                (LD_W_ABS, 0, 0, ancillary(field)),
                (ALU_MOD_K, 0, 0, sockets),
                (RET_A, 0, 0, 0),
            ],
        })
    }

    /// A program from its instructions, each `(code, jt, jf, k)` as in
    /// `struct sock_filter` (`linux/filter.h`), for programs the typed
    /// constructors do not cover. It must have 1 to 4096 instructions
    /// (`BPF_MAXINSNS`, checked here); the kernel checks the rest when the
    /// program is attached (`EINVAL`).
    pub fn from_instructions(code: &[(u16, u8, u8, u32)]) -> io::Result<Self> {
        if code.is_empty() || code.len() > MAX_INSNS {
            return Err(invalid_input(
                libc::EINVAL,
                format!(
                    "a classic BPF program has 1 to {MAX_INSNS} instructions, got {}",
                    code.len()
                ),
            ));
        }
        Ok(Self { code: code.to_vec() })
    }

    /// The instructions, each `(code, jt, jf, k)` as in `struct sock_filter`.
    pub fn instructions(&self) -> &[(u16, u8, u8, u32)] {
        &self.code
    }

    /// The number of instructions.
    pub fn len(&self) -> usize {
        self.code.len()
    }

    /// Whether the program has no instructions (never, for the constructors).
    pub fn is_empty(&self) -> bool {
        self.code.is_empty()
    }

    fn attach<S: AsFd + ?Sized>(&self, socket: &S, name: libc::c_int) -> io::Result<()> {
        let mut filters: Vec<libc::sock_filter> = self
            .code
            .iter()
            .map(|&(code, jt, jf, k)| libc::sock_filter { code, jt, jf, k })
            .collect();
        // A `sock_fprog` written into zeroed bytes: the padding after `len`
        // goes to the kernel too, and a typed `sock_fprog` value need not
        // keep its padding zeroed (valgrind flags it as uninitialised).
        let mut prog = [0u8; std::mem::size_of::<libc::sock_fprog>()];
        let len = filters.len() as libc::c_ushort;
        let filter = filters.as_mut_ptr();
        // SAFETY: both offsets and sizes lie inside `prog` (they are the
        // fields of the struct it is sized for); unaligned writes need no
        // alignment.
        unsafe {
            let base = prog.as_mut_ptr();
            base.add(std::mem::offset_of!(libc::sock_fprog, len))
                .cast::<libc::c_ushort>()
                .write_unaligned(len);
            base.add(std::mem::offset_of!(libc::sock_fprog, filter))
                .cast::<*mut libc::sock_filter>()
                .write_unaligned(filter);
        }
        // The kernel copies the program during the call.
        sys::setsockopt_bytes(socket.as_fd(), libc::SOL_SOCKET, name, &prog)
    }
}

/// Attaches `program` to the `SO_REUSEPORT` group of `socket`
/// (`SO_ATTACH_REUSEPORT_CBPF`, see `socket(7)`, Linux 4.5+): from then on
/// it picks the socket of the group for each new connection (TCP) or
/// datagram (UDP). Attach it to any member after the group is bound.
pub fn attach_reuseport_cbpf<S: AsFd + ?Sized>(socket: &S, program: &CbpfProgram) -> io::Result<()> {
    program.attach(socket, SO_ATTACH_REUSEPORT_CBPF)
}

/// Attaches `program` as the socket's packet filter (`SO_ATTACH_FILTER`, see
/// `socket(7)`): a packet is kept, truncated to the returned length, or
/// dropped when it returns 0.
pub fn attach_filter<S: AsFd + ?Sized>(socket: &S, program: &CbpfProgram) -> io::Result<()> {
    program.attach(socket, SO_ATTACH_FILTER)
}

/// Removes the socket's packet filter (`SO_DETACH_FILTER`, see `socket(7)`);
/// `ENOENT` when there is none.
pub fn detach_filter<S: AsFd + ?Sized>(socket: &S) -> io::Result<()> {
    sys::setsockopt_int(socket.as_fd(), libc::SOL_SOCKET, SO_DETACH_FILTER, 0)
}
