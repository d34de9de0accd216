//! A hyper 1.x HTTP server on `wirelane::tokio`: HTTP/1.1 and HTTP/2 (by
//! prior knowledge; hyper does not do `Upgrade: h2c`) through hyper-util's
//! auto builder, on an `Async<Listener<Ipv4>>` made with `ListenerBuilder`.
//!
//! `cargo run --features tokio --example hyper_server [PORT] [--tokio-net]`
//! (default port 8080, 0 for any). It prints `Listening on HOST:PORT`, then
//! answers every request with one line naming the HTTP version and whether
//! the accepted connection has `TCP_NODELAY` (inherited from the listener):
//!
//! ```text
//! $ curl http://127.0.0.1:8080/
//! hello from wirelane: HTTP/1.1, nodelay=true
//! $ curl --http2-prior-knowledge http://127.0.0.1:8080/
//! hello from wirelane: HTTP/2.0, nodelay=true
//! ```
//!
//! `--tokio-net` serves the same handler on a `tokio::net::TcpListener`
//! instead (same options), the baseline for the requests/s benchmark in
//! PERFORMANCE.md.

use std::convert::Infallible;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use wirelane::tokio::Async;
use wirelane::{Ipv4, ListenerBuilder, SocketAddrV4, TcpConfig};

/// The one-line answer: which protocol served it, and the connection's
/// `TCP_NODELAY` as the kernel reports it.
fn answer(req: &Request<Incoming>, nodelay: bool) -> Response<Full<Bytes>> {
    let body = format!("hello from wirelane: {:?}, nodelay={nodelay}\n", req.version());
    Response::new(Full::new(Bytes::from(body)))
}

/// Serves one connection (HTTP/1.1 or HTTP/2, detected from the preface)
/// on its own task.
fn serve<IO>(io: IO, nodelay: bool)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        let service = service_fn(move |req| async move { Ok::<_, Infallible>(answer(&req, nodelay)) });
        if let Err(e) = auto::Builder::new(TokioExecutor::new())
            .serve_connection(TokioIo::new(io), service)
            .await
        {
            eprintln!("hyper_server: connection error: {e}");
        }
    });
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut port = 8080;
    let mut tokio_net = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--tokio-net" => tokio_net = true,
            p => {
                port = p
                    .parse()
                    .map_err(|e| std::io::Error::other(format!("bad port {p:?}: {e}")))?
            }
        }
    }
    // Reuse-port (several servers may share the port), TCP_NODELAY on the
    // listener (Linux copies it to every accepted connection), a deep
    // backlog for load generators.
    let listener = ListenerBuilder::<Ipv4>::new()
        .reuse_addr(true)
        .reuse_port(true)
        .tcp(TcpConfig::new().nodelay(true))
        .backlog(4096)
        .bind(SocketAddrV4::localhost(port))?;
    let local = listener.local_addr()?;

    if tokio_net {
        listener.set_nonblocking(true)?;
        let listener =
            tokio::net::TcpListener::from_std(std::net::TcpListener::from(std::os::fd::OwnedFd::from(listener)))?;
        println!("Listening on {local} (tokio::net)");
        loop {
            let (conn, _peer) = listener.accept().await?;
            let nodelay = conn.nodelay()?;
            serve(conn, nodelay);
        }
    }

    let listener = Async::new(listener)?;
    println!("Listening on {local}");
    loop {
        let (conn, _peer) = listener.accept().await?;
        let nodelay = wirelane::tcp_nodelay(&conn)?;
        serve(conn, nodelay);
    }
}
