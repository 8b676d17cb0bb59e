//! Crash safety of `export_to_path`: an export killed with SIGKILL half-way leaves the
//! target file absent (or, when one existed, the previous file intact), never half a file.
//!
//! The exporting process is this test binary run again as a child (the `#[ignore]`d
//! `child_export`, selected by an environment variable), so the kill hits a real process
//! in the middle of real writes to a real file.

use rasad_export::{export_to_path, Format};
use rasad_model::{Article, Event};
use rasad_store::{EventFilter, Page, Store};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const CHILD: &str = "RASAD_KILL9_EXPORT_CHILD";

/// A store big enough that an export takes a while: `n` articles of ten events each,
/// spread over days and governorates so that they do not merge.
fn big_store(db: &Path, n: usize) -> usize {
    let mut st = Store::open(db).unwrap();
    let admin1 = ["Aleppo", "Homs", "Idlib", "Daraa", "Hama", "Raqqa", "Deir ez-Zor", "Latakia"];
    let mut items = Vec::new();
    for i in 0..n {
        let day = |k: usize| {
            let d = i * 10 + k;
            format!("{}-{:02}-{:02}", 2000 + d / 336, 1 + (d / 28) % 12, 1 + d % 28)
        };
        let events: Vec<Event> = (0..10)
            .map(|k| Event {
                event_type: "Battles".into(),
                sub_event_type: "Armed clash".into(),
                date: Some(day(k)),
                time_precision: Some(1),
                country: Some("Syria".into()),
                admin1: Some(admin1[(i + k) % admin1.len()].into()),
                notes: format!("Synthetic event {k} of article {i}, written for the crash test."),
                confidence: 0.5,
                ..Default::default()
            })
            .collect();
        let a = Article {
            id: format!("kill9-{i}"),
            outlet: Some("اختبار".into()),
            url: None,
            published: Some(day(9)),
            title: None,
            text: format!("نص تجريبي رقم {i} عن اشتباكات متفرقة"),
        };
        items.push((a, Ok(events)));
    }
    st.ingest_extracted(items, Some("test")).unwrap();
    st.events(&EventFilter::default(), Page::ALL).unwrap().len()
}

#[test]
#[ignore = "run by kill9_mid_export as its child process"]
fn child_export() {
    let Ok(spec) = std::env::var(CHILD) else { return };
    let (db, out) = spec.split_once('\n').unwrap();
    let st = Store::open_readonly(db).unwrap();
    export_to_path(&st, Format::Jsonl, &EventFilter::default(), Path::new(out)).unwrap();
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".rasad-tmp"))
        .collect()
}

/// Start the child export and SIGKILL it once its temporary file holds data; `true` when
/// the kill landed mid-export (the child had not finished).
fn kill_mid_export(db: &Path, out: &Path) -> bool {
    let dir = out.parent().unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_export", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD, format!("{}\n{}", db.display(), out.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            eprintln!("child ended by itself ({st}) before the kill");
            return false;
        }
        let started = temp_files(dir)
            .iter()
            .any(|p| std::fs::metadata(p).map(|m| m.len() > 64 * 1024).unwrap_or(false));
        if started {
            child.kill().unwrap(); // SIGKILL on Unix
            child.wait().unwrap();
            return true;
        }
        assert!(t.elapsed() < Duration::from_secs(120), "the child export never started");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn lines_of(p: &Path) -> usize {
    let text = std::fs::read_to_string(p).unwrap();
    assert!(text.is_empty() || text.ends_with('\n'), "a torn last line");
    for l in text.lines() {
        serde_json::from_str::<serde_json::Value>(l).expect("every line whole JSON");
    }
    text.lines().count()
}

#[test]
fn kill9_mid_export_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rasad.db");
    let t = Instant::now();
    let n_events = big_store(&db, 3000);
    eprintln!("store of {n_events} events built in {:.1}s", t.elapsed().as_secs_f64());
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("events.jsonl");

    // 1. No previous file: after the kill there is none (or, if the child won the
    //    race, a complete one).
    let mid = kill_mid_export(&db, &out);
    if out.exists() {
        assert!(!mid, "a file appeared although the export was killed mid-way");
        assert_eq!(lines_of(&out), n_events);
    }
    // 2. A previous complete export: the kill leaves it exactly as it was.
    let st = Store::open_readonly(&db).unwrap();
    export_to_path(&st, Format::Jsonl, &EventFilter::default(), &out).unwrap();
    let before = std::fs::read(&out).unwrap();
    assert_eq!(lines_of(&out), n_events);
    let mid2 = kill_mid_export(&db, &out);
    assert_eq!(std::fs::read(&out).unwrap(), before, "the previous export was damaged");
    assert!(mid || mid2, "the export finished before any kill: make the store bigger");
    // The killed export's temporary file is the only trace, hidden and never the target.
    for p in temp_files(&out_dir) {
        assert!(p.file_name().unwrap().to_string_lossy().starts_with('.'));
    }
}
