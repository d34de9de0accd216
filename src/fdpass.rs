//! File-descriptor passing (`SCM_RIGHTS`) and credentials over Unix sockets. (Filled by the fast-path work.)
