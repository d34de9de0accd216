//! TCP configs: [`TcpConfig`] and the [`KeepaliveConfig`] inside it.

use std::io;
use std::os::fd::AsFd;
use std::time::Duration;

use crate::options::{
    keepalive_time_error, set_keepalive, set_tcp_congestion, set_tcp_keepalive_count, set_tcp_keepalive_idle,
    set_tcp_keepalive_interval, set_tcp_nodelay, set_tcp_user_timeout,
};

mod private {
    use std::time::Duration;

    /// A keepalive time as the caller gave it. A negative integer cannot
    /// become a `Duration`; it is kept so that applying the config reports
    /// it instead of panicking here.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Secs {
        Exact(Duration),
        Negative(i64),
    }

    pub trait Sealed: Copy {
        fn into_secs(self) -> Secs;
    }
}

use private::Secs;

/// A keepalive time: a [`Duration`], or a whole number of seconds as any
/// integer type (so `.idle(30)` and `.idle(Duration::from_secs(30))` both
/// work). Sealed.
///
/// The kernel takes whole seconds in `1..=32767`; anything else (zero, a
/// fraction of a second, a negative number, too large) is reported as an
/// `ErrorKind::InvalidInput` error when the config is applied.
pub trait KeepaliveTime: private::Sealed {}

impl private::Sealed for Duration {
    fn into_secs(self) -> Secs {
        Secs::Exact(self)
    }
}
impl KeepaliveTime for Duration {}

macro_rules! unsigned_secs {
    ($($t:ty),*) => {$(
        impl private::Sealed for $t {
            fn into_secs(self) -> Secs {
                Secs::Exact(Duration::from_secs(self as u64))
            }
        }
        impl KeepaliveTime for $t {}
    )*};
}

macro_rules! signed_secs {
    ($($t:ty),*) => {$(
        impl private::Sealed for $t {
            fn into_secs(self) -> Secs {
                if self < 0 {
                    Secs::Negative(self as i64)
                } else {
                    Secs::Exact(Duration::from_secs(self as u64))
                }
            }
        }
        impl KeepaliveTime for $t {}
    )*};
}

unsigned_secs!(u8, u16, u32, u64, usize);
signed_secs!(i8, i16, i32, i64, isize);

/// TCP keepalive settings (see `tcp(7)`). Applying the config turns
/// `SO_KEEPALIVE` on and sets the parts given; parts not given keep the
/// `net.ipv4.tcp_keepalive_*` sysctl defaults.
///
/// ```
/// use std::time::Duration;
/// use wirelane::KeepaliveConfig;
/// let a = KeepaliveConfig::new().idle(30).interval(5).count(3);
/// let b = KeepaliveConfig::new()
///     .idle(Duration::from_secs(30))
///     .interval(Duration::from_secs(5))
///     .count(3);
/// assert_eq!(a, b);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct KeepaliveConfig {
    idle: Option<Secs>,
    interval: Option<Secs>,
    count: Option<u32>,
}

impl KeepaliveConfig {
    /// Keepalive on, with the system's timing.
    pub const fn new() -> Self {
        Self {
            idle: None,
            interval: None,
            count: None,
        }
    }

    /// Idle time before the first probe (`TCP_KEEPIDLE`): seconds as an
    /// integer, or a `Duration`; whole seconds in `1..=32767`.
    pub fn idle(mut self, time: impl KeepaliveTime) -> Self {
        self.idle = Some(time.into_secs());
        self
    }

    /// Time between probes (`TCP_KEEPINTVL`): seconds as an integer, or a
    /// `Duration`; whole seconds in `1..=32767`.
    pub fn interval(mut self, time: impl KeepaliveTime) -> Self {
        self.interval = Some(time.into_secs());
        self
    }

    /// Unanswered probes before the connection is dropped (`TCP_KEEPCNT`),
    /// in `1..=127`.
    pub const fn count(mut self, probes: u32) -> Self {
        self.count = Some(probes);
        self
    }

    /// Turns keepalive on for `socket` and sets the given timing. Values
    /// out of range fail with `ErrorKind::InvalidInput` naming the option.
    pub fn apply<S: AsFd + ?Sized>(&self, socket: &S) -> io::Result<()> {
        set_keepalive(socket, true)?;
        if let Some(idle) = self.idle {
            set_tcp_keepalive_idle(socket, exact("TCP_KEEPIDLE", idle)?)?;
        }
        if let Some(interval) = self.interval {
            set_tcp_keepalive_interval(socket, exact("TCP_KEEPINTVL", interval)?)?;
        }
        if let Some(count) = self.count {
            set_tcp_keepalive_count(socket, count)?;
        }
        Ok(())
    }
}

fn exact(option: &str, secs: Secs) -> io::Result<Duration> {
    match secs {
        Secs::Exact(d) => Ok(d),
        // Same message as the option setters give for other bad values.
        Secs::Negative(v) => Err(keepalive_time_error(option, format_args!("{v}s"))),
    }
}

/// TCP settings (see `tcp(7)`), for [`ListenerBuilder::tcp`] and
/// [`ConnectorBuilder::tcp`] on internet domains. On a listener they are
/// set before `listen`, and Linux copies them to every accepted
/// connection.
///
/// [`ListenerBuilder::tcp`]: crate::ListenerBuilder::tcp
/// [`ConnectorBuilder::tcp`]: crate::ConnectorBuilder::tcp
///
/// ```
/// use wirelane::{KeepaliveConfig, TcpConfig};
/// let tcp = TcpConfig::new()
///     .nodelay(true)
///     .keepalive(KeepaliveConfig::new().idle(30).interval(5).count(3));
/// let copy = tcp; // Copy: use the same config for many builders
/// assert_eq!(copy, tcp);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TcpConfig {
    nodelay: Option<bool>,
    keepalive: Option<KeepaliveConfig>,
    user_timeout: Option<Duration>,
    congestion: Option<&'static str>,
}

impl TcpConfig {
    /// Nothing set: the kernel defaults.
    pub const fn new() -> Self {
        Self {
            nodelay: None,
            keepalive: None,
            user_timeout: None,
            congestion: None,
        }
    }

    /// `TCP_NODELAY`: send small writes at once (no Nagle delay).
    pub const fn nodelay(mut self, enable: bool) -> Self {
        self.nodelay = Some(enable);
        self
    }

    /// Turns keepalive on with the given timing.
    pub const fn keepalive(mut self, keepalive: KeepaliveConfig) -> Self {
        self.keepalive = Some(keepalive);
        self
    }

    /// `TCP_USER_TIMEOUT`: how long sent data may stay unacknowledged
    /// before the connection is dropped; whole milliseconds, non-zero.
    pub const fn user_timeout(mut self, timeout: Duration) -> Self {
        self.user_timeout = Some(timeout);
        self
    }

    /// `TCP_CONGESTION`: the congestion-control algorithm, e.g. `"cubic"`.
    pub const fn congestion(mut self, algorithm: &'static str) -> Self {
        self.congestion = Some(algorithm);
        self
    }

    /// Sets the configured options on a TCP `socket`. The first failure
    /// is returned; options before it stay set.
    pub fn apply<S: AsFd + ?Sized>(&self, socket: &S) -> io::Result<()> {
        if let Some(enable) = self.nodelay {
            set_tcp_nodelay(socket, enable)?;
        }
        if let Some(keepalive) = self.keepalive {
            keepalive.apply(socket)?;
        }
        if let Some(timeout) = self.user_timeout {
            set_tcp_user_timeout(socket, Some(timeout))?;
        }
        if let Some(algorithm) = self.congestion {
            set_tcp_congestion(socket, algorithm)?;
        }
        Ok(())
    }
}
