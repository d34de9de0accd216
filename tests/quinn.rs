//! quinn on Wirelane (feature `quinn`): a quinn client and server, each on
//! `wirelane::quinn::socket`, move 64 MiB over IPv4 loopback (and 1 MiB
//! over IPv6) and the receiver's checksum matches the sender's.
#![cfg(feature = "quinn")]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use quinn::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use wirelane::quinn::QuinnDomain;
use wirelane::{Datagram, Ipv4, Ipv6, RawSocket, SocketAddrV4, SocketAddrV6};

const LIMIT: Duration = Duration::from_secs(120);

/// FNV-1a over the bytes, 8 at a time (a checksum, not a MAC).
fn checksum(mut h: u64, data: &[u8]) -> u64 {
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Deterministic payload chunk `i`.
fn chunk(i: u64, buf: &mut [u8]) {
    let mut x = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for b in buf.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let bytes = x.to_le_bytes();
        b.copy_from_slice(&bytes[..b.len()]);
    }
}

fn endpoints<D: QuinnDomain>(bind: D::Addr) -> (quinn::Endpoint, quinn::Endpoint, CertificateDer<'static>) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let cert_der = CertificateDer::from(cert.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
    let server_config = quinn::ServerConfig::with_single_cert(vec![cert_der.clone()], key).unwrap();
    let runtime = Arc::new(quinn::TokioRuntime);
    let server_sock =
        wirelane::quinn::socket(RawSocket::<D, Datagram>::new().unwrap().bind(bind.clone()).unwrap()).unwrap();
    let server = quinn::Endpoint::new_with_abstract_socket(
        quinn::EndpointConfig::default(),
        Some(server_config),
        server_sock,
        runtime.clone(),
    )
    .unwrap();
    let client_sock = wirelane::quinn::socket(RawSocket::<D, Datagram>::new().unwrap().bind(bind).unwrap()).unwrap();
    let mut client =
        quinn::Endpoint::new_with_abstract_socket(quinn::EndpointConfig::default(), None, client_sock, runtime)
            .unwrap();
    let mut roots = quinn::rustls::RootCertStore::empty();
    roots.add(cert_der.clone()).unwrap();
    client.set_default_client_config(quinn::ClientConfig::with_root_certificates(Arc::new(roots)).unwrap());
    (server, client, cert_der)
}

/// The server sends `total` bytes on one unidirectional stream; the client
/// reads them all. Returns (sender's checksum, receiver's checksum, bytes).
async fn transfer(server: quinn::Endpoint, client: quinn::Endpoint, total: u64) -> (u64, u64, u64) {
    let addr: SocketAddr = server.local_addr().unwrap();
    let sender = tokio::spawn(async move {
        let conn = server.accept().await.expect("incoming").await.expect("handshake");
        let mut stream = conn.open_uni().await.unwrap();
        let mut h = FNV_START;
        let mut buf = vec![0u8; 64 * 1024];
        let mut sent = 0u64;
        let mut i = 0;
        while sent < total {
            let n = (total - sent).min(buf.len() as u64) as usize;
            chunk(i, &mut buf[..n]);
            h = checksum(h, &buf[..n]);
            stream.write_all(&buf[..n]).await.unwrap();
            sent += n as u64;
            i += 1;
        }
        stream.finish().unwrap();
        // Wait for the peer to close, so nothing is cut off.
        conn.closed().await;
        h
    });
    let conn = client
        .connect(addr, "localhost")
        .unwrap()
        .await
        .expect("client handshake");
    let mut stream = conn.accept_uni().await.unwrap();
    let mut h = FNV_START;
    let mut got = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    while let Some(n) = stream.read(&mut buf).await.unwrap() {
        h = checksum(h, &buf[..n]);
        got += n as u64;
    }
    conn.close(0u32.into(), b"done");
    let sent = sender.await.unwrap();
    client.wait_idle().await;
    (sent, h, got)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quinn_moves_64_mib_over_wirelane_v4() {
    let (server, client, _) = endpoints::<Ipv4>(SocketAddrV4::localhost(0));
    let total = 64 << 20;
    let (sent, got, bytes) = tokio::time::timeout(LIMIT, transfer(server, client, total))
        .await
        .expect("64 MiB within the limit");
    assert_eq!(bytes, total);
    assert_eq!(sent, got, "checksums differ");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quinn_moves_1_mib_over_wirelane_v6() {
    let (server, client, _) = endpoints::<Ipv6>(SocketAddrV6::localhost(0));
    let total = 1 << 20;
    let (sent, got, bytes) = tokio::time::timeout(LIMIT, transfer(server, client, total))
        .await
        .expect("1 MiB within the limit");
    assert_eq!(bytes, total);
    assert_eq!(sent, got, "checksums differ");
}
