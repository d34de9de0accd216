//! Listener handover: zero-downtime restarts.
//!
//! A running process passes its listening sockets (and, if it likes, its
//! datagram sockets) with names to a successor over a Unix stream, in one
//! message (`SCM_RIGHTS` plus the names). The successor adopts each as its
//! typed state with the kernel's checks and acknowledges; the predecessor
//! then stops accepting, drains the connections it has and exits.
//!
//! No connection attempt is refused: both processes hold descriptors for
//! the same listening socket, which never closes, so connections that
//! arrive during the switch wait in its accept queue for whichever process
//! accepts next.
//!
//! The steps, with [`spawn_successor`] re-executing the binary:
//!
//! 1. old: `let (child, channel) = spawn_successor(&mut Command::new("/proc/self/exe"))?;`
//! 2. new: `let channel = channel_from_env()?` (`Some` in a successor);
//!    `let mut sockets = receive(&channel)?;`
//!    `let web: Listener<Ipv4> = sockets.take_named("web")?;`
//!    `acknowledge(&channel)?;`
//! 3. old: `Handover::new().add("web", &listener).send(&channel)?;`
//!    returns after step 2; stop accepting, drain, exit.

mod receive;
mod send;
mod successor;
mod wire;

pub use receive::{acknowledge, receive};
pub use send::{Handover, Transferable};
pub use successor::{HANDOVER_FD_VAR, channel_from_env, spawn_successor};
