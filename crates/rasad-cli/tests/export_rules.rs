//! `rasad export` end to end on the ACLED dating rule (rasad_export::dating): an event
//! nothing dates is left out of the ACLED file, counted on stderr and listed in the
//! sidecar `OUT.left-out.txt`, which a later export that leaves nothing out removes.

use std::process::Command;

fn rasad() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rasad"))
}

#[test]
fn undated_events_are_left_out_counted_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Sentences written for this test: one file with no date anywhere, one whose name
    // carries its publication date.
    std::fs::write(d.join("nodate.txt"), "قصفت طائرة مسيرة موقعا عسكريا قرب مدينة الرقة ما أدى إلى مقتل عنصرين.\n").unwrap();
    std::fs::write(d.join("report-2024-03-12.txt"), "تظاهر مئات الأهالي في مدينة السويداء للمطالبة بتحسين الأوضاع المعيشية.\n").unwrap();
    let db = d.join("r.db");
    let st = rasad().arg("ingest").arg(d.join("nodate.txt")).arg(d.join("report-2024-03-12.txt")).arg("--db").arg(&db).output().unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));

    let out = d.join("e.csv");
    let r = rasad().args(["export", "--format", "acled-csv", "--db"]).arg(&db).arg("--out").arg(&out).output().unwrap();
    assert!(r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("exported 1 events") && err.contains("left out 1 events"), "{err}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.lines().nth(1).unwrap().contains(",2024-03-12,2024,"), "{csv}");
    let side = d.join("e.csv.left-out.txt");
    assert_eq!(std::fs::read_to_string(&side).unwrap().lines().count(), 1);

    // GeoJSON keeps both, and an export that leaves nothing out removes a stale list.
    let g = d.join("e.geojson");
    let r = rasad().args(["export", "--format", "geojson", "--db"]).arg(&db).arg("--out").arg(&g).output().unwrap();
    assert!(String::from_utf8_lossy(&r.stderr).contains("exported 2 events"));
    std::fs::write(d.join("e.geojson.left-out.txt"), "stale\n").unwrap();
    rasad().args(["export", "--format", "geojson", "--db"]).arg(&db).arg("--out").arg(&g).output().unwrap();
    assert!(!d.join("e.geojson.left-out.txt").exists());
}
