//! Runs the dashboard's browser tests (`web/tests/browser.mjs`, headless Debian Chromium
//! via playwright-core) against a real server over the seeded store, so that
//! `cargo test --workspace` covers the page too. Skips, with a note, only when Chromium,
//! node or the web packages are absent (`scripts/setup.d/30-web.sh` installs them).

mod common;
use std::path::Path;
use std::process::Command;

#[test]
fn dashboard_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let chromium = std::env::var("RASAD_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let script = root.join("web/tests/browser.mjs");
    if !Path::new(&chromium).exists() {
        eprintln!("note: {chromium} absent; skipping the browser tests (apt-get install chromium)");
        return;
    }
    if !root.join("web/node_modules/playwright-core").is_dir() {
        eprintln!("note: web/node_modules absent; skipping the browser tests (bash scripts/setup.d/30-web.sh)");
        return;
    }
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("note: node absent; skipping the browser tests");
        return;
    }
    if rasad_serve::assets::embedded_count() == 0 {
        panic!("web/node_modules is installed but the dashboard is not built into this binary: run `node web/build.mjs` and rebuild");
    }
    let Some(server) = common::seeded() else {
        return;
    };
    let artifacts = root.join("test-artifacts/browser");
    let out = Command::new("node")
        .arg(&script)
        .arg(server.url(""))
        .arg(&artifacts)
        .current_dir(&root)
        .output()
        .expect("running node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "browser tests failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains(" passed, 0 failed"),
        "no summary line:\n{stdout}"
    );
    assert!(
        artifacts.join("event-panel.png").is_file(),
        "screenshot missing"
    );
}
