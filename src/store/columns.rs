//! What an export needs beside the events themselves: the names of the attributes the
//! incident's events carry, found without reading the events whole.

use super::{Result, Store};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

impl Store {
    /// Every attribute name of the incident's events, in the order first met in time
    /// order (within an event, in its attributes' order). Reads only the attributes
    /// column and parses only its keys.
    pub fn attribute_names(&self, incident_id: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT attrs FROM events_v WHERE incident_id = ?1 AND attrs <> ''
             ORDER BY at_us, seq",
        )?;
        let mut rows = stmt.query([incident_id])?;
        let mut names: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while let Some(r) = rows.next()? {
            let text = r.get_ref(0)?.as_str().unwrap_or_default();
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
