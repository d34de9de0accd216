//! Socket options, generic over any descriptor (`AsFd`). (Filled by the options work.)
