//! `kill -9` an ingest mid-way, resume: nothing lost, nothing twice, and the same
//! events as a run never interrupted. The ingest runs in a child process (this test
//! binary again, running only `kill_child`), so the kill is a real SIGKILL of a writer
//! that holds a connection, a transaction and the write lock.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{fresh_db, reports, snapshot};
use rasad_pg::PgStore;

const CHILD_ENV: &str = "RASAD_PG_KILL_CHILD_URL";
const N: usize = 12_000;
const BATCH: usize = 40;

fn ingest_all(store: &mut PgStore) -> rasad_pg::IngestReport {
    let mut total = rasad_pg::IngestReport::default();
    for chunk in reports(N).chunks(BATCH) {
        total.add(&store.ingest_extracted(chunk.to_vec(), Some("run")).unwrap());
    }
    total
}

#[test]
#[ignore = "the writer that kill_nine_then_resume starts and kills"]
fn kill_child() {
    let Ok(url) = std::env::var(CHILD_ENV) else {
        return;
    };
    ingest_all(&mut PgStore::open(&url).unwrap());
}

#[test]
fn kill_nine_then_resume() {
    let Some(url) = fresh_db("killed") else {
        return;
    };
    let Some(reference) = fresh_db("unkilled") else {
        return;
    };
    let mut probe = PgStore::open(&url).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["kill_child", "--exact", "--ignored", "--test-threads=1"])
        .env(CHILD_ENV, &url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the writer ended before it was killed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the writer stored nothing"
        );
        if probe.counts().unwrap().articles >= 2_000 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let failed = (0..N).filter(|k| k % 97 == 96).count() as u64;
    let good = N as u64 - failed;
    let at_kill = probe.counts().unwrap();
    assert!(
        at_kill.articles < good,
        "killed mid-way ({} stored)",
        at_kill.articles
    );
    // What was committed is whole: every stored article's mention is there, and every
    // mention belongs to a stored event.
    assert_eq!(at_kill.mentions, at_kill.articles);
    let orphans: i64 = probe
        .client()
        .query_one(
            "SELECT count(*) FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.uid = m.event_uid)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(orphans, 0);
    // Resume: the killed batch's lock is gone with its session, so this does not wait.
    let r = ingest_all(&mut probe);
    assert_eq!(
        r.added,
        good - at_kill.articles,
        "exactly what was missing is added"
    );
    assert_eq!(
        r.duplicates, at_kill.articles,
        "and what was stored is skipped"
    );
    let mut clean = PgStore::open(&reference).unwrap();
    ingest_all(&mut clean);
    let (after, want) = (probe.counts().unwrap(), clean.counts().unwrap());
    assert_eq!(
        (after.articles, after.mentions, after.events),
        (want.articles, want.mentions, want.events)
    );
    assert_eq!(
        snapshot(&mut probe),
        snapshot(&mut clean),
        "same events as an uninterrupted run"
    );
}
