//! The response evaluation: a checklist of areas (detection, containment, ...), each rated
//! for sufficiency (was what we did good enough?) and completeness (did we do all of it?).

use super::string_enum;
use serde::Deserialize;

string_enum!(
    /// How well one area of the response went, on one of the two scales.
    Rating, "rating" {
        Met = "met" / "met",
        Partly = "partly" / "partly met",
        NotMet = "not-met" / "not met",
        NotApplicable = "n/a" / "not applicable",
    }
);

impl Rating {
    /// The next rating when cycling with one key: unrated → met → partly → not met → n/a →
    /// unrated.
    pub fn cycle(current: Option<Rating>) -> Option<Rating> {
        match current {
            None => Some(Rating::Met),
            Some(Rating::Met) => Some(Rating::Partly),
            Some(Rating::Partly) => Some(Rating::NotMet),
            Some(Rating::NotMet) => Some(Rating::NotApplicable),
            Some(Rating::NotApplicable) => None,
        }
    }
}

/// Parses a typed rating; `-` or an empty text clears it.
pub fn parse_rating(text: &str) -> super::Checked<Option<Rating>> {
    match text.trim() {
        "" | "-" | "none" | "unrated" => Ok(None),
        "na" | "n.a." | "n-a" => Ok(Some(Rating::NotApplicable)),
        t => t.parse().map(Some),
    }
}

/// One area of an incident's evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationItem {
    pub id: String,
    pub incident_id: String,
    /// Order in the checklist, from 1.
    pub position: i64,
    pub area: String,
    pub question: String,
    pub sufficiency: Option<Rating>,
    pub completeness: Option<Rating>,
    pub note: String,
    /// Ids of the findings this area's rating rests on, in the order they were linked.
    pub findings: Vec<String>,
    /// Bumped by every change, so an edit made from a stale copy is refused.
    pub version: i64,
}

impl EvaluationItem {
    pub fn is_rated(&self) -> bool {
        self.sufficiency.is_some() && self.completeness.is_some()
    }
}

/// An area of the default checklist.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistArea {
    pub name: String,
    pub question: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChecklistFile {
    area: Vec<ChecklistArea>,
}

const DEFAULT_CHECKLIST: &str = include_str!("../../assets/evaluation/checklist.toml");

/// Reads a checklist file's text; `file` names it in errors.
pub fn parse_checklist(text: &str, file: &str) -> Result<Vec<ChecklistArea>, String> {
    let parsed: ChecklistFile = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    for (i, a) in parsed.area.iter().enumerate() {
        if a.name.trim().is_empty() {
            return Err(format!("{file}: area {} has an empty name", i + 1));
        }
    }
    if parsed.area.is_empty() {
        return Err(format!("{file}: the checklist has no [[area]]"));
    }
    Ok(parsed.area)
}

/// The checklist shipped in assets/evaluation/checklist.toml.
pub fn default_checklist() -> Vec<ChecklistArea> {
    parse_checklist(DEFAULT_CHECKLIST, "assets/evaluation/checklist.toml")
        .expect("the shipped checklist is valid (tested)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_checklist_covers_the_areas_of_a_response() {
        let names: Vec<String> = default_checklist().into_iter().map(|a| a.name).collect();
        assert_eq!(names.len(), 9);
        for wanted in [
            "Detection",
            "Triage and escalation",
            "Containment",
            "Eradication",
            "Recovery",
            "Internal communication",
            "Customer and regulator notification",
            "Evidence handling",
            "Coordination with other groups and outside organizations",
        ] {
            assert!(names.iter().any(|n| n == wanted), "{wanted} missing");
        }
    }

    #[test]
    fn ratings_cycle_through_every_value_and_back_to_unrated() {
        let mut r = None;
        let mut seen = vec![];
        for _ in 0..5 {
            r = Rating::cycle(r);
            seen.push(r);
        }
        assert_eq!(
            seen,
            [
                Some(Rating::Met),
                Some(Rating::Partly),
                Some(Rating::NotMet),
                Some(Rating::NotApplicable),
                None
            ]
        );
    }

    #[test]
    fn typed_ratings() {
        assert_eq!(parse_rating("met"), Ok(Some(Rating::Met)));
        assert_eq!(parse_rating("not met"), Ok(Some(Rating::NotMet)));
        assert_eq!(parse_rating("na"), Ok(Some(Rating::NotApplicable)));
        assert_eq!(parse_rating("n/a"), Ok(Some(Rating::NotApplicable)));
        assert_eq!(parse_rating("-"), Ok(None));
        assert!(
            parse_rating("great")
                .unwrap_err()
                .reason
                .contains("one of: met, partly")
        );
    }

    #[test]
    fn a_bad_checklist_names_the_file() {
        let e = parse_checklist("[[area]]\nname = ''\nquestion = 'q'\n", "x.toml").unwrap_err();
        assert_eq!(e, "x.toml: area 1 has an empty name");
        assert!(
            parse_checklist("nonsense", "x.toml")
                .unwrap_err()
                .starts_with("x.toml")
        );
    }
}
