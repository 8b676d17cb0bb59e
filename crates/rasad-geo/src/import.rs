//! Importers of richer open gazetteers (filled in below).
