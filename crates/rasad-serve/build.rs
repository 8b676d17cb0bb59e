//! Embeds the built dashboard (`web/dist`, made by `scripts/setup.d/30-web.sh`) into the
//! binary, so `rasad serve` is one file that serves its own page with no internet.
//!
//! When `web/dist` is absent (a Rust-only checkout) the table is empty and the server
//! answers `/` with a page that says how to build the dashboard; the API works either way.
//! `RASAD_WEB_DIST` points at another build folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=RASAD_WEB_DIST");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let dist = std::env::var_os("RASAD_WEB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../web/dist"));
    // A missing path makes cargo rerun this script on every build, which is what we want
    // until the dashboard has been built.
    println!("cargo:rerun-if-changed={}", dist.display());

    let mut files = Vec::new();
    if dist.is_dir() {
        walk(&dist, &dist, &mut files);
    }
    files.sort();

    let mut code =
        String::from("/// Embedded dashboard files: (path relative to web/dist, bytes, etag).\n");
    code.push_str("pub static ASSETS: &[(&str, &[u8], &str)] = &[\n");
    for (rel, abs) in &files {
        let bytes = std::fs::read(abs).unwrap_or_default();
        println!("cargo:rerun-if-changed={}", abs.display());
        let _ = writeln!(
            code,
            "    ({rel:?}, include_bytes!({abs:?}), \"\\\"{:016x}\\\"\"),",
            fnv1a(&bytes),
            abs = abs.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("assets.rs");
    std::fs::write(out, code).unwrap();
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(root, &p, out);
        } else if p.is_file() {
            if let Ok(rel) = p.strip_prefix(root) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                if !rel.ends_with(".map") {
                    out.push((rel, p.canonicalize().unwrap_or(p.clone())));
                }
            }
        }
    }
}

/// FNV-1a: a cheap content hash for ETags (not security relevant).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}
