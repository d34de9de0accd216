//! `wl_addr_parse_n`: `wl_addr_parse` for length-delimited text (a field
//! of a config buffer, a network message), which needs no NUL and is
//! never read past `len` bytes.

use std::ffi::{c_char, c_int};
use std::io;

use super::addr::{parse, wl_addr};
use super::boundary::ffi_fn;
use super::handle::{bytes, out_ptr};
use wirelane_core::ffi_support::invalid_input;

/// The text of `len` bytes, checked: no NUL inside, valid UTF-8.
fn text_of(raw: &[u8]) -> io::Result<&str> {
    if let Some(at) = raw.iter().position(|&b| b == 0) {
        return Err(invalid_input(
            libc::EINVAL,
            format!(
                "`text` has a NUL byte at offset {at} of its {} bytes; pass only the address \
                 (wl_addr_parse_n needs no terminator)",
                raw.len()
            ),
        ));
    }
    std::str::from_utf8(raw).map_err(|e| {
        invalid_input(
            libc::EINVAL,
            format!("`text` is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })
}

/// Parses the `len` bytes at `text` as an address, exactly as
/// `wl_addr_parse` parses a string: `"127.0.0.1:80"`, `"[::1]:80"`, a Unix
/// path starting with `/` or `.`, or `"@name"`. The text needs no NUL
/// terminator and is never read past `len` bytes; a NUL inside it is an
/// error (a C string passed with a too-large `len`, most likely).
///
/// Returns 0, or `-EINVAL` (malformed text, a NUL byte inside, not UTF-8,
/// NULL `out`, NULL `text` with `len > 0`; `len` 0 is the empty text,
/// which is malformed) / `-ENAMETOOLONG` (Unix path over 107 bytes); the
/// message names the problem. `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_addr_parse_n(text: *const c_char, len: usize, out: *mut wl_addr) -> c_int {
    ffi_fn!("wl_addr_parse_n", {
        let out = out_ptr(out, "out")?;
        // SAFETY: a non-NULL `text` holds `len` readable bytes (caller contract).
        let raw = unsafe { bytes(text.cast(), len, "text") }?;
        let addr = parse(text_of(raw)?)?;
        // SAFETY: checked non-NULL; points to a wl_addr (caller contract).
        unsafe { out.write(addr) };
        Ok(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &[u8]) -> (c_int, String) {
        match parse_n(text) {
            Ok(_) => panic!("{text:?} was accepted"),
            Err(e) => e,
        }
    }

    fn parse_n(text: &[u8]) -> Result<wl_addr, (c_int, String)> {
        let mut out = std::mem::MaybeUninit::<wl_addr>::uninit();
        // SAFETY: `text` holds `text.len()` bytes; `out` is writable.
        let rc = unsafe { wl_addr_parse_n(text.as_ptr().cast(), text.len(), out.as_mut_ptr()) };
        if rc == 0 {
            // SAFETY: written on success.
            Ok(unsafe { out.assume_init() })
        } else {
            let mut m = String::new();
            super::super::boundary::last_error_message(&mut m);
            Err((rc, m))
        }
    }

    #[test]
    fn parses_a_prefix_without_a_terminator() {
        let buf = b"127.0.0.1:80garbage";
        let a = parse_n(&buf[..12]).expect("parsed");
        let b = parse("127.0.0.1:80").expect("parsed");
        assert_eq!(a.len, b.len);
        assert!(parse_n(b"[::1]:443").is_ok());
        assert!(parse_n(b"@abstract").is_ok());
    }

    #[test]
    fn refuses_nul_non_utf8_and_empty_text() {
        let (rc, m) = refused(b"127.0.0.1:80\0");
        assert_eq!(rc, -libc::EINVAL);
        assert!(m.contains("NUL byte at offset 12 of its 13 bytes"), "{m}");
        let (rc, m) = refused(b"/tmp/\xff");
        assert_eq!(rc, -libc::EINVAL);
        assert!(m.contains("not valid UTF-8 (at byte 5)"), "{m}");
        assert_eq!(refused(b"").0, -libc::EINVAL);
        let long = [b"/".as_slice(), &[b'a'; 200]].concat();
        assert_eq!(refused(&long).0, -libc::ENAMETOOLONG);
    }
}
