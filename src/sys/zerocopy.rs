//! Syscall wrappers for zero-copy transfers (`sendfile`, `splice`, `pipe2`). (Filled by the fast-path work.)
