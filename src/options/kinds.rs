//! How one row of the option table turns its value into the kernel's `int`
//! and back, and into the C ABI's type: one zero-sized kind per value
//! shape. The table (`table.rs`) names a kind per option; the Rust
//! functions, the C exports and the generated bindings all go through it,
//! so a value is checked and converted in exactly one place.

use std::io;
use std::time::Duration;

use super::check::{int_in, out_of_range, whole_secs};

/// One value shape of an `int`-valued socket option.
pub trait OptionKind {
    /// The Rust value (`bool`, `u32`, `Duration`, ...).
    type Value;
    /// The value at the C ABI (`bool`, `uint32_t`, ...).
    type C: Copy;
    /// The C spelling of [`Self::C`], for the generated header.
    const C_TYPE: &'static str;
    /// Checks `value` (`min..=max` where the kind has a range) and converts
    /// it to the kernel's `int`; the error names `option` and the range.
    fn encode(option: &'static str, value: Self::Value, min: u64, max: u64) -> io::Result<libc::c_int>;
    /// The kernel's `int` as the Rust value.
    fn decode(raw: libc::c_int) -> Self::Value;
    /// A C argument as the Rust value.
    fn from_c(value: Self::C) -> Self::Value;
    /// The Rust value as the C result.
    fn to_c(value: Self::Value) -> Self::C;
}

/// An `int` used as a boolean: `true` sets 1, any non-zero reads `true`.
pub enum Flag {}
/// A count or small number in `min..=max` (`u32`).
pub enum Count {}
/// 32 bits passed through unchanged (`SO_MARK`).
pub enum Bits {}
/// One byte (`IP_TOS`, `IPV6_TCLASS`).
pub enum Byte {}
/// A size in bytes in `min..=max` (`usize` / `size_t`).
pub enum Bytes {}
/// Whole seconds in `min..=max` (`Duration`; `uint32_t` seconds in C).
pub enum Seconds {}
/// Whole milliseconds in `1..=max`, or `None` for 0 (`Option<Duration>`;
/// `uint32_t` milliseconds in C, 0 meaning none).
pub enum Millis {}

fn clamp_u32(v: u128) -> u32 {
    v.min(u128::from(u32::MAX)) as u32
}

impl OptionKind for Flag {
    type Value = bool;
    type C = bool;
    const C_TYPE: &'static str = "bool";
    fn encode(_: &'static str, value: bool, _: u64, _: u64) -> io::Result<libc::c_int> {
        Ok(libc::c_int::from(value))
    }
    fn decode(raw: libc::c_int) -> bool {
        raw != 0
    }
    fn from_c(value: bool) -> bool {
        value
    }
    fn to_c(value: bool) -> bool {
        value
    }
}

impl OptionKind for Count {
    type Value = u32;
    type C = u32;
    const C_TYPE: &'static str = "uint32_t";
    fn encode(option: &'static str, value: u32, min: u64, max: u64) -> io::Result<libc::c_int> {
        int_in(option, "", u64::from(value), min, max)
    }
    fn decode(raw: libc::c_int) -> u32 {
        raw.max(0) as u32
    }
    fn from_c(value: u32) -> u32 {
        value
    }
    fn to_c(value: u32) -> u32 {
        value
    }
}

impl OptionKind for Bits {
    type Value = u32;
    type C = u32;
    const C_TYPE: &'static str = "uint32_t";
    fn encode(_: &'static str, value: u32, _: u64, _: u64) -> io::Result<libc::c_int> {
        Ok(value as libc::c_int)
    }
    fn decode(raw: libc::c_int) -> u32 {
        raw as u32
    }
    fn from_c(value: u32) -> u32 {
        value
    }
    fn to_c(value: u32) -> u32 {
        value
    }
}

impl OptionKind for Byte {
    type Value = u8;
    type C = u8;
    const C_TYPE: &'static str = "uint8_t";
    fn encode(_: &'static str, value: u8, _: u64, _: u64) -> io::Result<libc::c_int> {
        Ok(libc::c_int::from(value))
    }
    fn decode(raw: libc::c_int) -> u8 {
        raw as u8
    }
    fn from_c(value: u8) -> u8 {
        value
    }
    fn to_c(value: u8) -> u8 {
        value
    }
}

impl OptionKind for Bytes {
    type Value = usize;
    type C = usize;
    const C_TYPE: &'static str = "size_t";
    fn encode(option: &'static str, value: usize, min: u64, max: u64) -> io::Result<libc::c_int> {
        int_in(option, " bytes", value as u64, min, max)
    }
    fn decode(raw: libc::c_int) -> usize {
        raw.max(0) as usize
    }
    fn from_c(value: usize) -> usize {
        value
    }
    fn to_c(value: usize) -> usize {
        value
    }
}

impl OptionKind for Seconds {
    type Value = Duration;
    type C = u32;
    const C_TYPE: &'static str = "uint32_t";
    fn encode(option: &'static str, value: Duration, min: u64, max: u64) -> io::Result<libc::c_int> {
        whole_secs(option, value, min, max)
    }
    fn decode(raw: libc::c_int) -> Duration {
        Duration::from_secs(raw.max(0) as u64)
    }
    fn from_c(value: u32) -> Duration {
        Duration::from_secs(u64::from(value))
    }
    fn to_c(value: Duration) -> u32 {
        clamp_u32(u128::from(value.as_secs()))
    }
}

impl OptionKind for Millis {
    type Value = Option<Duration>;
    type C = u32;
    const C_TYPE: &'static str = "uint32_t";
    fn encode(option: &'static str, value: Option<Duration>, min: u64, max: u64) -> io::Result<libc::c_int> {
        let Some(d) = value else { return Ok(0) };
        let ms = d.as_millis();
        if d.subsec_nanos() % 1_000_000 != 0 || ms < u128::from(min) || ms > u128::from(max) {
            return Err(out_of_range(
                option,
                &format!("a whole number of milliseconds in {min}..={max} ms (or None to disable)"),
                format_args!("{d:?}"),
            ));
        }
        Ok(ms as libc::c_int)
    }
    fn decode(raw: libc::c_int) -> Option<Duration> {
        (raw > 0).then(|| Duration::from_millis(raw as u64))
    }
    fn from_c(value: u32) -> Option<Duration> {
        (value != 0).then(|| Duration::from_millis(u64::from(value)))
    }
    fn to_c(value: Option<Duration>) -> u32 {
        value.map_or(0, |d| clamp_u32(d.as_millis()))
    }
}
