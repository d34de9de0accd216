//! The C face of the classic-BPF builder (`wirelane::CbpfProgram`,
//! `src/options/bpf.rs`): a program is a plain array of `wl_bpf_insn`
//! (laid out as the kernel's `struct sock_filter`), which the helper
//! constructors fill for the common server programs, and which the attach
//! functions hand to the kernel (`SO_ATTACH_REUSEPORT_CBPF`,
//! `SO_ATTACH_FILTER`, see `socket(7)`). Any program C code writes itself
//! works too; the kernel checks it when it is attached.

use std::ffi::c_int;
use std::io;

use super::boundary::ffi_fn;
use super::handle::{array, array_mut};
use super::options::fd_arg;
use wirelane_core::CbpfProgram;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::options as core;

/// One classic BPF instruction, laid out as `struct sock_filter`
/// (`linux/filter.h`), so a `wl_bpf_insn` array can be filled with the
/// kernel's `BPF_STMT` / `BPF_JUMP` macros too.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wl_bpf_insn {
    /// The opcode (`BPF_LD | BPF_W | BPF_ABS`, ...).
    pub code: u16,
    /// The jump offset when a conditional jump's test is true.
    pub jt: u8,
    /// The jump offset when it is false.
    pub jf: u8,
    /// The constant operand.
    pub k: u32,
}

/// The number of instructions `wl_bpf_steer_by_cpu` and
/// `wl_bpf_steer_by_hash` write (an array this long always suffices).
pub const WL_BPF_STEER_LEN: usize = 3;

/// The longest program the kernel accepts (`BPF_MAXINSNS`).
pub const WL_BPF_MAXINSNS: usize = 4096;

/// Copies a built program into the caller's array.
fn write_out(program: &CbpfProgram, out: *mut wl_bpf_insn, cap: usize) -> io::Result<c_int> {
    let len = program.len();
    if cap < len {
        return Err(invalid_input(
            libc::ENOBUFS,
            format!("the program has {len} instructions; the array holds {cap}"),
        ));
    }
    // SAFETY: a non-NULL `out` holds `cap` writable instructions (caller contract).
    let out = unsafe { array_mut(out, cap, "out") }?;
    for (slot, &(code, jt, jf, k)) in out.iter_mut().zip(program.instructions()) {
        *slot = wl_bpf_insn { code, jt, jf, k };
    }
    Ok(len as c_int)
}

/// Reads the caller's array as a program.
///
/// # Safety
/// A non-NULL `prog` points to `len` instructions.
unsafe fn read_in(prog: *const wl_bpf_insn, len: usize) -> io::Result<CbpfProgram> {
    if prog.is_null() {
        return Err(invalid_input(libc::EINVAL, "prog is NULL"));
    }
    if len == 0 || len > WL_BPF_MAXINSNS {
        // Checked before the array is read: a bad length reads nothing.
        return Err(invalid_input(
            libc::EINVAL,
            format!("a classic BPF program has 1 to {WL_BPF_MAXINSNS} instructions, got {len}"),
        ));
    }
    // SAFETY: `prog` points to `len` instructions (caller contract).
    let insns = unsafe { array(prog, len, "prog") }?;
    let code: Vec<_> = insns.iter().map(|i| (i.code, i.jt, i.jf, i.k)).collect();
    CbpfProgram::from_instructions(&code)
}

/// Writes the "steer by CPU" reuseport program to `out` (`cap`
/// instructions, `WL_BPF_STEER_LEN` suffice): it picks socket
/// `cpu % sockets` of the group, so with one socket per CPU each CPU's
/// connections stay on that CPU's socket (`SKF_AD_CPU`):
/// `wirelane::CbpfProgram::steer_by_cpu`.
///
/// Returns the number of instructions written, or `-EINVAL` (`sockets` 0,
/// `out` NULL), `-ENOBUFS` (`cap` too small; nothing written).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bpf_steer_by_cpu(sockets: u32, out: *mut wl_bpf_insn, cap: usize) -> c_int {
    ffi_fn!("wl_bpf_steer_by_cpu", {
        write_out(&CbpfProgram::steer_by_cpu(sockets)?, out, cap)
    })
}

/// Writes the "steer by hash" reuseport program to `out` (`cap`
/// instructions, `WL_BPF_STEER_LEN` suffice): socket `rxhash % sockets`,
/// the packet's flow hash (`SKF_AD_RXHASH`), so one flow always reaches
/// the same socket: `wirelane::CbpfProgram::steer_by_hash`.
///
/// Returns the number of instructions written, or `-EINVAL`, `-ENOBUFS`
/// as `wl_bpf_steer_by_cpu`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bpf_steer_by_hash(sockets: u32, out: *mut wl_bpf_insn, cap: usize) -> c_int {
    ffi_fn!("wl_bpf_steer_by_hash", {
        write_out(&CbpfProgram::steer_by_hash(sockets)?, out, cap)
    })
}

/// Writes a one-instruction program that always returns `value` to `out`
/// (`cap >= 1`): as a reuseport program every connection goes to socket
/// `value`; as a filter, 0 drops every packet and `UINT32_MAX` keeps each
/// whole: `wirelane::CbpfProgram::constant`.
///
/// Returns 1, or `-EINVAL` (`out` NULL), `-ENOBUFS` (`cap` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bpf_constant(value: u32, out: *mut wl_bpf_insn, cap: usize) -> c_int {
    ffi_fn!("wl_bpf_constant", {
        write_out(&CbpfProgram::constant(value), out, cap)
    })
}

/// Attaches the program `prog` (`len` instructions, 1 to
/// `WL_BPF_MAXINSNS`) to the `SO_REUSEPORT` group of `fd`
/// (`SO_ATTACH_REUSEPORT_CBPF`, see `socket(7)`, Linux 4.5+): from then on
/// its return value picks the socket of the group, in bind order, for
/// each new connection (TCP) or datagram (UDP); an index outside the group
/// falls back to the kernel's hash. Attach it to any member after the
/// group is bound: `wirelane::attach_reuseport_cbpf`.
///
/// Returns 0, or `-EINVAL` (NULL, bad length, a program the kernel
/// rejects), or another `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_attach_reuseport_cbpf(fd: c_int, prog: *const wl_bpf_insn, len: usize) -> c_int {
    ffi_fn!("wl_attach_reuseport_cbpf", {
        // SAFETY: `prog` NULL or `len` instructions (caller contract).
        let program = unsafe { read_in(prog, len) }?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        core::attach_reuseport_cbpf(&unsafe { fd_arg(fd) }?, &program)?;
        Ok(0)
    })
}

/// Attaches `prog` (`len` instructions) as the packet filter of `fd`
/// (`SO_ATTACH_FILTER`, see `socket(7)`): each packet is kept, truncated
/// to the returned length, or dropped when it returns 0:
/// `wirelane::attach_filter`.
///
/// Returns 0, or `-EINVAL` (NULL, bad length, a program the kernel
/// rejects), or another `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_attach_filter(fd: c_int, prog: *const wl_bpf_insn, len: usize) -> c_int {
    ffi_fn!("wl_attach_filter", {
        // SAFETY: `prog` NULL or `len` instructions (caller contract).
        let program = unsafe { read_in(prog, len) }?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        core::attach_filter(&unsafe { fd_arg(fd) }?, &program)?;
        Ok(0)
    })
}

/// Removes the packet filter of `fd` (`SO_DETACH_FILTER`, see
/// `socket(7)`): `wirelane::detach_filter`.
///
/// Returns 0, or `-ENOENT` (no filter attached), or another `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_detach_filter(fd: c_int) -> c_int {
    ffi_fn!("wl_detach_filter", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        core::detach_filter(&unsafe { fd_arg(fd) }?)?;
        Ok(0)
    })
}
