//! Batched datagrams (`sendmmsg`/`recvmmsg`) and UDP GSO/GRO. (Filled by the fast-path work.)
