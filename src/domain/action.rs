//! The improvement backlog: actions, their reviews, and the SOP changes they bring.

use super::string_enum;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

string_enum!(
    ActionKind, "action kind" {
        Bug = "bug" / "bug",
        ChangeRequest = "change-request" / "change request",
        ServiceInvestment = "service-investment" / "service investment",
        ProcessChange = "process-change" / "process change",
        SopUpdate = "sop-update" / "SOP update",
        Documentation = "documentation" / "documentation",
        Training = "training" / "training",
    }
);

string_enum!(
    /// proposed → accepted → in progress → resolved → verified, or rejected (with a reason).
    ActionStatus, "status" {
        Proposed = "proposed" / "proposed",
        Accepted = "accepted" / "accepted",
        InProgress = "in-progress" / "in progress",
        Resolved = "resolved" / "resolved",
        Verified = "verified" / "verified",
        Rejected = "rejected" / "rejected",
    }
);

impl ActionStatus {
    /// Still needs work (and reviews).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ActionStatus::Proposed | ActionStatus::Accepted | ActionStatus::InProgress
        )
    }
}

string_enum!(
    Priority, "priority" {
        P0 = "P0" / "P0 (drop everything)",
        P1 = "P1" / "P1 (this sprint)",
        P2 = "P2" / "P2 (this quarter)",
        P3 = "P3" / "P3 (when possible)",
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub id: String,
    pub incident_id: String,
    /// The incident's key, for lists across incidents.
    pub incident_key: String,
    pub kind: ActionKind,
    pub title: String,
    pub description: String,
    /// The person who owns it.
    pub owner: Option<String>,
    /// The team that owns it.
    pub group: Option<String>,
    pub priority: Priority,
    pub due: Option<NaiveDate>,
    pub status: ActionStatus,
    pub reject_reason: String,
    /// An external ticket: `SEC-1234` or a URL.
    pub ticket: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub last_review: Option<DateTime<Utc>>,
    pub version: i64,
}

impl Action {
    /// Open and past its due date (due today is not yet overdue).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.is_open() && self.due.is_some_and(|d| d < today)
    }

    /// Open and not reviewed (or, never reviewed, not created) in the last `days` days.
    pub fn is_stale(&self, today: NaiveDate, days: i64) -> bool {
        let last = self.last_review.unwrap_or(self.created).date_naive();
        self.status.is_open() && (today - last).num_days() > days
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAction {
    pub kind: ActionKind,
    pub title: String,
    pub description: String,
    pub owner: Option<String>,
    pub group: Option<String>,
    pub priority: Priority,
    pub due: Option<NaiveDate>,
    pub ticket: String,
}

impl NewAction {
    pub fn new(kind: ActionKind, title: &str) -> super::Checked<Self> {
        Ok(NewAction {
            kind,
            title: super::required("title", title)?,
            description: String::new(),
            owner: None,
            group: None,
            priority: Priority::P2,
            due: None,
            ticket: String::new(),
        })
    }
}

/// One review of an action: when, by whom, the note and what it changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub id: String,
    pub action_id: String,
    pub at: DateTime<Utc>,
    pub by: String,
    pub note: String,
    pub status_before: ActionStatus,
    pub status_after: ActionStatus,
    /// Other changes made in the review, for the record ("owner: a → b; due: … → …").
    pub changes: String,
}

/// Which standard operating procedure an action changed, and when it was incorporated.
#[derive(Debug, Clone, PartialEq)]
pub struct SopChange {
    pub id: String,
    pub action_id: String,
    pub document: String,
    pub section: String,
    pub incorporated: Option<NaiveDate>,
}

/// An SOP change as typed in the workbench: `document, section[, YYYY-MM-DD]` (the date
/// it was incorporated; the section may be left out).
pub fn parse_sop_line(text: &str) -> super::Checked<(String, String, Option<NaiveDate>)> {
    let mut parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let incorporated = match parts.last() {
        Some(last) if parts.len() > 1 && NaiveDate::parse_from_str(last, "%Y-%m-%d").is_ok() => {
            let d = parse_date(last)?;
            parts.pop();
            Some(d)
        }
        _ => None,
    };
    let document = parts.first().copied().unwrap_or_default().to_string();
    if document.is_empty() {
        let reason = "name the document: e.g. IR playbook, 4.2 Vendor access, 2026-04-01";
        return Err(super::Invalid::new("document", reason));
    }
    let section = parts.get(1..).map(|p| p.join(", ")).unwrap_or_default();
    Ok((document, section, incorporated))
}

/// Reads a date: `YYYY-MM-DD`, years 1 to 9999 (so a week or a year on from it never
/// runs off the calendar: `+262142-12-31` is refused, not an overflow later).
pub fn parse_date(text: &str) -> super::Checked<NaiveDate> {
    let t = text.trim();
    let four_digit_year = t.len() == 10 && t.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .filter(|d| four_digit_year && d.year() >= 1)
        .ok_or_else(|| {
            let reason =
                format!("cannot read date {text:?}: expected YYYY-MM-DD (years 0001 to 9999)");
            super::Invalid::new("date", reason)
        })
}

/// The order of a review walk: overdue first, then by priority, then by due date (none last).
pub fn walk_order(actions: &mut [Action], today: NaiveDate) {
    actions.sort_by_key(|a| {
        (
            !a.is_overdue(today),
            a.priority,
            a.due.is_none(),
            a.due,
            a.created,
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn action(status: ActionStatus, due: Option<&str>, reviewed: Option<&str>) -> Action {
        let at =
            |d: &str| Utc.from_utc_datetime(&parse_date(d).unwrap().and_hms_opt(12, 0, 0).unwrap());
        Action {
            id: "a".into(),
            incident_id: "i".into(),
            incident_key: "IR-1".into(),
            kind: ActionKind::Bug,
            title: "t".into(),
            description: String::new(),
            owner: None,
            group: None,
            priority: Priority::P2,
            due: due.map(|d| parse_date(d).unwrap()),
            status,
            reject_reason: String::new(),
            ticket: String::new(),
            created: at("2026-01-01"),
            updated: at("2026-01-01"),
            last_review: reviewed.map(at),
            version: 1,
        }
    }

    #[test]
    fn overdue_means_open_and_past_due() {
        let today = parse_date("2026-04-10").unwrap();
        for far in [
            "+262142-12-31",
            "262142-12-31",
            "-0001-01-01",
            "0000-01-01",
            "99999-01-01",
        ] {
            assert!(
                parse_date(far).unwrap_err().reason.contains("0001 to 9999"),
                "{far}"
            );
        }
        assert!(parse_date("9999-12-31").is_ok() && parse_date(" 0001-01-01 ").is_ok());
        assert!(action(ActionStatus::Accepted, Some("2026-04-09"), None).is_overdue(today));
        assert!(
            !action(ActionStatus::Accepted, Some("2026-04-10"), None).is_overdue(today),
            "due today"
        );
        assert!(
            !action(ActionStatus::Resolved, Some("2026-04-01"), None).is_overdue(today),
            "resolved"
        );
        assert!(
            !action(ActionStatus::Rejected, Some("2026-04-01"), None).is_overdue(today),
            "rejected"
        );
        assert!(
            !action(ActionStatus::Proposed, None, None).is_overdue(today),
            "no due date"
        );
    }

    #[test]
    fn stale_means_open_and_not_reviewed_for_n_days() {
        let today = parse_date("2026-04-30").unwrap();
        assert!(action(ActionStatus::InProgress, None, Some("2026-04-01")).is_stale(today, 14));
        assert!(
            !action(ActionStatus::InProgress, None, Some("2026-04-16")).is_stale(today, 14),
            "14 days is fine"
        );
        assert!(
            action(ActionStatus::InProgress, None, None).is_stale(today, 14),
            "never reviewed, old"
        );
        assert!(
            !action(ActionStatus::Verified, None, None).is_stale(today, 14),
            "done"
        );
    }

    #[test]
    fn the_walk_takes_overdue_first_then_priority_then_due() {
        let today = parse_date("2026-04-10").unwrap();
        let mut a = vec![
            {
                let mut x = action(ActionStatus::Accepted, Some("2026-05-01"), None);
                x.id = "p0-later".into();
                x.priority = Priority::P0;
                x
            },
            {
                let mut x = action(ActionStatus::Accepted, Some("2026-04-01"), None);
                x.id = "overdue-p3".into();
                x.priority = Priority::P3;
                x
            },
            {
                let mut x = action(ActionStatus::Accepted, None, None);
                x.id = "p0-no-due".into();
                x.priority = Priority::P0;
                x
            },
            {
                let mut x = action(ActionStatus::Accepted, Some("2026-04-20"), None);
                x.id = "p0-sooner".into();
                x.priority = Priority::P0;
                x
            },
        ];
        walk_order(&mut a, today);
        let ids: Vec<&str> = a.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["overdue-p3", "p0-sooner", "p0-later", "p0-no-due"]);
    }

    #[test]
    fn priorities_read_either_case() {
        assert_eq!("p1".parse::<Priority>().unwrap(), Priority::P1);
        assert_eq!("P3".parse::<Priority>().unwrap(), Priority::P3);
        assert!("P4".parse::<Priority>().is_err());
    }
}
