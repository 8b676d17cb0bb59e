//! Small imported localities (issue 11): read only in a locative slot, and never from a
//! common word. Sentences written for these tests.

use rasad_geo::Geocoder;
use std::sync::OnceLock;

fn geo() -> &'static Geocoder {
    static G: OnceLock<Geocoder> = OnceLock::new();
    G.get_or_init(|| Geocoder::embedded().expect("embedded gazetteer loads"))
}

fn admin1_of(text: &str, name: &str) -> Option<String> {
    geo()
        .find_places_in_text(text)
        .into_iter()
        .find(|m| m.location.name_ar.contains(name))
        .and_then(|m| m.location.admin1.map(|a| a.to_string()))
}

/// Common words that are also the names of small imported localities.
const WORDS: &[&str] = &[
    "السلام", "النصر", "الشعب", "الحرية", "الجديدة", "الكرامة", "الوحدة", "الثورة", "العدالة",
    "الأمل", "الرحمة", "الوطن", "التحرير", "الشهداء", "البركة", "الفرج", "القرار", "الصحة",
    "الجيش", "المجلس", "المعارضة", "السوق", "الطريق", "المدرسة", "المسجد",
];

/// Eight frames of my own in which the word is no place.
const FRAMES: &[&str] = &[
    "أكد المتحدث أن {} هو الهدف الأول للمرحلة المقبلة.",
    "وقال في {} إن الوضع مستقر رغم الصعوبات.",
    "دعا المشاركون إلى تعزيز {} بين الناس.",
    "أشار التقرير إلى أهمية {} للمواطنين.",
    "تحدث الوزير عن {} خلال المؤتمر الصحفي.",
    "نشرت الصحيفة مقالا بعنوان {} والمستقبل.",
    "وجاء في {} الصادر أمس أن المفاوضات مستمرة.",
    "لم يعلق أحد من {} على الخبر حتى الآن.",
];

#[test]
fn common_words_that_name_villages_are_no_places() {
    let mut bad = Vec::new();
    let mut n = 0;
    for w in WORDS {
        for f in FRAMES {
            let s = f.replace("{}", w);
            n += 1;
            for m in geo().find_places_in_text(&s) {
                if m.location.gazetteer_id.as_deref().is_some_and(|id| id.starts_with("wof:")) {
                    bad.push(format!("{s} -> {:?}", m.location.name_ar));
                }
            }
        }
    }
    assert!(n >= 200, "{n} sentences");
    assert!(bad.is_empty(), "{} of {n} read a place:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn villages_after_a_feature_word_get_their_governorate() {
    for (text, name, a1) in [
        ("قتل مدنيان بقصف مدفعي استهدف قرية بعربو أمس.", "بعربو", "Idlib"),
        ("سقطت قذيفة على بلدة مسيعد صباح اليوم.", "مسيعد", "Deir ez-Zor"),
        ("اندلعت اشتباكات في قرية خوصانة فجر الأحد.", "خوصانة", "Taizz"),
        ("قصفت الطائرات قرية سقمين ليلا.", "سقمين", "Marib"),
        ("داهمت القوات قرية أرتون واعتقلت ثلاثة.", "أرتون", "Nineveh"),
        ("استهدفت غارة بلدة عقتنيت بعد الظهر.", "عقتنيت", "South Lebanon"),
        ("اقتحمت قوة قرية بريضعة فجرا.", "بريضعة", "West Bank"),
        ("هاجم مسلحون قرية قورمة وأحرقوا منازل.", "قورمة", "North Darfur"),
    ] {
        assert_eq!(admin1_of(text, name).as_deref(), Some(a1), "{text}");
    }
}

#[test]
fn a_village_after_a_preposition_needs_its_governorate_in_the_article() {
    // "في X" alone is too weak for a namesake-rich small name ...
    assert_eq!(admin1_of("وقعت الاشتباكات في الشهداء صباحا.", "الشهداء"), None);
    // ... but with its governorate named in the sentence it is read
    assert_eq!(
        admin1_of("قتل شخص في بعربو بريف إدلب الجنوبي.", "بعربو").as_deref(),
        Some("Idlib")
    );
}

#[test]
fn ibb_is_no_common_word() {
    // "آب" (August) and "أب" (father) fold like "إب"
    for s in ["قتل ثلاثة في آب الماضي بقصف على درعا.", "قال أب لثلاثة أطفال إن القصف استمر في درعا."] {
        assert!(
            geo().find_places_in_text(s).iter().all(|m| m.location.admin1.as_deref() != Some("Ibb")),
            "{s}"
        );
    }
    assert_eq!(admin1_of("اشتباكات في محافظة إب وسط اليمن.", "إب").as_deref(), Some("Ibb"));
}

#[test]
fn new_countries_have_admin1() {
    for (text, name, a1) in [
        ("قصفت قوات الدعم السريع مدينة الفاشر.", "الفاشر", "North Darfur"),
        ("انفجرت عبوة في العريش شمال سيناء.", "العريش", "North Sinai"),
        ("هجوم على مقر حكومي في كيسمايو.", "كيسمايو", "Lower Juba"),
        ("سقط صاروخ على كريات شمونة.", "كريات شمونة", "HaZafon"),
        ("احتجاجات في صفاقس ضد البطالة.", "صفاقس", "Sfax"),
        ("سقطت مسيرة قرب جازان.", "جازان", "Jizan"),
        ("انفجار في الأهواز جنوب غرب إيران.", "الأهواز", "Khuzestan"),
        ("غارات على مدينة تعز.", "تعز", "Taizz"),
        ("اشتباكات في ولاية الجزيرة وسط السودان.", "الجزيرة", "Al Jazirah"),
    ] {
        assert_eq!(admin1_of(text, name).as_deref(), Some(a1), "{text}");
    }
}

#[test]
fn a_dual_frames_two_names_a_plural_a_list() {
    let names = |s: &str| -> Vec<String> { geo().find_places_in_text(s).into_iter().map(|m| m.location.name_ar).collect() };
    // a dual: two names, the second unknown with its conjunction; nothing after them
    let got = names("قصفت قوات النظام بلدتي كفرنبل والبارة والطائرات الروسية تحلق فوقهما.");
    assert!(got.iter().any(|n| n == "البارة") && !got.iter().any(|n| n.contains("الطائرات")), "{got:?}");
    let got = names("أغارت الطائرات على قريتي غسق والتينة قرب منبج.");
    assert!(got.iter().any(|n| n == "التينة"), "{got:?}");
    // a plural list goes on, but "إضافة إلى" is no name
    let got = names("خرجت مظاهرات في بلدات معرة مصرين وبنش وأرمناز، إضافة إلى مدينة سرمدا.");
    assert!(got.iter().any(|n| n == "أرمناز") && got.iter().any(|n| n.contains("سرمدا")) && !got.iter().any(|n| n.contains("إضافة")), "{got:?}");
}

#[test]
fn a_container_the_text_states_outranks_a_namesake_elsewhere() {
    // the gazetteer's الغارية lies in As-Suwayda; the text puts this one in Daraa
    for (text, name, a1) in [
        ("قصفت المدفعية بلدة الغارية بريف درعا الشرقي مساء أمس.", "الغارية", "Daraa"),
        ("بدأت التسوية في بلدة الغارية الغربية بريف درعا.", "الغارية الغربية", "Daraa"),
        ("دخلت دورية إلى قرية الغارية التابعة لمحافظة درعا.", "الغارية", "Daraa"),
    ] {
        assert_eq!(admin1_of(text, name).as_deref(), Some(a1), "{text}");
    }
}

#[test]
fn a_direction_after_a_village_stays_in_its_phrase() {
    // "the southern town of X": the known town, the adjective in its phrase
    let ms = geo().find_places_in_text("استهدفت مسيرة سيارة في بلدة عقتنيت الجنوبية صباحا.");
    let m = ms.iter().find(|m| m.location.name_ar.contains("عقتنيت")).expect("found");
    assert_eq!(m.location.name_ar, "بلدة عقتنيت الجنوبية");
    assert_eq!(m.location.admin1.as_deref(), Some("South Lebanon"));
    // after a city it is a part of the city, not in the name
    let ms = geo().find_places_in_text("قصفت الطائرات أحياء في مدينة حلب الشرقية.");
    assert!(ms.iter().any(|m| m.location.admin1.as_deref() == Some("Aleppo")), "{ms:?}");
}

#[test]
fn small_namesakes_elsewhere_give_way_to_the_articles_geography() {
    // every الروضة the gazetteer knows is a village in another governorate
    assert_eq!(
        admin1_of("سقط صاروخ على حي الروضة في مدينة مأرب ظهر اليوم.", "الروضة").as_deref(),
        Some("Marib")
    );
}

#[test]
fn a_dateline_place_fills_its_segment() {
    use rasad_text::Document;
    // the outlet "بغداد اليوم" is no dateline place; the governorate after it is
    let d = Document::new("بغداد اليوم – ذي قار\nأغلق محتجون الطرق وسط المدينة صباح اليوم.");
    let m = geo().dateline(&d).expect("a dateline place");
    assert_eq!(m.location.admin1.as_deref(), Some("Dhi Qar"));
    let d = Document::new("دمشق – (أ ف ب)\nأعلنت الوزارة مقتل عنصرين.");
    assert_eq!(geo().dateline(&d).and_then(|m| m.location.admin1.map(|a| a.to_string())).as_deref(), Some("Damascus"));
    let d = Document::new("عدن الغد - خاص\nاندلعت اشتباكات.");
    assert!(geo().dateline(&d).is_none());
    // under a headline, the second line is the dateline (its place, not the headline's)
    let d = Document::new("حظر تجول في حلب بعد اشتباكات عنيفة\nحمص – العربي الجديد\nفرضت السلطات حظر تجول.");
    assert_eq!(geo().dateline(&d).and_then(|m| m.location.admin1.map(|a| a.to_string())).as_deref(), Some("Homs"));
    // a long first line is a lead, not a headline: no dateline below it
    let lead = "قالت مصادر محلية ".repeat(20);
    let d = Document::new(&format!("{lead}\nحمص – العربي الجديد"));
    assert!(geo().dateline(&d).is_none());
}

#[test]
fn the_revolution_is_no_town() {
    for s in ["قتل خمسون في أعنف قصف على حمص منذ بدء الثورة.", "خرج المحتجون في ذكرى الثورة إلى الشوارع."] {
        assert!(
            geo().find_places_in_text(s).iter().all(|m| m.location.admin1.as_deref() != Some("Raqqa")),
            "{s}"
        );
    }
}
