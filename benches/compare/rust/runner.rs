//! Running one workload through every implementation, interleaved: all
//! clients are started and set up first, then each round asks each
//! client in turn (A, B, C, ... A, B, C, ...; the starting client rotates
//! every round so no implementation always runs right after another).

use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use super::workloads::{Impl, Workload};

/// How long a client may take to set up, and to run one round.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const ROUND_TIMEOUT: Duration = Duration::from_secs(120);

/// A running client process.
pub struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
}

impl Worker {
    /// Starts `command` with the protocol arguments and waits for "ready".
    pub fn start(command: &[String], env: &[(String, String)], args: &[String]) -> io::Result<Self> {
        let (exe, pre) = command.split_first().ok_or_else(|| io::Error::other("empty command"))?;
        let mut child = Command::new(exe)
            .args(pre)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or_else(|| io::Error::other("no stdout"))?;
        let (tx, rx) = channel();
        // A reader thread turns the blocking pipe into a channel with a
        // timeout, so a stuck client fails the run instead of hanging it.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                match line {
                    Ok(l) => {
                        if tx.send(l).is_err() {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
        });
        let mut w = Self {
            stdin: child.stdin.take(),
            child,
            lines: rx,
        };
        let first = w.line(READY_TIMEOUT)?;
        if first.trim() != "ready" {
            return Err(io::Error::other(format!("client said {first:?} instead of ready")));
        }
        Ok(w)
    }

    fn line(&mut self, timeout: Duration) -> io::Result<String> {
        match self.lines.recv_timeout(timeout) {
            Ok(l) => Ok(l),
            Err(RecvTimeoutError::Timeout) => Err(io::Error::new(io::ErrorKind::TimedOut, "client timed out")),
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.wait()?;
                Err(io::Error::other(format!("client exited ({status})")))
            }
        }
    }

    /// Runs one round; returns (elapsed ns, check value).
    pub fn round(&mut self) -> io::Result<(u64, u64)> {
        let stdin = self.stdin.as_mut().ok_or_else(|| io::Error::other("stdin closed"))?;
        stdin.write_all(b"run\n")?;
        stdin.flush()?;
        let line = self.line(ROUND_TIMEOUT)?;
        let mut it = line.split_whitespace().map(str::parse::<u64>);
        match (it.next(), it.next()) {
            (Some(Ok(ns)), Some(Ok(check))) => Ok((ns, check)),
            _ => Err(io::Error::other(format!("bad round reply {line:?}"))),
        }
    }
}

impl Worker {
    /// Closes stdin and waits for the client to exit (so a tracer
    /// wrapped around it writes its report).
    pub fn finish(mut self) -> io::Result<()> {
        drop(self.stdin.take());
        let status = self.child.wait()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!("client exited with {status}")))
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // EOF on stdin ends the client; kill it if it does not go.
        drop(self.stdin.take());
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One implementation's results for one workload.
#[derive(Debug, Clone)]
pub struct Column {
    pub imp: Impl,
    /// Elapsed nanoseconds per measured round (warm-up excluded).
    pub samples: Vec<u64>,
    /// The check value per measured round.
    pub checks: Vec<u64>,
    /// Why there are no (or not all) samples.
    pub error: Option<String>,
}

/// How to start one implementation's client.
pub struct Launch<'a> {
    pub imp: Impl,
    pub command: &'a [String],
    pub env: &'a [(String, String)],
}

/// Runs `w` through every launchable implementation: `warmup` discarded
/// rounds, then `rounds` measured ones, interleaved.
pub fn run_workload(
    w: &Workload,
    port: u16,
    file: &str,
    launches: &[Launch<'_>],
    warmup: usize,
    rounds: usize,
) -> Vec<Column> {
    let args: Vec<String> = vec![
        w.client.to_string(),
        "127.0.0.1".into(),
        port.to_string(),
        w.count.to_string(),
        w.size.to_string(),
        w.batch.to_string(),
        file.to_string(),
    ];
    let mut columns: Vec<Column> = Vec::new();
    let mut workers: Vec<Option<Worker>> = Vec::new();
    for l in launches {
        let mut col = Column {
            imp: l.imp,
            samples: Vec::new(),
            checks: Vec::new(),
            error: None,
        };
        let worker = match l.imp.supports(w.client) {
            Err(why) => {
                col.error = Some(why.to_string());
                None
            }
            Ok(()) => match Worker::start(l.command, l.env, &args) {
                Ok(wk) => Some(wk),
                Err(e) => {
                    col.error = Some(format!("client failed to start: {e}"));
                    None
                }
            },
        };
        columns.push(col);
        workers.push(worker);
    }
    let k = workers.len();
    for r in 0..warmup + rounds {
        for i in 0..k {
            let idx = (r + i) % k;
            let Some(worker) = workers[idx].as_mut() else { continue };
            match worker.round() {
                Ok((ns, check)) => {
                    if r >= warmup {
                        columns[idx].samples.push(ns);
                        columns[idx].checks.push(check);
                    }
                }
                Err(e) => {
                    columns[idx].error = Some(format!("round {r} failed: {e}"));
                    workers[idx] = None;
                }
            }
        }
    }
    columns
}
