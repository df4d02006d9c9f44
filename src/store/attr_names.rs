//! An imported event's attribute names, kept once per set (schema 17): the event keeps its
//! values as a JSON array and names the set (`events.attr_names`); `debrief_attrs`, an SQL
//! function registered on every connection, gives the object back where SQL reads it (the
//! view `events_v`, the full-text index's source and triggers).

use super::Result;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension, Transaction};
use std::collections::HashMap;

/// Registers `debrief_attrs(names, attrs)` on the connection: `attrs` as stored when
/// `names` is NULL (an object, or empty), otherwise the object the names and the array of
/// values make, the same text [`super::rows::attrs_to_text`] writes. Deterministic, so the
/// full-text index deletes exactly the words it was given.
pub fn register(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        "debrief_attrs",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let stored: String = ctx.get::<Option<String>>(1)?.unwrap_or_default();
            Ok(match ctx.get::<Option<String>>(0)? {
                Some(names) => expand(&names, &stored).unwrap_or(stored),
                None => stored,
            })
        },
    )?;
    Ok(())
}

/// The attributes' object text from a set's names and an event's values.
pub(crate) fn expand(names: &str, values: &str) -> Option<String> {
    pairs(names, values).map(|pairs| super::rows::attrs_to_text(&pairs))
}

/// The attributes from a set's names and an event's values, both JSON arrays of strings;
/// `None` when either is not one or their lengths differ.
pub(crate) fn pairs(names: &str, values: &str) -> Option<Vec<(String, String)>> {
    let names: Vec<String> = serde_json::from_str(names).ok()?;
    let values: Vec<String> = serde_json::from_str(values).ok()?;
    (names.len() == values.len()).then(|| names.into_iter().zip(values).collect())
}

/// The sets of names one import has met, by their numbers: each row's names are compared
/// with the previous row's first (the rows of one file mostly share them).
pub(super) struct AttrSets {
    last: Option<(Vec<String>, i64)>,
    known: HashMap<Vec<String>, i64>,
}

/// An import that meets more sets than this (JSON lines whose keys vary from row to row)
/// keeps the rest of its rows' attributes as objects, so the table of sets stays small.
const MOST_SETS: usize = 256;

impl AttrSets {
    pub(super) fn new() -> Self {
        AttrSets {
            last: None,
            known: HashMap::new(),
        }
    }

    /// The text to keep in `events.attrs` and the set it names (`events.attr_names`):
    /// the values and their set's number, or the object and `None` when there is no set
    /// for them (no attributes, a name twice, too many sets).
    pub(super) fn store(
        &mut self,
        tx: &Transaction<'_>,
        attrs: &[(String, String)],
    ) -> Result<(String, Option<i64>)> {
        let object = || (super::rows::attrs_to_text(attrs), None);
        if attrs.is_empty() {
            return Ok(object());
        }
        let num = match &self.last {
            Some((names, num)) if same_names(names, attrs) => *num,
            _ => {
                let names: Vec<String> = attrs.iter().map(|(k, _)| k.clone()).collect();
                let num = match self.known.get(&names) {
                    Some(num) => *num,
                    None if self.known.len() >= MOST_SETS || !distinct(&names) => {
                        return Ok(object());
                    }
                    None => {
                        let num = set_number(tx, &names)?;
                        self.known.insert(names.clone(), num);
                        num
                    }
                };
                self.last = Some((names, num));
                num
            }
        };
        Ok((values_text(attrs), Some(num)))
    }
}

fn same_names(names: &[String], attrs: &[(String, String)]) -> bool {
    names.len() == attrs.len() && names.iter().zip(attrs).all(|(n, (k, _))| n == k)
}

fn distinct(names: &[String]) -> bool {
    names
        .iter()
        .enumerate()
        .all(|(i, n)| names[..i].iter().all(|o| o != n))
}

/// The number of this set of names, kept the first time it is met.
fn set_number(tx: &Transaction<'_>, names: &[String]) -> Result<i64> {
    let text = serde_json::to_string(names).unwrap_or_default();
    let found: Option<i64> = tx
        .query_row(
            "SELECT num FROM attr_names WHERE names = ?1",
            [&text],
            |r| r.get(0),
        )
        .optional()?;
    match found {
        Some(num) => Ok(num),
        None => {
            tx.execute("INSERT INTO attr_names (names) VALUES (?1)", [&text])?;
            Ok(tx.last_insert_rowid())
        }
    }
}

/// The values alone, as a JSON array in the attributes' order.
fn values_text(attrs: &[(String, String)]) -> String {
    let values: Vec<&str> = attrs.iter().map(|(_, v)| v.as_str()).collect();
    // Serialising strings cannot fail.
    serde_json::to_string(&values).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn values_and_names_give_back_the_object_text() {
        let attrs = pairs(&[("host", "ws-1"), ("note", "a \"quoted\", odd\u{1b} value")]);
        let names = serde_json::to_string(&["host", "note"]).unwrap();
        let expanded = expand(&names, &values_text(&attrs)).unwrap();
        assert_eq!(expanded, super::super::rows::attrs_to_text(&attrs));
        assert_eq!(super::super::rows::attrs_from_text(&expanded), attrs);
        assert_eq!(expand(&names, "[\"one\"]"), None, "lengths differ");
        assert_eq!(expand(&names, "{}"), None, "not an array");
    }

    #[test]
    fn sets_are_kept_once_and_odd_rows_stay_objects() {
        let mut conn = super::super::open::open_memory().unwrap();
        let tx = conn.transaction().unwrap();
        let mut sets = AttrSets::new();
        let a = pairs(&[("host", "ws-1"), ("user", "ana")]);
        let b = pairs(&[("host", "ws-2"), ("user", "bo")]);
        let c = pairs(&[("user", "cy")]);
        let (text_a, set_a) = sets.store(&tx, &a).unwrap();
        let (_, set_b) = sets.store(&tx, &b).unwrap();
        let (_, set_c) = sets.store(&tx, &c).unwrap();
        assert_eq!(text_a, r#"["ws-1","ana"]"#);
        assert_eq!(set_a, set_b);
        assert_ne!(set_a, set_c);
        let twice = pairs(&[("host", "a"), ("host", "b")]);
        assert_eq!(sets.store(&tx, &twice).unwrap().1, None);
        assert_eq!(sets.store(&tx, &[]).unwrap(), (String::new(), None));
        // Another import finds the same set by its names.
        assert_eq!(AttrSets::new().store(&tx, &b).unwrap().1, set_a);
        let kept: i64 = tx
            .query_row("SELECT count(*) FROM attr_names", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, 2);
    }
}
