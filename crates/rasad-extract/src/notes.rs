//! English notes in the style of ACLED ("On 28 February 2024, …") and an overall
//! confidence, both derived from the event's fields so they never disagree with them.

use rasad_model::Event;

fn side(a: &Option<rasad_model::Actor>, unknown: &str) -> String {
    a.as_ref().map(|a| a.name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| unknown.to_string())
}

fn when(date: &Option<String>) -> String {
    let Some(d) = date else { return "On an unreported date".into() };
    const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    let parts: Vec<&str> = d.split('-').collect();
    let month = |m: &str| m.parse::<usize>().ok().and_then(|m| MONTHS.get(m.wrapping_sub(1))).copied().unwrap_or("?");
    match parts.as_slice() {
        [y, m, day] => format!("On {} {} {}", day.trim_start_matches('0'), month(m), y),
        [y, m] => format!("In {} {}", month(m), y),
        [y] => format!("In {y}"),
        _ => format!("On {d}"),
    }
}

/// One English sentence summarising the event.
pub fn note(e: &Event) -> String {
    let a1 = side(&e.actor1, "unidentified actors");
    let a2 = side(&e.actor2, "unidentified targets");
    let action = match e.sub_event_type.as_str() {
        "Armed clash" => format!("{a1} clashed with {a2}"),
        "Air/drone strike" => format!("{a1} carried out an air/drone strike on {a2}"),
        "Shelling/artillery/missile attack" => format!("{a1} shelled {a2}"),
        "Remote explosive/landmine/IED" => format!("an explosive device planted by {a1} detonated against {a2}"),
        "Suicide bomb" => format!("a suicide bomber of {a1} detonated explosives against {a2}"),
        "Grenade" => format!("{a1} threw a grenade at {a2}"),
        "Chemical weapon" => format!("{a1} used chemical weapons against {a2}"),
        "Attack" => format!("{a1} attacked {a2}"),
        "Abduction/forced disappearance" => format!("{a1} abducted {a2}"),
        "Sexual violence" => format!("{a1} committed sexual violence against {a2}"),
        "Arrests" => format!("{a1} arrested {a2}"),
        "Peaceful protest" => format!("{a1} held a peaceful protest"),
        "Protest with intervention" => format!("{a1} protested and were dispersed by {a2}"),
        "Excessive force against protesters" => format!("{a2} used excessive force against {a1}"),
        "Violent demonstration" => format!("{a1} rioted"),
        "Mob violence" => format!("a mob of {a1} attacked {a2}"),
        "Disrupted weapons use" => format!("{a1} intercepted or seized weapons of {a2}"),
        "Agreement" => format!("{a1} and {a2} reached an agreement"),
        "Government regains territory" => format!("{a1} regained territory from {a2}"),
        "Non-state actor overtakes territory" => format!("{a1} took control of territory from {a2}"),
        "Headquarters or base established" => format!("{a1} established a base or position"),
        "Looting/property destruction" => format!("{a1} destroyed or looted property of {a2}"),
        other => format!("{a1} and {a2}: {other}"),
    };
    let place = match &e.location {
        Some(l) => {
            let name = l.name.clone().unwrap_or_else(|| l.name_ar.clone());
            let region: Vec<&str> = [l.admin1.as_deref().or(e.admin1.as_deref()), l.country.as_deref().or(e.country.as_deref())].into_iter().flatten().collect();
            if region.is_empty() { format!(" in {name}") } else { format!(" in {name} ({})", region.join(", ")) }
        }
        None => match (&e.admin1, &e.country) {
            (Some(a), Some(c)) => format!(" in {a} ({c})"),
            (None, Some(c)) => format!(" in {c}"),
            _ => String::new(),
        },
    };
    let weapons = if e.weapons.is_empty() { String::new() } else { format!(" using {}", e.weapons.join(", ")) };
    let toll = match (e.fatalities, e.injuries) {
        (Some(0), Some(i)) if i > 0 => format!("; no fatalities, {i} injured"),
        (Some(0), _) => "; no fatalities reported".into(),
        (Some(f), Some(i)) => format!("; {f} killed, {i} injured"),
        (Some(f), None) => format!("; {f} killed"),
        (None, _) => "; fatalities unknown".into(),
    };
    let mut s = format!("{}, {action}{weapons}{place}{toll}.", when(&e.date));
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
    }
}
