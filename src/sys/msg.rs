//! Syscall wrappers for `sendmsg`/`recvmsg` with control data and `sendmmsg`/`recvmmsg`. (Filled by the fast-path work.)
