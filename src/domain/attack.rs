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
pub fn require_known(id: &str) -> Result<&'static Technique, String> {
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
    fn unknown_ids_get_a_suggestion() {
        let e = require_known("T1078.999").unwrap_err();
        assert!(
            e.contains("T1078.999") && e.contains("did you mean T1078 "),
            "{e}"
        );
    }
}
