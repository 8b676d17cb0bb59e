//! English notes in the style of ACLED ("On 28 February 2024, …") and an overall
//! confidence, both derived from the event's fields so they never disagree with them.

use rasad_model::Event;

fn side<'a>(a: &'a Option<rasad_model::Actor>, unknown: &'a str) -> &'a str {
    a.as_ref().map(|a| a.name.as_str()).filter(|n| !n.is_empty()).unwrap_or(unknown)
}

const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// "On 28 February 2024", "In February 2024", "In 2024".
fn when(out: &mut String, date: &Option<String>) {
    let Some(d) = date else {
        out.push_str("On an unreported date");
        return;
    };
    let month = |m: &str| m.parse::<usize>().ok().and_then(|m| MONTHS.get(m.wrapping_sub(1))).copied().unwrap_or("?");
    let mut parts = d.split('-');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(day), None) => {
            for p in ["On ", day.trim_start_matches('0'), " ", month(m), " ", y] {
                out.push_str(p);
            }
        }
        (Some(y), Some(m), None, None) => {
            for p in ["In ", month(m), " ", y] {
                out.push_str(p);
            }
        }
        (Some(y), None, None, None) => {
            out.push_str("In ");
            out.push_str(y);
        }
        _ => {
            out.push_str("On ");
            out.push_str(d);
        }
    }
}

/// What the sides did, by sub-event type: `{a1}` and `{a2}` stand for their names.
fn action_template(sub_event_type: &str) -> &'static str {
    match sub_event_type {
        "Armed clash" => "{a1} clashed with {a2}",
        "Air/drone strike" => "{a1} carried out an air/drone strike on {a2}",
        "Shelling/artillery/missile attack" => "{a1} shelled {a2}",
        "Remote explosive/landmine/IED" => "an explosive device planted by {a1} detonated against {a2}",
        "Suicide bomb" => "a suicide bomber of {a1} detonated explosives against {a2}",
        "Grenade" => "{a1} threw a grenade at {a2}",
        "Chemical weapon" => "{a1} used chemical weapons against {a2}",
        "Attack" => "{a1} attacked {a2}",
        "Abduction/forced disappearance" => "{a1} abducted {a2}",
        "Sexual violence" => "{a1} committed sexual violence against {a2}",
        "Arrests" => "{a1} arrested {a2}",
        "Peaceful protest" => "{a1} held a peaceful protest",
        "Protest with intervention" => "{a1} protested and were dispersed by {a2}",
        "Excessive force against protesters" => "{a2} used excessive force against {a1}",
        "Violent demonstration" => "{a1} rioted",
        "Mob violence" => "a mob of {a1} attacked {a2}",
        "Disrupted weapons use" => "{a1} intercepted or seized weapons of {a2}",
        "Agreement" => "{a1} and {a2} reached an agreement",
        "Government regains territory" => "{a1} regained territory from {a2}",
        "Non-state actor overtakes territory" => "{a1} took control of territory from {a2}",
        "Headquarters or base established" => "{a1} established a base or position",
        "Looting/property destruction" => "{a1} destroyed or looted property of {a2}",
        _ => "{a1} and {a2}: ",
    }
}

/// Appends `template` with `{a1}` and `{a2}` replaced.
fn fill(out: &mut String, template: &str, a1: &str, a2: &str) {
    let mut rest = template;
    while let Some(k) = rest.find('{') {
        out.push_str(&rest[..k]);
        let r = &rest[k..];
        if let Some(r) = r.strip_prefix("{a1}") {
            out.push_str(a1);
            rest = r;
        } else if let Some(r) = r.strip_prefix("{a2}") {
            out.push_str(a2);
            rest = r;
        } else {
            out.push('{');
            rest = &r[1..];
        }
    }
    out.push_str(rest);
}

fn number(out: &mut String, n: u32) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// One English sentence summarising the event. Written with plain string pushes: a
/// note per event, and `format!`'s machinery was most of the cost of this stage.
pub fn note(e: &Event) -> String {
    let mut s = String::with_capacity(160);
    when(&mut s, &e.date);
    s.push_str(", ");
    let a1 = side(&e.actor1, "unidentified actors");
    let a2 = side(&e.actor2, "unidentified targets");
    let template = action_template(&e.sub_event_type);
    fill(&mut s, template, a1, a2);
    if template.ends_with(": ") {
        s.push_str(&e.sub_event_type);
    }
    if !e.weapons.is_empty() {
        s.push_str(" using ");
        for (k, w) in e.weapons.iter().enumerate() {
            if k > 0 {
                s.push_str(", ");
            }
            s.push_str(w);
        }
    }
    let region = |s: &mut String, first: Option<&str>, second: Option<&str>| {
        let parts = [first, second];
        let mut parts = parts.iter().flatten().peekable();
        if parts.peek().is_some() {
            s.push_str(" (");
            for (k, p) in parts.enumerate() {
                if k > 0 {
                    s.push_str(", ");
                }
                s.push_str(p);
            }
            s.push(')');
        }
    };
    match &e.location {
        Some(l) => {
            s.push_str(" in ");
            s.push_str(l.name.as_deref().unwrap_or(&l.name_ar));
            region(&mut s, l.admin1.as_deref().or(e.admin1.as_deref()), l.country.as_deref().or(e.country.as_deref()));
        }
        None => match (&e.admin1, &e.country) {
            (Some(a), Some(c)) => {
                s.push_str(" in ");
                s.push_str(a);
                region(&mut s, Some(c), None);
            }
            (None, Some(c)) => {
                s.push_str(" in ");
                s.push_str(c);
            }
            _ => {}
        },
    }
    match (e.fatalities, e.injuries) {
        (Some(0), Some(i)) if i > 0 => {
            s.push_str("; no fatalities, ");
            number(&mut s, i);
            s.push_str(" injured");
        }
        (Some(0), _) => s.push_str("; no fatalities reported"),
        (Some(f), Some(i)) => {
            s.push_str("; ");
            number(&mut s, f);
            s.push_str(" killed, ");
            number(&mut s, i);
            s.push_str(" injured");
        }
        (Some(f), None) => {
            s.push_str("; ");
            number(&mut s, f);
            s.push_str(" killed");
        }
        (None, _) => s.push_str("; fatalities unknown"),
    }
    s.push('.');
    if e.status == rasad_model::Status::Background {
        s.push_str(" (Recalled as background.)");
    }
    s
}

/// Overall confidence: the mean of the field confidences, lowered when the sides or
/// the place are missing.
pub fn confidence(e: &Event) -> f32 {
    let f = &e.field_confidence;
    let mean = (f.sub_event_type + f.date + f.location + f.actor1 + f.actor2 + f.fatalities + f.status) / 7.0;
    (mean * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_reads_like_acled() {
        let e = Event {
            sub_event_type: "Shelling/artillery/missile attack".into(),
            date: Some("2024-02-28".into()),
            actor1: Some(rasad_model::Actor { name: "Islamic Resistance in Iraq".into(), ..Default::default() }),
            actor2: Some(rasad_model::Actor { name: "International Coalition".into(), ..Default::default() }),
            location: Some(rasad_model::Location { name_ar: "حقل العمر".into(), name: Some("Al-Omar oil field".into()), admin1: Some("Deir ez-Zor".into()), country: Some("Syria".into()), ..Default::default() }),
            weapons: vec!["missiles".into()],
            ..Default::default()
        };
        assert_eq!(
            note(&e),
            "On 28 February 2024, Islamic Resistance in Iraq shelled International Coalition using missiles in Al-Omar oil field (Deir ez-Zor, Syria); fatalities unknown."
        );
        let e = Event {
            sub_event_type: "Change to group/activity".into(),
            date: Some("2024-02".into()),
            admin1: Some("Aleppo".into()),
            country: Some("Syria".into()),
            fatalities: Some(0),
            injuries: Some(3),
            status: rasad_model::Status::Background,
            ..Default::default()
        };
        assert_eq!(
            note(&e),
            "In February 2024, unidentified actors and unidentified targets: Change to group/activity in Aleppo (Syria); no fatalities, 3 injured. (Recalled as background.)"
        );
        let e = Event { sub_event_type: "Attack".into(), country: Some("Iraq".into()), fatalities: Some(2), injuries: Some(5), ..Default::default() };
        assert_eq!(note(&e), "On an unreported date, unidentified actors attacked unidentified targets in Iraq; 2 killed, 5 injured.");
    }
}
