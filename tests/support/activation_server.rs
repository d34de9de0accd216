//! Shared by the tests that run `examples/activation_server` as real
//! processes: where the binary is, its protocol's client side, and the
//! lines it reports.

#![allow(dead_code)] // each test binary uses its own subset

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

/// `target/<profile>/examples/activation_server`, built by `cargo test`
/// (or `cargo build --example activation_server` before a targeted run).
pub fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target profile dir");
    let path = dir.join("examples").join("activation_server");
    assert!(
        path.exists(),
        "{} is missing: run through `cargo test` (which builds examples) or \
         `cargo build --example activation_server` first",
        path.display()
    );
    path
}

/// FNV-1a 64, the server's checksum.
pub fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// A small deterministic generator for payload sizes and bytes.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// What one client exchange ended with.
#[derive(Debug)]
pub enum Exchange {
    /// Every byte echoed and the trailer matched: the payload length.
    Verified(u64),
    /// `connect` was refused (`ECONNREFUSED`).
    Refused,
    /// Anything else, described.
    Failed(String),
}

/// One connection of the echo/checksum protocol: sends `payload` in
/// chunks, checks each chunk's echo, shuts down sending, checks the
/// trailer (count and FNV-1a) and the close.
pub fn exchange(addr: SocketAddr, payload: &[u8]) -> Exchange {
    let mut conn = match TcpStream::connect_timeout(&addr, Duration::from_secs(10)) {
        Ok(c) => c,
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => return Exchange::Refused,
        Err(e) => return Exchange::Failed(format!("connect: {e}")),
    };
    match talk(&mut conn, payload) {
        Ok(()) => Exchange::Verified(payload.len() as u64),
        Err(e) => Exchange::Failed(e),
    }
}

fn talk(conn: &mut TcpStream, payload: &[u8]) -> Result<(), String> {
    let timeout = Some(Duration::from_secs(10));
    conn.set_read_timeout(timeout).map_err(|e| e.to_string())?;
    conn.set_write_timeout(timeout).map_err(|e| e.to_string())?;
    let mut echo = vec![0u8; 4096];
    for (i, chunk) in payload.chunks(4096).enumerate() {
        conn.write_all(chunk).map_err(|e| format!("send chunk {i}: {e}"))?;
        conn.read_exact(&mut echo[..chunk.len()])
            .map_err(|e| format!("echo of chunk {i}: {e}"))?;
        if echo[..chunk.len()] != *chunk {
            return Err(format!("echo of chunk {i} differs"));
        }
    }
    conn.shutdown(Shutdown::Write).map_err(|e| format!("shutdown: {e}"))?;
    let mut trailer = [0u8; 16];
    conn.read_exact(&mut trailer).map_err(|e| format!("trailer: {e}"))?;
    let count = u64::from_le_bytes(trailer[..8].try_into().unwrap());
    let hash = u64::from_le_bytes(trailer[8..].try_into().unwrap());
    if count != payload.len() as u64 || hash != fnv1a(FNV_OFFSET, payload) {
        return Err(format!(
            "trailer says {count} bytes hash {hash:#x}; sent {} bytes hash {:#x}",
            payload.len(),
            fnv1a(FNV_OFFSET, payload)
        ));
    }
    let mut rest = [0u8; 1];
    match conn.read(&mut rest) {
        Ok(0) => Ok(()),
        Ok(_) => Err("bytes after the trailer".into()),
        Err(e) => Err(format!("waiting for the close: {e}")),
    }
}

/// The value of `key=` in a report line (`pid=12 via=bind`).
pub fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
}

/// A comma-separated descriptor list (`0,1,2`), sorted.
pub fn fd_list(text: &str) -> Vec<i32> {
    let mut fds: Vec<i32> = text
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    fds.sort_unstable();
    fds
}
