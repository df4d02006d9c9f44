//! The screens of the workbench. The one list of them: the key map, its config sections
//! and the help overlay all take their names from here.

/// A screen of the workbench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "lowercase")]
pub enum View {
    Welcome,
    Incidents,
    Overview,
    Timeline,
    Findings,
    Evidence,
    Backlog,
    Owners,
    Evaluation,
    Report,
}

impl View {
    /// Every screen, in the order the README and the key table list them.
    pub const ALL: [View; 10] = [
        View::Welcome,
        View::Incidents,
        View::Overview,
        View::Timeline,
        View::Findings,
        View::Evidence,
        View::Backlog,
        View::Owners,
        View::Evaluation,
        View::Report,
    ];

    /// The screen's name in config.toml (`[keys.timeline]`) and in the help overlay.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The screen a config section names (`timeline`), if any.
    pub fn from_name(name: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn all_lists_every_screen_once_in_declaration_order() {
        assert!(
            View::iter().eq(View::ALL),
            "View::ALL misses or repeats a screen"
        );
    }

    #[test]
    fn names_are_the_config_section_names() {
        let names: Vec<&str> = View::ALL.iter().map(|v| v.name()).collect();
        assert_eq!(
            names,
            [
                "welcome",
                "incidents",
                "overview",
                "timeline",
                "findings",
                "evidence",
                "backlog",
                "owners",
                "evaluation",
                "report"
            ]
        );
        for v in View::ALL {
            assert_eq!(View::from_name(v.name()), Some(v));
        }
        assert_eq!(View::from_name("global"), None);
    }
}
