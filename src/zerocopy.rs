//! Zero-copy transfers: `sendfile`, `splice`, pipes, `MSG_ZEROCOPY`. (Filled by the fast-path work.)
