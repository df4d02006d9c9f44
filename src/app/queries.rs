//! Filters as the analyst types them: `words @actor #tag !phase` over the timeline, with
//! double quotes around names that hold spaces.

use crate::domain::Phase;
use crate::store::EventFilter;

/// The words of a filter; double quotes keep spaces, so `@"M. Ruiz"` is one word.
pub fn filter_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `words @actor #tag !phase` into a filter on the incident.
pub fn parse_filter(incident_id: &str, text: &str) -> std::result::Result<EventFilter, String> {
    let mut f = EventFilter::incident(incident_id);
    let mut words: Vec<String> = Vec::new();
    for word in filter_words(text) {
        let word = word.as_str();
        if let Some(a) = word.strip_prefix('@').filter(|a| !a.is_empty()) {
            f.actor = Some(a.to_string());
        } else if let Some(t) = word.strip_prefix('#').filter(|t| !t.is_empty()) {
            f.tag = Some(t.to_lowercase());
        } else if let Some(p) = word.strip_prefix('!').filter(|p| !p.is_empty()) {
            f.phase = Some(p.parse::<Phase>()?);
        } else {
            words.push(word.to_string());
        }
    }
    if !words.is_empty() {
        f.search = Some(words.join(" "));
    }
    Ok(f)
}
