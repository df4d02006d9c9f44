//! The postmortem's vocabulary: pure types and the rules they keep.
//! No terminal and no database here, so every rule can be tested on its own.

pub mod action;
pub mod actor;
pub mod attack;
pub mod capture;
pub mod evaluation;
pub mod event;
pub mod evidence;
pub mod finding;
pub mod history;
pub mod imported;
pub mod incident;
pub mod invalid;
pub mod json;
pub mod metrics;
pub mod owner;
pub mod seed;
pub mod time;

pub use action::{Action, ActionKind, ActionStatus, NewAction, Priority, Review, SopChange};
pub use actor::{Actor, ActorKind, Attribution};
pub use evaluation::{EvaluationItem, Rating};
pub use event::{Event, KeyEventKind, NewEvent, Phase};
pub use evidence::{Evidence, EvidenceKind, VerifyState};
pub use finding::{Finding, LapseKind, NewFinding};
pub use history::Change;
pub use incident::{Incident, IncidentPatch, NewIncident, Severity, Status};
pub use invalid::{Checked, Invalid};
pub use owner::{Owner, OwnerKind};
pub use time::{Precision, TimeContext, TimeError, Timestamp, parse_time, parse_zone, show_utc};

/// A closed set of names kept as kebab-case text in the database, the CLI and JSON.
/// Generates `ALL`, `as_str`, `label`, `Display`, `FromStr` (with an error listing the
/// accepted names) and serde in one place, so the spelling can never drift between them.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $text:literal / $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and typed name, e.g. `initial-access`.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The name for people, e.g. `initial access`.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::Invalid;
            fn from_str(s: &str) -> Result<Self, $crate::domain::Invalid> {
                let wanted = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(&wanted))
                    .ok_or_else(|| {
                        let names: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        let reason =
                            format!("unknown {} {:?} (one of: {})", $what, s, names.join(", "));
                        $crate::domain::Invalid::new($what, reason)
                    })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_enum;

/// A new random, time-ordered id (UUID v7) for anything that may leave the database.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Trims a required text field, refusing one that is empty.
pub fn required(field: &str, value: &str) -> Checked<String> {
    let v = value.trim();
    if v.is_empty() {
        Err(Invalid::new(
            field.to_string(),
            format!("{field} must not be empty"),
        ))
    } else {
        Ok(v.to_string())
    }
}

/// Trims an optional text field; blank means absent.
pub fn optional(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}
