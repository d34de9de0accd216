//! Side-by-side comparison: the same workloads through raw libc C, the
//! Wirelane Rust API, `std::net`, the C ABI from C, the Python binding and
//! Python's `socket` module, and (with feature `tokio`) `wirelane::tokio`
//! beside `tokio::net` on current-thread runtimes, against one C peer,
//! interleaved round by round; prints one table of medians and ratios to
//! raw C.
//!
//! Run: `cargo run --release --example compare` (options: `-- --help`);
//! `cargo run --release --features tokio --example compare` adds the two
//! tokio columns.
//!
//! The driver compiles the C peer and clients (`benches/compare/*.c`)
//! with `cc -O2` into `target/compare/`, builds `libwirelane.so` for the
//! C-ABI and Python-binding columns, and re-runs this binary with
//! `--worker wirelane|std|tokio-wirelane|tokio-net ...` for the Rust columns, so every
//! implementation is a separate client process speaking the same
//! protocol (see `benches/compare/rust/protocol.rs`).

#[path = "../benches/compare/rust/driver.rs"]
mod driver;
#[path = "../benches/compare/rust/prepare.rs"]
mod prepare;
#[path = "../benches/compare/rust/probes.rs"]
mod probes;
#[path = "../benches/compare/rust/protocol.rs"]
mod protocol;
#[path = "../benches/compare/rust/report.rs"]
mod report;
#[path = "../benches/compare/rust/runner.rs"]
mod runner;
#[path = "../benches/compare/rust/stats.rs"]
mod stats;
#[path = "../benches/compare/rust/std_client.rs"]
mod std_client;
#[cfg(feature = "tokio")]
#[path = "../benches/compare/rust/tokio_client.rs"]
mod tokio_client;
#[path = "../benches/compare/rust/wirelane_client.rs"]
mod wirelane_client;
#[path = "../benches/compare/rust/workloads.rs"]
mod workloads;

use std::io;

/// `compare --worker wirelane|std|tokio-wirelane|tokio-net WORKLOAD HOST PORT COUNT SIZE BATCH FILE`.
fn worker(args: &[String]) -> io::Result<()> {
    let (which, rest) = args
        .split_first()
        .ok_or_else(|| io::Error::other("--worker needs an implementation"))?;
    let params = protocol::Params::parse(rest)?;
    let mut round = match which.as_str() {
        "wirelane" => wirelane_client::make(&params)?,
        "std" => std_client::make(&params)?,
        #[cfg(feature = "tokio")]
        "tokio-wirelane" => tokio_client::make(&params, tokio_client::Flavour::Wirelane)?,
        #[cfg(feature = "tokio")]
        "tokio-net" => tokio_client::make(&params, tokio_client::Flavour::Net)?,
        other => return Err(io::Error::other(format!("unknown worker {other}"))),
    };
    protocol::serve(round.as_mut())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("--worker") => worker(&args[1..]),
        _ => driver::main(&args),
    };
    if let Err(e) = result {
        eprintln!("compare: {e}");
        std::process::exit(1);
    }
}
