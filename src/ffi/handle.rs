//! The one place that converts between C pointers and Rust values.
//!
//! A handle is a `#[repr(C)]` box of a [`Tag`] word followed by
//! `Option<state>`. The tag names the handle's type; every entry point
//! ([`borrow`], [`borrow_mut`], [`take`], [`transition`]) reads it through
//! the raw pointer *before* treating the memory as a handle of the expected
//! type, so a C cast (a `wl_conn *` passed as a `wl_listener *`) is caught
//! in every build and reported as `EBADF` with "expected wl_listener, got
//! wl_conn". The tag is overwritten with [`FREED`] when the handle is
//! dropped; a later use may read it (under valgrind, or before the
//! allocator reuses the memory) and report "got a freed handle", but a use
//! after free stays undefined behaviour: the check is best effort.
//!
//! The `Option` lets a transition move the state out while the allocation
//! (and so the caller's pointer) stays put, and put it back on failure.
//! `None` only remains if a transition panicked; such a handle reports
//! `EBADF`.

use std::ffi::{c_char, c_int};
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

use super::addr::wl_addr;
use wirelane_core::ffi_support::invalid_input;

/// Declares the handle kinds: every handle type must be listed here (its
/// `impl_handle!` names its kind), so its tag is unique and its name can
/// be reported when another type's call receives it.
macro_rules! handle_kinds {
    ($($name:ident),* $(,)?) => {
        /// The type of a handle, as recorded in its tag.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub(crate) enum Kind {
            $(
                #[doc = concat!("A `", stringify!($name), "`.")]
                $name,
            )*
        }

        impl Kind {
            /// Every kind, in declaration order.
            pub(crate) const ALL: &'static [Kind] = &[$(Kind::$name),*];

            /// The C type name.
            pub(crate) const fn name(self) -> &'static str {
                match self {
                    $(Kind::$name => stringify!($name),)*
                }
            }
        }
    };
}

handle_kinds!(
    wl_raw,
    wl_bound,
    wl_listener,
    wl_conn,
    wl_pending,
    wl_dgram,
    wl_dgram_conn,
    wl_send_batch,
    wl_recv_batch,
    wl_recv_slots,
    wl_pipe,
    wl_connector,
    wl_inherited,
    wl_handover,
    wl_seqpacket_raw,
    wl_seqpacket_bound,
    wl_seqpacket_listener,
    wl_seqpacket,
    wl_icmp_raw,
    wl_icmp,
    wl_icmp_conn,
    wl_rawip_raw,
    wl_rawip,
    wl_rawip_conn,
);

/// The high bits every tag shares (`"WLHANDL"` in ASCII, then the kind),
/// so that memory holding anything else is unlikely to pass for a handle.
const TAG_MAGIC: u64 = 0x574C_4841_4E44_4C00;

/// The tag of a dropped handle.
pub(crate) const FREED: u64 = 0x574C_4652_4545_4421; // "WLFREED!"

impl Kind {
    /// The tag word of a live handle of this kind.
    pub(crate) const fn tag(self) -> u64 {
        TAG_MAGIC | self as u64
    }

    /// The kind a tag word names, if it is a live handle's tag.
    pub(crate) fn from_tag(tag: u64) -> Option<Kind> {
        if tag & !0xFF != TAG_MAGIC {
            return None;
        }
        Kind::ALL.get((tag & 0xFF) as usize).copied()
    }
}

/// The first field of every handle: the word naming its type.
///
/// An atomic so that reading it while another thread borrows the same
/// handle is not a data race (borrowing calls may run concurrently); a
/// relaxed load compiles to a plain load.
#[repr(transparent)]
pub(crate) struct Tag(AtomicU64);

impl Tag {
    /// The tag of a new handle of `kind`.
    pub(crate) const fn new(kind: Kind) -> Self {
        Self(AtomicU64::new(kind.tag()))
    }
}

impl Drop for Tag {
    fn drop(&mut self) {
        // Volatile: a plain store right before `free` would be removed as
        // dead; this one must reach memory for a later use to see it.
        // SAFETY: the pointer is to this live, exclusively borrowed word.
        unsafe { std::ptr::write_volatile(self.0.as_ptr(), FREED) };
    }
}

/// A C handle type: a `#[repr(C)]` struct of a [`Tag`] and one Rust state
/// value.
pub(crate) trait Handle: Sized + 'static {
    /// The Rust value the handle owns.
    type Inner;
    /// The handle's kind (its tag).
    const KIND: Kind;
    /// The C type name, for error messages.
    const NAME: &'static str = Self::KIND.name();
    /// Wraps a value.
    fn wrap(inner: Self::Inner) -> Self;
    /// The slot holding the value.
    fn slot(&self) -> &Option<Self::Inner>;
    /// The slot, mutably.
    fn slot_mut(&mut self) -> &mut Option<Self::Inner>;
}

/// Implements [`Handle`] for a `#[repr(C)] pub struct wl_x(Tag, Option<Inner>)`
/// whose name is listed in `handle_kinds!`.
///
/// The struct is declared `#[cfg_attr(all(), repr(C))]`: always
/// `repr(C)` for rustc, while cbindgen (which reads only a literal
/// `#[repr(C)]`) keeps it an opaque type in the header.
macro_rules! impl_handle {
    ($name:ident, $inner:ty) => {
        impl $crate::handle::Handle for $name {
            type Inner = $inner;
            const KIND: $crate::handle::Kind = $crate::handle::Kind::$name;
            fn wrap(inner: $inner) -> Self {
                Self($crate::handle::Tag::new($crate::handle::Kind::$name), Some(inner))
            }
            fn slot(&self) -> &Option<$inner> {
                &self.1
            }
            fn slot_mut(&mut self) -> &mut Option<$inner> {
                &mut self.1
            }
        }
        // The tag is the first word, so a pointer of any handle type can
        // read it.
        const _: () = assert!(::std::mem::offset_of!($name, 0) == 0);
    };
}
pub(crate) use impl_handle;

/// Reads the tag through a non-NULL pointer of any handle type and checks
/// it names `H`; only then may the pointer be used as an `H`.
///
/// # Safety
/// `ptr` is non-NULL and points to a live handle of some type from this
/// library (all begin with a [`Tag`]).
#[inline(always)]
unsafe fn check_tag<H: Handle>(ptr: *const H) -> io::Result<()> {
    // SAFETY: every handle is `repr(C)` with its tag at offset 0 (asserted
    // by `impl_handle!`) and is 8-aligned, so the first word of any live
    // handle is a `Tag`, whatever type the pointer claims.
    let tag = unsafe { &*ptr.cast::<Tag>() }.0.load(Ordering::Relaxed);
    if tag == H::KIND.tag() {
        Ok(())
    } else {
        Err(wrong_tag::<H>(tag))
    }
}

#[cold]
#[inline(never)]
fn wrong_tag<H: Handle>(tag: u64) -> io::Error {
    let got = match Kind::from_tag(tag) {
        Some(kind) => kind.name().to_owned(),
        None if tag == FREED => "a freed handle (already freed, or consumed by a successful transition); \
             using it is undefined behaviour"
            .to_owned(),
        None => format!(
            "a pointer that is not a live Wirelane handle (tag word {tag:#018x}: freed \
             memory or not a handle); using it is undefined behaviour"
        ),
    };
    invalid_input(libc::EBADF, format!("expected {}, got {got}", H::NAME))
}

// The error constructors are cold and out of line, so that the checks
// that call them stay a few instructions and inline into every export
// (callgrind counts in examples/compare.rs `--exact` show the difference).
#[cold]
#[inline(never)]
fn null_handle<H: Handle>() -> io::Error {
    invalid_input(libc::EINVAL, format!("the {} handle is NULL", H::NAME))
}

#[cold]
#[inline(never)]
fn poisoned<H: Handle>() -> io::Error {
    invalid_input(
        libc::EBADF,
        format!(
            "this {} handle was left unusable by an earlier internal panic; free it",
            H::NAME
        ),
    )
}

/// Borrows the state behind a handle.
///
/// # Safety
/// `ptr` is NULL or a live handle of type `H` from this library that no
/// other thread frees or transitions during `'a`.
#[inline]
pub(crate) unsafe fn borrow<'a, H: Handle>(ptr: *const H) -> io::Result<&'a H::Inner> {
    if ptr.is_null() {
        return Err(null_handle::<H>());
    }
    // SAFETY: non-NULL pointers are live handles (caller contract).
    unsafe { check_tag(ptr) }?;
    // SAFETY: a live handle of type `H` (tag checked).
    let handle = unsafe { &*ptr };
    handle.slot().as_ref().ok_or_else(poisoned::<H>)
}

/// Borrows the value behind a handle mutably (batches, which the caller
/// fills between calls).
///
/// # Safety
/// `ptr` is NULL or a live handle of type `H` that no other thread uses
/// during `'a`.
#[inline]
pub(crate) unsafe fn borrow_mut<'a, H: Handle>(ptr: *mut H) -> io::Result<&'a mut H::Inner> {
    if ptr.is_null() {
        return Err(null_handle::<H>());
    }
    // SAFETY: non-NULL pointers are live handles (caller contract).
    unsafe { check_tag(ptr) }?;
    // SAFETY: a live, unshared handle of type `H` (tag checked).
    let handle = unsafe { &mut *ptr };
    handle.slot_mut().as_mut().ok_or_else(poisoned::<H>)
}

/// Takes back ownership of a handle to free it; `None` for NULL. A
/// handle of another type is an error and is left alone (leaking it is
/// better than freeing it as the wrong type).
///
/// # Safety
/// `ptr` is NULL or a live handle (of type `H`, else the call fails) not
/// used by anyone afterwards.
pub(crate) unsafe fn take<H: Handle>(ptr: *mut H) -> io::Result<Option<Box<H>>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL pointers are live handles (caller contract).
    unsafe { check_tag(ptr) }?;
    // SAFETY: the pointer came from `give` for an `H` (tag checked).
    Ok(Some(unsafe { Box::from_raw(ptr) }))
}

/// Moves a value into a new handle for C to own.
pub(crate) fn give<H: Handle>(inner: H::Inner) -> *mut H {
    Box::into_raw(Box::new(H::wrap(inner)))
}

/// Runs a consuming transition on the state behind `ptr`.
///
/// On success the handle is freed (its state moved into the result); on
/// failure `f` hands the state back and it is put back in the same
/// allocation, so the caller's pointer stays valid and owns the socket.
///
/// # Safety
/// `ptr` is NULL or a live handle of type `H` that no other thread uses
/// during the call.
pub(crate) unsafe fn transition<H: Handle, N>(
    ptr: *mut H,
    f: impl FnOnce(H::Inner) -> Result<N, (io::Error, H::Inner)>,
) -> io::Result<N> {
    if ptr.is_null() {
        return Err(null_handle::<H>());
    }
    // SAFETY: non-NULL pointers are live handles (caller contract).
    unsafe { check_tag(ptr) }?;
    // SAFETY: a live, unshared handle of type `H` (tag checked).
    let handle = unsafe { &mut *ptr };
    let inner = handle.slot_mut().take().ok_or_else(poisoned::<H>)?;
    match f(inner) {
        Ok(next) => {
            // SAFETY: the handle came from `give`; its slot is empty now, so
            // dropping it closes nothing.
            drop(unsafe { Box::from_raw(ptr) });
            Ok(next)
        }
        Err((error, inner)) => {
            *handle.slot_mut() = Some(inner);
            Err(error)
        }
    }
}

/// The body of an export whose transition writes its new handle to
/// `*out`: checks `out`, runs `f` on the state behind `ptr` (see
/// [`transition`]) and writes the new handle. Returns 0; on failure
/// nothing is written and `ptr` keeps its state.
///
/// # Safety
/// As [`transition`]; `out` is NULL or points to a writable handle pointer.
pub(crate) unsafe fn transition_out<H: Handle, N: Handle>(
    ptr: *mut H,
    out: *mut *mut N,
    f: impl FnOnce(H::Inner) -> Result<N::Inner, (io::Error, H::Inner)>,
) -> io::Result<c_int> {
    let out = out_ptr(out, "out")?;
    // SAFETY: forwarded from the caller's contract.
    let next = unsafe { transition(ptr, f) }?;
    // SAFETY: checked non-NULL.
    unsafe { give_out(out, next) }
}

/// [`transition_out`] for a transition that takes an address (bind,
/// connect): checks `out`, then reads `*addr`, then runs `f` with it.
///
/// # Safety
/// As [`transition_out`]; `addr` is NULL or points to a `wl_addr`.
pub(crate) unsafe fn transition_addr_out<H: Handle, N: Handle>(
    ptr: *mut H,
    addr: *const wl_addr,
    out: *mut *mut N,
    f: impl FnOnce(H::Inner, wl_addr) -> Result<N::Inner, (io::Error, H::Inner)>,
) -> io::Result<c_int> {
    let out = out_ptr(out, "out")?;
    // SAFETY: `addr` is NULL or valid (caller contract).
    let addr = *unsafe { in_ref(addr, "addr") }?;
    // SAFETY: forwarded from the caller's contract.
    let next = unsafe { transition(ptr, |s| f(s, addr)) }?;
    // SAFETY: checked non-NULL.
    unsafe { give_out(out, next) }
}

/// The body of the `*_pair` exports: checks `a`, then `b`, then makes the
/// two ends with `make` and writes one new handle to each. Returns 0; on
/// failure neither is written.
///
/// # Safety
/// `a` and `b` are NULL or point to writable handle pointers.
pub(crate) unsafe fn pair_out<H: Handle>(
    a: *mut *mut H,
    b: *mut *mut H,
    make: impl FnOnce() -> io::Result<(H::Inner, H::Inner)>,
) -> io::Result<c_int> {
    let a = out_ptr(a, "a")?;
    let b = out_ptr(b, "b")?;
    let (x, y) = make()?;
    // SAFETY: both checked non-NULL.
    unsafe {
        a.write(give(x));
        b.write(give(y));
    }
    Ok(0)
}

/// The tail of an export that creates a handle: moves `inner` into a new
/// handle, writes it to `*out` and returns 0.
///
/// # Safety
/// `out` is non-NULL (checked with [`out_ptr`]) and writable.
pub(crate) unsafe fn give_out<H: Handle>(out: *mut *mut H, inner: H::Inner) -> io::Result<c_int> {
    // SAFETY: caller contract.
    unsafe { out.write(give(inner)) };
    Ok(0)
}

/// Writes `value` to an optional output pointer; NULL means the caller
/// does not want it.
///
/// # Safety
/// `ptr` is NULL or points to a writable `T`.
pub(crate) unsafe fn write_opt<T>(ptr: *mut T, value: T) {
    if !ptr.is_null() {
        // SAFETY: non-NULL, writable (caller contract).
        unsafe { ptr.write(value) };
    }
}

/// Checks that an output pointer is not NULL.
pub(crate) fn out_ptr<T>(ptr: *mut T, what: &'static str) -> io::Result<*mut T> {
    if ptr.is_null() {
        Err(invalid_input(
            libc::EINVAL,
            format!("the output pointer `{what}` is NULL"),
        ))
    } else {
        Ok(ptr)
    }
}

/// Reads a required input pointer.
///
/// # Safety
/// `ptr` is NULL or points to a valid `T` for `'a`.
pub(crate) unsafe fn in_ref<'a, T>(ptr: *const T, what: &'static str) -> io::Result<&'a T> {
    // SAFETY: caller contract.
    unsafe { ptr.as_ref() }.ok_or_else(|| invalid_input(libc::EINVAL, format!("the argument `{what}` is NULL")))
}

/// A byte slice from a C buffer; `len == 0` accepts any pointer, NULL too.
///
/// # Safety
/// A non-NULL `ptr` points to `len` readable bytes valid for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize, what: &'static str) -> io::Result<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    check_buf(ptr, len, what)?;
    // SAFETY: non-NULL, `len` readable bytes (caller contract), length checked.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A writable byte slice from a C buffer; `len == 0` accepts any pointer.
///
/// # Safety
/// A non-NULL `ptr` points to `len` writable bytes valid for `'a`, not
/// aliased by anything else during `'a`.
pub(crate) unsafe fn bytes_mut<'a>(ptr: *mut u8, len: usize, what: &'static str) -> io::Result<&'a mut [u8]> {
    if len == 0 {
        return Ok(&mut []);
    }
    check_buf(ptr, len, what)?;
    // SAFETY: as above, writable.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// A slice of `T` from a C array; `len == 0` accepts any pointer.
///
/// # Safety
/// A non-NULL `ptr` points to `len` valid, aligned `T`s for `'a`.
pub(crate) unsafe fn array<'a, T>(ptr: *const T, len: usize, what: &'static str) -> io::Result<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    check_array(ptr, len, what)?;
    // SAFETY: caller contract; size checked.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A mutable slice of `T` from a C array; `len == 0` accepts any pointer.
///
/// # Safety
/// A non-NULL `ptr` points to `len` valid, aligned, unaliased `T`s for `'a`.
pub(crate) unsafe fn array_mut<'a, T>(ptr: *mut T, len: usize, what: &'static str) -> io::Result<&'a mut [T]> {
    if len == 0 {
        return Ok(&mut []);
    }
    check_array(ptr, len, what)?;
    // SAFETY: caller contract; size checked.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

fn check_buf(ptr: *const u8, len: usize, what: &'static str) -> io::Result<()> {
    if ptr.is_null() {
        return Err(invalid_input(
            libc::EINVAL,
            format!("the buffer `{what}` is NULL but its length is {len}"),
        ));
    }
    if len > isize::MAX as usize {
        return Err(invalid_input(
            libc::EINVAL,
            format!("the length of `{what}` is too large"),
        ));
    }
    Ok(())
}

fn check_array<T>(ptr: *const T, len: usize, what: &'static str) -> io::Result<()> {
    if ptr.is_null() {
        return Err(invalid_input(
            libc::EINVAL,
            format!("the array `{what}` is NULL but its length is {len}"),
        ));
    }
    if len.checked_mul(size_of::<T>()).is_none_or(|n| n > isize::MAX as usize) {
        return Err(invalid_input(
            libc::EINVAL,
            format!("the length of `{what}` is too large"),
        ));
    }
    Ok(())
}

/// Reads a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// A non-NULL `ptr` points to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn c_str<'a>(ptr: *const c_char, what: &'static str) -> io::Result<&'a str> {
    if ptr.is_null() {
        return Err(invalid_input(libc::EINVAL, format!("the string `{what}` is NULL")));
    }
    // SAFETY: caller contract.
    let s = unsafe { std::ffi::CStr::from_ptr(ptr) };
    s.to_str()
        .map_err(|_| invalid_input(libc::EINVAL, format!("the string `{what}` is not valid UTF-8")))
}

/// Copies `text` plus a NUL into a C buffer of `len` bytes, truncating
/// (at a byte boundary) when it does not fit. Returns the full length.
///
/// # Safety
/// A non-NULL `buf` points to `len` writable bytes.
pub(crate) unsafe fn copy_out_truncating(text: &str, buf: *mut c_char, len: usize) -> io::Result<usize> {
    if len == 0 {
        return Ok(text.len());
    }
    // SAFETY: forwarded.
    let dst = unsafe { bytes_mut(buf.cast(), len, "buf") }?;
    let n = text.len().min(len - 1);
    dst[..n].copy_from_slice(&text.as_bytes()[..n]);
    dst[n] = 0;
    Ok(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::any::ByDomain;
    use crate::batch::{wl_recv_batch, wl_send_batch};
    use std::mem::MaybeUninit;
    use wirelane_core::batch::{RecvBatch, SendBatch};

    fn send_batch() -> *mut wl_send_batch {
        give::<wl_send_batch>(ByDomain::V4(SendBatch::with_capacity(1).unwrap()))
    }

    fn recv_batch() -> *mut wl_recv_batch {
        give::<wl_recv_batch>(ByDomain::V4(RecvBatch::new(1, 16).unwrap()))
    }

    fn err<T>(r: io::Result<T>) -> io::Error {
        match r {
            Ok(_) => panic!("the call succeeded; an error was expected"),
            Err(e) => e,
        }
    }

    fn message(e: &io::Error) -> String {
        e.to_string()
    }

    #[test]
    fn every_kind_has_its_own_tag_and_name() {
        for (i, a) in Kind::ALL.iter().enumerate() {
            assert_eq!(Kind::from_tag(a.tag()), Some(*a));
            assert!(a.name().starts_with("wl_"));
            for b in &Kind::ALL[i + 1..] {
                assert_ne!(a.tag(), b.tag());
                assert_ne!(a.name(), b.name());
            }
        }
        assert_eq!(Kind::from_tag(FREED), None);
        assert_eq!(Kind::from_tag(0), None);
        assert_eq!(Kind::from_tag(TAG_MAGIC | 0xFF), None);
        assert_eq!(Kind::from_tag(Kind::wl_conn.tag() ^ (1 << 40)), None);
    }

    #[test]
    fn a_handle_of_another_type_is_refused_by_every_entry_point() {
        let send = send_batch();
        let as_recv = send.cast::<wl_recv_batch>();
        // SAFETY: `send` is live; the entry points only read its tag.
        unsafe {
            let e = err(borrow(as_recv.cast_const()));
            assert_eq!(e.raw_os_error(), None);
            assert_eq!(wirelane_core::error::errno_of(&e), libc::EBADF);
            assert_eq!(message(&e), "expected wl_recv_batch, got wl_send_batch");
            let e = err(borrow_mut(as_recv));
            assert_eq!(message(&e), "expected wl_recv_batch, got wl_send_batch");
            assert!(take(as_recv).is_err());
            let r = transition(as_recv, |inner| -> Result<(), _> {
                Err((io::Error::other("ran"), inner))
            });
            assert_eq!(message(&err(r)), "expected wl_recv_batch, got wl_send_batch");
            // Nothing was freed or moved: the handle still works as itself.
            assert!(borrow(send.cast_const()).is_ok());
            drop(take(send).expect("right type"));
        }
    }

    #[test]
    fn the_right_type_passes_and_null_is_still_einval() {
        let recv = recv_batch();
        // SAFETY: live handle, then freed once.
        unsafe {
            assert!(borrow(recv.cast_const()).is_ok());
            assert!(borrow_mut(recv).is_ok());
            drop(take(recv).expect("right type"));
            let e = err(borrow::<wl_recv_batch>(std::ptr::null()));
            assert_eq!(wirelane_core::error::errno_of(&e), libc::EINVAL);
            assert!(take::<wl_recv_batch>(std::ptr::null_mut()).expect("null").is_none());
        }
    }

    #[test]
    fn dropping_a_handle_overwrites_its_tag_with_freed() {
        // Drop a handle in place in memory that stays ours, so the tag can
        // be read afterwards without a use after free.
        let mut slot = MaybeUninit::<wl_send_batch>::uninit();
        // SAFETY: `slot` is valid for writes, dropped exactly once, and
        // read as a plain word after the drop (a `Tag` is one u64).
        unsafe {
            let p = slot.as_mut_ptr();
            p.write(wl_send_batch::wrap(ByDomain::V4(SendBatch::with_capacity(1).unwrap())));
            assert!(borrow(p.cast_const()).is_ok());
            std::ptr::drop_in_place(p);
            assert_eq!(p.cast::<u64>().read(), FREED);
            let e = err(borrow(p.cast_const()));
            assert!(
                message(&e).starts_with("expected wl_send_batch, got a freed handle"),
                "{e}"
            );
        }
    }

    #[test]
    #[allow(clippy::result_large_err)] // the state handed back on failure, as in the exports
    fn a_successful_transition_frees_the_old_handle() {
        let send = send_batch();
        // SAFETY: live handle, consumed by the transition.
        let inner = unsafe { transition(send, Ok::<_, (io::Error, _)>) }.expect("transition");
        drop(inner);
    }

    #[test]
    fn memory_that_is_no_handle_is_reported_with_its_tag() {
        let garbage = [0x1234_5678_u64, 0];
        // SAFETY: the memory is readable; only its first word is read.
        let e = err(unsafe { borrow(garbage.as_ptr().cast::<wl_send_batch>()) });
        assert!(
            message(&e).contains("got a pointer that is not a live Wirelane handle (tag word 0x0000000012345678"),
            "{e}"
        );
    }
}
