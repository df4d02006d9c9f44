//! Closed lists on the command line: each value is read by the domain's own `FromStr`
//! (same names, same leniency, same message), and clap is told the names so `--help` and
//! the shell completions list them.

use crate::domain::{
    ActionKind, ActionStatus, ActorKind, LapseKind, Phase, Priority, Severity, Status,
};
use crate::io::export::ExportFormat;
use crate::io::import::ImportFormat;
use crate::io::template::ReportFormat;
use clap::builder::{PossibleValue, TypedValueParser};
use std::marker::PhantomData;

/// A type with a closed list of names.
pub trait ClosedSet: std::str::FromStr + Clone + Send + Sync + 'static {
    fn names() -> Vec<&'static str>;
}

macro_rules! string_enums {
    ($($t:ty),+) => {$(
        impl ClosedSet for $t {
            fn names() -> Vec<&'static str> {
                <$t>::ALL.iter().map(|v| v.as_str()).collect()
            }
        }
    )+};
}
string_enums!(
    ActionKind,
    ActionStatus,
    ActorKind,
    LapseKind,
    Phase,
    Priority,
    Severity,
    Status
);

macro_rules! listed_formats {
    ($($t:ty),+) => {$(
        impl ClosedSet for $t {
            fn names() -> Vec<&'static str> {
                <$t>::NAMES.split(", ").collect()
            }
        }
    )+};
}
listed_formats!(ExportFormat, ImportFormat, ReportFormat);

/// The value parser of a closed list (see the module's note).
#[derive(Clone)]
pub struct Closed<T>(PhantomData<T>);

pub fn closed<T: ClosedSet>() -> Closed<T> {
    Closed(PhantomData)
}

impl<T: ClosedSet> TypedValueParser for Closed<T>
where
    T::Err: std::fmt::Display,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        super::parse::<T>.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(T::names().into_iter().map(PossibleValue::new)))
    }
}
