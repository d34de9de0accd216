// The unchecked constructor behind every transition is crate-private: a
// ConnectedStream cannot be conjured from an arbitrary descriptor without
// the kernel checks of TryFrom<OwnedFd> (or an explicit unsafe FromRawFd).
use std::os::fd::OwnedFd;
use wirelane::{ConnectedStream, Ipv4};

fn forge_stream(fd: OwnedFd) -> ConnectedStream<Ipv4> {
    ConnectedStream::from_fd(fd)
}

fn main() {}
