//! Running one test inside namespaces the test creates itself.
//!
//! `unshare(CLONE_NEWUSER)` refuses a multi-threaded process, and the test
//! harness is one, so the test re-runs itself: [`inside`] starts this
//! test binary again under `scripts/in-netns.sh` (fresh user and network
//! namespaces, loopback up, `net.ipv4.ping_group_range = "0 0"`), filtered
//! to exactly the calling test, and checks that the child ran that one
//! test and passed. In the child it returns `true` and the body runs
//! there, as root of its own namespaces and alone in its process (so
//! descriptor counts are exact).

use std::process::Command;

/// Where the body of a namespaced test runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Namespaces {
    /// New user and network namespaces: CAP_NET_RAW and sysctls of its own.
    UserAndNet,
    /// A new user namespace only: root there, but no capability over the
    /// host's network namespace.
    UserOnly,
}

const MARK: &str = "WIRELANE_TEST_IN_NAMESPACE";

/// `true` when called in the namespaced child: run the test body. `false`
/// in the parent, after the child has run `test` (the test's full name
/// inside this binary, e.g. `"ping_loopback"`) and passed; the parent then
/// returns. Panics with the child's output if it failed or ran no test.
pub fn inside(test: &str, namespaces: Namespaces) -> bool {
    if std::env::var_os(MARK).is_some() {
        return true;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/in-netns.sh");
    let exe = std::env::current_exe().expect("test executable path");
    let mut cmd = Command::new(script);
    if namespaces == Namespaces::UserOnly {
        cmd.arg("--user-only");
    }
    let out = cmd
        .arg(&exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(MARK, "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{test} failed inside {namespaces:?} namespaces ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "the namespaced child did not run {test} exactly once:\n{stdout}\n{stderr}"
    );
    false
}

/// Writes a sysctl of the current (namespaced) network namespace, e.g.
/// `sysctl("net/mptcp/enabled", "0")`.
pub fn sysctl(name: &str, value: &str) {
    let path = format!("/proc/sys/{name}");
    std::fs::write(&path, value).unwrap_or_else(|e| panic!("write {path}: {e}"));
}

/// Runs a shell script in the current (namespaced) network namespace,
/// e.g. `ip route` and `ip rule` commands; panics with its output if it
/// fails.
pub fn sh(script: &str) {
    let out = Command::new("sh")
        .args(["-ec", script])
        .output()
        .unwrap_or_else(|e| panic!("cannot run sh: {e}"));
    assert!(
        out.status.success(),
        "`{script}` failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Loads an nftables ruleset (`nft -f -`) into the current (namespaced)
/// network namespace. `nft` comes from the nftables package, which
/// scripts/ensure-tools.sh installs.
pub fn nft(ruleset: &str) {
    use std::io::Write;
    let mut child = Command::new("nft")
        .args(["-f", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run nft ({e}): install nftables (scripts/ensure-tools.sh does)"));
    child.stdin.take().unwrap().write_all(ruleset.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "nft rejected the ruleset ({}):\n{ruleset}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
