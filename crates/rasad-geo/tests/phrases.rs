//! The phrase table (`tests/fixtures/phrases.tsv`): for each text, the geocoder must
//! report a mention with the expected name, admin1, admin2 and geo_precision.
//! Runs on the curated data only, so it holds on a fresh machine.

use rasad_geo::Geocoder;

#[test]
fn phrase_table() {
    let g = Geocoder::curated().expect("curated gazetteer");
    let table = include_str!("fixtures/phrases.tsv");
    let mut rows = 0;
    let mut failures = Vec::new();
    for (n, line) in table.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 5, "phrases.tsv:{}: expected 5 columns", n + 1);
        rows += 1;
        let (text, want, admin1, admin2, prec) = (f[0], f[1], f[2], f[3], f[4]);
        let ms = g.find_places_in_text(text);
        let Some(m) = ms
            .iter()
            .find(|m| rasad_text::fold(&m.location.name_ar) == rasad_text::fold(want))
        else {
            let got: Vec<&str> = ms.iter().map(|m| m.location.name_ar.as_str()).collect();
            failures.push(format!(
                "{}: `{want}` not found in «{text}»; got {got:?}",
                n + 1
            ));
            continue;
        };
        let l = &m.location;
        let want_a1 = (admin1 != "-").then_some(admin1);
        let mut bad = Vec::new();
        if l.admin1.as_deref() != want_a1 {
            bad.push(format!("admin1 {:?} ≠ {want_a1:?}", l.admin1));
        }
        if admin2 != "-" && l.admin2.as_deref() != Some(admin2) {
            bad.push(format!("admin2 {:?} ≠ {admin2}", l.admin2));
        }
        if l.geo_precision.map(|p| p.to_string()).as_deref() != Some(prec) {
            bad.push(format!("precision {:?} ≠ {prec}", l.geo_precision));
        }
        if !bad.is_empty() {
            failures.push(format!(
                "{}: `{want}` in «{text}»: {}",
                n + 1,
                bad.join(", ")
            ));
        }
    }
    println!("{rows} phrases, {} failures", failures.len());
    for f in &failures {
        println!("  {f}");
    }
    assert!(
        rows >= 150,
        "the table needs at least 150 phrases, has {rows}"
    );
    assert!(
        failures.is_empty(),
        "{} of {rows} phrases fail (see the list above)",
        failures.len()
    );
}
