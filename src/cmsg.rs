//! Control messages (ancillary data): encoding and checked parsing. (Filled by the fast-path work.)
