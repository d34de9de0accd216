// States cannot be forged: their fields are private, so a struct literal
// from outside the crate does not compile. (Adopting a descriptor goes
// through the checked TryFrom<OwnedFd>, or the unsafe FromRawFd.)
use std::marker::PhantomData;
use std::os::fd::OwnedFd;
use wirelane::{Ipv4, Listener};

fn forge_listener(fd: OwnedFd) -> Listener<Ipv4> {
    Listener { fd, _marker: PhantomData }
}

fn main() {}
