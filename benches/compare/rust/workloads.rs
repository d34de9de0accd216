//! What the comparison runs: the workloads (rows) and the implementations
//! (columns), and which implementation can run which workload.

/// Which of the peer's services a workload talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    TcpEcho,
    TcpSink,
    UdpEcho,
    /// UDP sink with `UDP_GRO` on.
    UdpSink,
    /// UDP sink with GRO off: the kernel segments GSO trains on receive.
    UdpSinkNoGro,
}

impl Service {
    /// The key the peer prints its port under.
    pub fn key(self) -> &'static str {
        match self {
            Service::TcpEcho => "tcp_echo",
            Service::TcpSink => "tcp_sink",
            Service::UdpEcho => "udp_echo",
            Service::UdpSink => "udp_sink",
            Service::UdpSinkNoGro => "udp_sink_nogro",
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Row name (unique).
    pub name: &'static str,
    /// The workload the clients run (rows may share one, e.g. GSO to
    /// sinks with and without GRO).
    pub client: &'static str,
    pub service: Service,
    pub count: u64,
    pub size: usize,
    pub batch: usize,
    /// Human description for the table.
    pub what: &'static str,
    /// The unit the per-op time is reported in.
    pub unit: &'static str,
    /// How many units one round performs.
    pub units_per_round: u64,
    /// What each client must report as its check value for a clean round.
    pub expect: u64,
}

/// File size for the sendfile/copy rows by default, and with `--big`.
pub const FILE_MIB: u64 = 32;
pub const BIG_FILE_MIB: u64 = 256;

/// The workloads, in table order. `file_bytes` sizes the file rows.
pub fn all(file_bytes: u64) -> Vec<Workload> {
    let udp = |name, client, service, count: u64, size, batch: usize, what| Workload {
        name,
        client,
        service,
        count,
        size,
        batch,
        what,
        unit: "datagram",
        units_per_round: count * batch.max(1) as u64,
        expect: count * batch.max(1) as u64,
    };
    let file = |name, client, what| Workload {
        name,
        client,
        service: Service::TcpSink,
        count: 1,
        size: 65536,
        batch: 1,
        what,
        unit: "MiB",
        units_per_round: file_bytes >> 20,
        expect: file_bytes,
    };
    vec![
        Workload {
            name: "tcp_pingpong",
            client: "tcp_pingpong",
            service: Service::TcpEcho,
            count: 1000,
            size: 64,
            batch: 1,
            what: "TCP ping-pong, 64 B, 1000 round trips",
            unit: "round trip",
            units_per_round: 1000,
            expect: 1000,
        },
        Workload {
            name: "udp_rr",
            client: "udp_rr",
            service: Service::UdpEcho,
            count: 1000,
            size: 64,
            batch: 1,
            what: "UDP send+receive (echo), 64 B, connected, 1000 round trips",
            unit: "round trip",
            units_per_round: 1000,
            expect: 1000,
        },
        udp(
            "udp_send",
            "udp_send",
            Service::UdpSink,
            4000,
            64,
            1,
            "UDP send_to per packet, 64 B, 4000 datagrams",
        ),
        udp(
            "udp_batch",
            "udp_batch",
            Service::UdpSink,
            100,
            64,
            64,
            "UDP batch of 64 x 64 B (sendmmsg; std/stdlib: sendto loop), 100 batches",
        ),
        udp(
            "udp_loop",
            "udp_loop",
            Service::UdpSink,
            100,
            1200,
            48,
            "UDP per-packet send loop, 1200 B, 48 x 100 datagrams",
        ),
        udp(
            "udp_gso",
            "udp_gso",
            Service::UdpSink,
            3000,
            1200,
            48,
            "UDP GSO send, 48 x 1200 B per send, 3000 sends (receiver GRO on)",
        ),
        udp(
            "udp_loop_nogro",
            "udp_loop",
            Service::UdpSinkNoGro,
            100,
            1200,
            48,
            "as udp_loop, receiver GRO off",
        ),
        udp(
            "udp_gso_nogro",
            "udp_gso",
            Service::UdpSinkNoGro,
            1000,
            1200,
            48,
            "as udp_gso, 1000 sends, receiver GRO off (kernel segments on receive)",
        ),
        Workload {
            name: "tcp_connect_name",
            client: "tcp_connect_name",
            service: Service::TcpSink,
            // Each connect leaves a TIME_WAIT socket for 60 s: 50 per round
            // keeps a full run (6 clients x 32 rounds) well inside the
            // ephemeral port range. Near exhaustion (other programs' TIME_WAIT
            // on a shared host) connect(2) itself slows to ~10 ms while the
            // kernel searches for a port; run in a fresh network namespace
            // for clean numbers (PERFORMANCE.md).
            count: 50,
            size: 0,
            batch: 1,
            what: "TCP connect by name (\"localhost\": resolve + connect + close), 50 connects",
            unit: "connect",
            units_per_round: 50,
            expect: 50,
        },
        file(
            "tcp_sendfile",
            "tcp_sendfile",
            "TCP sendfile of a cached file (Python: socket.sendfile)",
        ),
        file(
            "tcp_copy",
            "tcp_copy",
            "TCP read/write copy of the same file, 64 KiB buffer",
        ),
    ]
}

/// A column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impl {
    RawC,
    Wirelane,
    Std,
    CAbi,
    PyBinding,
    /// libc send/recv through ctypes: the floor under any ctypes binding.
    PyCtypes,
    PyStdlib,
    /// `wirelane::tokio::Async<S>` on a current-thread runtime.
    TokioWirelane,
    /// `tokio::net` on a current-thread runtime.
    TokioNet,
}

impl Impl {
    pub const ALL: [Impl; 9] = [
        Impl::RawC,
        Impl::Wirelane,
        Impl::Std,
        Impl::CAbi,
        Impl::PyBinding,
        Impl::PyCtypes,
        Impl::PyStdlib,
        Impl::TokioWirelane,
        Impl::TokioNet,
    ];

    /// Short key (JSON, `--impls`).
    pub fn key(self) -> &'static str {
        match self {
            Impl::RawC => "raw_c",
            Impl::Wirelane => "wirelane",
            Impl::Std => "std",
            Impl::CAbi => "c_abi",
            Impl::PyBinding => "py_binding",
            Impl::PyCtypes => "py_ctypes",
            Impl::PyStdlib => "py_stdlib",
            Impl::TokioWirelane => "tokio_wirelane",
            Impl::TokioNet => "tokio_net",
        }
    }

    /// Column title.
    pub fn title(self) -> &'static str {
        match self {
            Impl::RawC => "raw libc C",
            Impl::Wirelane => "Wirelane Rust",
            Impl::Std => "std::net",
            Impl::CAbi => "C ABI from C",
            Impl::PyBinding => "Python binding",
            Impl::PyCtypes => "Python ctypes floor",
            Impl::PyStdlib => "Python socket",
            Impl::TokioWirelane => "wirelane::tokio",
            Impl::TokioNet => "tokio::net",
        }
    }

    /// Whether this implementation can express the client workload, and
    /// why not when it cannot.
    pub fn supports(self, client: &str) -> Result<(), &'static str> {
        match (self, client) {
            (Impl::TokioWirelane | Impl::TokioNet, _) if !cfg!(feature = "tokio") => {
                Err("built without feature tokio (cargo run --release --features tokio --example compare)")
            }
            (Impl::TokioWirelane | Impl::TokioNet, "tcp_sendfile" | "tcp_copy") => {
                Err("the tokio columns cover ping-pong and UDP only")
            }
            (Impl::TokioNet, "udp_gso") => Err("tokio::net has no UDP GSO"),
            (Impl::Std, "udp_gso") => Err("std::net has no UDP GSO"),
            // std's io::copy deliberately never uses sendfile from a regular
            // file to a socket (a later change to the file could show up in
            // data already "sent"), so std has no sendfile path at all.
            (Impl::Std, "tcp_sendfile") => {
                Err("std::net has no sendfile (io::copy File -> TcpStream is a read/write loop)")
            }
            (Impl::PyCtypes, "tcp_pingpong" | "udp_rr" | "udp_send" | "udp_loop") => Ok(()),
            (Impl::PyCtypes, _) => Err("the ctypes floor covers the per-call send/recv rows only"),
            _ => Ok(()),
        }
    }
}
