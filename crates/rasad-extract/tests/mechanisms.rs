//! Mechanism tests: one sentence per row of `tests/fixtures/mechanisms.tsv`, each written
//! for this repository to exercise one general rule (lists of places, protest coding,
//! the target rule of shootings, tolls …), with the events Rasad must make of it. A row
//! names the mechanism it tests, so a failure says which rule broke.

use rasad_extract::Extractor;
use rasad_model::Article;
use rasad_text::fold;
use std::path::Path;


#[test]
fn every_mechanism_row_holds() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mechanisms.tsv");
    let table = std::fs::read_to_string(&path).unwrap();
    let x = Extractor::new().unwrap();
    let mut failures = Vec::new();
    let mut rows = 0;
    for (n, line) in table.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "mechanisms.tsv:{}: three columns expected", n + 1);
        let (mechanism, expected) = (cols[0], cols[2]);
        // a row's paragraphs are separated by a written "\n"
        let text = &cols[1].replace("\\n", "\n");
        rows += 1;
        let a = Article { id: format!("row{}", n + 1), published: Some("2024-05-10".into()), text: text.clone(), ..Default::default() };
        let events = x.extract(&a).unwrap();
        let got: Vec<String> = events
            .iter()
            .map(|e| {
                let side = |a: &Option<rasad_model::Actor>| a.as_ref().map_or("none".to_string(), |a| a.name_ar.clone());
                format!("{}|{}|{}|a1={}|a2={}", e.sub_event_type, e.location.as_ref().map_or(String::new(), |l| l.name_ar.clone()), e.fatalities.map_or("null".into(), |f| f.to_string()), side(&e.actor1), side(&e.actor2))
            })
            .collect();
        let want: Vec<&str> = if expected == "none" { Vec::new() } else { expected.split(" ; ").collect() };
        let ok = got.len() == want.len()
            && events.iter().zip(&want).all(|(e, w)| {
                let f: Vec<&str> = w.split('|').collect();
                let place_ok = f[1] == "-" || e.location.as_ref().is_some_and(|l| fold(&l.name_ar).contains(&fold(f[1])));
                let toll_ok = match f[2] {
                    "-" => true,
                    "null" => e.fatalities.is_none(),
                    v => e.fatalities.map(|x| x.to_string()).as_deref() == Some(v),
                };
                // optional sides: "a1=<name>" / "a2=<name>" (a substring of name_ar after
                // folding), "a2=none" for no side; "st=current"/"st=background" for the status;
                // "dt=YYYY-MM-DD" (or "dt=null") for the date; "ad=<admin1>" for admin1;
                // "n1=<text>" for a piece of actor1's English name
                let sides_ok = f[3..].iter().all(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    let side = match k {
                        "a1" => &e.actor1,
                        "a2" => &e.actor2,
                        "st" => return format!("{:?}", e.status).eq_ignore_ascii_case(v),
                        "dt" => return e.date.as_deref().unwrap_or("null") == v,
                        "ad" => return e.admin1.as_deref().unwrap_or("null") == v,
                        "n1" => return e.actor1.as_ref().is_some_and(|a| a.name.contains(v)),
                        _ => panic!("unknown check {kv:?} in {w}"),
                    };
                    if v == "none" { side.is_none() } else { side.as_ref().is_some_and(|a| fold(&a.name_ar).contains(&fold(v))) }
                });
                e.sub_event_type == f[0] && place_ok && toll_ok && sides_ok
            });
        if !ok {
            failures.push(format!("line {} [{mechanism}] {text}\n   want: {expected}\n   got:  {}", n + 1, got.join(" ; ")));
        }
    }
    assert!(rows >= 10, "expected mechanism rows in {}", path.display());
    assert!(failures.is_empty(), "{} of {rows} mechanism rows failed:\n{}", failures.len(), failures.join("\n"));
}

/// A place inside the outlet's own name ("بغداد اليوم") says nothing of where the event
/// was: the byline and the quoted source are read without it. Written for this test.
#[test]
fn an_outlets_name_is_no_place() {
    let x = Extractor::new().unwrap();
    let text = "بغداد اليوم – ذي قار\nاعتقلت قوة أمنية ناشطاً بارزاً صباح اليوم، بحسب ما قال مصدر محلي لـ(بغداد اليوم).";
    let admin1s = |outlet: Option<&str>| -> Vec<String> {
        let a = Article { id: "o".into(), outlet: outlet.map(String::from), published: Some("2021-08-05".into()), text: text.into(), ..Default::default() };
        x.extract(&a).unwrap().iter().map(|e| e.admin1.as_deref().unwrap_or("null").to_string()).collect()
    };
    let with = admin1s(Some("بغداد اليوم"));
    assert!(!with.is_empty() && with.iter().all(|a| a == "Dhi Qar"), "{with:?}");
}
