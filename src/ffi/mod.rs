//! The C ABI. (Filled by the C ABI work.)
