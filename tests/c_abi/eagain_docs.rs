//! Every C call that can wait documents what it does on `-EAGAIN`
//! (issue 15): when it can happen (a non-blocking handle, `MSG_DONTWAIT`,
//! `SO_RCVTIMEO`/`SO_SNDTIMEO`) and what state is kept, or that it never
//! returns it. Checked on the generated header, so a new send, receive,
//! accept, connect, finish or wait call cannot ship without it.

use std::path::Path;

/// Calls that move data or change a socket's connection state: the ones an
/// event loop drives. Matched on the name after `wl_`.
fn can_wait(name: &str) -> bool {
    const VERBS: [&str; 9] = [
        "send", "recv", "accept", "connect", "finish", "wait", "sendfile", "splice", "step",
    ];
    const NOT_IO: [&str; 7] = [
        "send_batch_",     // batch bookkeeping: new, push, len, sent, ...
        "recv_batch_",     // batch bookkeeping: new, get, len, unpack, ...
        "set_",            // options (wl_set_send_buffer_size, wl_dgram_set_recv_meta)
        "connector_start", // starts a race without any wait (wl_connector_step does it)
        "connector_f",     // wl_connector_fds, wl_connector_failures, wl_connector_free
        "connector_timeout_ms",
        "cmsg_", // the control-message cursor (wl_cmsg_recv_meta decodes a buffer)
    ];
    let state_call = name.split('_').any(|word| VERBS.contains(&word)) || name == "tee";
    // Option getters and setters (wl_send_buffer_size, wl_recv_tos_v4,
    // wl_tcp_fastopen_connect, ...) name a direction, not a call that waits.
    let option = name.starts_with("send_") || name.starts_with("recv_") || name.starts_with("accepts_");
    let option = option || name.starts_with("tcp_"); // wl_tcp_defer_accept, ...
    state_call && !option && !NOT_IO.iter().any(|p| name.contains(p))
}

#[test]
fn every_call_that_can_wait_documents_eagain() {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../include/wirelane.h"));
    let header = std::fs::read_to_string(path).expect("read the header");
    let mut checked = 0;
    let mut missing = Vec::new();
    let mut doc = String::new();
    let mut in_doc = false;
    for line in header.lines() {
        if line.starts_with("/**") {
            in_doc = true;
            doc.clear();
        }
        if in_doc {
            doc.push_str(line);
            doc.push('\n');
            in_doc = !line.trim_end().ends_with("*/");
            continue;
        }
        let Some(name) = line
            .split('(')
            .next()
            .filter(|_| line.contains('(') && !line.starts_with([' ', '#', '/', '}']))
            .and_then(|decl| decl.split([' ', '*']).next_back())
            .and_then(|n| n.strip_prefix("wl_"))
        else {
            continue;
        };
        if can_wait(name) {
            checked += 1;
            let documented = doc.contains("`-EAGAIN`:") || doc.contains("Never returns `-EAGAIN`");
            if !documented {
                missing.push(format!("wl_{name}"));
            }
        }
    }
    assert!(
        checked >= 60,
        "only {checked} calls matched: is the header parsed right?"
    );
    assert!(
        missing.is_empty(),
        "these calls do not say what they do on -EAGAIN (add a paragraph starting \
         \"`-EAGAIN`:\" or \"Never returns `-EAGAIN`\"): {missing:?}"
    );
}
