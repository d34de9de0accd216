//! [`ConnectError`]: every attempt of a failed connect by name.

use std::fmt;
use std::io;

use crate::resolve::InetAddr;

/// One connection attempt that did not win: the address and its error.
#[derive(Debug)]
pub struct Attempt {
    /// The address tried.
    pub addr: InetAddr,
    /// Why it failed (`ECONNREFUSED`, `ENETUNREACH`, timed out, ...).
    pub error: io::Error,
}

/// Every attempt of a connect by name that failed as a whole.
///
/// It is the source of the returned `io::Error`; get it back with
/// `err.get_ref().and_then(|e| e.downcast_ref::<ConnectError>())`.
#[derive(Debug)]
pub struct ConnectError {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) attempts: Vec<Attempt>,
    pub(crate) timed_out: bool,
}

impl ConnectError {
    /// The name that was connected to.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every attempt, in the order they were started.
    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }

    /// Whether the overall deadline ended the connect.
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }

    /// The errno the C ABI reports: `ETIMEDOUT` after the deadline, else
    /// the last attempt's error (`ECONNREFUSED`, ...).
    pub fn errno(&self) -> i32 {
        if self.timed_out {
            return libc::ETIMEDOUT;
        }
        self.attempts
            .last()
            .map_or(libc::EHOSTUNREACH, |a| crate::error::errno_of(&a.error))
    }

    /// Wraps it in an `io::Error` of the kind that describes it.
    pub(crate) fn into_io(self) -> io::Error {
        let kind = if self.timed_out {
            io::ErrorKind::TimedOut
        } else {
            self.attempts.last().map_or(io::ErrorKind::NotFound, |a| a.error.kind())
        };
        io::Error::new(kind, self)
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not connect to {}:{}", self.host, self.port)?;
        if self.timed_out {
            f.write_str(" (deadline passed)")?;
        }
        if self.attempts.is_empty() {
            return f.write_str(": no address to try");
        }
        f.write_str(": ")?;
        for (i, a) in self.attempts.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", a.addr, a.error)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConnectError {}
