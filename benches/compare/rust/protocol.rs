//! The client side of the comparison protocol, shared by the two Rust
//! clients (Wirelane and `std::net`); the C clients (`worker.h`) and the
//! Python ones (`common.py`) speak the same.
//!
//! argv: `WORKLOAD HOST PORT COUNT SIZE BATCH FILE`. The client sets up,
//! prints `ready`, then for each stdin line `run` runs one round and
//! prints `<elapsed_ns> <check>`. Only the client loop is timed, with the
//! monotonic clock (`Instant`), inside the client.

use std::io::{self, BufRead, Write};
use std::net::Ipv4Addr;
use std::time::Instant;

/// What a client is asked to do.
#[derive(Debug, Clone)]
pub struct Params {
    pub workload: String,
    pub host: Ipv4Addr,
    pub port: u16,
    /// Operations per round.
    pub count: u64,
    /// Bytes per message (or per GSO segment).
    pub size: usize,
    /// Messages per batch, or segments per GSO send.
    pub batch: usize,
    /// The file for the sendfile/copy workloads.
    pub file: String,
}

impl Params {
    /// Parses the seven protocol arguments.
    pub fn parse(args: &[String]) -> io::Result<Self> {
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidInput, format!("bad {what}"));
        if args.len() != 7 {
            return Err(bad("argument count: WORKLOAD HOST PORT COUNT SIZE BATCH FILE"));
        }
        Ok(Self {
            workload: args[0].clone(),
            host: args[1].parse().map_err(|_| bad("HOST"))?,
            port: args[2].parse().map_err(|_| bad("PORT"))?,
            count: args[3].parse().map_err(|_| bad("COUNT"))?,
            size: args[4].parse().map_err(|_| bad("SIZE"))?,
            batch: args[5].parse().map_err(|_| bad("BATCH"))?,
            file: args[6].clone(),
        })
    }

    /// `size * batch`: the bytes of one batch or GSO train.
    pub fn train_len(&self) -> usize {
        self.size * self.batch.max(1)
    }
}

/// One implementation's workload, set up once and run once per round.
pub trait Round {
    /// Runs the timed loop; returns the check value (datagrams the sink
    /// counted, bytes sent, or round trips).
    fn timed(&mut self) -> io::Result<()>;
    /// Untimed follow-up (asking the sink for its count); returns the check.
    fn check(&mut self) -> io::Result<u64>;
}

/// The three bytes that end a UDP round at the sink.
pub const END_MARKER: &[u8] = b"END";

/// Decodes the sink's little-endian count reply.
pub fn decode_count(reply: &[u8]) -> io::Result<u64> {
    let bytes: [u8; 8] = reply
        .try_into()
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "sink reply is not 8 bytes"))?;
    Ok(u64::from_le_bytes(bytes))
}

/// Serves the protocol on stdin/stdout until EOF.
pub fn serve(round: &mut dyn Round) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "ready")?;
    out.flush()?;
    for line in io::stdin().lock().lines() {
        if line?.trim() != "run" {
            continue;
        }
        let start = Instant::now();
        round.timed()?;
        let ns = start.elapsed().as_nanos();
        let check = round.check()?;
        writeln!(out, "{ns} {check}")?;
        out.flush()?;
    }
    Ok(())
}
