// SockType is sealed too: no SOCK_SEQPACKET or SOCK_RAW from outside.
use wirelane::SockType;

#[derive(Clone, Copy, Default)]
struct SeqPacket;

impl SockType for SeqPacket {
    const TYPE: i32 = 5;
    const NAME: &'static str = "SeqPacket";
}

fn main() {}
