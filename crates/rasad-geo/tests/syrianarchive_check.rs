//! Cross-check of the compiled gazetteer's Syrian localities against the OCHA community
//! list as published by Syrian Archive (`../shared/data/gazetteer/syrianarchive-locations`).
//!
//! That repository is GPL-3.0: its data is read here, at test time, from the shared folder
//! and never compiled into the product nor copied into this repository; the test skips
//! with a note when the folder is absent. What the test keeps of it is figures.
//!
//! Matching rule. A name alone does not make the same place: with a name unique in the
//! gazetteer, 94% of the communities agree on admin1 — the rest are namesakes the
//! gazetteer does not hold (printed, not asserted). So a community is *held* by the
//! gazetteer when an entry has its name and sits in its district:
//! * only OCHA community rows (`sa_loc_only` = FALSE) with an Arabic name and coordinates;
//!   `A_B` gives both spellings, `A- B` names the community A; each folded with
//!   `rasad_text::fold`;
//! * the gazetteer side is every Syrian settlement entry of [`Geocoder::embedded`]
//!   (city, town, village, admin2, admin3), by folded `name_ar` or alias;
//! * the entry whose admin2 is the community's district (OCHA English district names,
//!   which are the gazetteer's admin2 for Syria) is the match; an entry without admin2
//!   (a curated city) matches when its admin1 is the district's governorate;
//! * the expected admin1 is the governorate of the community's district, from the table
//!   below (the OCHA hierarchy: 61 districts of the list → 14 governorates), so the admin1
//!   check tests the gazetteer's own district → governorate links, and the distance check
//!   its coordinates.
//!
//! Floors: admin1 agrees for ≥ 98% of the matches, coordinates within 5 km for ≥ 95%.

use rasad_geo::{Geocoder, PlaceKind};
use std::collections::HashMap;
use std::path::PathBuf;

/// OCHA district (English, as in the list) → canonical admin1 of `admin1.tsv`.
const DISTRICTS: &[(&str, &str)] = &[
    ("Al-Hasakeh", "Al-Hasakah"), ("Al-Malikeyyeh", "Al-Hasakah"), ("Quamishli", "Al-Hasakah"),
    ("Ras Al Ain", "Al-Hasakah"), ("A'zaz", "Aleppo"), ("Afrin", "Aleppo"),
    ("Ain Al Arab", "Aleppo"), ("Al Bab", "Aleppo"), ("As-Safira", "Aleppo"),
    ("Jarablus", "Aleppo"), ("Jebel Saman", "Aleppo"), ("Menbij", "Aleppo"),
    ("As-Sweida", "As-Suwayda"), ("Salkhad", "As-Suwayda"), ("Shahba", "As-Suwayda"),
    ("Damascus", "Damascus"), ("As-Sanamayn", "Daraa"), ("Dar'a", "Daraa"), ("Izra'", "Daraa"),
    ("Abu Kamal", "Deir ez-Zor"), ("Al Mayadin", "Deir ez-Zor"), ("Deir-ez-Zor", "Deir ez-Zor"),
    ("As-Salamiyeh", "Hama"), ("As-Suqaylabiyah", "Hama"), ("Hama", "Hama"), ("Masyaf", "Hama"),
    ("Muhradah", "Hama"), ("Al Makhrim", "Homs"), ("Al-Qusayr", "Homs"), ("Ar-Rastan", "Homs"),
    ("Homs", "Homs"), ("Tadmor", "Homs"), ("Tall Kalakh", "Homs"), ("Al Ma'ra", "Idlib"),
    ("Ariha", "Idlib"), ("Harim", "Idlib"), ("Idleb", "Idlib"), ("Jisr-Ash-Shugur", "Idlib"),
    ("Al-Haffa", "Latakia"), ("Al-Qardaha", "Latakia"), ("Jablah", "Latakia"),
    ("Lattakia", "Latakia"), ("Al Fiq", "Quneitra"), ("Quneitra", "Quneitra"),
    ("Ar-Raqqa", "Raqqa"), ("Ath-Thawrah", "Raqqa"), ("Tell Abiad", "Raqqa"),
    ("Al Qutayfah", "Rif Dimashq"), ("An Nabk", "Rif Dimashq"), ("At Tall", "Rif Dimashq"),
    ("Az-Zabdani", "Rif Dimashq"), ("Darayya", "Rif Dimashq"), ("Duma", "Rif Dimashq"),
    ("Qatana", "Rif Dimashq"), ("Rural Damascus", "Rif Dimashq"), ("Yabroud", "Rif Dimashq"),
    ("Banyas", "Tartus"), ("Dreikish", "Tartus"), ("Safita", "Tartus"),
    ("Sheikh Badr", "Tartus"), ("Tartous", "Tartus"),
];

fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6371.0_f64;
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// `"X (((12)))"` / `"X --- (((12)))"` → `"X"`.
fn strip_id(s: &str) -> &str {
    let s = s.split(" (((").next().unwrap_or(s);
    s.trim_end_matches(" ---").trim()
}

#[test]
fn compiled_syrian_localities_agree_with_the_ocha_community_list() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/gazetteer/syrianarchive-locations/locations.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("note: {} absent; Syrian Archive cross-check skipped", path.display());
        return;
    };
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).expect("locations.json is a JSON array");
    let districts: HashMap<&str, &str> = DISTRICTS.iter().copied().collect();
    let g = Geocoder::embedded().expect("embedded gazetteer loads");
    let settlement = |k: PlaceKind| {
        matches!(k, PlaceKind::City | PlaceKind::Town | PlaceKind::Village | PlaceKind::Admin2 | PlaceKind::Admin3)
    };
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in g.entries().iter().enumerate() {
        if e.country != "Syria" || !settlement(e.kind) {
            continue;
        }
        for n in std::iter::once(&e.name_ar).chain(&e.aliases_ar) {
            let l = by_name.entry(rasad_text::fold(n)).or_default();
            if !l.contains(&i) {
                l.push(i);
            }
        }
    }
    let mut absent = 0;
    let (mut communities, mut matched, mut unique, mut unique_ok, mut ambiguous, mut unknown_district) = (0, 0, 0, 0, 0, 0);
    let (mut a1_ok, mut near, mut with_coords) = (0, 0, 0);
    let mut misses: Vec<String> = Vec::new();
    for r in &rows {
        if r["sa_loc_only"].as_str() != Some("FALSE") {
            continue;
        }
        let (Some(lat), Some(lon)) = (r["lat"].as_f64(), r["lon"].as_f64()) else { continue };
        let name_ar = strip_id(r["search_name_ar_short"].as_str().unwrap_or(""));
        let en = strip_id(r["search_name_en"].as_str().unwrap_or(""));
        let district = en.rsplit(" - ").next().unwrap_or("").trim();
        if name_ar.is_empty() {
            continue;
        }
        communities += 1;
        let Some(&admin1) = districts.get(district) else {
            unknown_district += 1;
            continue;
        };
        // "ابين- عفرين" names the community and its subdistrict seat; "A_B" gives spellings
        let head = name_ar.split("- ").next().unwrap_or(name_ar).trim();
        let mut cands: Vec<usize> = Vec::new();
        for n in head.split('_').map(str::trim).filter(|n| !n.is_empty()) {
            for &i in by_name.get(&rasad_text::fold(n)).map(Vec::as_slice).unwrap_or(&[]) {
                if !cands.contains(&i) {
                    cands.push(i);
                }
            }
        }
        if cands.is_empty() {
            absent += 1;
            continue;
        }
        if let [only] = cands[..] {
            unique += 1;
            if g.entries()[only].admin1.as_deref() == Some(admin1) {
                unique_ok += 1;
            }
        }
        let by_district = cands.iter().find(|&&i| g.entries()[i].admin2.as_deref() == Some(district));
        let by_admin1 = cands
            .iter()
            .find(|&&i| g.entries()[i].admin2.is_none() && g.entries()[i].admin1.as_deref() == Some(admin1));
        let Some(&pick) = by_district.or(by_admin1) else {
            ambiguous += 1;
            continue;
        };
        matched += 1;
        let e = &g.entries()[pick];
        if e.admin1.as_deref() == Some(admin1) {
            a1_ok += 1;
        } else if misses.len() < 15 {
            misses.push(format!("{} ({district}, {admin1}) → {} {:?}", head, e.id, e.admin1));
        }
        if let (Some(la), Some(lo)) = (e.lat, e.lon) {
            with_coords += 1;
            if km((la, lo), (lat, lon)) <= 5.0 {
                near += 1;
            }
        }
    }
    let a1 = a1_ok as f64 / matched.max(1) as f64;
    let geo = near as f64 / with_coords.max(1) as f64;
    eprintln!(
        "Syrian Archive check: {communities} communities; held by the gazetteer (name + district) {matched}; {ambiguous} named in it only in other districts; {absent} not named in it; {unknown_district} with an unknown district"
    );
    eprintln!(
        "  (name alone, when unique in the gazetteer: admin1 agrees for {unique_ok}/{unique} = {:.2}%; not asserted)",
        unique_ok as f64 * 100.0 / unique.max(1) as f64
    );
    eprintln!("  admin1 agrees: {a1_ok}/{matched} = {:.2}%", a1 * 100.0);
    eprintln!("  coordinates within 5 km: {near}/{with_coords} = {:.2}%", geo * 100.0);
    for m in &misses {
        eprintln!("  admin1 differs: {m}");
    }
    assert!(matched >= 1000, "only {matched} communities matched");
    assert!(a1 >= 0.98, "admin1 agrees for {:.2}% < 98%", a1 * 100.0);
    assert!(geo >= 0.95, "coordinates within 5 km for {:.2}% < 95%", geo * 100.0);
}
