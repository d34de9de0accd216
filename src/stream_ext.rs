//! Robust stream helpers: deadlines, `recv_until`, liveness probes, readiness waits. (Filled by the fast-path work.)
