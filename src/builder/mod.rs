//! Builders and composable configs. (Filled by the builder work.)
