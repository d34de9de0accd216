//! Running under a service manager: socket activation (`sd_listen_fds`)
//! and readiness notification (`sd_notify`), without linking libsystemd.
//!
//! ```no_run
//! use wirelane::{Ipv4, Listener};
//! use wirelane::activation::{self, READY};
//! # fn main() -> std::io::Result<()> {
//! let mut inherited = activation::listen_fds()?;
//! let listener: Listener<Ipv4> = inherited.take(0)?;
//! activation::notify(READY)?;
//! # drop(listener); Ok(()) }
//! ```
//!
//! [`InheritedSockets`] is also what a listener handover delivers
//! ([`crate::handover`]).

mod describe;
mod inherited;
mod listen_fds;
mod notify;

pub use inherited::InheritedSockets;
pub use listen_fds::{LISTEN_FDS_START, listen_fds, listen_fds_with};
pub use notify::{READY, RELOADING, STOPPING, notify, notify_and_unset, notify_to};
