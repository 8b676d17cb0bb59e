//! Lexicons. See ARCHITECTURE.md.
