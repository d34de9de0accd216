//! A set of inherited descriptors with names, each adopted as its typed
//! state on request. Socket activation and listener handover both return
//! one.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};

use super::describe::{describe, short_type_name};
use crate::TransitionError;
use crate::error::invalid_input;

/// One inherited descriptor: its number when it arrived, its name, and the
/// descriptor until it is taken.
struct Entry {
    raw: RawFd,
    name: String,
    fd: Option<OwnedFd>,
}

/// Descriptors inherited by this process (from systemd's `LISTEN_FDS`, or
/// from a predecessor's handover), with their names.
///
/// Take each one as its typed state with [`take`](Self::take) (by index)
/// or [`take_named`](Self::take_named); adoption runs the kernel checks of
/// `TryFrom<OwnedFd>` (domain, type, listening/bound/connected), and a
/// mismatch is an error that names the descriptor, what was asked for and
/// what the descriptor really is. A descriptor that fails to adopt stays
/// in the set (try another type); whatever is never taken is closed when
/// the set is dropped. Every descriptor in the set is close-on-exec.
pub struct InheritedSockets {
    source: &'static str,
    entries: Vec<Entry>,
}

impl InheritedSockets {
    /// Wraps descriptors with their names; `source` names where they came
    /// from in error messages ("LISTEN_FDS", "handover").
    pub(crate) fn new(source: &'static str, fds: Vec<(String, OwnedFd)>) -> Self {
        let entries = fds
            .into_iter()
            .map(|(name, fd)| Entry {
                raw: fd.as_raw_fd(),
                name,
                fd: Some(fd),
            })
            .collect();
        Self { source, entries }
    }

    /// How many descriptors were inherited (taken ones included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing was inherited.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The names, in order (index `i` is descriptor `i`).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.name.as_str())
    }

    /// The name of descriptor `index`.
    pub fn name(&self, index: usize) -> Option<&str> {
        self.entries.get(index).map(|e| e.name.as_str())
    }

    /// The descriptor number `index` had when it was inherited.
    pub fn raw_fd(&self, index: usize) -> Option<RawFd> {
        self.entries.get(index).map(|e| e.raw)
    }

    /// The index of the first descriptor called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.name == name)
    }

    /// Adopts descriptor `index` as `S` (for example `Listener<Ipv4>` or
    /// `BoundDatagram<Unix>`) after the kernel checks of `TryFrom<OwnedFd>`.
    ///
    /// Errors: `index` out of range or already taken (`InvalidInput`); the
    /// descriptor is not an `S` (`InvalidInput`, with the errno of the
    /// failed check: `ENOTSOCK`, `EAFNOSUPPORT`, `EPROTOTYPE` or `EINVAL`),
    /// in which case it stays here, untaken.
    pub fn take<S>(&mut self, index: usize) -> io::Result<S>
    where
        S: TryFrom<OwnedFd, Error = TransitionError<OwnedFd>>,
    {
        let source = self.source;
        let count = self.entries.len();
        let Some(entry) = self.entries.get_mut(index) else {
            return Err(invalid_input(
                libc::EINVAL,
                format!("{source}: no descriptor at index {index} (there are {count})"),
            ));
        };
        let Some(fd) = entry.fd.take() else {
            return Err(invalid_input(
                libc::EINVAL,
                format!("{source}: fd {} ({:?}) was already taken", entry.raw, entry.name),
            ));
        };
        let what = describe(fd.as_fd());
        match S::try_from(fd) {
            Ok(s) => Ok(s),
            Err(e) => {
                let (error, fd) = e.into_parts();
                entry.fd = Some(fd);
                let errno = crate::error::errno_of(&error);
                let errno = if what.ends_with("not a socket") {
                    libc::ENOTSOCK
                } else {
                    errno
                };
                Err(invalid_input(
                    errno,
                    format!(
                        "{source}: fd {} ({:?}) is {what}; cannot adopt it as {}: {error}",
                        entry.raw,
                        entry.name,
                        short_type_name::<S>()
                    ),
                ))
            }
        }
    }

    /// Adopts the first descriptor called `name` as `S`; see
    /// [`take`](Self::take). No such name is `NotFound`, listing the names
    /// there are.
    pub fn take_named<S>(&mut self, name: &str) -> io::Result<S>
    where
        S: TryFrom<OwnedFd, Error = TransitionError<OwnedFd>>,
    {
        match self.index_of(name) {
            Some(i) => self.take(i),
            None => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "{}: no descriptor named {name:?} (names: {:?})",
                    self.source,
                    self.names().collect::<Vec<_>>()
                ),
            )),
        }
    }

    /// Takes descriptor `index` without any check.
    pub fn take_fd(&mut self, index: usize) -> Option<OwnedFd> {
        self.entries.get_mut(index).and_then(|e| e.fd.take())
    }
}

impl fmt::Debug for InheritedSockets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for e in &self.entries {
            list.entry(&format_args!(
                "fd {} {:?}{}",
                e.raw,
                e.name,
                if e.fd.is_some() { "" } else { " (taken)" }
            ));
        }
        list.finish()
    }
}
