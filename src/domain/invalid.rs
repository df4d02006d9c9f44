//! A value that breaks the rules: which field, and why. Every validation in the domain
//! returns this, so the store, the CLI and the workbench can say which field to fix
//! (and a form can put the reason under it) without parsing a message.

use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Invalid {
    /// The field, column or flag the value was given in (`title`, `zone`, `--due`).
    pub field: Cow<'static, str>,
    /// What is wrong, worded for the person who typed it; names the field itself where
    /// it reads better ("title must not be empty").
    pub reason: String,
}

impl Invalid {
    pub fn new(field: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Invalid {
        Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Where a message is all that is wanted (a status line, an error chain).
impl From<Invalid> for String {
    fn from(e: Invalid) -> String {
        e.reason
    }
}

/// A result whose error is a broken rule.
pub type Checked<T> = Result<T, Invalid>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewEvent, NewIncident, Severity, parse_zone};

    #[test]
    fn each_rule_names_its_field() {
        let cases: Vec<(Invalid, &str)> = vec![
            (NewIncident::new("IR 1", "t").unwrap_err(), "key"),
            (NewIncident::new("IR-1", " ").unwrap_err(), "title"),
            ("urgent".parse::<Severity>().unwrap_err(), "severity"),
            (parse_zone("Mars/Olympus").unwrap_err(), "zone"),
            (
                crate::domain::action::parse_date("2026-13-01").unwrap_err(),
                "date",
            ),
            (
                crate::domain::event::validate_technique_id("X99").unwrap_err(),
                "technique",
            ),
            (
                crate::domain::event::normalize_tag("two words").unwrap_err(),
                "tag",
            ),
        ];
        for (e, field) in cases {
            assert_eq!(e.field, field, "{e}");
            assert!(!e.reason.is_empty());
            assert_eq!(e.to_string(), e.reason, "the message is the reason alone");
        }
        let at = crate::domain::Timestamp::utc(chrono::Utc::now());
        assert_eq!(NewEvent::new(at, "").unwrap_err().field, "text");
    }
}
