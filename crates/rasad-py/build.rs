//! Embed the compiled gazetteer the workspace has at build time (written by
//! `scripts/setup.d/20-gazetteer.sh` or `rasad gazetteer import`) into the extension
//! module, so an installed wheel finds the same places as the `rasad` binary built beside
//! it, with no file to ship or to find at run time. `RASAD_GAZETTEER` at build time picks
//! another file (empty: none), as it does for the binary at run time.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=RASAD_GAZETTEER");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let source = match std::env::var_os("RASAD_GAZETTEER") {
        Some(v) if v.is_empty() => None,
        Some(v) => Some(PathBuf::from(v)),
        None => Some(manifest.join("../../data/gazetteer/compiled/gazetteer.json")),
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("gazetteer.json");
    let bytes = match &source {
        Some(p) => {
            println!("cargo:rerun-if-changed={}", p.display());
            std::fs::read(p).unwrap_or_default()
        }
        None => Vec::new(),
    };
    // Empty bytes mean "no compiled gazetteer": the curated and imported data only.
    std::fs::write(&out, bytes).expect("writing OUT_DIR/gazetteer.json");
}
