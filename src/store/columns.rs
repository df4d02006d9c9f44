//! What an export needs beside the events themselves: the names of the attributes the
//! incident's events carry, found without reading the events whole.

use super::{Result, Store};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

impl Store {
    /// Every attribute name of the incident's events, in the order first met in time
    /// order (within an event, in its attributes' order). Reads only the attributes
    /// column and parses only its keys.
    pub fn attribute_names(&self, incident_id: &str) -> Result<Vec<String>> {
        // An imported event names its set of names (schema 17): each set is read once.
        let mut stmt = self.conn.prepare(
            "SELECT attr_names, CASE WHEN attr_names IS NULL THEN attrs_stored END
             FROM events_v WHERE incident_id = ?1 AND attrs_stored <> ''
             ORDER BY at_us, seq",
        )?;
        let mut set_names = self
            .conn
            .prepare("SELECT names FROM attr_names WHERE num = ?1")?;
        let mut rows = stmt.query([incident_id])?;
        let mut names: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut sets_read = std::collections::HashSet::new();
        while let Some(r) = rows.next()? {
            if let Some(set) = r.get::<_, Option<i64>>(0)? {
                if sets_read.insert(set) {
                    let text: String = set_names.query_row([set], |r| r.get(0))?;
                    let listed: Vec<String> = serde_json::from_str(&text).unwrap_or_default();
                    for name in listed {
                        if seen.insert(name.clone()) {
                            names.push(name);
                        }
                    }
                }
                continue;
            }
            let text = r.get_ref(1)?.as_str().unwrap_or_default();
            let mut de = serde_json::Deserializer::from_str(text);
            // Stored attributes are always an object; anything else names nothing.
            let _ = de.deserialize_map(Keys {
                names: &mut names,
                seen: &mut seen,
            });
        }
        Ok(names)
    }
}

/// Collects the keys of one JSON object not seen before, skipping the values.
struct Keys<'a> {
    names: &'a mut Vec<String>,
    seen: &'a mut std::collections::HashSet<String>,
}

impl<'de> Visitor<'de> for Keys<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object of attributes")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            map.next_value::<IgnoredAny>()?;
            if !self.seen.contains(key.as_ref()) {
                self.seen.insert(key.to_string());
                self.names.push(key.into_owned());
            }
        }
        Ok(())
    }
}
