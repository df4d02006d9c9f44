//! Writing a report: the template chosen, the timeline streamed into it from the
//! database a page at a time, and the output written as it is made.

use super::*;

/// A report template's text and where it came from (named in errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSource {
    pub source: String,
    pub origin: String,
}

impl TemplateSource {
    /// The template shipped in assets/report/ (`None` for JSON).
    pub fn builtin(format: ReportFormat) -> Option<TemplateSource> {
        format.builtin_template().map(|t| TemplateSource {
            source: t.to_string(),
            origin: format!("assets/report/{}", format.template_file_name()),
        })
    }
}

/// The report of `incident` in `format`, as of the store's clock, as one string (the
/// Report view, tests). [`write_report`] writes it without holding it.
pub fn render_report(
    store: &Store,
    incident: &Incident,
    format: ReportFormat,
    options: impl Into<ReportOptions>,
    template: Option<&TemplateSource>,
) -> Result<String, String> {
    let mut out = Vec::new();
    write_report(store, incident, format, options, template, &mut out)?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Writes the report of `incident` in `format` to `out`, as of the store's clock. JSON is
/// the data itself; Markdown and HTML go through `template` (the shipped one when `None`)
/// with the timeline streamed into it: its events are read a page at a time as the
/// template loops over them (from a second connection to the database file), so a
/// report of a million events needs no more memory than one of a hundred.
pub fn write_report(
    store: &Store,
    incident: &Incident,
    format: ReportFormat,
    options: impl Into<ReportOptions>,
    template: Option<&TemplateSource>,
    out: &mut dyn std::io::Write,
) -> Result<(), String> {
    let options = options.into();
    let now = store.now();
    if format == ReportFormat::Json {
        let data = report_data_in(store, incident, now, options.zone).map_err(|e| e.to_string())?;
        serde_json::to_writer_pretty(&mut *out, &data).map_err(|e| e.to_string())?;
        return out.write_all(b"\n").map_err(|e| e.to_string());
    }
    let builtin = TemplateSource::builtin(format);
    let template = template
        .or(builtin.as_ref())
        .ok_or("no template for this format")?;
    let data = collect(store, incident, now, options.zone, false).map_err(|e| e.to_string())?;
    let mut context = template_context(&data, options.scope);
    context["defang"] = json!(options.defang);
    let count = data["timeline_counts"][match options.scope {
        TimelineScope::Full => "full",
        TimelineScope::Key => "key",
    }]
    .as_u64()
    .unwrap_or(0) as usize;
    let shown = options.limit.map_or(count, |l| l.min(count));
    let failed = std::sync::Arc::new(std::sync::Mutex::new(None));
    let stream = EventStream::new(store, incident, &options, shown, failed.clone())
        .map_err(|e| e.to_string())?;
    let mut values: BTreeMap<String, minijinja::Value> = context
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != "timeline")
        .map(|(k, v)| (k.clone(), minijinja::Value::from_serialize(v)))
        .collect();
    let timeline: BTreeMap<&str, minijinja::Value> = [
        (
            "scope",
            minijinja::Value::from(context["timeline"]["scope"].as_str().unwrap_or("full")),
        ),
        ("count", minijinja::Value::from(shown)),
        ("omitted", minijinja::Value::from(count - shown)),
        ("events", minijinja::Value::make_one_shot_iterator(stream)),
    ]
    .into_iter()
    .collect();
    values.insert("timeline".into(), minijinja::Value::from(timeline));
    render_to(
        format,
        &template.source,
        &template.origin,
        minijinja::Value::from(values),
        out,
    )?;
    match failed.lock().map(|mut f| f.take()) {
        Ok(Some(e)) => Err(format!("cannot read the timeline: {e}")),
        _ => Ok(()),
    }
}

/// The timeline's events for a template, read page by page as it loops over them: from
/// a second connection to the database file, or (an in-memory database, which no second
/// connection can reach) from the events read up front. A read error ends the loop and
/// is kept in `failed` for [`write_report`] to report.
struct EventStream {
    state: std::sync::Mutex<StreamState>,
}

struct StreamState {
    source: EventSource,
    buffer: std::collections::VecDeque<Event>,
    filter: EventFilter,
    after: Option<store::PageCursor>,
    done: bool,
    zone: Tz,
    beside: bool,
    scope: TimelineScope,
    left: usize,
    failed: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

enum EventSource {
    Store(Box<Store>),
    Read(std::vec::IntoIter<Event>),
}

impl EventStream {
    fn new(
        store: &Store,
        incident: &Incident,
        options: &ReportOptions,
        left: usize,
        failed: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    ) -> store::Result<EventStream> {
        let filter = EventFilter::incident(&incident.id);
        let source = match store.path() {
            Some(path) => EventSource::Store(Box::new(Store::open(&path, store.analyst())?)),
            None => {
                let mut events = Vec::new();
                store.for_each_event(&filter, |e| {
                    if in_scope(e, options.scope) && events.len() < left {
                        events.push(e.clone());
                    }
                    Ok(())
                })?;
                EventSource::Read(events.into_iter())
            }
        };
        let zone = options.zone.tz(incident);
        Ok(EventStream {
            state: std::sync::Mutex::new(StreamState {
                source,
                buffer: Default::default(),
                filter,
                after: None,
                done: false,
                zone,
                beside: zone != Tz::UTC,
                scope: options.scope,
                left,
                failed,
            }),
        })
    }
}

impl StreamState {
    fn next_event(&mut self) -> Option<Event> {
        loop {
            if let Some(e) = self.buffer.pop_front() {
                return Some(e);
            }
            match &mut self.source {
                EventSource::Read(events) => return events.next(),
                EventSource::Store(_) if self.done => return None,
                EventSource::Store(store) => {
                    match store.events_page(&self.filter, self.after.take(), 1000) {
                        Ok(page) => {
                            self.buffer.extend(page.events);
                            self.after = page.next;
                            self.done = self.after.is_none();
                        }
                        Err(e) => {
                            if let Ok(mut f) = self.failed.lock() {
                                *f = Some(e.to_string());
                            }
                            self.done = true;
                            self.buffer.clear();
                            return None;
                        }
                    }
                }
            }
        }
    }
}

impl Iterator for EventStream {
    type Item = minijinja::Value;

    fn next(&mut self) -> Option<minijinja::Value> {
        let s = self.state.get_mut().ok()?;
        while s.left > 0 {
            let e = s.next_event()?;
            if in_scope(&e, s.scope) {
                s.left -= 1;
                return Some(minijinja::Value::from_serialize(event_json(
                    &e, s.zone, s.beside,
                )));
            }
        }
        None
    }
}
