//! Rasad event store. See issue 4.
