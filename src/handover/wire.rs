//! The handover message's data part: which descriptors travel, and their
//! names. The descriptors themselves ride in the same `sendmsg(2)` as
//! `SCM_RIGHTS`, in the same order.
//!
//! Layout (little-endian): `b"WLHO"`, version `u8` (1), total length `u32`
//! (the whole message, header included), count `u16`, then per descriptor
//! a name length `u16` and the name's UTF-8 bytes.

use std::io;

use crate::error::invalid_input;

const MAGIC: &[u8; 4] = b"WLHO";
const VERSION: u8 = 1;
/// Magic, version, total length, count.
pub(super) const HEADER_LEN: usize = 4 + 1 + 4 + 2;
/// The largest message either side accepts.
pub(super) const MAX_MESSAGE: usize = 64 * 1024;

/// Encodes the names into a message.
pub(super) fn encode(names: &[&str]) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(HEADER_LEN + names.iter().map(|n| 2 + n.len()).sum::<usize>());
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.extend_from_slice(&[0; 4]); // total length, filled in below
    out.extend_from_slice(&(names.len() as u16).to_le_bytes());
    for name in names {
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
    }
    if out.len() > MAX_MESSAGE {
        return Err(invalid_input(
            libc::EMSGSIZE,
            format!("handover names take {} bytes; at most {MAX_MESSAGE} fit", out.len()),
        ));
    }
    let total = (out.len() as u32).to_le_bytes();
    out[5..9].copy_from_slice(&total);
    Ok(out)
}

/// The total length a message header announces.
pub(super) fn total_len(header: &[u8]) -> io::Result<usize> {
    if header.len() < HEADER_LEN || &header[..4] != MAGIC {
        return Err(bad("it does not start with the handover magic \"WLHO\""));
    }
    if header[4] != VERSION {
        return Err(bad(&format!(
            "version {} is not the supported version {VERSION}",
            header[4]
        )));
    }
    let total = u32::from_le_bytes(header[5..9].try_into().unwrap()) as usize;
    if !(HEADER_LEN..=MAX_MESSAGE).contains(&total) {
        return Err(bad(&format!("its length {total} is out of range")));
    }
    Ok(total)
}

/// Decodes a complete message into its names.
pub(super) fn decode(msg: &[u8]) -> io::Result<Vec<String>> {
    let total = total_len(msg)?;
    if msg.len() != total {
        return Err(bad(&format!("it is {} bytes but announces {total}", msg.len())));
    }
    let count = u16::from_le_bytes([msg[9], msg[10]]) as usize;
    let mut names = Vec::with_capacity(count);
    let mut at = HEADER_LEN;
    for i in 0..count {
        let len_bytes = msg
            .get(at..at + 2)
            .ok_or_else(|| bad(&format!("name {i} is cut off")))?;
        let len = u16::from_le_bytes([len_bytes[0], len_bytes[1]]) as usize;
        at += 2;
        let name = msg
            .get(at..at + len)
            .ok_or_else(|| bad(&format!("name {i} is cut off")))?;
        let name = std::str::from_utf8(name).map_err(|_| bad(&format!("name {i} is not UTF-8")))?;
        names.push(name.to_owned());
        at += len;
    }
    if at != total {
        return Err(bad(&format!("{} bytes follow the last name", total - at)));
    }
    Ok(names)
}

fn bad(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("malformed handover message: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let msg = encode(&["web", "", "métrics"]).unwrap();
        assert_eq!(decode(&msg).unwrap(), ["web", "", "métrics"]);
    }

    #[test]
    fn rejects_damage() {
        let msg = encode(&["web"]).unwrap();
        assert!(decode(&msg[..msg.len() - 1]).is_err());
        let mut wrong = msg.clone();
        wrong[0] = b'X';
        assert!(decode(&wrong).unwrap_err().to_string().contains("magic"));
        let mut short_name = msg.clone();
        short_name[11] = 200;
        assert!(decode(&short_name).unwrap_err().to_string().contains("cut off"));
    }
}
