//! People and groups that own follow-up work, shared across incidents.

use super::string_enum;

string_enum!(
    OwnerKind, "owner kind" {
        Person = "person" / "person",
        Group = "group" / "group",
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct Owner {
    pub id: String,
    pub name: String,
    pub kind: OwnerKind,
    pub contact: String,
}

/// A contact as typed: one line, trimmed, at most 200 characters; empty clears it.
pub fn validate_contact(contact: &str) -> super::Checked<String> {
    let c = contact.trim();
    if c.chars().any(char::is_control) {
        return Err(super::Invalid::new(
            "contact",
            "the contact must be one line without control characters".to_string(),
        ));
    }
    if c.chars().count() > 200 {
        return Err(super::Invalid::new(
            "contact",
            "the contact is longer than 200 characters".to_string(),
        ));
    }
    Ok(c.to_string())
}

/// The e-mail address in a contact (`J. Alonso <j.alonso@example.org>` or the bare
/// address), if it holds one.
pub fn contact_email(contact: &str) -> Option<&str> {
    let c = contact.trim();
    let inner = match (c.rfind('<'), c.rfind('>')) {
        (Some(a), Some(b)) if a < b => &c[a + 1..b],
        _ => c,
    };
    let inner = inner.trim().trim_start_matches("mailto:");
    let (user, host) = inner.split_once('@')?;
    (!user.is_empty()
        && host.contains('.')
        && !inner.contains(char::is_whitespace)
        && !host.starts_with('.')
        && !host.ends_with('.'))
    .then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_found_in_a_contact() {
        assert_eq!(
            contact_email("j.alonso@example.org"),
            Some("j.alonso@example.org")
        );
        assert_eq!(
            contact_email("J. Alonso <j.alonso@example.org>"),
            Some("j.alonso@example.org")
        );
        assert_eq!(contact_email("mailto:a@b.example"), Some("a@b.example"));
        assert_eq!(contact_email("#network-team on Slack"), None);
        assert_eq!(contact_email("a@localhost"), None);
        assert!(validate_contact("two\nlines").is_err());
        assert_eq!(validate_contact("  x@y.example ").unwrap(), "x@y.example");
    }
}
