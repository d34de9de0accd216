// finish() consumes the PendingConnect.
use wirelane::{Ipv4, PendingConnect};

fn finish_twice(pending: PendingConnect<Ipv4>) -> std::io::Result<()> {
    let _conn = pending.finish()?;
    let _again = pending.finish()?;
    Ok(())
}

fn main() {}
