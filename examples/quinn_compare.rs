//! quinn throughput over Wirelane (`wirelane::quinn::socket`) against
//! quinn over its own quinn-udp (`Endpoint::server`/`client` on a std
//! socket), in the same run, on IPv4 loopback: one connection, one
//! unidirectional stream of `MIB` MiB (default 256), several alternating
//! rounds; prints the best and the median MiB/s of each and their ratios.
//!
//!   cargo run --release --features quinn --example quinn_compare [MIB] [ROUNDS]

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::Instant;

use quinn::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use wirelane::{Datagram, Ipv4, RawSocket, SocketAddrV4};

fn configs() -> (quinn::ServerConfig, quinn::ClientConfig) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let der = CertificateDer::from(cert.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
    let server = quinn::ServerConfig::with_single_cert(vec![der.clone()], key).unwrap();
    let mut roots = quinn::rustls::RootCertStore::empty();
    roots.add(der).unwrap();
    let client = quinn::ClientConfig::with_root_certificates(Arc::new(roots)).unwrap();
    (server, client)
}

fn endpoint(wirelane_socket: bool, server: Option<quinn::ServerConfig>) -> quinn::Endpoint {
    let runtime = Arc::new(quinn::TokioRuntime);
    if wirelane_socket {
        let bound = RawSocket::<Ipv4, Datagram>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap();
        let socket = wirelane::quinn::socket(bound).unwrap();
        quinn::Endpoint::new_with_abstract_socket(quinn::EndpointConfig::default(), server, socket, runtime).unwrap()
    } else {
        let std = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        quinn::Endpoint::new(quinn::EndpointConfig::default(), server, std, runtime).unwrap()
    }
}

async fn round(wirelane_socket: bool, bytes: u64) -> f64 {
    let (sc, cc) = configs();
    let server = endpoint(wirelane_socket, Some(sc));
    let mut client = endpoint(wirelane_socket, None);
    client.set_default_client_config(cc);
    let addr: SocketAddr = server.local_addr().unwrap();
    let sender = tokio::spawn(async move {
        let conn = server.accept().await.unwrap().await.unwrap();
        let mut s = conn.open_uni().await.unwrap();
        let buf = vec![0x5au8; 256 * 1024];
        let mut sent = 0;
        while sent < bytes {
            let n = (bytes - sent).min(buf.len() as u64) as usize;
            s.write_all(&buf[..n]).await.unwrap();
            sent += n as u64;
        }
        s.finish().unwrap();
        conn.closed().await;
    });
    let conn = client.connect(addr, "localhost").unwrap().await.unwrap();
    let mut s = conn.accept_uni().await.unwrap();
    let mut buf = vec![0u8; 256 * 1024];
    let start = Instant::now();
    let mut got = 0u64;
    while let Some(n) = s.read(&mut buf).await.unwrap() {
        got += n as u64;
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(got, bytes);
    conn.close(0u32.into(), b"done");
    sender.await.unwrap();
    client.wait_idle().await;
    got as f64 / (1 << 20) as f64 / secs
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mib: u64 = args.next().map_or(256, |a| a.parse().expect("MiB"));
    let rounds: usize = args.next().map_or(3, |a| a.parse().expect("rounds"));
    let (mut wls, mut qus) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        // Alternate the order so neither side always runs second.
        let order = if r % 2 == 0 { [true, false] } else { [false, true] };
        for wl in order {
            let v = round(wl, mib << 20).await;
            println!(
                "round {r}: {:<22} {v:8.1} MiB/s",
                if wl {
                    "quinn over wirelane"
                } else {
                    "quinn over quinn-udp"
                }
            );
            if wl { wls.push(v) } else { qus.push(v) }
        }
    }
    for v in [&mut wls, &mut qus] {
        v.sort_by(f64::total_cmp);
    }
    let (best_wl, best_qu) = (wls[rounds - 1], qus[rounds - 1]);
    let (med_wl, med_qu) = (wls[rounds / 2], qus[rounds / 2]);
    println!(
        "best of {rounds}: wirelane {best_wl:.1} MiB/s, quinn-udp {best_qu:.1} MiB/s, ratio {:.2}x",
        best_wl / best_qu
    );
    println!(
        "median of {rounds}: wirelane {med_wl:.1} MiB/s, quinn-udp {med_qu:.1} MiB/s, ratio {:.2}x",
        med_wl / med_qu
    );
}
