//! Rasad HTTP API and dashboard. See issue 5.
