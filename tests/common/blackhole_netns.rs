//! Network namespaces for tests that need more than loopback: a test
//! binary re-runs some of its own (ignored) tests inside
//! `unshare --mount --net`, where they may bring interfaces up, add a
//! blackhole and bind-mount their own `/etc/hosts`, touching nothing
//! outside. Needs root (or user namespaces), `unshare` (util-linux) and
//! `ip` (iproute2), which `scripts/ensure-tools.sh` installs.
#![allow(dead_code)]

use std::process::Command;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set in the child so the inner tests know they run in their namespace.
pub const INNER_ENV: &str = "WIRELANE_TEST_IN_NETNS";

/// An IPv4 address that never answers inside the namespace: routed to an
/// `ifb` device, which drops every packet it is given.
pub const BLACKHOLE_V4: &str = "198.51.100.2";
/// An IPv6 address that never answers inside the namespace (same device).
pub const BLACKHOLE_V6: &str = "2001:db8::2";

/// Runs every ignored test of this binary whose name starts with `prefix`
/// in a fresh mount + network namespace, and fails unless each of them ran
/// and passed (`expected` of them, so a typo cannot pass with zero tests).
pub fn run_inner(prefix: &str, expected: usize) {
    let exe = std::env::current_exe().expect("current_exe");
    let out = Command::new("unshare")
        .args(["--mount", "--net", "--propagation", "private", "--"])
        .arg(exe)
        .args(["--ignored", "--test-threads=1", prefix])
        .env(INNER_ENV, "1")
        .output()
        .expect("run `unshare` (util-linux; scripts/ensure-tools.sh installs it)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "tests in the namespace failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    let summary = format!("test result: ok. {expected} passed");
    assert!(
        stdout.contains(&summary),
        "expected {expected} tests to pass in the namespace:\n{stdout}\n{stderr}"
    );
}

fn ip(args: &[&str]) {
    let status = Command::new("ip")
        .args(args)
        .status()
        .expect("run `ip` (iproute2; scripts/ensure-tools.sh installs it)");
    assert!(status.success(), "ip {args:?} failed: {status}");
}

/// Inside the namespace (panics outside it): brings loopback up and routes
/// 198.51.100.0/24 and 2001:db8::/64 into a device that drops everything,
/// once per process.
pub fn setup() {
    assert_eq!(
        std::env::var(INNER_ENV).as_deref(),
        Ok("1"),
        "this test runs only inside the namespace its outer test creates"
    );
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        ip(&["link", "set", "lo", "up"]);
        ip(&["link", "add", "bh0", "type", "ifb"]);
        ip(&["link", "set", "bh0", "up"]);
        ip(&["addr", "add", "198.51.100.1/24", "dev", "bh0"]);
        ip(&["-6", "addr", "add", "2001:db8::1/64", "dev", "bh0", "nodad"]);
    });
}

/// Set once `/etc/hosts` is a private file of this mount namespace.
static HOSTS_PRIVATE: AtomicBool = AtomicBool::new(false);

/// Inside the namespace: replaces `/etc/hosts` (for this mount namespace
/// only) with `contents`. The first call bind-mounts a private file over
/// it; every call rewrites that file, which glibc re-reads on each lookup.
pub fn hosts(contents: &str) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let path = std::env::temp_dir().join(format!("wirelane-hosts-{}", std::process::id()));
        std::fs::write(&path, "").expect("write hosts file");
        let src = std::ffi::CString::new(path.to_str().expect("utf-8 temp path")).expect("no NUL");
        // SAFETY: valid C strings; a bind mount takes no data.
        let rc = unsafe {
            libc::mount(
                src.as_ptr(),
                c"/etc/hosts".as_ptr(),
                std::ptr::null(),
                libc::MS_BIND,
                std::ptr::null(),
            )
        };
        let err = std::io::Error::last_os_error();
        // The mount holds the inode; the name is not needed any more.
        std::fs::remove_file(&path).ok();
        assert_eq!(rc, 0, "bind-mount over /etc/hosts: {err}");
        HOSTS_PRIVATE.store(true, Ordering::SeqCst);
    });
    // Never write the real /etc/hosts: only the private file mounted over it.
    assert!(HOSTS_PRIVATE.load(Ordering::SeqCst), "/etc/hosts is not private here");
    std::fs::write("/etc/hosts", contents).expect("rewrite the private /etc/hosts");
}

/// Inside the namespace: writes a sysctl of this network namespace.
pub fn sysctl(name: &str, value: &str) {
    let path = format!("/proc/sys/{}", name.replace('.', "/"));
    std::fs::write(&path, value).unwrap_or_else(|e| panic!("write {path}: {e}"));
}

/// Inside the namespace: replaces `/etc/<name>` (for this mount namespace
/// only; e.g. `resolv.conf`, `nsswitch.conf`) with `contents`. The first
/// call for a name bind-mounts a private file over it; later calls rewrite
/// that file (glibc notices the change on its next lookup).
pub fn etc_file(name: &str, contents: &str) {
    static MOUNTED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    assert_eq!(
        std::env::var(INNER_ENV).as_deref(),
        Ok("1"),
        "only inside the namespace its outer test creates"
    );
    assert!(
        !name.contains('/') && name != "hosts",
        "etc_file: a plain name, not hosts (use hosts())"
    );
    let target = format!("/etc/{name}");
    let mut mounted = MOUNTED.lock().unwrap_or_else(|e| e.into_inner());
    if !mounted.iter().any(|m| m == name) {
        let path = std::env::temp_dir().join(format!("wirelane-etc-{name}-{}", std::process::id()));
        std::fs::write(&path, "").expect("write the private file");
        let src = std::ffi::CString::new(path.to_str().expect("utf-8 temp path")).expect("no NUL");
        let dst = std::ffi::CString::new(target.clone()).expect("no NUL");
        // SAFETY: valid C strings; a bind mount takes no data.
        let rc = unsafe {
            libc::mount(
                src.as_ptr(),
                dst.as_ptr(),
                std::ptr::null(),
                libc::MS_BIND,
                std::ptr::null(),
            )
        };
        let err = std::io::Error::last_os_error();
        // The mount holds the inode; the name is not needed any more.
        std::fs::remove_file(&path).ok();
        assert_eq!(rc, 0, "bind-mount over {target}: {err}");
        mounted.push(name.to_owned());
    }
    std::fs::write(&target, contents).unwrap_or_else(|e| panic!("rewrite the private {target}: {e}"));
}
