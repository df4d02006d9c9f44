//! What the analyst's config folder says, read once when the workbench starts: the
//! evaluation checklist, the report templates and how soon an action counts as not
//! reviewed. Screens read these instead of the disk, and tests start from the shipped
//! defaults, whatever the developer's own config folder holds.

use crate::domain::evaluation::ChecklistArea;
use crate::io::report::TemplateSource;
use crate::io::template::ReportFormat;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Open actions not reviewed for this many days stand out (config `review_days`).
    pub review_days: i64,
    /// The checklist a new evaluation starts from, or why it could not be read.
    pub checklist: Result<Vec<ChecklistArea>, String>,
    /// The Markdown and HTML report templates (`None`: the shipped one), or why not.
    pub markdown: Result<Option<TemplateSource>, String>,
    pub html: Result<Option<TemplateSource>, String>,
}

impl Settings {
    /// What ships with debrief: no config folder consulted.
    pub fn builtin() -> Settings {
        Settings {
            review_days: crate::config::DEFAULT_REVIEW_DAYS,
            checklist: Ok(crate::domain::evaluation::default_checklist()),
            markdown: Ok(TemplateSource::builtin(ReportFormat::Markdown)),
            html: Ok(TemplateSource::builtin(ReportFormat::Html)),
        }
    }

    /// The analyst's settings from the config folder, over the shipped ones.
    pub fn load(review_days: i64) -> Settings {
        let template = |f| crate::config::report_template(f, None).map_err(|e| format!("{e:#}"));
        Settings {
            review_days,
            checklist: crate::config::evaluation_checklist().map_err(|e| format!("{e:#}")),
            markdown: template(ReportFormat::Markdown),
            html: template(ReportFormat::Html),
        }
    }

    /// The template for a report format (JSON has none).
    pub fn template(&self, format: ReportFormat) -> Result<Option<&TemplateSource>, String> {
        let chosen = match format {
            ReportFormat::Markdown => &self.markdown,
            ReportFormat::Html => &self.html,
            ReportFormat::Json => return Ok(None),
        };
        chosen.as_ref().map(Option::as_ref).map_err(Clone::clone)
    }
}
