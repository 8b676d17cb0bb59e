//! The place stage never panics, whatever the text: empty, only marks, mixed scripts,
//! unbalanced phrases, feature words at the very end, huge inputs, every folded
//! offset valid.

use rasad_geo::Geocoder;
use rasad_text::Document;

fn check(g: &Geocoder, text: &str) {
    let doc = Document::new(text);
    let ms = g.find_places_in(&doc, text);
    let f = doc.folded();
    for (i, m) in ms.iter().enumerate() {
        assert!(m.start <= m.end && m.end <= f.len(), "{m:?}");
        assert!(f.is_char_boundary(m.start) && f.is_char_boundary(m.end));
        assert!(m.sentence < doc.sentences.len().max(1));
        if let Some(e) = m.enclosing {
            assert!(e != i && e < ms.len(), "encloser out of range: {i} → {e}");
            if e < i {
                assert_eq!(
                    ms[e].sentence, m.sentence,
                    "a backward encloser frames its own sentence"
                );
            }
        }
        let span = m.location.span.expect("span");
        assert!(span.1 <= text.chars().count());
        if i > 0 {
            assert!(ms[i - 1].start <= m.start, "text order");
        }
    }
    let _ = g.dateline_in(&doc, text);
    let _ = g.find_places(&doc);
}

#[test]
fn odd_inputs_do_not_panic() {
    let g = Geocoder::curated().unwrap();
    let cases = [
        "",
        " ",
        "\n\n\n",
        "ً ّ ـ",
        "قرية",
        "قرية ",
        "بريف",
        "ريف",
        "بلدتي",
        "بلدتي و",
        "الريف الشرقي ل",
        "شمال شرقي",
        "محيط",
        "محيط مدينة",
        "قرية قرية قرية قرية",
        "حقل العمر النفطي النفطي النفطي",
        "قاعدة 46 46 46",
        "٤٦ – ٤٦",
        "ديرالزور",
        "dayr az-zawr قرية X بريف Y",
        "🙂 قرية 🙂 الصبحة 🙂",
        "لل",
        "وال",
        "ال",
        "\u{200c}قرية\u{200d}الصبحة",
        "قرية\u{0}الصبحة",
        "– الحسكة",
        "963+ –",
    ];
    for c in cases {
        check(&g, c);
    }
}

#[test]
fn huge_and_repetitive_inputs_do_not_panic() {
    let g = Geocoder::curated().unwrap();
    let unit = "قصفت القوات قرية عون الدادات بريف منبج شمال شرقي حلب، وبلدتي المزيريب واليادودة، ";
    check(&g, &unit.repeat(2000));
    check(&g, &"ريف ".repeat(5000));
    check(&g, &"بلدة ".repeat(5000));
    let mut pseudo = String::new();
    let mut x: u32 = 12345;
    for _ in 0..20000 {
        x = x.wrapping_mul(1103515245).wrapping_add(12345);
        let c = match x % 7 {
            0 => ' ',
            1 => '،',
            2 => char::from_u32(0x0621 + (x >> 8) % 42).unwrap_or('ا'),
            3 => char::from_u32(0x064B + (x >> 8) % 8).unwrap_or('ا'),
            4 => '\n',
            _ => char::from_u32(0x0627 + (x >> 8) % 36).unwrap_or('ب'),
        };
        pseudo.push(c);
    }
    check(&g, &pseudo);
}
