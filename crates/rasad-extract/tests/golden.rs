//! Golden tests for whole articles.
//!
//! 1. The founding seed article yields exactly its gold events, every field right, as the
//!    official scorer (`../shared/eval/score.py`) judges it.
//! 2. The dev and dev2 sets stay above quality floors set at the measured level minus a
//!    small margin (raise them as quality rises; never lower them).
//! 3. Fixture articles written for this repository (`tests/fixtures/*.txt`) match their
//!    snapshots (`*.snap`); `RASAD_BLESS=1 cargo test` rewrites the snapshots after a
//!    reviewed change, like ruff's fixture tests.
//!
//! The seed and dev texts are never copied into the repository: tests 1 and 2 read them
//! from `../shared/eval` and are skipped, with a note, where it is absent.

use rasad_extract::Extractor;
use rasad_model::{Article, ArticleResult};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn shared_eval() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval");
    p.join("score.py").exists().then_some(p)
}

/// Extract every article of a gold file into a system file in a temporary directory, as
/// `rasad extract` would write it.
fn extract_set(gold: &Path) -> PathBuf {
    let x = Extractor::new().unwrap();
    let dir = std::env::temp_dir().join(format!("rasad-golden-{}-{}", std::process::id(), gold.file_stem().unwrap().to_string_lossy()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("system.jsonl");
    let mut f = std::fs::File::create(&out).unwrap();
    for line in std::fs::read_to_string(gold).unwrap().lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let a = Article {
            id: v["id"].as_str().unwrap().to_string(),
            outlet: v["outlet"].as_str().map(str::to_string),
            published: v["published"].as_str().map(str::to_string),
            text: v["text"].as_str().unwrap().to_string(),
            ..Default::default()
        };
        let events = x.extract(&a).unwrap();
        writeln!(f, "{}", serde_json::to_string(&ArticleResult::Ok { id: a.id, events }).unwrap()).unwrap();
    }
    out
}

/// Run a Python script of the yardstick (`score.py`, or ours in `scripts/`) on a gold
/// file and the system's output, with `--json`.
fn judge(script: &Path, gold: &Path, system: &Path) -> serde_json::Value {
    let o = Command::new("python3").arg(script).arg(gold).arg(system).arg("--json").output().expect("python3");
    assert!(o.status.success(), "{} failed: {}", script.display(), String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Extract every article of a gold file and score the output with the official scorer.
fn score(gold: &Path) -> serde_json::Value {
    judge(&gold.parent().unwrap().join("score.py"), gold, &extract_set(gold))
}

/// Issue 11, "Must show": admin1 is right for the gold events whose place the stage
/// finds. The official scorer only pairs events whose admin1 agree, so
/// `scripts/admin1_agreement.py` pairs them with its `best_pairs` with admin1 left out of
/// the match key and counts agreement over the pairs whose system event has a location.
/// Floors: measured on 2026-12-08 (dev 124/125 = 0.992, dev2 151/155 = 0.974) minus a
/// margin.
#[test]
fn admin1_is_right_for_the_events_whose_place_is_found() {
    let Some(eval) = shared_eval() else {
        eprintln!("note: ../shared/eval not found; admin1 agreement skipped");
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/admin1_agreement.py");
    for (set, floor) in [("dev", 0.97), ("dev2", 0.95)] {
        let gold = eval.join(format!("{set}.jsonl"));
        let v = judge(&script, &gold, &extract_set(&gold));
        let share = v["share"].as_f64().unwrap();
        eprintln!("{set}: admin1 agrees on {}/{} = {share:.3} of the gold events whose place is found", v["agree"], v["pairs"]);
        assert!(share >= floor, "{set}: admin1 agreement {share:.3} < {floor}");
    }
}

#[test]
fn seed_article_yields_exactly_its_gold_events() {
    let Some(eval) = shared_eval() else {
        eprintln!("note: ../shared/eval not found; seed golden test skipped");
        return;
    };
    let s = score(&eval.join("seed.jsonl"));
    eprintln!("seed: {s}");
    assert_eq!(s["gold_events"], 5);
    assert_eq!(s["system_events"], 5, "{s}");
    assert_eq!(s["f1"], 1.0, "{s}");
    for field in ["sub_event_type", "location", "actor1", "actor2", "fatalities", "status", "date_exact"] {
        assert_eq!(s[format!("{field}_accuracy")], 1.0, "{field}: {s}");
    }
}

/// Assert every figure of `floors` in the scorer's output for `set`.
fn assert_floors(set: &str, s: &serde_json::Value, floors: &[(&str, f64)]) {
    let failed: Vec<String> = floors
        .iter()
        .filter_map(|&(k, floor)| {
            let v = s[k].as_f64().unwrap_or(0.0);
            (v < floor).then(|| format!("{k} = {v} fell below its floor {floor}"))
        })
        .collect();
    assert!(failed.is_empty(), "{set}: {}\n{s}", failed.join("; "));
}

/// Floors: measured on 2026-11-25 minus a margin of about 0.02 (sub-type, location and
/// fatalities raised on 2026-12-07).
#[test]
fn dev_set_stays_above_its_floors() {
    let Some(eval) = shared_eval() else {
        eprintln!("note: ../shared/eval not found; dev floor test skipped");
        return;
    };
    let s = score(&eval.join("dev.jsonl"));
    eprintln!("dev: {s}");
    assert_floors(
        "dev",
        &s,
        &[
            ("f1", 0.93),
            ("precision", 0.94),
            ("recall", 0.92),
            ("sub_event_type_accuracy", 0.97),
            ("date_exact_accuracy", 0.97),
            ("actor1_accuracy", 0.84),
            ("actor2_accuracy", 0.77),
            ("location_accuracy", 0.93),
            ("fatalities_accuracy", 0.90),
            ("status_accuracy", 0.97),
        ],
    );
}

/// dev2: articles written from real reports (the mess of real outlets kept). Floors:
/// measured on 2026-12-07 minus a margin of about 0.02; raise them as quality rises.
#[test]
fn dev2_set_stays_above_its_floors() {
    let Some(eval) = shared_eval().filter(|e| e.join("dev2.jsonl").exists()) else {
        eprintln!("note: ../shared/eval/dev2.jsonl not found; dev2 floor test skipped");
        return;
    };
    let s = score(&eval.join("dev2.jsonl"));
    eprintln!("dev2: {s}");
    assert_floors(
        "dev2",
        &s,
        &[
            ("f1", 0.69),
            ("precision", 0.74),
            ("recall", 0.64),
            ("sub_event_type_accuracy", 0.91),
            ("date_exact_accuracy", 0.92),
            ("actor1_accuracy", 0.76),
            ("actor2_accuracy", 0.76),
            ("location_accuracy", 0.84),
            ("fatalities_accuracy", 0.89),
            ("status_accuracy", 0.93),
        ],
    );
}

/// One line per event: the fields an analyst checks first.
fn snapshot(events: &[rasad_model::Event]) -> String {
    let mut out = String::new();
    for e in events {
        let side = |a: &Option<rasad_model::Actor>| a.as_ref().map_or("-".to_string(), |a| format!("{} [{}]", a.name_ar, a.name));
        out.push_str(&format!(
            "{} | {} | {} | {:?} | {} | {} | {} | {} | killed {} | injured {}\n",
            e.date.as_deref().unwrap_or("-"),
            e.sub_event_type,
            e.admin1.as_deref().unwrap_or("-"),
            e.status,
            e.location.as_ref().map_or("-", |l| l.name_ar.as_str()),
            side(&e.actor1),
            side(&e.actor2),
            e.weapons.join("+"),
            e.fatalities.map_or("-".to_string(), |f| f.to_string()),
            e.injuries.map_or("-".to_string(), |f| f.to_string()),
        ));
    }
    out
}

#[test]
fn fixture_articles_match_their_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let x = Extractor::new().unwrap();
    let bless = std::env::var_os("RASAD_BLESS").is_some();
    let mut checked = 0;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    paths.sort();
    for path in paths {
        let raw = std::fs::read_to_string(&path).unwrap();
        // first line: "# published: YYYY-MM-DD"
        let (head, text) = raw.split_once('\n').unwrap();
        let published = head.trim_start_matches("# published:").trim().to_string();
        let a = Article { id: path.file_stem().unwrap().to_string_lossy().into(), published: Some(published), text: text.to_string(), ..Default::default() };
        let got = snapshot(&x.extract(&a).unwrap());
        let snap = path.with_extension("snap");
        if bless {
            std::fs::write(&snap, &got).unwrap();
        } else {
            let want = std::fs::read_to_string(&snap).unwrap_or_else(|_| panic!("missing snapshot {}; run with RASAD_BLESS=1", snap.display()));
            assert_eq!(got, want, "snapshot mismatch for {}", path.display());
        }
        checked += 1;
    }
    assert!(checked >= 3, "expected fixture articles in {}", dir.display());
}
