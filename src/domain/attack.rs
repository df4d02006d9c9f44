//! The MITRE ATT&CK Enterprise technique catalogue shipped in assets/attack/.

use std::collections::BTreeMap;
use std::sync::OnceLock;

const CATALOGUE_CSV: &str =
    include_str!("../../assets/attack/attack-enterprise-techniques-v18.1.csv");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Technique {
    pub id: &'static str,
    pub name: &'static str,
    /// Tactics as ATT&CK spells them, e.g. `initial-access`.
    pub tactics: Vec<&'static str>,
}

/// Every technique and sub-technique by id.
pub fn catalogue() -> &'static BTreeMap<&'static str, Technique> {
    static CATALOGUE: OnceLock<BTreeMap<&'static str, Technique>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        // The file has no quoted fields: id,name,tactics(;),is_subtechnique,url.
        CATALOGUE_CSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut fields = line.split(',');
                let id = fields.next()?;
                let name = fields.next()?;
                let tactics = fields
                    .next()?
                    .split(';')
                    .filter(|t| !t.is_empty())
                    .collect();
                Some((id, Technique { id, name, tactics }))
            })
            .collect()
    })
}

pub fn technique(id: &str) -> Option<&'static Technique> {
    catalogue().get(id)
}

/// Checks that an id (already in the `T1234[.001]` shape) is in the catalogue; when it is
/// not, says so and suggests the parent technique or the closest id.
pub fn require_known(id: &str) -> super::Checked<&'static Technique> {
    known_rule(id).map_err(|reason| super::Invalid::new("technique", reason))
}

fn known_rule(id: &str) -> Result<&'static Technique, String> {
    if let Some(t) = technique(id) {
        return Ok(t);
    }
    let parent = id.split('.').next().unwrap_or(id);
    let hint = technique(parent)
        .or_else(|| catalogue().range(id..).next().map(|(_, t)| t))
        .map(|t| format!("; did you mean {} ({})?", t.id, t.name))
        .unwrap_or_default();
    Err(format!(
        "technique {id} is not in the ATT&CK v18.1 catalogue{hint}"
    ))
}

/// Techniques whose id or name matches `typed` fuzzily, best first: an id prefix wins,
/// then the matcher's score over "id name".
pub fn search(typed: &str, limit: usize) -> Vec<&'static Technique> {
    use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
    let typed = typed.trim();
    if typed.is_empty() {
        return Vec::new();
    }
    let upper = typed.to_ascii_uppercase();
    let mut found: Vec<&'static Technique> = catalogue()
        .values()
        .filter(|t| t.id.starts_with(&upper))
        .take(limit)
        .collect();
    if found.len() < limit {
        let labels: Vec<(String, &'static Technique)> = catalogue()
            .values()
            .map(|t| (format!("{} {}", t.id, t.name), t))
            .collect();
        let mut matcher = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
        let pattern = Pattern::parse(typed, CaseMatching::Ignore, Normalization::Smart);
        let scored = pattern.match_list(labels.iter().map(|(l, _)| l.as_str()), &mut matcher);
        for (label, _) in scored {
            if found.len() >= limit {
                break;
            }
            let technique = labels
                .iter()
                .find(|(l, _)| l.as_str() == label)
                .map(|(_, t)| *t);
            if let Some(t) = technique.filter(|t| !found.contains(t)) {
                found.push(t);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_loaded_whole() {
        assert!(catalogue().len() > 600, "{}", catalogue().len());
        let t = technique("T1078.004").unwrap();
        assert_eq!(t.name, "Cloud Accounts");
        assert!(t.tactics.contains(&"initial-access"));
    }

    #[test]
    fn search_by_id_or_fuzzy_name() {
        assert_eq!(search("t1078.00", 5)[0].id, "T1078.001");
        let by_name: Vec<&str> = search("cloud accou", 5).iter().map(|t| t.id).collect();
        assert!(by_name.contains(&"T1078.004"), "{by_name:?}");
        let typo: Vec<&str> = search("spearphish link", 5).iter().map(|t| t.id).collect();
        assert!(typo.contains(&"T1566.002"), "{typo:?}");
        assert!(search("", 5).is_empty());
    }

    #[test]
    fn unknown_ids_get_a_suggestion() {
        let e = require_known("T1078.999").unwrap_err();
        assert_eq!(e.field, "technique");
        assert!(
            e.reason.contains("T1078.999") && e.reason.contains("did you mean T1078 "),
            "{e}"
        );
    }
}
