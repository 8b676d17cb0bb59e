//! Stage 1: character folding with an offset map back to the original text.
//!
//! The chain (applied in this order, each filter sees the output of the previous):
//!
//! | filter | what it does | why |
//! |---|---|---|
//! | [`invisible`] | drops ZWNJ/ZWJ, bidi marks, BOM, soft hyphen | copy-pasted news is full of them and they split words |
//! | [`harakat`] | drops tashkeel (U+064B–065F, 0670, 0610–061A, 06D6–06ED) | "قُتل" and "قتل" are one word |
//! | [`tatweel`] | drops U+0640 | "المسيّـرات" is a typographic stretch |
//! | [`letters`] | أ إ آ ٱ→ا, ى→ي, ة→ه, ؤ→و, ئ→ي, Persian ک ی ە ھ | spelling of hamza/alef/ya/ta marbuta varies between outlets |
//! | [`digits`] | ٠-٩ and ۰-۹ → 0-9 | "١٨" and "18" are one number |
//! | [`punctuation`] | ، ؛ ؟ → , ; ?, “ ” « » „ → ", ’ ‘ → ', dashes → - | one set of separators for later stages |
//! | [`spaces`] | every Unicode space → ' ' | NBSP and friends |
//! | [`case`] | ASCII and Latin-1 lower case | "SDF" and "sdf" |
//!
//! Folding is deliberately the same as the official scorer's (`score.py`'s `norm_ar`)
//! for letters and diacritics, so what Rasad matches is what the yardstick compares.

/// A character filter: `Some(c)` replaces, `None` deletes. Never inserts.
pub type CharFilter = fn(char) -> Option<char>;

/// The default chain, in order.
pub const CHAIN: &[(&str, CharFilter)] = &[
    ("invisible", invisible),
    ("harakat", harakat),
    ("tatweel", tatweel),
    ("letters", letters),
    ("digits", digits),
    ("punctuation", punctuation),
    ("spaces", spaces),
    ("case", case),
];

pub fn invisible(c: char) -> Option<char> {
    match c {
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}' | '\u{061C}' => None,
        c if c.is_control() && c != '\n' && c != '\t' && c != '\r' => None,
        c => Some(c),
    }
}

pub fn harakat(c: char) -> Option<char> {
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0610}'..='\u{061A}' | '\u{06D6}'..='\u{06ED}' => None,
        c => Some(c),
    }
}

pub fn tatweel(c: char) -> Option<char> {
    if c == '\u{0640}' {
        None
    } else {
        Some(c)
    }
}

pub fn letters(c: char) -> Option<char> {
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => 'ا',
        'ى' | 'ی' | 'ې' | 'ۍ' | 'ئ' => 'ي',
        'ة' | 'ە' | 'ھ' | 'ۀ' => 'ه',
        'ؤ' => 'و',
        'ک' => 'ك',
        c => c,
    })
}

pub fn digits(c: char) -> Option<char> {
    Some(match c {
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        c => c,
    })
}

pub fn punctuation(c: char) -> Option<char> {
    Some(match c {
        '،' | '٫' => ',',
        '؛' => ';',
        '؟' => '?',
        '“' | '”' | '«' | '»' | '„' | '‟' | '″' => '"',
        '‘' | '’' | '‚' | '‛' | '`' | '´' => '\'',
        '–' | '—' | '‒' | '―' | '−' | '‐' | '‑' => '-',
        '٪' => '%',
        '۔' => '.',
        c => c,
    })
}

pub fn spaces(c: char) -> Option<char> {
    match c {
        '\n' | '\r' => Some('\n'),
        c if c.is_whitespace() => Some(' '),
        c => Some(c),
    }
}

pub fn case(c: char) -> Option<char> {
    if c.is_ascii_uppercase() {
        Some(c.to_ascii_lowercase())
    } else if (c as u32) < 0x250 && (c as u32) >= 0xC0 && c.is_uppercase() {
        c.to_lowercase().next()
    } else {
        Some(c)
    }
}

/// Run one character through the whole chain, without the table.
fn fold_char_chain(c: char) -> Option<char> {
    let mut c = c;
    for (_, f) in CHAIN {
        c = f(c)?;
    }
    Some(c)
}

/// Characters below this code point (every one- and two-byte UTF-8 character) are
/// folded by table lookup: ASCII, Latin-1, and the whole Arabic block — all but a handful of the characters of Arabic news.
const TABLE_END: usize = 0x800;
/// Table value of a deleted character.
const DELETED: u32 = u32::MAX;

/// The chain run once over every code point below [`TABLE_END`]: the hot loop of
/// [`normalise`] costs one load per character instead of eight filter calls.
fn table() -> &'static [u32; TABLE_END] {
    static TABLE: std::sync::OnceLock<Box<[u32; TABLE_END]>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Box::new([DELETED; TABLE_END]);
        for (i, slot) in t.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(i as u32) {
                *slot = fold_char_chain(c).map_or(DELETED, |f| f as u32);
            }
        }
        t
    })
}

/// For each code point of two bytes (U+0080–U+07FF): the two UTF-8 bytes of its fold
/// (first byte low) when that is a two-byte word character (an Arabic letter, nearly
/// always), else 0. Inside a word the loop of [`normalise_feeding`] copies runs of these
/// without the general checks: the fold keeps the length, cannot squeeze a space, and
/// the tokeniser has nothing to do.
fn word_table() -> &'static [u16; TABLE_END] {
    static WORD: std::sync::OnceLock<Box<[u16; TABLE_END]>> = std::sync::OnceLock::new();
    WORD.get_or_init(|| {
        let t = table();
        let mut w = Box::new([0u16; TABLE_END]);
        for (code, slot) in w.iter_mut().enumerate().skip(0x80) {
            let f = t[code];
            if let Some(c) = char::from_u32(f).filter(|&c| c.len_utf8() == 2 && crate::tokenise::is_word_char(c)) {
                let mut utf8 = [0u8; 2];
                c.encode_utf8(&mut utf8);
                *slot = u16::from_le_bytes(utf8);
            }
        }
        w
    })
}

/// Run one character through the whole chain.
#[inline]
pub fn fold_char(c: char) -> Option<char> {
    if (c as usize) < TABLE_END {
        let f = table()[c as usize];
        // the table holds only chain outputs, which are chars
        return if f == DELETED { None } else { char::from_u32(f) };
    }
    fold_char_chain(c)
}

/// Folded text and, for each folded byte, the original character index it came from.
#[derive(Debug, Clone, Default)]
pub struct Normalised {
    pub folded: String,
    /// `map[b]` = original char index of the folded char containing byte `b`;
    /// `map[folded.len()]` = number of original characters.
    map: Vec<u32>,
    /// `bytes[c]` = byte offset of original character `c`; `bytes[n]` = the original's
    /// length in bytes. Slicing the original by a character span is then O(1).
    bytes: Vec<u32>,
}

impl Normalised {
    /// Original character span `[start, end)` of the folded byte range `[fb_start, fb_end)`.
    ///
    /// The end runs up to the next kept character, so harakat and tatweel that trail the
    /// last letter stay inside the span (the span of "قُتلَ" covers its fatha).
#[inline]
    pub fn to_original(&self, fb_start: usize, fb_end: usize) -> rasad_model::Span {
        let n = self.folded.len();
        let s = self.map[fb_start.min(n)] as usize;
        let e = self.map[fb_end.min(n)] as usize;
        rasad_model::Span(s, e.max(s))
    }

    /// The original text of a character span, `""` when the span is out of range or
    /// `original` is not the text this was built from.
#[inline]
    pub fn original_slice<'a>(&self, original: &'a str, span: rasad_model::Span) -> &'a str {
        let (Some(&s), Some(&e)) = (self.bytes.get(span.0), self.bytes.get(span.1)) else { return "" };
        original.get(s as usize..e as usize).unwrap_or("")
    }

    /// Number of characters of the original text.
#[inline]
    pub fn original_len(&self) -> usize {
        *self.map.last().unwrap_or(&0) as usize
    }
}

/// Fold `original` through [`CHAIN`], keeping the offset map.
///
/// The loop reads one- and two-byte characters (ASCII and Arabic: nearly all of a
/// folded text) straight into the precomputed table and writes into buffers sized once
/// by the input's length: folding lengthens no Arabic, ASCII or punctuation character.
/// The few that it does lengthen (Latin letters whose lower case takes three bytes,
/// "Ⱥ" → "ⱥ") fit where earlier deletions made room, or the plain definition
/// ([`normalise_plain`]) is used instead.
pub fn normalise(original: &str) -> Normalised {
    normalise_feeding(original, &mut ()).0
}

/// Whatever wants each folded character as it is written (the tokeniser).
pub trait FoldedChars {
    /// Folded character `c`, `len` bytes at folded byte `pos`.
    fn push(&mut self, c: char, pos: usize, len: usize);

    /// Whether pushing a word character now would change nothing (the sink is inside a
    /// word), so that the normaliser may skip the calls for a run of them.
    fn absorbs_word_chars(&self) -> bool;
}

impl FoldedChars for () {
    #[inline]
    fn push(&mut self, _: char, _: usize, _: usize) {}

    #[inline]
    fn absorbs_word_chars(&self) -> bool {
        true
    }
}

impl FoldedChars for crate::tokenise::TokenSink {
    #[inline(always)]
    fn push(&mut self, c: char, pos: usize, len: usize) {
        crate::tokenise::TokenSink::push(self, c, pos, len)
    }

    #[inline(always)]
    fn absorbs_word_chars(&self) -> bool {
        crate::tokenise::TokenSink::in_word(self)
    }
}

/// [`normalise`], handing every folded character to `sink` as it is written. The flag
/// is false when the plain definition had to be used instead (a fold longer than its
/// character), in which case `sink` saw only part of the text.
pub fn normalise_feeding<S: FoldedChars>(original: &str, sink: &mut S) -> (Normalised, bool) {
    let table = table();
    let word = word_table();
    let bytes = original.as_bytes();
    let len = bytes.len();
    let mut folded: Vec<u8> = Vec::with_capacity(len);
    let mut map: Vec<u32> = Vec::with_capacity(len + 1);
    let mut starts: Vec<u32> = Vec::with_capacity(len + 1);
    let (mut o, mut n, mut i) = (0usize, 0usize, 0usize);
    {
        let fo = &mut folded.spare_capacity_mut()[..len];
        let mo = &mut map.spare_capacity_mut()[..len + 1];
        let so = &mut starts.spare_capacity_mut()[..len + 1];
        // the last folded byte: a space or newline there squeezes a following space
        let mut last = b'\n';
        while i < len {
            so[n].write(i as u32);
            let b = bytes[i];
            let f = if b < 0x80 {
                i += 1;
                table[b as usize]
            } else if b < 0xE0 && i + 1 < len {
                let code = (((b & 0x1F) as usize) << 6) | (bytes[i + 1] & 0x3F) as usize;
                i += 2;
                table[code]
            } else {
                let (c, l) = crate::tokenise::char_at(original, i);
                i += l;
                fold_char_chain(c).map_or(DELETED, |c| c as u32)
            };
            if f == DELETED || f == b' ' as u32 && (last == b' ' || last == b'\n') {
                n += 1;
                continue;
            }
            if f < 0x80 {
                if o >= i {
                    return (normalise_plain(original), false);
                }
                fo[o].write(f as u8);
                mo[o].write(n as u32);
                sink.push(char::from(f as u8), o, 1);
                o += 1;
                last = f as u8;
            } else if f < 0x800 {
                if o + 2 > i {
                    return (normalise_plain(original), false);
                }
                fo[o].write(0xC0 | (f >> 6) as u8);
                fo[o + 1].write(0x80 | (f & 0x3F) as u8);
                mo[o].write(n as u32);
                mo[o + 1].write(n as u32);
                // below 0x800 every code point is a char
                sink.push(char::from_u32(f).unwrap_or(char::REPLACEMENT_CHARACTER), o, 2);
                o += 2;
                last = 0x80;
                // the rest of a word: two-byte letters folding to two-byte letters, which
                // keep o <= i (checked above) and which the sink would ignore
                if sink.absorbs_word_chars() {
                    n += 1;
                    while i + 1 < len {
                        // SAFETY: i + 1 < len. Every character written so far was no
                        // longer than the one it came from and every character is at
                        // least a byte, so o <= i and n <= i: o + 1 < len = fo.len() <
                        // mo.len(), and n < len < so.len(). The word table has 0x800
                        // entries and the index is eleven bits. (The two bytes, and their
                        // two map entries, go in one store each.)
                        unsafe {
                            let (b0, b1) = (*bytes.get_unchecked(i), *bytes.get_unchecked(i + 1));
                            if b0 & 0xE0 != 0xC0 {
                                break;
                            }
                            let utf8 = *word.get_unchecked((((b0 & 0x1F) as usize) << 6) | (b1 & 0x3F) as usize);
                            if utf8 == 0 {
                                break;
                            }
                            so.get_unchecked_mut(n).write(i as u32);
                            fo.as_mut_ptr().add(o).cast::<[u8; 2]>().write_unaligned(utf8.to_le_bytes());
                            mo.as_mut_ptr().add(o).cast::<[u32; 2]>().write_unaligned([n as u32; 2]);
                        }
                        i += 2;
                        o += 2;
                        n += 1;
                    }
                    continue;
                }
            } else {
                // a fold longer than its character: not with the current chain
                let mut buf = [0u8; 4];
                let c = char::from_u32(f).unwrap_or(' ');
                let enc = c.encode_utf8(&mut buf).as_bytes();
                if o + enc.len() > i {
                    return (normalise_plain(original), false);
                }
                for (k, &e) in enc.iter().enumerate() {
                    fo[o + k].write(e);
                    mo[o + k].write(n as u32);
                }
                sink.push(c, o, enc.len());
                o += enc.len();
                last = 0x80;
            }
            n += 1;
        }
        mo[o].write(n as u32);
        so[n].write(len as u32);
    }
    // SAFETY: the loop wrote folded[..o], map[..=o] and starts[..=n] (one map entry per
    // folded byte and one start per original character, then the two end entries), and
    // o <= len, n <= len keep those ranges inside the capacities reserved above.
    unsafe {
        folded.set_len(o);
        map.set_len(o + 1);
        starts.set_len(n + 1);
    }
    debug_assert!(std::str::from_utf8(&folded).is_ok());
    // SAFETY: every byte sequence written is the UTF-8 encoding of one char: a code
    // point below 0x80 as one byte, one below 0x800 (never a surrogate) as the two bytes
    // of its encoding, anything else through `char::encode_utf8`.
    let folded = unsafe { String::from_utf8_unchecked(folded) };
    (Normalised { folded, map, bytes: starts }, true)
}

/// The plain definition of [`normalise`]: the chain per character, the map per byte.
pub fn normalise_plain(original: &str) -> Normalised {
    let (mut folded, mut map, mut bytes, mut n) = (String::new(), Vec::new(), Vec::new(), 0u32);
    for (b, c) in original.char_indices() {
        bytes.push(b as u32);
        if let Some(f) = fold_char_chain(c) {
            if f == ' ' && (folded.is_empty() || folded.ends_with(' ') || folded.ends_with('\n')) {
                n += 1;
                continue;
            }
            folded.push(f);
            map.extend(std::iter::repeat_n(n, f.len_utf8()));
        }
        n += 1;
    }
    map.push(n);
    bytes.push(original.len() as u32);
    Normalised { folded, map, bytes }
}

/// Fold a short string (a lexicon entry, a query) and squeeze runs of spaces:
/// the key under which names are compared.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter_map(fold_char) {
        let c = if c == '\n' || c == '\t' { ' ' } else { c };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rasad_model::Span;

    #[test]
    fn folds_diacritics_tatweel_and_letter_variants() {
        assert_eq!(fold("قُتِلَ"), "قتل");
        assert_eq!(fold("المسيّـرات"), "المسيرات");
        assert_eq!(fold("إسرائيل"), "اسراييل");
        assert_eq!(fold("الرقّة"), "الرقه");
        assert_eq!(fold("مؤسسة"), "موسسه");
        assert_eq!(fold("حماةً"), "حماه");
        assert_eq!(fold("مصطفى"), "مصطفي");
    }

    #[test]
    fn folds_arabic_indic_digits_and_quotes() {
        assert_eq!(fold("١٨ شخصاً"), "18 شخصا");
        assert_eq!(fold("۲۵"), "25");
        assert_eq!(fold("«داعش»"), "\"داعش\"");
        assert_eq!(fold("“قسد”، و"), "\"قسد\", و");
    }

    #[test]
    fn drops_invisible_marks_and_squeezes_spaces() {
        assert_eq!(fold("دير\u{200C}الزور"), "ديرالزور");
        assert_eq!(fold("  دير\u{00A0}\u{00A0}الزور  "), "دير الزور");
        assert_eq!(fold("SDF"), "sdf");
    }

    #[test]
    fn offsets_map_back_to_original_characters() {
        let original = "قُتِلَ خمسةُ أشخاصٍ";
        let n = normalise(original);
        assert_eq!(n.folded, "قتل خمسه اشخاص");
        // "خمسه" in folded bytes
        let fb = n.folded.find("خمسه").unwrap();
        let span = n.to_original(fb, fb + "خمسه".len());
        assert_eq!(span.slice(original), "خمسةُ");
        let fb = n.folded.find("اشخاص").unwrap();
        assert_eq!(n.to_original(fb, n.folded.len()).slice(original), "أشخاصٍ");
        assert_eq!(n.original_len(), original.chars().count());
        for (s, e) in [(0, 5), (6, 11), (12, 19), (0, 19), (3, 3)] {
            let span = Span(s, e);
            assert_eq!(n.original_slice(original, span), span.slice(original));
        }
        assert_eq!(n.original_slice(original, Span(5, 99)), "");
    }

    #[test]
    fn fast_path_agrees_with_the_chain() {
        for c in ('\u{0600}'..='\u{06FF}').chain('\u{0020}'..='\u{007F}') {
            let mut slow = Some(c);
            for (_, f) in CHAIN {
                slow = slow.and_then(f);
            }
            assert_eq!(fold_char(c), slow, "{c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn table_loop_agrees_with_the_chain_on_mixed_scripts() {
        // one-, two-, three- and four-byte characters, deletions, squeezed spaces
        let samples = [
            "قُتِلَ ١٨ شخصاً،  أمس\u{00A0}\u{00A0}في «دير\u{200C}الزور» — SDF 🙂 ",
            "\u{FEFF}  \t\nالمسيّـرات؛ ۲۵٪ Ünïcödé “quoted” ‘x’ \u{2009}end",
            "",
            "\u{064E}\u{0640}",
            "ﻻ ﷲ ︎ 〇 𝟘 ℃ ä",
        ];
        for s in samples {
            let (n, p) = (normalise(s), normalise_plain(s));
            assert_eq!((&n.folded, &n.map, &n.bytes), (&p.folded, &p.map, &p.bytes), "{s:?}");
        }
        // every code point of the table range, one at a time and between letters
        for c in (0u32..TABLE_END as u32).filter_map(char::from_u32) {
            let s = format!("ا{c}ب {c}");
            let (n, p) = (normalise(&s), normalise_plain(&s));
            assert_eq!((n.folded, n.map, n.bytes), (p.folded, p.map, p.bytes), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn word_runs_agree_with_the_chain_and_the_tokeniser() {
        // random texts over letters and their variants, harakat, tatweel, digits,
        // spaces, punctuation and Latin: the word-run copy inside the loop must give the
        // plain chain's text and map, and tokens equal to the tokeniser's own loop
        let alphabet: Vec<char> = "ابتثجحخدذرزسشصضطظعغفقكلمنهويأإآةىؤئ\u{064E}\u{0651}\u{0640}٠١٩09 \n،.«»-aZé😀\u{200C}"
            .chars()
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            let len = (state % 24) as usize;
            let mut text = String::new();
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let (n, p) = (normalise(&text), normalise_plain(&text));
            assert_eq!((&n.folded, &n.map, &n.bytes), (&p.folded, &p.map, &p.bytes), "{text:?}");
            let d = crate::Document::new(&text);
            assert_eq!(d.tokens, crate::tokenise::tokenise_loop(d.folded()), "{text:?}");
        }
    }

    #[test]
    fn a_fold_longer_than_its_character_is_handled() {
        // 'Ⱥ' (two bytes) lower-cases to 'ⱥ' (three): written in place after a deletion,
        // through the plain definition otherwise
        assert!(fold_char('Ⱥ').is_some_and(|f| f.len_utf8() > 'Ⱥ'.len_utf8()));
        for s in ["Ⱥ", "ȺȺ ب", "\u{064E}Ⱥ", "اْ Ⱥ"] {
            let (n, p) = (normalise(s), normalise_plain(s));
            assert_eq!((&n.folded, &n.map, &n.bytes), (&p.folded, &p.map, &p.bytes), "{s:?}");
        }
    }

    #[test]
    fn empty_and_all_deleted_inputs_are_fine() {
        let n = normalise("");
        assert_eq!(n.to_original(0, 0), Span(0, 0));
        let n = normalise("\u{064E}\u{0640}");
        assert_eq!(n.folded, "");
        assert_eq!(n.to_original(0, 0), Span(2, 2));
    }
}
