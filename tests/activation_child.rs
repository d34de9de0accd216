//! Socket activation across a real exec (issue 19): the test starts
//! `examples/activation_server` the way systemd does - the sockets at
//! descriptors 3, 4, ..., `LISTEN_FDS`, `LISTEN_FDNAMES`, and `LISTEN_PID`
//! set to the child's own pid by a wrapper that sets it after the fork
//! (`sh -c 'LISTEN_PID=$$ exec ...'`, the pid surviving the exec) - and
//! under `systemd-socket-activate` itself. The child adopts its listener
//! by name and serves the echo/checksum protocol. Wrong kinds, a wrong
//! pid, missing variables and descriptors that are not sockets each make
//! it exit with an error that names the problem.

#[path = "support/activation_server.rs"]
mod support;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use support::{Exchange, XorShift, exchange, fd_list, field, server_binary};
use wirelane::{BoundDatagram, Datagram, Ipv4, Ipv6, Listener, ListenerBuilder, RawSocket, SocketAddrV4, SocketAddrV6};

/// How `LISTEN_PID` is set for the child.
#[derive(Clone, Copy)]
enum Pid<'a> {
    /// The child's own pid, set after the fork as systemd does.
    Own,
    /// A fixed value (a wrong pid).
    Fixed(&'a str),
    /// Not set.
    Unset,
}

/// The activation environment of one child.
struct Activation<'a> {
    pid: Pid<'a>,
    /// `LISTEN_FDS`; `None` leaves it unset.
    count: Option<&'a str>,
    /// `LISTEN_FDNAMES`; `None` leaves it unset.
    names: Option<&'a str>,
}

/// Kills the child when the test ends early.
struct Reaper(Option<Child>);

impl Drop for Reaper {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Duplicates `fd` above the range the child's descriptors go to, so that
/// `dup2` onto 3, 4, ... never overwrites a source.
fn high_copy(fd: impl AsFd) -> OwnedFd {
    // SAFETY: F_DUPFD_CLOEXEC returns a new descriptor we own.
    let raw = unsafe { libc::fcntl(fd.as_fd().as_raw_fd(), libc::F_DUPFD_CLOEXEC, 100) };
    assert!(raw >= 100, "F_DUPFD_CLOEXEC: {}", std::io::Error::last_os_error());
    // SAFETY: just created, owned by nothing else.
    unsafe { OwnedFd::from_raw_fd(raw) }
}

/// Starts the server with `fds` at descriptors 3, 4, ... (not close-on-exec
/// in the child, as a service manager passes them) and the environment in
/// `activation`.
fn spawn_activated(fds: &[&dyn AsFd], activation: &Activation<'_>, args: &[&str]) -> Reaper {
    let sources: Vec<OwnedFd> = fds.iter().map(|fd| high_copy(fd.as_fd())).collect();
    let raws: Vec<RawFd> = sources.iter().map(AsRawFd::as_raw_fd).collect();
    let server = server_binary();
    let mut command = match activation.pid {
        Pid::Own => {
            let mut c = Command::new("/bin/sh");
            c.arg("-c").arg(r#"LISTEN_PID=$$ exec "$0" "$@""#).arg(&server);
            c
        }
        Pid::Fixed(pid) => {
            let mut c = Command::new(&server);
            c.env("LISTEN_PID", pid);
            c
        }
        Pid::Unset => {
            let mut c = Command::new(&server);
            c.env_remove("LISTEN_PID");
            c
        }
    };
    command
        .args(args)
        .env_remove("LISTEN_FDS")
        .env_remove("LISTEN_FDNAMES")
        .env_remove("WIRELANE_HANDOVER_FD")
        .env_remove("NOTIFY_SOCKET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(count) = activation.count {
        command.env("LISTEN_FDS", count);
    }
    if let Some(names) = activation.names {
        command.env("LISTEN_FDNAMES", names);
    }
    // SAFETY: only dup2, which is async-signal-safe, between fork and exec.
    unsafe {
        command.pre_exec(move || {
            for (i, &raw) in raws.iter().enumerate() {
                if libc::dup2(raw, 3 + i as RawFd) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let child = command.spawn().expect("spawn activation_server");
    drop(sources);
    Reaper(Some(child))
}

/// Waits (bounded) for the child to exit; returns its status, stdout and stderr.
fn finish(mut reaper: Reaper) -> (ExitStatus, String, String) {
    let mut child = reaper.0.take().unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("activation_server did not exit within 10 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    (status, out_reader.join().unwrap(), err_reader.join().unwrap())
}

/// Starts the server activated with `fds`, expects it to fail, and returns
/// its stderr for the message checks.
fn activation_error(fds: &[&dyn AsFd], activation: &Activation<'_>, args: &[&str]) -> String {
    let (status, out, err) = finish(spawn_activated(fds, activation, args));
    assert!(!status.success(), "expected failure; stdout {out:?} stderr {err:?}");
    assert!(out.is_empty(), "it must not have started serving: {out:?}");
    err
}

fn listener_v4() -> Listener<Ipv4> {
    ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap()
}

/// Reads the banner, checks it says `via=listen_fds` and returns the address.
fn banner(reaper: &mut Reaper) -> (SocketAddr, String) {
    let stdout = reaper.0.as_mut().unwrap().stdout.as_mut().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("banner");
    let addr = line
        .strip_prefix("listening on ")
        .and_then(|r| r.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("unexpected banner {line:?}"));
    (addr, line)
}

fn serve_checks(addr: SocketAddr) {
    let mut rng = XorShift(7);
    for len in [1usize, 1000, 20_000] {
        let payload: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        match exchange(addr, &payload) {
            Exchange::Verified(n) => assert_eq!(n, len as u64),
            other => panic!("exchange of {len} bytes: {other:?}"),
        }
    }
}

#[test]
fn child_adopts_by_name_and_serves_like_under_systemd() {
    let web = listener_v4();
    let addr = web.local_addr().unwrap();
    let other: BoundDatagram<Ipv4> = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    let activation = Activation {
        pid: Pid::Own,
        count: Some("2"),
        names: Some("other:echo"),
    };
    let mut child = spawn_activated(&[&other, &web], &activation, &[]);
    let pid = child.0.as_ref().unwrap().id();
    drop((web, other)); // only the child holds the sockets now
    let (served, line) = banner(&mut child);
    assert_eq!(served.to_string(), addr.to_string());
    assert_eq!(field(&line, "via"), Some("listen_fds"), "{line}");
    assert_eq!(
        field(&line, "pid"),
        Some(pid.to_string().as_str()),
        "LISTEN_PID was the child's pid"
    );
    serve_checks(served);
    // SAFETY: signalling our child.
    unsafe { libc::kill(pid as i32, libc::SIGTERM) };
    let (status, _, err) = finish(child);
    assert!(status.success(), "{err}");
    let start_line = err.lines().find(|l| l.contains(" start ")).expect("start report");
    let exit_line = err.lines().find(|l| l.contains(" exit ")).expect("exit report");
    let start = fd_list(field(start_line, "fds").unwrap());
    let exit = fd_list(field(exit_line, "fds").unwrap());
    assert!(start.contains(&3) && start.contains(&4), "{start_line}");
    // Both inherited descriptors closed: the listener at exit, the unused
    // "other" when the inherited set was dropped. Nothing else leaked.
    let expected: Vec<i32> = start.iter().copied().filter(|fd| *fd != 3 && *fd != 4).collect();
    assert_eq!(exit, expected, "{exit_line}");
    assert_eq!(field(exit_line, "connections"), Some("3"), "{exit_line}");
}

#[test]
fn unnamed_single_descriptor_is_taken_by_index() {
    let web = listener_v4();
    let activation = Activation {
        pid: Pid::Own,
        count: Some("1"),
        names: None,
    };
    let mut child = spawn_activated(&[&web], &activation, &[]);
    drop(web);
    let (addr, _) = banner(&mut child);
    serve_checks(addr);
}

/// Runs `scripts/ensure-tools.sh` when the tool is missing; never skips.
fn systemd_socket_activate() -> &'static str {
    const TOOL: &str = "/usr/bin/systemd-socket-activate";
    if !Path::new(TOOL).exists() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ensure-tools.sh");
        let status = Command::new(&script).status().expect("run scripts/ensure-tools.sh");
        assert!(
            status.success(),
            "scripts/ensure-tools.sh failed to install systemd-socket-activate"
        );
    }
    assert!(
        Path::new(TOOL).exists(),
        "{TOOL} is missing: install the Debian package `systemd` (scripts/ensure-tools.sh does)"
    );
    TOOL
}

#[test]
fn child_serves_under_systemd_socket_activate() {
    let tool = systemd_socket_activate();
    // The tool binds the address itself: find a free port, then let it
    // bind; retry if another process takes the port in between.
    for attempt in 0..5 {
        let port = listener_v4().local_addr().unwrap().port();
        let mut child = Reaper(Some(
            Command::new(tool)
                .arg(format!("--listen=127.0.0.1:{port}"))
                .arg("--fdname=echo")
                .arg(server_binary())
                .arg("--require-activation")
                .env_remove("LISTEN_FDS")
                .env_remove("LISTEN_PID")
                .env_remove("WIRELANE_HANDOVER_FD")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn systemd-socket-activate"),
        ));
        // It says "Listening on 127.0.0.1:PORT as 3." once bound, then
        // waits for the first connection before it execs the server.
        let stderr = child.0.as_mut().unwrap().stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        if !first.contains("Listening on") {
            assert!(attempt < 4, "systemd-socket-activate did not listen: {first:?}");
            continue;
        }
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        // The first exchange is what makes it exec the server; it queues
        // in the listening socket meanwhile.
        serve_checks(addr);
        let (served, line) = banner(&mut child);
        assert_eq!(served, addr);
        assert_eq!(field(&line, "via"), Some("listen_fds"), "{line}");
        let pid = child.0.as_ref().unwrap().id();
        assert_eq!(
            field(&line, "pid"),
            Some(pid.to_string().as_str()),
            "the tool execs the server in its own process"
        );
        let drain = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
        // SAFETY: signalling our child.
        unsafe { libc::kill(pid as i32, libc::SIGTERM) };
        let mut c = child.0.take().unwrap();
        assert!(c.wait().unwrap().success());
        let err = drain.join().unwrap().join("\n");
        let exit_line = err
            .lines()
            .find(|l| l.contains(" exit "))
            .unwrap_or_else(|| panic!("{err}"));
        assert_eq!(field(exit_line, "connections"), Some("3"), "{exit_line}");
        return;
    }
}

#[test]
fn wrong_kinds_name_the_descriptor_and_what_it_is() {
    let activation = Activation {
        pid: Pid::Own,
        count: Some("1"),
        names: Some("echo"),
    };
    let udp: BoundDatagram<Ipv4> = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    let err = activation_error(&[&udp], &activation, &[]);
    assert!(
        err.contains(
            r#"LISTEN_FDS: fd 3 ("echo") is an AF_INET (IPv4) datagram socket; cannot adopt it as Listener<Ipv4>"#
        ),
        "{err}"
    );

    let v6 = ListenerBuilder::<Ipv6>::new().bind(SocketAddrV6::localhost(0)).unwrap();
    let err = activation_error(&[&v6], &activation, &[]);
    assert!(
        err.contains(
            r#"fd 3 ("echo") is a listening AF_INET6 (IPv6) stream socket; cannot adopt it as Listener<Ipv4>"#
        ),
        "{err}"
    );

    // A bound but not listening stream socket is not a listener either.
    let bound = RawSocket::<Ipv4, wirelane::Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    let err = activation_error(&[&bound], &activation, &[]);
    assert!(
        err.contains(r#"fd 3 ("echo") is an AF_INET (IPv4) stream socket; cannot adopt it as Listener<Ipv4>"#),
        "{err}"
    );
}

#[test]
fn descriptors_that_are_not_sockets_are_named() {
    let activation = Activation {
        pid: Pid::Own,
        count: Some("1"),
        names: Some("echo"),
    };
    let mut ends = [0; 2];
    // SAFETY: pipe2 writes two new descriptors.
    assert_eq!(unsafe { libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: just created, owned here.
    let (read, _write) = unsafe { (OwnedFd::from_raw_fd(ends[0]), OwnedFd::from_raw_fd(ends[1])) };
    let err = activation_error(&[&read], &activation, &[]);
    assert!(
        err.contains(r#"fd 3 ("echo") is a pipe (FIFO), not a socket; cannot adopt it as Listener<Ipv4>"#),
        "{err}"
    );

    let file = std::fs::File::open(env!("CARGO_MANIFEST_DIR").to_owned() + "/Cargo.toml").unwrap();
    let err = activation_error(&[&file], &activation, &[]);
    assert!(
        err.contains(r#"fd 3 ("echo") is a regular file, not a socket"#),
        "{err}"
    );

    // LISTEN_FDS counts a descriptor that was never passed.
    let web = listener_v4();
    let two = Activation {
        pid: Pid::Own,
        count: Some("2"),
        names: Some("echo:extra"),
    };
    let err = activation_error(&[&web], &two, &[]);
    assert!(err.contains(r#"LISTEN_FDS=2 but fd 4 ("extra") is not open"#), "{err}");
}

#[test]
fn wrong_pid_and_missing_variables_are_named() {
    let web = listener_v4();
    let err = activation_error(
        &[&web],
        &Activation {
            pid: Pid::Fixed("1"),
            count: Some("1"),
            names: Some("echo"),
        },
        &[],
    );
    assert!(err.contains("LISTEN_PID=1 names another process"), "{err}");
    assert!(err.contains("the descriptors are not for us"), "{err}");

    let err = activation_error(
        &[&web],
        &Activation {
            pid: Pid::Unset,
            count: Some("1"),
            names: None,
        },
        &[],
    );
    assert!(
        err.contains("LISTEN_PID is not set: this process was not started by socket activation"),
        "{err}"
    );

    let err = activation_error(
        &[&web],
        &Activation {
            pid: Pid::Own,
            count: None,
            names: None,
        },
        &[],
    );
    assert!(err.contains("LISTEN_FDS is not set"), "{err}");

    let err = activation_error(
        &[],
        &Activation {
            pid: Pid::Unset,
            count: None,
            names: None,
        },
        &["--require-activation"],
    );
    assert!(err.contains("LISTEN_PID is not set"), "{err}");

    let err = activation_error(
        &[&web],
        &Activation {
            pid: Pid::Own,
            count: Some("one"),
            names: None,
        },
        &[],
    );
    assert!(err.contains(r#"LISTEN_FDS="one" is not a count"#), "{err}");

    let err = activation_error(
        &[&web],
        &Activation {
            pid: Pid::Own,
            count: Some("1"),
            names: Some("echo:more"),
        },
        &[],
    );
    assert!(err.contains("LISTEN_FDNAMES has 2 names but LISTEN_FDS=1"), "{err}");

    let err = activation_error(
        &[&web],
        &Activation {
            pid: Pid::Own,
            count: Some("1"),
            names: Some("web"),
        },
        &[],
    );
    assert!(
        err.contains(r#"LISTEN_FDS: no descriptor named "echo" (names: ["web"])"#),
        "{err}"
    );
}
