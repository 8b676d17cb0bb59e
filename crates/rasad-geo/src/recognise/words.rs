//! The word lists of the place stage (feature words, directions, site and name tails,
//! stop words, locative prepositions) and the Bloom-filtered sets that probe them.
//!
//! Its own room because the lists are data: a curator adding a feature word or a stop
//! word should find every list here, apart from the walk that reads them.

use super::*;

/// Feature words (folded, bare form) and the kind of place they announce.
pub(super) const FEATURES: &[(&str, PlaceKind)] = &[
    ("قريه", PlaceKind::Village),
    ("بلده", PlaceKind::Town),
    ("مدينه", PlaceKind::City),
    ("حي", PlaceKind::Neighbourhood),
    ("ناحيه", PlaceKind::Admin3),
    ("قضاء", PlaceKind::Admin2),
    ("منطقه", PlaceKind::Region),
    ("مخيم", PlaceKind::Site),
    ("حقل", PlaceKind::Site),
    ("حقول", PlaceKind::Site),
    ("قاعده", PlaceKind::Site),
    ("معبر", PlaceKind::Site),
    ("مطار", PlaceKind::Site),
    ("جسر", PlaceKind::Site),
    ("ساحه", PlaceKind::Site),
    ("دوار", PlaceKind::Site),
    ("سجن", PlaceKind::Site),
    ("مجمع", PlaceKind::Village),
    ("محطه", PlaceKind::Site),
    ("مصفاه", PlaceKind::Site),
    ("سد", PlaceKind::Site),
    ("ميناء", PlaceKind::Site),
    ("مرفا", PlaceKind::Site),
    ("بادیه", PlaceKind::Region),
    ("باديه", PlaceKind::Region),
    ("جزيره", PlaceKind::Region),
    ("وادي", PlaceKind::Region),
    ("جبل", PlaceKind::Region),
    ("جبال", PlaceKind::Region),
    ("سهل", PlaceKind::Region),
    ("محور", PlaceKind::Site),
    ("جبهه", PlaceKind::Region),
    ("ريف", PlaceKind::Region),
    ("محافظه", PlaceKind::Admin1),
    ("مركز", PlaceKind::City),
    ("طريق", PlaceKind::Site),
    ("اوتستراد", PlaceKind::Site),
    ("اوتوستراد", PlaceKind::Site),
    ("مبني", PlaceKind::Site),
    ("مستشفي", PlaceKind::Site),
    ("مشفي", PlaceKind::Site),
    ("معسكر", PlaceKind::Site),
    // an Israeli settlement (Israeli towns hit from Lebanon, settlements in the West Bank)
    ("مستوطنه", PlaceKind::Village),
        ("مديريه", PlaceKind::Admin2),
    ("محليه", PlaceKind::Admin2),
    ("معتمديه", PlaceKind::Admin2),
    ("ولايه", PlaceKind::Admin1),
];

/// Dual and plural feature words: "بلدتي X وY", "قرى X وY".
pub(super) const MULTI_FEATURES: &[(&str, PlaceKind)] = &[
    ("قريتي", PlaceKind::Village),
    ("بلدتي", PlaceKind::Town),
    ("مدينتي", PlaceKind::City),
    ("حيي", PlaceKind::Neighbourhood),
    ("ناحيتي", PlaceKind::Admin3),
    ("مخيمي", PlaceKind::Site),
    ("حقلي", PlaceKind::Site),
    ("قاعدتي", PlaceKind::Site),
    ("معبري", PlaceKind::Site),
    ("مطاري", PlaceKind::Site),
    ("قري", PlaceKind::Village),
    ("بلدات", PlaceKind::Town),
    ("مدن", PlaceKind::City),
    ("احياء", PlaceKind::Neighbourhood),
    ("مخيمات", PlaceKind::Site),
    ("محافظات", PlaceKind::Admin1),
    ("مناطق", PlaceKind::Region),
];

/// Feature words too ambiguous to announce an unknown name ("إحياء" revival, "مركز"
/// centre): they only frame a gazetteer name.
pub(super) const KNOWN_ONLY: &[&str] = &[
    "مركز",
    "جبهه",
    "احياء",
    "مناطق",
    "محافظات",
    "مدن",
    "محافظه",
    "جبل",
    "سهل",
    "مرفا",
    "طريق",
    "اوتستراد",
    "اوتوستراد",
    "مستشفي",
    "مشفي",
    "مديريه",
    "محليه",
    "معتمديه",
    "ولايه",
];

/// Dual feature words (and the village/town plurals) that may frame unknown names.
pub(super) const DUALS: &[&str] = &[
    "قريتي",
    "بلدتي",
    "مدينتي",
    "حيي",
    "ناحيتي",
    "مخيمي",
    "حقلي",
    "قاعدتي",
    "معبري",
    "مطاري",
    "قري",
    "بلدات",
];

/// The plurals among [`MULTI_FEATURES`]: they frame a list of any length; the others are
/// duals and frame two names ("بلدتي كفرنبل والبارة **والطائرات** الروسية": the third
/// word is no town).
pub(super) const PLURALS: &[&str] = &["قري", "بلدات", "مدن", "احياء", "مخيمات", "محافظات", "مناطق"];

/// Words that make the following place a "near" reading (precision at least 2).
pub(super) const NEAR: &[&str] = &["محيط", "اطراف", "ضواحي", "مشارف", "تخوم"];

/// Direction nouns: "شمال X", "شمالي X", "شمال شرقي X".
pub(super) const DIRECTIONS: &[&str] = &[
    "شمال",
    "جنوب",
    "شرق",
    "غرب",
    "شمالي",
    "جنوبي",
    "شرقي",
    "غربي",
];

/// Direction adjectives that end a region phrase: "ريف حمص الشرقي".
pub(super) const DIR_ADJ: &[&str] = &[
    "الشرقي",
    "الغربي",
    "الشمالي",
    "الجنوبي",
    "الشرقيه",
    "الغربيه",
    "الشماليه",
    "الجنوبيه",
    "الاوسط",
];

/// Adjective tails that belong to a site's name: "حقل العمر النفطي", "حقل كونيكو للغاز".
pub(super) const SITE_TAILS: &[&str] = &[
    "النفطي",
    "النفطيه",
    "الغازي",
    "الغازيه",
    "للغاز",
    "للنفط",
    "الجوي",
    "الجويه",
    "العسكري",
    "العسكريه",
    "الدولي",
    "النهري",
    "الحدودي",
    "الحدوديه",
    "البحري",
    "المركزي",
    "المركزيه",
    "الزراعي",
    "الحراري",
    "الكهربايي",
];

/// Qualifiers that make a different village of a known name: "المنصورة الصغيرة",
/// "الباغوز الفوقاني".
pub(super) const NAME_TAILS: &[&str] = &[
    "الصغيره",
    "الصغري",
    "الصغير",
    "الكبيره",
    "الكبري",
    "الفوقاني",
    "التحتاني",
    "الفوقا",
    "التحتا",
    "الجديده",
    "القديمه",
];

/// Direction adjectives that, after a village or town named with its feature word, make
/// the twin village of that name: "بلدة الغارية الشرقية" is not الغارية. (After a city
/// they name a part of it, "مدينة حلب الشرقية", and stay out of the name.)
pub(super) const TWIN_TAILS: &[&str] = &[
    "الشرقيه",
    "الغربيه",
    "الشماليه",
    "الجنوبيه",
    "الشرقي",
    "الغربي",
    "الشمالي",
    "الجنوبي",
];

/// Words that stop an unknown name.
pub(super) const STOP: &[&str] = &[
    "في",
    "من",
    "على",
    "علي",
    "الى",
    "الي",
    "عن",
    "مع",
    "قرب",
    "بين",
    "عند",
    "حيث",
    "التي",
    "الذي",
    "الذين",
    "بعد",
    "قبل",
    "خلال",
    "اثر",
    "جراء",
    "ضد",
    "منذ",
    "نحو",
    "باتجاه",
    "لدي",
    "وسط",
    "داخل",
    "خارج",
    "ضمن",
    "امس",
    "اليوم",
    "الليله",
    "صباح",
    "مساء",
    "فجر",
    "ظهر",
    "عصر",
    "ليل",
    "ليله",
    "ليلا",
    "صباحا",
    "مساءا",
    "فجرا",
    "ظهرا",
    "يوم",
    "الاحد",
    "الاثنين",
    "الثلاثاء",
    "الاربعاء",
    "الخميس",
    "الجمعه",
    "السبت",
    "الماضي",
    "الماضيه",
    "الحالي",
    "الجاري",
    "التابع",
    "التابعه",
    "التابعتين",
    "الواقع",
    "الواقعه",
    "المحاذي",
    "المحاذيه",
    "القريب",
    "القريبه",
    "المجاور",
    "المجاوره",
    "المحيط",
    "كما",
    "ثم",
    "او",
    "ان",
    "انه",
    "هذه",
    "هذا",
    "ذلك",
    "تلك",
    "بالقرب",
    "قد",
    "لم",
    "لا",
    "ما",
    "اذ",
    "السوري",
    "السوريه",
    "العراقي",
    "العراقيه",
    "التركي",
    "التركيه",
    "الامريكي",
    "الامريكيه",
    "الاميركي",
    "الاميركيه",
    "الروسي",
    "الروسيه",
    "الايراني",
    "الايرانيه",
    "الاسرائيلي",
    "الاسرائيليه",
    "اللبناني",
    "اللبنانيه",
    "الليبي",
    "الليبيه",
    "الكردي",
    "الكرديه",
    "الفلسطيني",
    "الفلسطينيه",
    "الاردني",
    "المحتل",
    "المحتله",
    "المدعوم",
    "المدعومه",
    "الخاضع",
    "الخاضعه",
    "نفسها",
    "نفسه",
    "ذاتها",
    "ذاته",
    "عدد",
    "بعض",
    "كل",
    "جميع",
    "اخر",
    "اخري",
    "الاخر",
    "الاخري",
    "حتي",
    "بينما",
    "فيما",
    "لكن",
    "بسبب",
    "بهدف",
    "عبر",
    "برفقه",
    "الواصل",
    "الرابط",
    "الذي",
];

/// Common words that follow a feature word without being a name ("قاعدة كبيرة",
/// "قرية بطائرة"): adjectives and the event vocabulary.
pub(super) const NOT_NAMES: &[&str] = &[
    "حرب",
    // "بلدات X وY، إضافة إلى مدينة Z": the list goes on elsewhere
    "اضافه",
    "بالاضافه",
    "معركه",
    "معارك",
    "قتال",
    "مواجهه",
    "مواجهات",
    "كبيره",
    "كبير",
    "صغيره",
    "صغير",
    "عسكريه",
    "عسكري",
    "جديده",
    "جديد",
    "اخري",
    "ثانيه",
    "واحده",
    "رييسيه",
    "رييسي",
    "مهمه",
    "متقدمه",
    "امريكيه",
    "اميركيه",
    "روسيه",
    "تركيه",
    "ايرانيه",
    "غير",
    "تابعه",
    "تابع",
    "طايره",
    "طايرات",
    "مسيره",
    "مسيرات",
    "صاروخ",
    "صواريخ",
    "قذيفه",
    "قذايف",
    "عبوه",
    "هجوم",
    "قصف",
    "غارات",
    "غاره",
    "اشتباكات",
    "مواجهات",
    "معارك",
    "عناصر",
    "قوات",
    "مقاتلين",
    "مسلحين",
    "مدنيين",
    "اهالي",
    "سكان",
    "سيطره",
    "نفوذ",
    "عمليات",
    "خفض",
    "التصعيد",
    "امنيه",
    "اشتباك",
    "التماس",
    "الاشتباك",
    "النزاع",
    "المعارك",
    "التحالف",
    "القوات",
    "الجيش",
    "الاحتلال",
    "الحرس",
    "الفصايل",
    "الميليشيات",
    "المليشيات",
    "النظام",
    "قسد",
    "الحشد",
    "المقاومه",
    "التنظيم",
    "داعش",
    "الشرطه",
    "الامن",
    "المعارضه",
    "الحكومه",
    "الدوله",
    "حزب",
    "سكني",
    "حكومي",
    "مؤلف",
    "مكون",
    "مهجور",
    "مدمر",
    "مجاور",
    "قريب",
    "مقابل",
    "صحراويه",
    "سكنيه",
    "زراعيه",
    "صناعيه",
    "تجاريه",
    "جبليه",
    "ريفيه",
    "ساحليه",
    "امنه",
    "مفتوحه",
    "مهجوره",
    "خاليه",
    "الغاز",
    "النفط",
    "النفطيه",
    "تعود",
    "تقع",
    "يقع",
    "تتقاسم",
    "تخضع",
    "يخضع",
    "تسيطر",
    "يسيطر",
    "تضم",
    "يضم",
    "تشهد",
    "شهدت",
    "تعرضت",
    "كانت",
    "كان",
    "تحت",
    "بات",
    "باتت",
    "عادت",
    "تتبع",
    "يتبع",
    "تبعد",
    "يبعد",
    "حدوديه",
    "نايه",
    "بعيده",
    "قريبه",
    "محاذيه",
    "مجاوره",
    "اخيره",
    "سابقه",
    "حاليه",
];

/// First words of construct names whose second word carries no article ("خربة سلم").
pub(super) const HEADS: &[&str] = &[
    "الشيخ",
    "السيده",
    "النبي",
    "مار",
    "خان",
    "حوش",
    "ابو",
    "ابي",
    "ام",
    "بني",
    "بيت",
    "تل",
    "دير",
    "عين",
    "كفر",
    "خربه",
    "خراب",
    "راس",
    "جسر",
    "قصر",
    "بير",
    "بير",
    "باب",
    "سوق",
    "مزرعه",
    "جب",
    "مرج",
    "عرب",
    "زور",
    "حزم",
    "سد",
    "نهر",
    "جبل",
    "وادي",
    "قلعه",
    "تله",
    "رجم",
    "كرم",
    "بئر",
    "معره",
    "معرة",
    "سيدي",
    "بنات",
    "اولاد",
    "ال",
    "شيخ",
];

/// Words after which a small imported locality may be named without a feature word.
/// Narrower than [`LOC_PREPS`]: "من" alone is too often partitive ("من الشعب").
pub(super) const MINOR_PREPS: &[&str] = &[
    "في", "وفي", "قرب", "بقرب", "وقرب", "الى", "والى", "نحو", "باتجاه", "داخل", "بمحيط", "محيط",
    "باطراف", "اطراف", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي",
    "بشمال", "بجنوب", "بشرق", "بغرب",
];

/// Prepositions after which a weak name (a common word) still reads as a place.
pub(super) const LOC_PREPS: &[&str] = &[
    "في",
    "من",
    "قرب",
    "الى",
    "الي",
    "نحو",
    "باتجاه",
    "داخل",
    "بمحيط",
    "بلدتي",
    "شمال",
    "جنوب",
    "شرق",
    "غرب",
];

/// Which readings of a name starting at byte `s` of `f` its word's prefix (from `word`)
/// allows: [`crate::READ_PLAIN`] after a plain clitic (or none), [`crate::READ_STRIPPED`]
/// (an article-less variant) after "لل", or after "ل" when the name itself begins with ل
/// ("للاذقية"). One rule for the hit filter and for the candidates of a hit.
pub(super) fn readings_after(f: &str, word: usize, s: usize) -> u8 {
    let prefix = &f[word..s];
    let plain = if is_clitic(prefix) { crate::READ_PLAIN } else { 0 };
    let stripped = matches!(prefix, "لل" | "ولل" | "فلل") || (matches!(prefix, "ل" | "ول" | "فل") && f[s..].starts_with('ل'));
    plain | if stripped { crate::READ_STRIPPED } else { 0 }
}

/// Conjunctions and prepositions that may be glued before a name (not the article:
/// "المحافظة" is no feature word, it refers back).
pub(super) fn is_clitic(p: &str) -> bool {
    matches!(
        p,
        "" | "و" | "ف" | "ب" | "ل" | "ك" | "وب" | "ول" | "وك" | "فب" | "فل" | "فك"
    )
}

/// A multiply-rotate hash over 8-byte chunks (the FxHash recipe): the word lists are
/// tiny and hashed on every token, SipHash's DoS resistance buys nothing here (the keys
/// are ours; the input only probes them).
#[derive(Default, Clone, Copy)]
pub(super) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h.rotate_left(5) ^ v).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
        }
        self.0 = h;
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

pub(super) type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// A set of words that rejects most non-members before hashing: a 4096-bit Bloom
/// filter over each word's length and first and last two bytes. Word lists are probed on
/// nearly every token, and a probe of the filter costs a few instructions.
pub(super) struct WordSet {
    set: HashSet<String, FnvBuild>,
    bloom: Vec<u64>,
}

impl WordSet {
    pub(super) fn new<S: Into<String>>(words: impl IntoIterator<Item = S>) -> WordSet {
        let set: HashSet<String, FnvBuild> = words.into_iter().map(Into::into).collect();
        let mut bloom = vec![0u64; 64];
        for w in &set {
            for b in Self::bits(w) {
                bloom[b / 64] |= 1 << (b % 64);
            }
        }
        WordSet { set, bloom }
    }

    /// Two bit positions of `w` in the filter.
    #[inline]
    pub(super) fn bits(w: &str) -> [usize; 2] {
        let b = w.as_bytes();
        let n = b.len();
        // the first two and the last two bytes (read directly: nearly every probe has
        // two or more; a shorter word reads 0 where a byte is missing)
        let [b0, b1, y, z] = match b {
            [b0, b1, .., y, z] => [*b0, *b1, *y, *z],
            _ => {
                let edge = |i: usize| b.get(i).copied().unwrap_or(0);
                [edge(0), edge(1), edge(n.wrapping_sub(2)), edge(n.wrapping_sub(1))]
            }
        };
        let key = (n as u64) | (b0 as u64) << 8 | (b1 as u64) << 16 | (y as u64) << 24 | (z as u64) << 32;
        let h = key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        [(h >> 52) as usize, (h >> 40) as usize & 4095]
    }

    #[inline]
    pub(super) fn contains(&self, w: &str) -> bool {
        Self::bits(w).iter().all(|&b| self.bloom[b / 64] & (1 << (b % 64)) != 0) && self.set.contains(w)
    }
}

/// A membership test over one of the word lists above, built once.
macro_rules! word_set {
    ($($f:ident => $list:ident),* $(,)?) => {$(
        pub(super) fn $f(w: &str) -> bool {
            static SET: OnceLock<WordSet> = OnceLock::new();
            SET.get_or_init(|| WordSet::new($list.iter().copied())).contains(w)
        }
    )*};
}

word_set! {
    is_stop => STOP, is_not_name => NOT_NAMES, is_head => HEADS, is_loc_prep => LOC_PREPS,
    is_site_tail => SITE_TAILS, is_dir_adj => DIR_ADJ, is_direction => DIRECTIONS, is_near => NEAR,
    is_known_only => KNOWN_ONLY, is_dual => DUALS, is_name_tail => NAME_TAILS, is_twin_tail => TWIN_TAILS,
    is_plural => PLURALS,
}
