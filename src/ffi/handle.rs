//! The one place that converts between C pointers and Rust values.
//!
//! A handle is a `Box` holding `Option<state>`: the `Option` lets a
//! transition move the state out while the allocation (and so the
//! caller's pointer) stays put, and put it back on failure. `None` only
//! remains if a transition panicked; such a handle reports `EBADF`.

use std::ffi::c_char;
use std::io;

use wirelane_core::ffi_support::invalid_input;

/// A C handle type: a box around one Rust state value.
pub(crate) trait Handle: Sized + 'static {
    /// The Rust value the handle owns.
    type Inner;
    /// The C type name, for error messages.
    const NAME: &'static str;
    /// Wraps a value.
    fn wrap(inner: Self::Inner) -> Self;
    /// The slot holding the value.
    fn slot(&self) -> &Option<Self::Inner>;
    /// The slot, mutably.
    fn slot_mut(&mut self) -> &mut Option<Self::Inner>;
}

/// Implements [`Handle`] for a `pub struct wl_x(Option<Inner>)`.
macro_rules! impl_handle {
    ($name:ident, $inner:ty) => {
        impl $crate::handle::Handle for $name {
            type Inner = $inner;
            const NAME: &'static str = stringify!($name);
            fn wrap(inner: $inner) -> Self {
                Self(Some(inner))
            }
            fn slot(&self) -> &Option<$inner> {
                &self.0
            }
            fn slot_mut(&mut self) -> &mut Option<$inner> {
                &mut self.0
            }
        }
    };
}
pub(crate) use impl_handle;

fn null_handle<H: Handle>() -> io::Error {
    invalid_input(libc::EINVAL, format!("the {} handle is NULL", H::NAME))
}

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
pub(crate) unsafe fn borrow<'a, H: Handle>(ptr: *const H) -> io::Result<&'a H::Inner> {
    // SAFETY: non-NULL pointers are live handles (caller contract).
    let handle = unsafe { ptr.as_ref() }.ok_or_else(null_handle::<H>)?;
    handle.slot().as_ref().ok_or_else(poisoned::<H>)
}

/// Borrows the value behind a handle mutably (batches, which the caller
/// fills between calls).
///
/// # Safety
/// `ptr` is NULL or a live handle of type `H` that no other thread uses
/// during `'a`.
pub(crate) unsafe fn borrow_mut<'a, H: Handle>(ptr: *mut H) -> io::Result<&'a mut H::Inner> {
    // SAFETY: non-NULL pointers are live, unshared handles (caller contract).
    let handle = unsafe { ptr.as_mut() }.ok_or_else(null_handle::<H>)?;
    handle.slot_mut().as_mut().ok_or_else(poisoned::<H>)
}

/// Takes back ownership of a handle to free it; `None` for NULL.
///
/// # Safety
/// `ptr` is NULL or a live handle of type `H` not used by anyone afterwards.
pub(crate) unsafe fn take<H: Handle>(ptr: *mut H) -> Option<Box<H>> {
    if ptr.is_null() {
        None
    } else {
        // SAFETY: the pointer came from `give` (caller contract).
        Some(unsafe { Box::from_raw(ptr) })
    }
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
    // SAFETY: non-NULL pointers are live, unshared handles (caller contract).
    let handle = unsafe { ptr.as_mut() }.ok_or_else(null_handle::<H>)?;
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
