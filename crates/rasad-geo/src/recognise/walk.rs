//! The phrase walk: gazetteer hits after boundary and clitic checks, phrase starters
//! from the shared scan, and the token walk that builds a [`Raw`] mention around each
//! hit or feature word ("قرية X", "ريف X الشرقي", "حقل X النفطي", minor names in a
//! locative slot).
//!
//! Its own room because it is the part that reads the text; everything after it works
//! on the mentions it returns.

use super::*;

/// Gazetteer hits, leftmost-longest, non-overlapping, from the raw occurrences of the
/// geocoder's patterns (`find_places` gets them from the caller's scan or its own
/// automaton; the phrase starters among them are skipped here).
pub(super) fn hits(g: &Geocoder, doc: &Document, raw: &[(usize, usize, u32)]) -> Vec<Hit> {
    let f = doc.folded();
    let toks = &doc.tokens;
    let mut all: Vec<Hit> = Vec::with_capacity(raw.len());
    for &(s, e, key) in raw {
        if key as usize >= g.keys.len() || e > f.len() || !f.is_char_boundary(s) || !f.is_char_boundary(e) {
            continue;
        }
        // a name ends where its word ends
        if f[e..]
            .chars()
            .next()
            .is_some_and(rasad_text::tokenise::is_alnum)
        {
            continue;
        }
        let ta = doc.token_at(s);
        let Some(t) = toks.get(ta) else { continue };
        if t.kind != TokenKind::Word || t.start > s {
            continue;
        }
        // some candidate of the name is read after this prefix
        if readings_after(f, t.start, s) & g.readings[key as usize] == 0 {
            continue;
        }
        let tb = doc.token_at(e.saturating_sub(1)) + 1;
        all.push(Hit {
            s,
            e,
            ta,
            tb,
            key,
            prefix_len: s - t.start,
        });
    }
    all.sort_by(|a, b| a.s.cmp(&b.s).then(b.e.cmp(&a.e)));
    let mut out: Vec<Hit> = Vec::with_capacity(all.len());
    for h in all {
        if out.last().is_some_and(|l| h.s < l.e) {
            continue;
        }
        out.push(h);
    }
    out
}

/// The clitic-stripped bare reading of a token that equals one of `list` (no article).
pub(super) fn feature_of(
    word: &str,
    list: &'static [(&'static str, PlaceKind)],
) -> Option<(&'static str, PlaceKind, usize)> {
    // one map from every clitic-prefixed surface form to its feature word, so a token
    // costs one lookup
    type Map = HashMap<String, (&'static str, PlaceKind, usize, bool), FnvBuild>;
    static MAP: OnceLock<Map> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut m = Map::default();
        for (multi, l) in [(false, FEATURES), (true, MULTI_FEATURES)] {
            for (w, k) in l {
                for p in [
                    "", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك",
                ] {
                    m.entry(format!("{p}{w}"))
                        .or_insert((*w, *k, p.len(), multi));
                }
            }
        }
        m
    });
    let multi = std::ptr::eq(list, MULTI_FEATURES);
    match map.get(word) {
        Some(&(w, k, plen, m)) if m == multi => Some((w, k, plen)),
        _ => None,
    }
}

/// The clitic sequences a phrase starter may carry ("وريف", "بمحيط", "فلمدينه").
pub(super) const STARTER_PREFIXES: [&str; 12] = ["", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"];

/// The words, bare, that can start a phrase without being a gazetteer name: feature
/// words, directions, nearness words, "الريف". The geocoder's automaton holds them beside
/// the names, so the walk learns which tokens are starters from the scan it already has
/// instead of asking a word set of every token.
pub(crate) fn starter_bases() -> impl Iterator<Item = &'static str> {
    FEATURES
        .iter()
        .chain(MULTI_FEATURES)
        .map(|(w, _)| *w)
        .chain(DIRECTIONS.iter().copied())
        .chain(NEAR.iter().copied())
        .chain(["الريف"])
}

/// Mark in `hit_at` the word tokens that are a phrase starter with one of
/// [`STARTER_PREFIXES`] before it, from the raw occurrences of the starter patterns:
/// token `t` is one when a starter ends where `t` ends and what comes before it in `t`
/// is such a prefix.
pub(super) fn mark_starters(g: &Geocoder, doc: &Document, raw: &[(usize, usize, u32)], hit_at: &mut [u32]) {
    let f = doc.folded();
    for &(s, e, v) in raw {
        if !g.starter.get(v as usize).copied().unwrap_or(false) || e > f.len() || !f.is_char_boundary(s) {
            continue;
        }
        // the token must end with the match: read the next character before looking
        // the token up
        if f[e..].chars().next().is_some_and(rasad_text::tokenise::continues_word) {
            continue;
        }
        let ta = doc.token_at(s);
        let Some(t) = doc.tokens.get(ta) else { continue };
        if t.kind == TokenKind::Word
            && t.start <= s
            && t.end == e
            && STARTER_PREFIXES.contains(&&f[t.start..s])
            && hit_at[ta] == NO_HIT
        {
            hit_at[ta] = STARTS_PHRASE;
        }
    }
}

pub(super) fn strip_clitic(word: &str) -> (&str, &str) {
    for p in ["وب", "ول", "فب", "فل", "و", "ف", "ب", "ل"] {
        if let Some(r) = word.strip_prefix(p) {
            if r.chars().count() >= 2 {
                return (p, r);
            }
        }
    }
    ("", word)
}


impl<'a> Walker<'a> {
    pub(super) fn word(&self, i: usize) -> Option<&'a str> {
        let t = self.doc.tokens.get(i)?;
        (t.kind == TokenKind::Word).then(|| &self.f[t.start..t.end])
    }

    pub(super) fn hit(&self, i: usize) -> Option<&Hit> {
        self.hit_at.get(i).copied().filter(|&h| h < STARTS_PHRASE).map(|h| &self.hits[h as usize])
    }

    /// Candidates valid for the hit's clitic prefix.
    pub(super) fn cand_list(&self, h: &Hit) -> Vec<Cand> {
        let allowed = readings_after(self.f, self.doc.tokens[h.ta].start, h.s);
        self.g.keys[h.key as usize]
            .iter()
            .filter(|c| allowed & if c.stripped { crate::READ_STRIPPED } else { crate::READ_PLAIN } != 0)
            .copied()
            .collect()
    }

    /// Entry indexes of [`Walker::cand_list`] (after a feature word: weak names are fine).
    pub(super) fn cands(&self, h: &Hit) -> Vec<u32> {
        self.cand_list(h).into_iter().map(|c| c.entry).collect()
    }

    /// The longest minor name (small imported locality) starting at token `j`: its end
    /// token and entries. Plain words only, no clitic.
    pub(super) fn minor_at(&self, j: usize) -> Option<(usize, Vec<u32>)> {
        let max = self.g.minor_max_words.min(4);
        if max == 0 {
            return None;
        }
        let mut words: Vec<&str> = Vec::with_capacity(max);
        for k in j..(j + max).min(self.doc.tokens.len()) {
            match self.word(k) {
                Some(w) if k == j || (self.hit(k).is_none() || words.len() > 0) => words.push(w),
                _ => break,
            }
        }
        // the first word must be no stop word, feature word or direction
        let first = *words.first()?;
        if is_stop(first) || is_direction(first) || is_dir_adj(first) || is_not_name(first) || feature_of(first, FEATURES).is_some() {
            return None;
        }
        let mut key = String::with_capacity(64);
        let mut best = None;
        for (n, w) in words.iter().enumerate() {
            if n > 0 {
                key.push(' ');
            }
            key.push_str(w);
            if let Some(ids) = self.g.minor_ids(&key) {
                best = Some((j + n + 1, ids.to_vec()));
            }
        }
        best
    }

    /// Token `i` follows a locative preposition after which a small locality may be named
    /// ("في", "قرب", "بالقرب من", "نحو", "شمال" ...): the slot [`Walker::minor_at`] reads.
    pub(super) fn after_minor_prep(&self, i: usize) -> bool {
        let Some(p) = self.word(i - 1) else { return false };
        if MINOR_PREPS.contains(&p) {
            return true;
        }
        p == "من" && i >= 2 && self.word(i - 2).is_some_and(|q| matches!(q, "بالقرب" | "مقربه" | "بمقربه" | "قريبا" | "قريب"))
    }

    /// Unknown name words from token `i`: returns the end token (exclusive), or `i`.
    ///
    /// `member`: the phrase is a later member of a dual or plural list ("قريتي غسق
    /// **والتينة**"), whose first word carries the conjunction: it is read without it.
    pub(super) fn name_words(&self, i: usize, allow_first_number: bool, member: bool) -> usize {
        let mut j = i;
        let mut prev: Option<&str> = None;
        while j < self.doc.tokens.len() && j - i < 4 {
            let t = &self.doc.tokens[j];
            match t.kind {
                TokenKind::Number => {
                    if (j > i || allow_first_number) && j - i < 3 {
                        j += 1;
                        prev = None;
                        continue;
                    }
                    break;
                }
                TokenKind::Word => {}
                _ => break,
            }
            let w = &self.f[t.start..t.end];
            let w = if member && j == i { w.strip_prefix('و').unwrap_or(w) } else { w };
            if w.chars().count() < 2 || is_stop(w) || is_direction(w) || is_dir_adj(w) {
                break;
            }
            if !w.chars().all(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) {
                break;
            }
            if j > i {
                // later words: a hit or feature word with a clitic starts a new phrase
                let (p, _) = strip_clitic(w);
                if !p.is_empty() && (self.hit(j).is_some() || feature_of(w, FEATURES).is_some()) {
                    break;
                }
                if w.starts_with('و') && !w.starts_with("وادي") {
                    break;
                }
                let head = prev.is_some_and(is_head);
                if !(w.starts_with("ال") || head) {
                    break;
                }
                if self.hit(j).is_some() && !head {
                    break;
                }
            } else {
                if feature_of(w, FEATURES).is_some() && !is_head(w) {
                    break;
                }
                // "قاعدة للتحالف", "قرية بالقرب": a prepositional phrase, not a name
                if ["ل", "بال", "وال", "فال", "كال", "وبال"]
                    .iter()
                    .any(|p| w.starts_with(p))
                {
                    break;
                }
                if w.starts_with('و') && !is_head(w) && !w.starts_with("وادي") {
                    break;
                }
                let (_, bare) = strip_clitic(w);
                if is_not_name(w) || is_not_name(bare) {
                    break;
                }
            }
            prev = Some(w);
            j += 1;
        }
        j
    }

    /// The first token from `j` on whose word `belongs` rejects (or the end).
    fn tail_while(&self, mut j: usize, belongs: fn(&str) -> bool) -> usize {
        while self.word(j).is_some_and(belongs) {
            j += 1;
        }
        j
    }

    /// Extend `end` over site tails ("النفطي", "للغاز"); returns the new end token.
    pub(super) fn site_tail(&self, j: usize) -> usize {
        self.tail_while(j, is_site_tail)
    }

    /// Extend over qualifiers that belong to a village's name ("المنصورة الصغيرة").
    pub(super) fn name_tail(&self, j: usize) -> usize {
        self.tail_while(j, is_name_tail)
    }

    pub(super) fn dir_tail(&self, mut j: usize) -> usize {
        let mut n = 0;
        while let Some(w) = self.word(j) {
            if is_dir_adj(w) && n < 2 {
                j += 1;
                n += 1;
            } else {
                break;
            }
        }
        j
    }

    pub(super) fn tok_end(&self, j: usize) -> usize {
        self.doc.tokens[j - 1].end
    }

    pub(super) fn walk(&self) -> Vec<Raw> {
        let toks = &self.doc.tokens;
        // a mention per gazetteer hit, give or take: sized once, not grown
        let mut out: Vec<Raw> = Vec::with_capacity(self.hits.len() + 4);
        let mut i = 0;
        while i < toks.len() {
            let Some(w) = self.word(i) else {
                i += 1;
                continue;
            };
            // most tokens start nothing: one lookup decides
            if self.hit_at[i] == NO_HIT {
                // a small locality after a locative preposition ("في X", "قرب X")
                if i > 0 && self.after_minor_prep(i) {
                    if let Some((end, cands)) = self.minor_at(i) {
                        out.push(Raw {
                            ta: i,
                            tb: end,
                            s: toks[i].start,
                            e: self.tok_end(end),
                            feature: None,
                            cands,
                            region: false,
                            near: false,
                            prefix: String::new(),
                            needs_ctx: true,
                        });
                        i = end;
                        continue;
                    }
                }
                if i > 0 && self.word(i - 1).is_some_and(|p| matches!(p, "في" | "وفي" | "ففي")) {
                    let save = out.len();
                    let next = self.framed_unknown(i, &mut out);
                    if out.len() > save {
                        i = next;
                        continue;
                    }
                }
                i += 1;
                continue;
            }
            // "محيط مدينة X", "أطراف بلدة Y"
            let (p0, bare0) = strip_clitic(w);
            let bare0 = if is_near(w) { w } else { bare0 };
            if is_near(bare0) {
                let save = out.len();
                let next = self.phrase_at(i + 1, &mut out);
                if out.len() > save && out[save].ta == i + 1 {
                    let r = &mut out[save];
                    r.ta = i;
                    r.s = toks[i].start + if is_near(w) { 0 } else { p0.len() };
                    r.near = true;
                    i = next;
                    continue;
                }
                out.truncate(save);
            }
            i = self.phrase_at(i, &mut out);
        }
        out
    }

    /// An unknown name after "في" that a governorate frames at once with "من": "في
    /// بوعرادة من ولاية سليانة", "ففي X من محافظة Y". The frame alone makes it a place
    /// (a village the gazetteer lacks); its admin units come from the frame.
    pub(super) fn framed_unknown(&self, i: usize, out: &mut Vec<Raw>) -> usize {
        let prep = i > 0 && self.word(i - 1).is_some_and(|p| matches!(p, "في" | "وفي" | "ففي"));
        if !prep || self.hit(i).is_some() || self.word(i).is_none() {
            return i + 1;
        }
        let e = self.name_words(i, false, false);
        if e <= i || e - i > 3 {
            return i + 1;
        }
        // the unit's name may carry its feature word as an alias ("ولاية سليانة")
        let framed = self.word(e) == Some("من")
            && self.word(e + 1).is_some_and(|x| matches!(x, "ولايه" | "محافظه" | "ريف" | "مديريه" | "معتمديه" | "محليه" | "قضاء"))
            && (self.hit(e + 1).is_some_and(|h| h.prefix_len == 0 && h.tb > e + 2) || self.hit(e + 2).is_some_and(|h| h.prefix_len == 0));
        if !framed {
            return i + 1;
        }
        let toks = &self.doc.tokens;
        out.push(Raw {
            ta: i,
            tb: e,
            s: toks[i].start,
            e: self.tok_end(e),
            feature: None,
            cands: Vec::new(),
            region: false,
            near: false,
            prefix: String::new(),
            needs_ctx: false,
        });
        e
    }

    /// Try to read a phrase starting at token `i`; pushes mentions, returns the next token.
    pub(super) fn phrase_at(&self, i: usize, out: &mut Vec<Raw>) -> usize {
        let toks = &self.doc.tokens;
        let Some(w) = self.word(i) else { return i + 1 };
        // Direction regions: "شمال شرقي سوريا", "جنوب مدينة الحسكة", "غربي بغداد".
        let (dp, dbare) = strip_clitic(w);
        let dbare = if is_direction(w) { w } else { dbare };
        let dp = if is_direction(w) { "" } else { dp };
        if is_direction(dbare) && matches!(dp, "" | "ب" | "و" | "ل") {
            let mut j = i + 1;
            if self.word(j).is_some_and(is_direction) {
                j += 1;
            }
            if self.hit(j).is_none()
                && self
                    .word(j)
                    .is_some_and(|x| matches!(x, "مدينه" | "محافظه" | "بلده" | "العاصمه"))
            {
                j += 1;
            }
            if let Some(h) = self.hit(j).filter(|h| h.prefix_len == 0).cloned() {
                let cands: Vec<u32> = self
                    .cands(&h)
                    .into_iter()
                    .filter(|&c| self.g.entries[c as usize].kind.containment_rank() >= 3)
                    .collect();
                if !cands.is_empty() {
                    out.push(Raw {
                        ta: i,
                        tb: h.tb,
                        s: toks[i].start + dp.len(),
                        e: h.e,
                        feature: None,
                        cands,
                        region: true,
                        near: false,
                        prefix: dp.to_string(),
                        needs_ctx: false,
                    });
                    return h.tb;
                }
            }
        }
        // "الريف الشرقي لمحافظة دير الزور", "الريف الغربي لحلب"
        {
            let (p, bare) = strip_clitic(w);
            let bare = if w == "الريف" { w } else { bare };
            let p = if w == "الريف" { "" } else { p };
            if bare == "الريف" {
                let j = self.dir_tail(i + 1);
                if j > i + 1 {
                    if let Some(nw) = self.word(j) {
                        let mut k = j;
                        let mut ok = false;
                        if nw.starts_with('ل') && self.hit(j).is_some_and(|h| h.prefix_len > 0) {
                            ok = true;
                        } else if matches!(nw, "لمحافظه" | "لمدينه" | "لمنطقه") {
                            k = j + 1;
                            ok = self.hit(k).is_some_and(|h| h.prefix_len == 0);
                        }
                        if ok {
                            let h = self.hit(k).unwrap().clone();
                            let cands = self.cands(&h);
                            out.push(Raw {
                                ta: i,
                                tb: h.tb,
                                s: toks[i].start + p.len(),
                                e: h.e,
                                feature: Some(PlaceKind::Region),
                                cands,
                                region: true,
                                near: false,
                                prefix: p.to_string(),
                                needs_ctx: false,
                            });
                            return h.tb;
                        }
                    }
                }
            }
        }
        // A gazetteer name starting here (with clitics).
        if let Some(h) = self.hit(i).cloned() {
            let prefix = self.f[toks[i].start..h.s].to_string();
            let all = self.cand_list(&h);
            // a name that is also a common word counts after a locative preposition, as the
            // name of a feature phrase ("مدينة الباب" is itself a key), or in the dateline
            let starts_with_feature = feature_of(
                self.word(h.ta).map(|x| &x[h.prefix_len..]).unwrap_or(""),
                FEATURES,
            )
            .is_some()
                && h.tb > h.ta + 1;
            let prev_prep = i > 0
                && self
                    .word(i - 1)
                    .is_some_and(|p| is_loc_prep(p) || is_loc_prep(strip_clitic(p).1));
            let in_dateline = self.dateline.is_some_and(|(a, e)| h.s >= a && h.e <= e);
            let weak_ok = starts_with_feature || prev_prep;
            let cands: Vec<u32> = all
                .iter()
                .filter(|c| {
                    !c.weak
                        || weak_ok
                        || (in_dateline && self.g.entries[c.entry as usize].source == "rasad")
                })
                .map(|c| c.entry)
                .collect();
            if !cands.is_empty() {
                let site = cands
                    .iter()
                    .any(|&c| self.g.entries[c as usize].kind == PlaceKind::Site);
                let tb = if site { self.site_tail(h.tb) } else { h.tb };
                out.push(Raw {
                    ta: i,
                    tb,
                    s: h.s,
                    e: self.tok_end(tb),
                    feature: None,
                    cands,
                    region: false,
                    near: false,
                    prefix,
                    needs_ctx: false,
                });
                return h.tb.max(tb);
            }
            if !all.is_empty()
                && feature_of(self.word(i).unwrap_or(""), FEATURES).is_none()
                && feature_of(self.word(i).unwrap_or(""), MULTI_FEATURES).is_none()
            {
                return h.tb;
            }
        }
        // Feature words.
        let multi = feature_of(w, MULTI_FEATURES);
        let single = feature_of(w, FEATURES);
        let Some((fw, kind, plen)) = single.or(multi) else {
            return self.framed_unknown(i, out);
        };
        let is_multi = single.is_none();
        let prefix = w[..plen].to_string();
        let mut j = i + 1;
        // "سلسلة جبال", "ريف محافظة X", "ريف مدينة X"
        // (unless the next word starts a name of its own: "ريف محافظة طرطوس", where
        // "محافظة طرطوس" is the governorate's name as the gazetteer holds it)
        if fw == "ريف"
            && self
                .word(j)
                .is_some_and(|x| matches!(x, "محافظه" | "مدينه" | "منطقه" | "بلده"))
            && self.hit(j).is_none()
        {
            j += 1;
        }
        // a quoted name: 'قاعدة "بلد" الجوية', 'مطار «المزة» العسكري'
        let is_quote = |k: usize| {
            toks.get(k).is_some_and(|t| t.kind == TokenKind::Punct && &self.f[t.start..t.end] == "\"")
        };
        let quoted = !is_multi && is_quote(j) && self.word(j + 1).is_some();
        if quoted {
            j += 1;
        }
        let mut first = true;
        let mut members = 0usize;
        let mut next = i + 1;
        loop {
            let minor = self.minor_at(j);
            let hit = self
                .hit(j)
                .filter(|h| h.prefix_len == 0 || (!first && h.prefix_len > 0))
                .filter(|h| minor.as_ref().is_none_or(|(me, _)| h.tb >= *me))
                .cloned();
            let (name_end, mut cands, name_s) = match &hit {
                // "ريف الباب الشرقي" is the countryside east of al-Bab, not Bab al-Sharqi
                Some(h)
                    if fw == "ريف"
                        && h.tb >= h.ta + 2
                        && self.word(h.tb - 1).is_some_and(is_dir_adj) =>
                {
                    let shorter: Vec<u32> = self.g.lookup_ids(&self.f[h.s..toks[h.tb - 2].end]);
                    if shorter.is_empty() {
                        (h.tb, self.cands(h), h.s)
                    } else {
                        (h.tb - 1, shorter, h.s)
                    }
                }
                Some(h) => (h.tb, self.cands(h), h.s),
                None if minor
                    .as_ref()
                    .is_some_and(|(me, _)| *me >= self.name_words(j, false, false)) =>
                {
                    let (me, c) = minor.clone().unwrap_or_default();
                    (me, c, toks[j].start)
                }
                None if is_known_only(fw) || (is_multi && !is_dual(fw)) => break,
                None => {
                    let e = self.name_words(j, fw == "محور" || fw == "قاعده", !first);
                    let w = self.word(j).unwrap_or("");
                    let cl = if !first && w.starts_with('و') {
                        'و'.len_utf8()
                    } else {
                        0
                    };
                    (e, Vec::new(), toks.get(j).map_or(0, |t| t.start) + cl)
                }
            };
            if name_end <= j {
                break;
            }
            // the closing quote belongs to the name; a quote left open is no name
            let name_end = if quoted {
                if !is_quote(name_end) {
                    break;
                }
                name_end + 1
            } else {
                name_end
            };
            // "قاعدة حقل كونيكو": the inner name carries its own feature word
            let inner_feature = kind == PlaceKind::Site
                && !cands.is_empty()
                && cands
                    .iter()
                    .all(|&c| self.g.entries[c as usize].kind == PlaceKind::Site)
                && hit.as_ref().is_some_and(|h| {
                    h.tb > h.ta + 1 && feature_of(&self.f[h.s..toks[h.ta].end], FEATURES).is_some()
                });
            let site_like = kind == PlaceKind::Site
                || cands
                    .iter()
                    .any(|&c| self.g.entries[c as usize].kind == PlaceKind::Site);
            let mut tb = if site_like {
                self.site_tail(name_end)
            } else {
                name_end
            };
            // "قرية المنصورة الصغيرة" is not the town المنصورة
            if !site_like && !cands.is_empty() && fw != "ريف" {
                let t2 = self.name_tail(tb);
                // "بلدة الغارية الشرقية" may be the eastern twin of الغارية or "the
                // eastern town of الغارية" ("بلدة خربة سلم الجنوبية"): the phrase keeps
                // the word and the known name; a container the text names in another
                // governorate then overrides it (see `states_containment`)
                let twin_ok = matches!(kind, PlaceKind::Village | PlaceKind::Town)
                    && !cands.iter().any(|&c| {
                        matches!(
                            self.g.entries[c as usize].kind,
                            PlaceKind::City | PlaceKind::Admin1 | PlaceKind::Admin2
                        )
                    });
                if t2 == tb && twin_ok && self.word(tb).is_some_and(is_twin_tail) {
                    tb += 1;
                } else if t2 > tb {
                    tb = t2;
                    cands.clear();
                }
            }
            // "جبل الأربعين" is a mountain, not the neighbourhood الأربعين
            if matches!(fw, "جبل" | "جبال" | "وادي" | "سهل" | "جزيره")
                && !cands
                    .iter()
                    .any(|&c| self.g.entries[c as usize].kind == PlaceKind::Region)
            {
                cands.clear();
            }
            let region =
                fw == "ريف" || (kind == PlaceKind::Region && !cands.is_empty() && fw != "منطقه");
            if fw == "ريف" {
                tb = self.dir_tail(tb);
            }
            // a dual or plural feature word frames names, it is no part of each one
            let (ta, s) = if first && !is_multi && !inner_feature {
                (i, toks[i].start + plen)
            } else {
                (j, name_s)
            };
            out.push(Raw {
                ta,
                tb,
                s,
                e: self.tok_end(tb),
                feature: Some(kind),
                cands,
                region,
                near: false,
                prefix: if first { prefix.clone() } else { "و".into() },
                needs_ctx: false,
            });
            next = tb;
            first = false;
            members += 1;
            if !is_multi || members == 2 && !is_plural(fw) {
                break;
            }
            // "بلدتي المزيريب واليادودة", "قرى X، Y وZ"
            let mut k = tb;
            if self
                .doc
                .tokens
                .get(k)
                .is_some_and(|t| t.kind == TokenKind::Punct && &self.f[t.start..t.end] == ",")
            {
                k += 1;
            }
            match self.word(k) {
                Some(nw) if nw.starts_with('و') && nw.chars().count() >= 3 => j = k,
                Some(_) if k > tb => j = k,
                _ => break,
            }
        }
        if next == i + 1 && out.last().is_none_or(|r| r.ta != i) {
            return i + 1;
        }
        next
    }
}

/// Strip a leading "و" from a later member of a "بلدتي X وY" list when its name is unknown.
pub(super) fn fix_list_member(doc: &Document, r: &mut Raw) {
    if r.cands.is_empty() && r.feature.is_some() {
        let f = doc.folded();
        if f[r.s..].starts_with('و') && r.prefix == "و" && r.s == doc.tokens[r.ta].start {
            r.s += 'و'.len_utf8();
        }
    }
}
