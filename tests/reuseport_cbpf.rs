//! SO_ATTACH_REUSEPORT_CBPF: a classic-BPF program chooses which listener
//! of a SO_REUSEPORT group gets each connection, exactly as it says.

mod common;

use std::collections::BTreeMap;

use wirelane::*;

const GROUP: usize = 3;

/// `GROUP` listeners sharing one loopback port, in bind order.
fn group() -> Vec<Listener<Ipv4>> {
    let mut port = 0;
    (0..GROUP)
        .map(|_| {
            let s = RawSocket::<Ipv4, Stream>::new().unwrap();
            set_reuse_port(&s, true).unwrap();
            let l = s.bind(SocketAddrV4::localhost(port)).unwrap().listen(64).unwrap();
            port = l.local_addr().unwrap().port();
            l.set_nonblocking(true).unwrap();
            l
        })
        .collect()
}

/// Connects `n` clients and returns, per listener index, how many it accepted.
fn spread(listeners: &[Listener<Ipv4>], n: usize, before_connect: impl Fn(usize)) -> BTreeMap<usize, usize> {
    let addr = listeners[0].local_addr().unwrap();
    let mut clients = Vec::new();
    for i in 0..n {
        before_connect(i);
        clients.push(RawSocket::<Ipv4, Stream>::new().unwrap().connect(addr).unwrap());
    }
    let mut got = BTreeMap::new();
    let mut total = 0;
    for (i, l) in listeners.iter().enumerate() {
        while let Some((_conn, _)) = l.try_accept().unwrap() {
            *got.entry(i).or_insert(0) += 1;
            total += 1;
        }
    }
    assert_eq!(total, n, "every connection was accepted by some listener: {got:?}");
    got
}

#[test]
fn a_constant_program_sends_every_connection_to_that_listener() {
    let listeners = group();
    attach_reuseport_cbpf(&listeners[0], &CbpfProgram::constant(2)).unwrap();
    assert_eq!(spread(&listeners, 12, |_| {}), BTreeMap::from([(2, 12)]));
    // Replacing the program takes effect at once.
    attach_reuseport_cbpf(&listeners[1], &CbpfProgram::constant(0)).unwrap();
    assert_eq!(spread(&listeners, 12, |_| {}), BTreeMap::from([(0, 12)]));
}

#[test]
fn steer_by_hash_spreads_flows_over_the_group() {
    let listeners = group();
    attach_reuseport_cbpf(&listeners[0], &CbpfProgram::steer_by_hash(GROUP as u32).unwrap()).unwrap();
    let got = spread(&listeners, 60, |_| {});
    assert_eq!(
        got.len(),
        GROUP,
        "60 flows by hash reach all {GROUP} listeners: {got:?}"
    );
}

#[test]
fn steer_by_cpu_sends_each_cpus_connections_to_its_listener() {
    let cpus = std::thread::available_parallelism().unwrap().get().min(GROUP);
    assert!(cpus >= 2, "this test needs 2 CPUs to tell steering from chance");
    let listeners = group();
    attach_reuseport_cbpf(&listeners[0], &CbpfProgram::steer_by_cpu(GROUP as u32).unwrap()).unwrap();
    for cpu in 0..cpus {
        // On loopback the SYN is processed on the connecting CPU.
        let got = spread(&listeners, 8, |_| pin_to(cpu));
        assert_eq!(got, BTreeMap::from([(cpu % GROUP, 8)]), "connections from CPU {cpu}");
    }
}

#[test]
fn invalid_programs_and_filters() {
    assert!(CbpfProgram::steer_by_cpu(0).is_err());
    let s = RawSocket::<Ipv4, Datagram>::new().unwrap();
    // A filter returning 0 drops everything; detach restores delivery.
    let rx = s.bind(SocketAddrV4::localhost(0)).unwrap();
    rx.set_read_timeout(Some(std::time::Duration::from_millis(200)))
        .unwrap();
    attach_filter(&rx, &CbpfProgram::constant(0)).unwrap();
    let tx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .connect(rx.local_addr().unwrap())
        .unwrap();
    tx.send(b"dropped").unwrap();
    let mut buf = [0u8; 16];
    assert!(rx.recv_from(&mut buf).is_err(), "the filter dropped it");
    detach_filter(&rx).unwrap();
    tx.send(b"kept").unwrap();
    assert_eq!(rx.recv_from(&mut buf).unwrap().0, 4);
    assert_eq!(errno_of_detach(&rx), libc::ENOENT);
}

fn errno_of_detach(s: &BoundDatagram<Ipv4>) -> i32 {
    wirelane::error::errno_of(&detach_filter(s).unwrap_err())
}

fn pin_to(cpu: usize) {
    // SAFETY: a zeroed cpu_set_t is valid; CPU_SET writes inside it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        assert_eq!(libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set), 0);
    }
}
