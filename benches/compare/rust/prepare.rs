//! Getting ready to compare: compiling the C peer and clients with
//! `cc -O2` into `target/compare/`, building the C-ABI library, finding
//! the Python clients, writing the file for the sendfile rows, and
//! starting the peer.

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::workloads::{Impl, Service};

/// Where everything lives.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The crate root (for `benches/compare/`, `include/`, `bindings/`).
    pub root: PathBuf,
    /// `target/`.
    pub target: PathBuf,
    /// `target/compare/`: compiled C programs and the data file.
    pub out: PathBuf,
    pub python: String,
}

impl Layout {
    pub fn new() -> io::Result<Self> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        // This binary is target/<profile>/examples/compare.
        let exe = std::env::current_exe()?;
        let target = exe
            .ancestors()
            .nth(3)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.join("target"));
        let out = target.join("compare");
        fs::create_dir_all(&out)?;
        let python = resolve_python(&std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()));
        Ok(Self {
            root,
            target,
            out,
            python,
        })
    }

    pub fn src(&self, name: &str) -> PathBuf {
        self.root.join("benches/compare").join(name)
    }
}

/// The interpreter's real path (`sys.executable`), so no wrapper script
/// (pyenv shims are bash) runs in front of it, and tracers see Python.
fn resolve_python(python: &str) -> String {
    Command::new(python)
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| python.to_string())
}

fn run(cmd: &mut Command) -> io::Result<()> {
    let status = cmd.status()?;
    if !status.success() {
        return Err(io::Error::other(format!("{cmd:?} failed: {status}")));
    }
    Ok(())
}

/// `cc -O2` of one C source (with `worker.h` beside it).
fn cc(layout: &Layout, src: &str, out: &str, extra: &[&str]) -> io::Result<PathBuf> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let exe = layout.out.join(out);
    run(Command::new(cc)
        .args(["-O2", "-Wall", "-Wextra", "-pthread", "-o"])
        .arg(&exe)
        .arg(layout.src(src))
        .args(extra))?;
    Ok(exe)
}

/// What could be built; each missing column says why.
#[derive(Debug)]
pub struct Built {
    pub peer: PathBuf,
    pub commands: HashMap<&'static str, Vec<String>>,
    pub envs: HashMap<&'static str, Vec<(String, String)>>,
    pub missing: HashMap<&'static str, String>,
}

/// Compiles the C programs, builds the library when the C ABI or the
/// Python binding needs it, and records how to start each client.
pub fn build(layout: &Layout, wanted: &[Impl]) -> io::Result<Built> {
    let peer = cc(layout, "peer.c", "peer", &[])?;
    let mut commands = HashMap::new();
    let mut envs = HashMap::new();
    let mut missing = HashMap::new();
    let me = std::env::current_exe()?.display().to_string();
    let py = |script: &str| vec![layout.python.clone(), layout.src(script).display().to_string()];

    for &imp in wanted {
        let key = imp.key();
        let cmd = match imp {
            Impl::RawC => Ok(vec![
                cc(layout, "raw_client.c", "raw_client", &[])?.display().to_string(),
            ]),
            Impl::Wirelane => Ok(vec![me.clone(), "--worker".into(), "wirelane".into()]),
            Impl::Std => Ok(vec![me.clone(), "--worker".into(), "std".into()]),
            Impl::TokioWirelane => Ok(vec![me.clone(), "--worker".into(), "tokio-wirelane".into()]),
            Impl::TokioNet => Ok(vec![me.clone(), "--worker".into(), "tokio-net".into()]),
            Impl::PyStdlib => {
                envs.insert(key, python_env());
                Ok(py("py_stdlib.py"))
            }
            Impl::PyCtypes => {
                envs.insert(key, python_env());
                Ok(py("py_ctypes.py"))
            }
            Impl::CAbi => build_capi(layout),
            Impl::PyBinding => find_py_binding(layout).map(|mut env| {
                env.extend(python_env());
                envs.insert(key, env);
                py("py_wirelane.py")
            }),
        };
        match cmd {
            Ok(c) => {
                commands.insert(key, c);
            }
            Err(why) => {
                missing.insert(key, why);
            }
        }
    }
    Ok(Built {
        peer,
        commands,
        envs,
        missing,
    })
}

/// A fixed string-hash seed: with randomized hashing the interpreter's
/// instruction count per operation changes from run to run (dict probing),
/// which would make the callgrind column meaningless for Python.
fn python_env() -> Vec<(String, String)> {
    vec![("PYTHONHASHSEED".into(), "0".into())]
}

/// `cargo build --release --lib` (the cdylib), once.
fn build_library(layout: &Layout) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(cargo)
        .args(["build", "--release", "--lib", "--quiet", "--manifest-path"])
        .arg(layout.root.join("Cargo.toml")))
    .map_err(|e| format!("building libwirelane failed: {e}"))?;
    let so = layout.target.join("release/libwirelane.so");
    if so.exists() {
        Ok(so)
    } else {
        Err(format!("{} was not built", so.display()))
    }
}

fn build_capi(layout: &Layout) -> Result<Vec<String>, String> {
    let header = layout.root.join("include/wirelane.h");
    let src = layout.src("capi_client.c");
    if !header.exists() || !src.exists() {
        return Err("the C ABI (ffi branch) is not merged: no include/wirelane.h or capi_client.c".into());
    }
    let so = build_library(layout)?;
    let libdir = so.parent().unwrap_or(Path::new(".")).display().to_string();
    let include = format!("-I{}", layout.root.join("include").display());
    let exe = cc(
        layout,
        "capi_client.c",
        "capi_client",
        &[
            &include,
            &format!("-L{libdir}"),
            &format!("-Wl,-rpath,{libdir}"),
            "-lwirelane",
        ],
    )
    .map_err(|e| format!("compiling capi_client.c failed: {e}"))?;
    Ok(vec![exe.display().to_string()])
}

fn find_py_binding(layout: &Layout) -> Result<Vec<(String, String)>, String> {
    let dir = layout.root.join("bindings/python");
    if !dir.exists() || !layout.src("py_wirelane.py").exists() {
        return Err("the Python binding (py branch) is not merged: no bindings/python or py_wirelane.py".into());
    }
    let so = build_library(layout)?;
    Ok(vec![
        ("PYTHONPATH".into(), dir.display().to_string()),
        ("WIRELANE_LIB".into(), so.display().to_string()),
    ])
}

/// Writes (once) a file of `bytes` pseudo-random bytes for the file rows.
pub fn data_file(layout: &Layout, bytes: u64) -> io::Result<PathBuf> {
    let path = layout.out.join(format!("data-{}MiB.bin", bytes >> 20));
    if fs::metadata(&path).map(|m| m.len() == bytes).unwrap_or(false) {
        return Ok(path);
    }
    let mut f = io::BufWriter::new(fs::File::create(&path)?);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut block = vec![0u8; 1 << 20];
    for _ in 0..(bytes >> 20) {
        for chunk in block.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes());
        }
        f.write_all(&block)?;
    }
    // Clean, cached pages: sendfile of pages still dirty (or under
    // writeback) from this write measures the disk, not the socket path.
    f.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()?;
    Ok(path)
}

/// The running peer; killed when dropped.
pub struct Peer {
    child: Child,
    ports: HashMap<String, u16>,
}

impl Peer {
    /// Starts the peer; with `echo_cpu`, its echo threads run on that CPU.
    pub fn start(exe: &Path, echo_cpu: Option<usize>) -> io::Result<Self> {
        let mut cmd = Command::new(exe);
        if let Some(c) = echo_cpu {
            cmd.arg(c.to_string());
        }
        let mut child = cmd.stdout(Stdio::piped()).spawn()?;
        let mut line = String::new();
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("peer has no stdout"))?;
        BufReader::new(stdout).read_line(&mut line)?;
        let mut ports = HashMap::new();
        for kv in line.split_whitespace() {
            if let Some((k, v)) = kv.split_once('=') {
                ports.insert(k.to_string(), v.parse().map_err(io::Error::other)?);
            }
        }
        if ports.len() != 5 {
            let _ = child.kill();
            return Err(io::Error::other(format!("peer printed {line:?}")));
        }
        Ok(Self { child, ports })
    }

    pub fn port(&self, s: Service) -> u16 {
        self.ports[s.key()]
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The data file mapped and locked in memory for the whole run.
///
/// The rows measure the socket path, so every page must come from the
/// page cache: a host reclaiming cold pages between rounds (this one runs
/// DAMON proactive reclaim) would otherwise put disk reads into some
/// rounds. Locked pages cannot be reclaimed (`mlock(2)`).
pub struct Resident {
    ptr: *mut libc::c_void,
    len: usize,
}

impl Resident {
    pub fn lock(path: &Path) -> io::Result<Self> {
        let file = fs::File::open(path)?;
        let len = usize::try_from(file.metadata()?.len()).map_err(io::Error::other)?;
        // SAFETY: a read-only shared mapping of an open file of `len`
        // bytes; the result is checked before use.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED | libc::MAP_POPULATE,
                std::os::fd::AsRawFd::as_raw_fd(&file),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let mapped = Self { ptr, len };
        // SAFETY: `ptr`/`len` is the mapping just made.
        if unsafe { libc::mlock(ptr, len) } != 0 {
            return Err(io::Error::other(format!(
                "mlock of {} failed: {} (raise RLIMIT_MEMLOCK or run as root)",
                path.display(),
                io::Error::last_os_error()
            )));
        }
        Ok(mapped)
    }
}

impl Drop for Resident {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping this value owns (also unlocks it).
        unsafe { libc::munmap(self.ptr, self.len) };
    }
}
