//! Event extraction. See ARCHITECTURE.md.
