//! `rasad extract` as a user runs it: the real binary on real files.
//!
//! Regression targets: any bytes, empty files, broken JSON, wrong encodings, HTML junk
//! must give one `{"id","error"}` line per bad article, never a panic, and the run must
//! go on with the rest (exit 1 when some failed, 0 when none did, 2 on usage errors).

use std::io::Write;
use std::process::{Command, Stdio};

fn rasad() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rasad"))
}

fn lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(out.to_vec()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// A small deterministic generator (xorshift), so failures reproduce.
fn bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn good_bad_and_broken_lines_each_get_one_answer() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("mixed.jsonl");
    let mut f = std::fs::File::create(&p).unwrap();
    writeln!(f, r#"{{"id":"ok","published":"2024-02-29","text":"قصفت قوات النظام، أمس الأربعاء، بلدة البارة بريف إدلب الجنوبي."}}"#).unwrap();
    writeln!(f, r#"{{"id":"empty","text":"   "}}"#).unwrap();
    writeln!(f, r#"{{"id":"broken", "text": "#).unwrap();
    writeln!(f, r#"{{"id":"baddate","published":"yesterday","text":"قصف"}}"#).unwrap();
    writeln!(f, r#"{{"id":7,"text":"<html><body><script>x</script>قتل شخص</body></html>"}}"#).unwrap();
    f.write_all(b"{\"id\":\"latin1\",\"text\":\"\xe9t\xe9\"}\n").unwrap();
    writeln!(f, r#"["not","an","object"]"#).unwrap();
    drop(f);
    let o = rasad().arg("extract").arg(&p).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let out = lines(&o.stdout);
    assert_eq!(out.len(), 7, "{out:?}");
    assert!(out[0]["events"].as_array().is_some_and(|e| !e.is_empty()), "{}", out[0]);
    assert_eq!(out[1]["id"], "empty");
    assert!(out[1]["error"].as_str().unwrap().contains("no text"));
    assert!(out[2]["error"].as_str().unwrap().contains("broken JSON"));
    assert!(out[3]["error"].as_str().unwrap().contains("not a date"));
    assert_eq!(out[4]["id"], "7");
    assert!(out[4]["events"].is_array());
    assert!(out[5]["error"].as_str().unwrap().contains("UTF-8"));
    assert!(out[6]["error"].is_string());
}

#[test]
fn random_bytes_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 1..=40u64 {
        let raw = bytes(seed, 1 + (seed as usize * 977) % 6000);
        let txt = dir.path().join(format!("r{seed}.txt"));
        std::fs::write(&txt, &raw).unwrap();
        // the same bytes as a JSON Lines file and as an article text made valid UTF-8
        let jsonl = dir.path().join(format!("r{seed}.jsonl"));
        let text = String::from_utf8_lossy(&raw);
        std::fs::write(&jsonl, format!("{}\n{}\n", serde_json::json!({"id": seed, "text": text}), String::from_utf8_lossy(&raw[..raw.len() / 2]))).unwrap();
        let o = rasad().arg("extract").arg(&txt).arg(&jsonl).output().unwrap();
        let code = o.status.code();
        assert!(matches!(code, Some(0) | Some(1)), "seed {seed}: exit {code:?}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"), "seed {seed}");
        assert!(lines(&o.stdout).len() >= 2, "seed {seed}");
    }
}

#[test]
fn text_files_and_stdin() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/sample_article.txt");
    let o = rasad().args(["extract", "--published", "2024-03-12", sample]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let out = lines(&o.stdout);
    assert_eq!(out[0]["id"], "sample_article");
    let events = out[0]["events"].as_array().unwrap();
    assert!(events.len() >= 2, "{events:?}");
    // every event carries provenance: spans into the original text and a confidence
    let text = std::fs::read_to_string(sample).unwrap();
    let chars: Vec<char> = text.chars().collect();
    for e in events {
        let c = e["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c));
        let t = &e["spans"]["trigger"];
        let (a, b) = (t[0].as_u64().unwrap() as usize, t[1].as_u64().unwrap() as usize);
        assert!(a < b && b <= chars.len());
        assert!(!e["notes"].as_str().unwrap().is_empty());
    }
    // stdin: JSON Lines when it starts with "{", one text article otherwise
    let mut child = rasad().arg("extract").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all("{\"id\":\"a\",\"text\":\"اعتقلت قوات الأمن خمسة أشخاص\"}\n".as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(lines(&o.stdout)[0]["id"], "a");
    let mut child = rasad().args(["extract", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all("اعتقلت قوات الأمن خمسة أشخاص".as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(lines(&o.stdout)[0]["id"], "stdin");
}

#[test]
fn usage_errors_exit_2_and_missing_files_are_per_input_errors() {
    let o = rasad().args(["extract", "--published", "not-a-date", "x.txt"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = rasad().args(["extract", "--no-such-flag"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = rasad().args(["extract", "/nonexistent/file.jsonl"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(lines(&o.stdout)[0]["error"].as_str().unwrap().contains("cannot read"));
}

#[test]
fn an_empty_file_is_no_article() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.jsonl");
    std::fs::write(&p, "").unwrap();
    let o = rasad().arg("extract").arg(&p).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    let t = dir.path().join("empty.txt");
    std::fs::write(&t, "").unwrap();
    let o = rasad().arg("extract").arg(&t).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
}
