//! Gazetteer records, the curated TSV data files, and the compiled gazetteer file.
//!
//! Two layers feed the geocoder:
//! 1. curated TSV files written in this repository (`data/gazetteer/admin1.tsv`,
//!    `data/gazetteer/places.tsv`), embedded into the binary with `include_str!` so a
//!    fresh machine works with no setup at all;
//! 2. an optional *compiled* gazetteer: one JSON file written by `rasad gazetteer import`
//!    that holds entries imported from open sources (GeoNames, Open-Syria/OCHA) together
//!    with their attribution. JSON because it loads in a few milliseconds with serde and
//!    a curator can read it.

use crate::error::GeoError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What kind of place an entry or mention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum PlaceKind {
    Country,
    Admin1,
    Admin2,
    Admin3,
    /// A named area that is no administrative unit: ريف X, البادية, الساحل, شمال شرقي سوريا.
    Region,
    City,
    Town,
    Village,
    Neighbourhood,
    /// A point feature: oil/gas field, base, airport, crossing, prison, camp, dam, bridge,
    /// square, road, building.
    Site,
}

impl PlaceKind {
    /// Parse the `kind` column of the data files.
    pub fn parse(s: &str) -> Option<PlaceKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "country" => PlaceKind::Country,
            "admin1" => PlaceKind::Admin1,
            "admin2" => PlaceKind::Admin2,
            "admin3" => PlaceKind::Admin3,
            "region" => PlaceKind::Region,
            "city" => PlaceKind::City,
            "town" => PlaceKind::Town,
            "village" => PlaceKind::Village,
            "neighbourhood" | "neighborhood" => PlaceKind::Neighbourhood,
            "site" => PlaceKind::Site,
            _ => return None,
        })
    }

    /// Containment rank: a place can be *in* a place of equal or higher rank.
    /// Used to decide whether "X in Y" links X to Y, not for disambiguation.
    pub fn containment_rank(self) -> u8 {
        match self {
            PlaceKind::Site => 0,
            PlaceKind::Neighbourhood => 1,
            PlaceKind::Village => 2,
            PlaceKind::Town | PlaceKind::Admin3 => 3,
            PlaceKind::City => 4,
            PlaceKind::Admin2 | PlaceKind::Region => 5,
            PlaceKind::Admin1 => 6,
            PlaceKind::Country => 7,
        }
    }

    /// Prominence when a name has several referents and context does not decide:
    /// a news story naming "حمص" means the city before any village of that name.
    pub fn prominence(self) -> u8 {
        match self {
            PlaceKind::Country => 9,
            PlaceKind::Admin1 => 8,
            PlaceKind::City => 7,
            PlaceKind::Site => 6,
            PlaceKind::Admin2 => 5,
            PlaceKind::Town => 4,
            PlaceKind::Region => 4,
            PlaceKind::Admin3 => 3,
            PlaceKind::Neighbourhood => 2,
            PlaceKind::Village => 1,
        }
    }
}

/// One place of the gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable id: `rasad:<slug>` for curated rows, `geonames:<id>`, `ocha:<pcode>`...
    pub id: String,
    pub kind: PlaceKind,
    /// English country name (Syria, Iraq, Lebanon, Libya, Palestine, Jordan, Yemen, ...).
    pub country: String,
    /// Canonical English admin1 (the names of `eval/admin1.tsv`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin3: Option<String>,
    /// English name.
    pub name: String,
    /// Arabic name as usually written.
    pub name_ar: String,
    /// Other Arabic spellings and names (not yet folded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases_ar: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pcode: Option<String>,
    #[serde(default)]
    pub population: u64,
    /// The name is also a common word ("الباب", "الكرامة"): accept a bare mention only
    /// after a feature word or a locative preposition.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub weak: bool,
    /// Known only as a small locality of an imported source (no city, no admin seat, small
    /// population): its names are no automaton keys; the recogniser looks them up only in a
    /// locative slot (after a feature word, a locative preposition, inside "ريف X").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub minor: bool,
    /// Id of the [`Source`] the entry came from.
    pub source: String,
}

/// Where entries came from, with the attribution their licence asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub name: String,
    pub licence: String,
    pub attribution: String,
    #[serde(default)]
    pub url: String,
    /// Number of entries taken from it (filled when compiled).
    #[serde(default)]
    pub entries: usize,
}

/// The source record of the curated files.
pub fn curated_source() -> Source {
    Source {
        id: "rasad".into(),
        name: "Rasad curated gazetteer (data/gazetteer/*.tsv)".into(),
        licence: "MIT OR Apache-2.0".into(),
        attribution: "Rasad contributors".into(),
        url: String::new(),
        entries: 0,
    }
}

/// A set of entries with their sources: what a compiled gazetteer file holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Gazetteer {
    /// Format tag, so a future layout can be told apart.
    #[serde(default)]
    pub format: String,
    pub sources: Vec<Source>,
    pub entries: Vec<Entry>,
}

/// The format tag written into compiled files.
pub const FORMAT: &str = "rasad-gazetteer/1";

/// The curated data files, embedded at build time.
pub const ADMIN1_TSV: &str = include_str!("../../../data/gazetteer/admin1.tsv");
pub const PLACES_TSV: &str = include_str!("../../../data/gazetteer/places.tsv");
/// Who's On First region → canonical admin1 (read by the `whosonfirst` importer).
pub const WOF_REGIONS_TSV: &str = include_str!("../../../data/gazetteer/wof_regions.tsv");
/// The imported localities committed with the repository (`rasad gazetteer import
/// whosonfirst` writes it): gzip-compressed TSV, see [`Gazetteer::from_tsv`].
pub const IMPORTED_TSV_GZ: &[u8] = include_bytes!("../../../data/gazetteer/imported.tsv.gz");

/// Where `rasad gazetteer import whosonfirst` writes the committed, embedded file.
pub fn imported_path() -> std::path::PathBuf {
    std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/gazetteer/imported.tsv.gz"
    ))
}

/// A row of `admin1.tsv`, kept beside the entry because importers need the
/// GeoNames/OCHA codes to map foreign admin codes onto canonical names.
#[derive(Debug, Clone, PartialEq)]
pub struct Admin1Row {
    pub country: String,
    pub cc: String,
    pub admin1: String,
    pub aliases_en: Vec<String>,
    pub pcode: Option<String>,
    pub geonames: Option<String>,
}

impl Gazetteer {
    /// The curated entries (admin1 + places), parsed from the embedded files.
    pub fn curated() -> Result<(Gazetteer, Vec<Admin1Row>), GeoError> {
        let (mut entries, rows) = parse_admin1_tsv("data/gazetteer/admin1.tsv", ADMIN1_TSV)?;
        entries.extend(parse_places_tsv(
            "data/gazetteer/places.tsv",
            PLACES_TSV,
            &rows,
        )?);
        let mut src = curated_source();
        src.entries = entries.len();
        Ok((
            Gazetteer {
                format: FORMAT.into(),
                sources: vec![src],
                entries,
            },
            rows,
        ))
    }

    /// Read a compiled gazetteer file.
    pub fn load(path: &Path) -> Result<Gazetteer, GeoError> {
        let bytes = std::fs::read(path).map_err(|e| GeoError::io(path, e))?;
        Gazetteer::from_json(&path.display().to_string(), &bytes)
    }

    /// Parse the bytes of a compiled gazetteer file; `name` says where they came from in
    /// errors. Separate from [`Gazetteer::load`] because the Python wheel carries its copy
    /// inside the extension module, not as a file.
    pub fn from_json(name: &str, bytes: &[u8]) -> Result<Gazetteer, GeoError> {
        let g: Gazetteer = serde_json::from_slice(bytes).map_err(|e| GeoError::Json {
            path: name.to_string(),
            msg: e.to_string(),
        })?;
        if !g.format.is_empty() && g.format != FORMAT {
            return Err(GeoError::Json {
                path: name.to_string(),
                msg: format!("format `{}`, expected `{FORMAT}`", g.format),
            });
        }
        Ok(g)
    }

    /// Write the gazetteer as one JSON file (creating parent folders).
    pub fn save(&self, path: &Path) -> Result<(), GeoError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| GeoError::io(dir, e))?;
        }
        let mut g = self.clone();
        g.format = FORMAT.into();
        for s in &mut g.sources {
            s.entries = g.entries.iter().filter(|e| e.source == s.id).count();
        }
        let json = serde_json::to_vec(&g).map_err(|e| GeoError::Json {
            path: path.display().to_string(),
            msg: e.to_string(),
        })?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, json).map_err(|e| GeoError::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| GeoError::io(path, e))
    }

    /// The compact form of an imported gazetteer: UTF-8 TSV, one `#source` line per
    /// source (`#source id name licence attribution url`), then one entry a line:
    /// `id kind country admin1 admin2 name name_ar aliases_ar(;) lat lon population flags`
    /// (flags: `w` weak, `m` minor). Loads several times faster than the JSON form.
    pub fn to_tsv(&self) -> String {
        let mut out = String::with_capacity(self.entries.len() * 120);
        out.push_str("# Rasad imported gazetteer (written by `rasad gazetteer import`; do not edit)\n");
        for s in &self.sources {
            let n = self.entries.iter().filter(|e| e.source == s.id).count();
            out.push_str(&format!(
                "#source\t{}\t{}\t{}\t{}\t{}\t{}\n",
                s.id, s.name, s.licence, s.attribution, s.url, n
            ));
        }
        let clean = |x: &str| x.replace(['\t', '\n', '\r', ';'], " ");
        for e in &self.entries {
            let kind = serde_json::to_value(e.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            let c = |x: Option<f64>| x.map(|v| format!("{v:.5}")).unwrap_or_default();
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}{}\t{}\n",
                clean(&e.id),
                kind,
                clean(&e.country),
                e.admin1.as_deref().map(clean).unwrap_or_default(),
                e.admin2.as_deref().map(clean).unwrap_or_default(),
                clean(&e.name),
                clean(&e.name_ar),
                e.aliases_ar.iter().map(|a| clean(a)).collect::<Vec<_>>().join(";"),
                c(e.lat),
                c(e.lon),
                e.population,
                if e.weak { "w" } else { "" },
                if e.minor { "m" } else { "" },
                clean(&e.source),
            ));
        }
        out
    }

    /// Parse [`Gazetteer::to_tsv`]'s form; a bad line fails with `file:line`.
    pub fn from_tsv(file: &str, text: &str) -> Result<Gazetteer, GeoError> {
        let mut g = Gazetteer {
            format: FORMAT.into(),
            ..Default::default()
        };
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            if let Some(rest) = line.strip_prefix("#source\t") {
                let f: Vec<&str> = rest.split('\t').collect();
                if f.len() < 5 {
                    return Err(GeoError::data(file, n, "a #source line has 5 fields"));
                }
                g.sources.push(Source {
                    id: f[0].into(),
                    name: f[1].into(),
                    licence: f[2].into(),
                    attribution: f[3].into(),
                    url: f[4].into(),
                    entries: f.get(5).and_then(|x| x.parse().ok()).unwrap_or(0),
                });
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            // thirteen fields, no Vec a line (57,000 lines)
            let mut f = [""; 13];
            let mut cols = 0;
            for (k, x) in line.split('\t').enumerate() {
                if k < 13 {
                    f[k] = x;
                }
                cols += 1;
            }
            if cols != 13 {
                return Err(GeoError::data(file, n, format!("expected 13 columns, found {cols}")));
            }
            let kind = PlaceKind::parse(f[1])
                .ok_or_else(|| GeoError::data(file, n, format!("unknown kind `{}`", f[1])))?;
            let num = |s: &str| -> Result<Option<f64>, GeoError> {
                if s.is_empty() {
                    return Ok(None);
                }
                s.parse::<f64>()
                    .map(Some)
                    .map_err(|_| GeoError::data(file, n, format!("`{s}` is not a number")))
            };
            let (lat, lon) = (num(f[8])?, num(f[9])?);
            if lat.is_some_and(|v| !(-90.0..=90.0).contains(&v))
                || lon.is_some_and(|v| !(-180.0..=180.0).contains(&v))
            {
                return Err(GeoError::data(file, n, "coordinates out of range"));
            }
            if f[6].is_empty() {
                return Err(GeoError::data(file, n, "name_ar is required"));
            }
            g.entries.push(Entry {
                id: f[0].into(),
                kind,
                country: f[2].into(),
                admin1: opt(f[3]),
                admin2: opt(f[4]),
                admin3: None,
                name: f[5].into(),
                name_ar: f[6].into(),
                aliases_ar: list(f[7]),
                lat,
                lon,
                pcode: None,
                population: f[10].parse().unwrap_or(0),
                weak: f[11].contains('w'),
                minor: f[11].contains('m'),
                source: f[12].into(),
            });
        }
        Ok(g)
    }

    /// [`Gazetteer::from_tsv`] of gzip-compressed bytes.
    pub fn from_tsv_gz(file: &str, bytes: &[u8]) -> Result<Gazetteer, GeoError> {
        if bytes.is_empty() {
            return Ok(Gazetteer::default());
        }
        let mut text = String::with_capacity(bytes.len() * 4);
        use std::io::Read;
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .map_err(|e| GeoError::data(file, 0, format!("not gzip-compressed UTF-8 TSV: {e}")))?;
        Gazetteer::from_tsv(file, &text)
    }

    /// Write [`Gazetteer::to_tsv`] gzip-compressed (creating parent folders).
    pub fn save_tsv_gz(&self, path: &Path) -> Result<(), GeoError> {
        use std::io::Write;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| GeoError::io(dir, e))?;
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(self.to_tsv().as_bytes())
            .map_err(|e| GeoError::io(path, e))?;
        let bytes = enc.finish().map_err(|e| GeoError::io(path, e))?;
        let tmp = path.with_extension("gz.tmp");
        std::fs::write(&tmp, bytes).map_err(|e| GeoError::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| GeoError::io(path, e))
    }

    /// Replace everything that came from `source.id` by `entries` (re-importing a source
    /// must not duplicate it).
    pub fn merge_source(&mut self, source: Source, entries: Vec<Entry>) {
        self.entries.retain(|e| e.source != source.id);
        self.sources.retain(|s| s.id != source.id);
        self.entries.extend(entries);
        self.sources.push(source);
    }
}

/// Split one TSV line into trimmed fields.
fn fields(line: &str) -> Vec<&str> {
    line.split('\t').map(str::trim).collect()
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && s != "-").then(|| s.to_string())
}

fn list(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty() && *x != "-")
        .map(String::from)
        .collect()
}

fn coord(
    file: &str,
    line: usize,
    s: &str,
    lo: f64,
    hi: f64,
    what: &str,
) -> Result<Option<f64>, GeoError> {
    if opt(s).is_none() {
        return Ok(None);
    }
    let v: f64 = s
        .parse()
        .map_err(|_| GeoError::data(file, line, format!("{what} `{s}` is not a number")))?;
    if !(lo..=hi).contains(&v) {
        return Err(GeoError::data(
            file,
            line,
            format!("{what} {v} outside {lo}..{hi}"),
        ));
    }
    Ok(Some(v))
}

/// Lines that carry data: not blank, not `#` comments, not the header row.
fn data_lines<'a>(
    text: &'a str,
    header_first: &str,
) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    let header_first = header_first.to_string();
    text.lines().enumerate().filter_map(move |(i, l)| {
        let t = l.trim_end_matches('\r');
        if t.trim().is_empty()
            || t.trim_start().starts_with('#')
            || t.split('\t').next() == Some(header_first.as_str())
        {
            None
        } else {
            Some((i + 1, t))
        }
    })
}

/// Parse `admin1.tsv`. Columns (see the file's header comment):
/// `country cc admin1 name_ar aliases_ar aliases_en lat lon pcode geonames`.
pub fn parse_admin1_tsv(file: &str, text: &str) -> Result<(Vec<Entry>, Vec<Admin1Row>), GeoError> {
    let mut entries = Vec::new();
    let mut rows = Vec::new();
    for (n, line) in data_lines(text, "country") {
        let f = fields(line);
        if f.len() < 10 {
            return Err(GeoError::data(
                file,
                n,
                format!("expected 10 tab-separated columns, found {}", f.len()),
            ));
        }
        let (country, cc, admin1, name_ar) = (f[0], f[1], f[2], f[3]);
        if country.is_empty() || admin1.is_empty() || name_ar.is_empty() {
            return Err(GeoError::data(
                file,
                n,
                "country, admin1 and name_ar are required",
            ));
        }
        if cc.len() != 2 || !cc.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(GeoError::data(
                file,
                n,
                format!("cc `{cc}` is not a two-letter ISO code"),
            ));
        }
        let lat = coord(file, n, f[6], -90.0, 90.0, "lat")?;
        let lon = coord(file, n, f[7], -180.0, 180.0, "lon")?;
        if rows
            .iter()
            .any(|r: &Admin1Row| r.country == country && r.admin1 == admin1)
        {
            return Err(GeoError::data(
                file,
                n,
                format!("duplicate admin1 `{admin1}` of {country}"),
            ));
        }
        let slug = slug(&format!("{cc}-{admin1}"));
        entries.push(Entry {
            id: format!("rasad:adm1-{slug}"),
            kind: PlaceKind::Admin1,
            country: country.into(),
            admin1: Some(admin1.into()),
            admin2: None,
            admin3: None,
            name: admin1.into(),
            name_ar: name_ar.into(),
            aliases_ar: list(f[4]),
            lat,
            lon,
            pcode: opt(f[8]),
            population: 0,
            weak: false,
            minor: false,
            source: "rasad".into(),
        });
        rows.push(Admin1Row {
            country: country.into(),
            cc: cc.into(),
            admin1: admin1.into(),
            aliases_en: list(f[5]),
            pcode: opt(f[8]),
            geonames: opt(f[9]),
        });
    }
    Ok((entries, rows))
}

/// Parse `places.tsv`. Columns:
/// `id kind country admin1 admin2 name_en name_ar aliases_ar lat lon population flags`.
/// `admin1` must be a canonical name of `admin1.tsv` for the row's country.
pub fn parse_places_tsv(
    file: &str,
    text: &str,
    admin1: &[Admin1Row],
) -> Result<Vec<Entry>, GeoError> {
    let mut out: Vec<Entry> = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for (n, line) in data_lines(text, "id") {
        let f = fields(line);
        if f.len() < 10 {
            return Err(GeoError::data(
                file,
                n,
                format!(
                    "expected at least 10 tab-separated columns, found {}",
                    f.len()
                ),
            ));
        }
        let id = f[0];
        if id.is_empty() || id.contains(char::is_whitespace) {
            return Err(GeoError::data(
                file,
                n,
                "id must be non-empty without spaces",
            ));
        }
        if !ids.insert(id.to_string()) {
            return Err(GeoError::data(file, n, format!("duplicate id `{id}`")));
        }
        let kind = PlaceKind::parse(f[1])
            .ok_or_else(|| GeoError::data(file, n, format!("unknown kind `{}`", f[1])))?;
        let country = f[2];
        if country.is_empty() {
            return Err(GeoError::data(file, n, "country is required"));
        }
        let a1 = opt(f[3]);
        if let Some(a) = &a1 {
            if !admin1
                .iter()
                .any(|r| r.country == country && &r.admin1 == a)
            {
                return Err(GeoError::data(
                    file,
                    n,
                    format!("admin1 `{a}` is not an admin1 of {country} in admin1.tsv"),
                ));
            }
        }
        if f[6].is_empty() {
            return Err(GeoError::data(file, n, "name_ar is required"));
        }
        let lat = coord(file, n, f[8], -90.0, 90.0, "lat")?;
        let lon = coord(file, n, f[9], -180.0, 180.0, "lon")?;
        if lat.is_some() != lon.is_some() {
            return Err(GeoError::data(file, n, "lat and lon go together"));
        }
        let population = match f.get(10).copied().and_then(opt) {
            None => 0,
            Some(p) => p.parse().map_err(|_| {
                GeoError::data(file, n, format!("population `{p}` is not a whole number"))
            })?,
        };
        let flags = f.get(11).copied().unwrap_or("");
        let mut weak = false;
        for fl in flags
            .split([',', ';'])
            .map(str::trim)
            .filter(|x| !x.is_empty() && *x != "-")
        {
            match fl {
                "weak" => weak = true,
                other => return Err(GeoError::data(file, n, format!("unknown flag `{other}`"))),
            }
        }
        out.push(Entry {
            id: format!("rasad:{id}"),
            kind,
            country: country.into(),
            admin1: a1,
            admin2: opt(f[4]),
            admin3: None,
            name: if f[5].is_empty() {
                f[6].to_string()
            } else {
                f[5].to_string()
            },
            name_ar: f[6].into(),
            aliases_ar: list(f[7]),
            lat,
            lon,
            pcode: None,
            population,
            weak,
            minor: false,
            source: "rasad".into(),
        });
    }
    Ok(out)
}

/// Lower-case ASCII slug for ids.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curated_files_parse_and_cover_the_canonical_admin1_names() {
        let (g, rows) = Gazetteer::curated().expect("curated data must parse");
        for a in [
            "Deir ez-Zor",
            "Al-Hasakah",
            "Rif Dimashq",
            "Salah al-Din",
            "Baalbek-Hermel",
            "Gaza Strip",
            "Butnan",
        ] {
            assert!(rows.iter().any(|r| r.admin1 == a), "{a} missing");
        }
        assert!(
            g.entries
                .iter()
                .filter(|e| e.kind == PlaceKind::Admin1)
                .count()
                >= 90
        );
        let sites = g
            .entries
            .iter()
            .filter(|e| e.kind == PlaceKind::Site && (e.country == "Syria" || e.country == "Iraq"))
            .count();
        assert!(sites >= 200, "only {sites} curated sites");
    }

    #[test]
    fn bad_rows_fail_with_file_and_line() {
        let (_, rows) = Gazetteer::curated().unwrap();
        let bad = "# comment\nid\tkind\tcountry\tadmin1\tadmin2\tname_en\tname_ar\taliases_ar\tlat\tlon\n\
                   x\ttown\tSyria\tAleppo\t\tX\tاكس\t\t36\t37\ny\ttown\tSyria\tNowhere\t\tY\tواي\t\t36\t37\n";
        let e = parse_places_tsv("t.tsv", bad, &rows)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.tsv:4:"), "{e}");
        let bad = "x\tcastle\tSyria\t\t\tX\tاكس\t\t36\t37\n";
        assert!(parse_places_tsv("t.tsv", bad, &rows)
            .unwrap_err()
            .to_string()
            .starts_with("t.tsv:1: unknown kind"));
        let bad = "x\ttown\tSyria\t\t\tX\tاكس\t\t360\t37\n";
        assert!(parse_places_tsv("t.tsv", bad, &rows).is_err());
        let bad = "x\ttown\tSyria\t\t\tX\tاكس\t\t36\n";
        assert!(parse_places_tsv("t.tsv", bad, &rows).is_err());
        let bad = "Syria\tsy\tX\tاكس\t\t\t1\t1\t\t\n";
        assert!(parse_admin1_tsv("a.tsv", bad)
            .unwrap_err()
            .to_string()
            .starts_with("a.tsv:1:"));
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("SY-Deir ez-Zor"), "sy-deir-ez-zor");
        assert_eq!(slug("  "), "");
    }
}
