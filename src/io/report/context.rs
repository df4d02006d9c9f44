//! What a report template reads: the report's data grouped for reading (the executive
//! summary, findings by kind, one actions table) and the pictures drawn from it.

use super::*;

/// The report data with what the templates need beside it: findings grouped by kind,
/// actions by owner, SOP changes, actors by attribution, and references resolved to the
/// events, findings and evidence they name.
pub fn template_context(data: &Value, scope: TimelineScope) -> Value {
    let by_id = |list: &str| -> BTreeMap<String, Value> {
        data[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| Some((v["id"].as_str()?.to_string(), v.clone())))
            .collect()
    };
    let events = if data["events"].is_array() {
        by_id("events")
    } else {
        by_id("finding_events")
    };
    let findings = by_id("findings");
    let evidence = by_id("evidence");
    let resolve = |refs: &Value, table: &BTreeMap<String, Value>| -> Value {
        Value::Array(
            refs.as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| table.get(r.as_str()?).cloned())
                .collect(),
        )
    };
    let list = |k: &str| data[k].as_array().cloned().unwrap_or_default();

    let timeline: Vec<Value> = list("events")
        .into_iter()
        .filter(|e| {
            scope == TimelineScope::Full
                || !e["key_event"].is_null()
                || e["lapses"].as_array().is_some_and(|l| !l.is_empty())
        })
        .collect();
    let count = timeline.len();

    let by_kind: Vec<Value> = LapseKind::ALL
        .iter()
        .map(|k| {
            let of_kind: Vec<Value> = list("findings")
                .into_iter()
                .filter(|f| f["kind"] == k.as_str())
                .map(|mut f| {
                    f["events"] = resolve(&f["events"], &events);
                    f["evidence"] = resolve(&f["evidence"], &evidence);
                    f
                })
                .collect();
            json!({"kind": k.as_str(), "label": k.label(), "findings": of_kind})
        })
        .collect();

    let evaluation: Vec<Value> = list("evaluation")
        .into_iter()
        .map(|mut i| {
            i["findings"] = resolve(&i["findings"], &findings);
            i
        })
        .collect();

    // One actions table grouped by owner (unowned last, as `actions_json` sorts them).
    let mut actions_table = Vec::new();
    let mut sop_changes = Vec::new();
    let mut by_group: Vec<(String, Vec<Value>)> = Vec::new();
    let mut previous_owner: Option<String> = None;
    for mut a in list("actions") {
        a["findings"] = resolve(&a["findings"], &findings);
        for s in a["sop_changes"].as_array().into_iter().flatten() {
            let mut s = s.clone();
            s["action"] = a["title"].clone();
            sop_changes.push(s);
        }
        let owner = a["owner"].as_str().unwrap_or("(no owner)").to_string();
        a["owner_name"] = json!(owner);
        a["first_of_owner"] = json!(previous_owner.as_deref() != Some(owner.as_str()));
        previous_owner = Some(owner);
        if let Some(group) = a["group"].as_str().filter(|g| !g.trim().is_empty()) {
            match by_group.iter_mut().find(|(g, _)| g == group) {
                Some((_, actions)) => actions.push(a.clone()),
                None => by_group.push((group.to_string(), vec![a.clone()])),
            }
        }
        actions_table.push(a);
    }
    by_group.sort_by_key(|(g, _)| g.to_lowercase());
    let actions_by_group: Vec<Value> = by_group
        .into_iter()
        .map(|(group, actions)| json!({"group": group, "actions": actions}))
        .collect();
    let mut owners: Vec<(String, Vec<Value>)> = Vec::new();
    for a in &actions_table {
        let owner = a["owner_name"].as_str().unwrap_or_default().to_string();
        match owners.last_mut() {
            Some((name, actions)) if *name == owner => actions.push(a.clone()),
            _ => owners.push((owner, vec![a.clone()])),
        }
    }
    let by_owner: Vec<Value> = owners
        .iter()
        .map(|(owner, actions)| json!({"owner": owner, "actions": actions}))
        .collect();
    let actions_by_status: Vec<Value> = ActionStatus::ALL
        .iter()
        .filter_map(|st| {
            let n = actions_table
                .iter()
                .filter(|a| a["status"] == st.as_str())
                .count();
            (n > 0).then(|| json!({"status": st.as_str(), "label": st.label(), "count": n}))
        })
        .collect();
    let overdue: Vec<Value> = actions_table
        .iter()
        .filter(|a| a["overdue"] == true)
        .cloned()
        .collect();

    let actors = list("actors");
    let with = |attribution: &str| -> Vec<Value> {
        actors
            .iter()
            .filter(|a| a["attribution"] == attribution)
            .cloned()
            .collect()
    };

    let mut ctx = data.clone();
    ctx["timeline"] = json!({
        "scope": if scope == TimelineScope::Full { "full" } else { "key" },
        "events": timeline,
        "count": count,
        "omitted": 0,
    });
    ctx["findings_by_kind"] = json!(by_kind);
    ctx["evaluation"] = json!(evaluation);
    ctx["actions_by_owner"] = json!(by_owner);
    ctx["actions_table"] = json!(actions_table);
    ctx["actions_by_group"] = json!(actions_by_group);
    ctx["actions_by_status"] = json!(actions_by_status);
    ctx["overdue_actions"] = json!(overdue);
    ctx["sop_changes"] = json!(sop_changes);
    ctx["actors_known"] = json!(with("known"));
    ctx["actors_suspected"] = json!(with("suspected"));
    ctx["takeaways"] = json!(
        data["incident"]["takeaways"]
            .as_str()
            .unwrap_or_default()
            .lines()
            .map(|l| l.trim().trim_start_matches(['-', '*']).trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
    );
    ctx["summary_lead"] = json!(lead(
        data["incident"]["summary"].as_str().unwrap_or_default(),
        3
    ));
    ctx["findings_count"] = json!(list("findings").len());
    // Which evidence supports which findings, by name, for the appendix.
    let mut evidence_list = list("evidence");
    for v in &mut evidence_list {
        let supports: Vec<Value> = list("findings")
            .iter()
            .filter(|f| {
                f["evidence"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|id| *id == v["id"]))
            })
            .map(|f| f["title"].clone())
            .collect();
        v["supports"] = json!(supports);
    }
    ctx["evidence"] = json!(evidence_list);
    ctx["charts"] = charts(data, &by_kind, &evaluation, &owners);
    ctx
}

/// The first `n` sentences of `text` (its first paragraphs), for the executive summary.
/// A sentence ends at `.`, `!` or `?` followed by a space and a capital or a digit, but
/// not after an initial (`M. Ruiz`).
pub fn lead(text: &str, n: usize) -> String {
    let text = text.trim();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found = 0;
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let after = chars.get(k + 1).map(|p| p.1);
        let next = chars.get(k + 2).map(|p| p.1);
        let ends = match after {
            None => true,
            Some('\n') => true,
            Some(' ') => next.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()),
            _ => false,
        };
        let initial =
            k >= 1 && chars[k - 1].1.is_uppercase() && (k < 2 || !chars[k - 2].1.is_alphanumeric());
        if ends && !initial {
            found += 1;
            if found == n {
                return text[..i + c.len_utf8()].trim().to_string();
            }
        }
    }
    text.to_string()
}

/// The specs of the four pictures (drawn by `io::charts`): the timeline strip, findings by
/// lapse kind, the evaluation grid and action status by owner.
fn charts(
    data: &Value,
    by_kind: &[Value],
    evaluation: &[Value],
    owners: &[(String, Vec<Value>)],
) -> Value {
    let zone = data["times"]["zone"].as_str().unwrap_or("UTC");
    let keys = data["key_events"].as_array().cloned().unwrap_or_default();
    let key = |kind: &str| keys.iter().find(|k| k["kind"] == kind);
    let spans: Vec<Value> = data["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["name"] != "total duration")
        .map(|m| {
            let from = key(m["from"].as_str().unwrap_or_default());
            let to = key(m["to"].as_str().unwrap_or_default());
            let name = m["name"].as_str().unwrap_or_default();
            let label = match name {
                "time to detect" => "Detect",
                "time to contain" => "Contain",
                "time to recover" => "Recover",
                other => other,
            };
            let measured = m["text"].is_string();
            json!({
                "label": label,
                "text": if measured { m["text"].clone() } else { json!(format!("not measured: {}", m["missing"].as_str().unwrap_or_default())) },
                "from_ms": if measured { from.map(|k| k["at_ms"].clone()) } else { None },
                "to_ms": if measured { to.map(|k| k["at_ms"].clone()) } else { None },
                "from_naive": if measured { from.map(|k| k["at_naive"].clone()) } else { None },
                "to_naive": if measured { to.map(|k| k["at_naive"].clone()) } else { None },
            })
        })
        .collect();
    let marks: Vec<Value> = keys
        .iter()
        .map(|k| {
            let mut label = k["label"].as_str().unwrap_or_default().to_string();
            if let Some(c) = label.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            json!({"label": label, "at_ms": k["at_ms"], "at_text": k["at_text"], "at_naive": k["at_naive"]})
        })
        .collect();
    // The strip runs from the first to the last key event (the whole timeline when there
    // are fewer than two), so precursors days earlier do not squeeze the spans.
    let extent = &data["extent"];
    let first = keys.iter().min_by_key(|k| k["at_ms"].as_i64());
    let last = keys.iter().max_by_key(|k| k["at_ms"].as_i64());
    let (start_ms, end_ms, start_text, end_text) = match (first, last) {
        (Some(a), Some(b)) if a["at_ms"] != b["at_ms"] => {
            (&a["at_ms"], &b["at_ms"], &a["at_text"], &b["at_text"])
        }
        _ => (
            &extent["first_ms"],
            &extent["last_ms"],
            &extent["first_text"],
            &extent["last_text"],
        ),
    };
    let strip = json!({
        "kind": "strip",
        "title": format!("Timeline strip: key events and the detect, contain and recover spans (times in {zone})"),
        "start_ms": start_ms,
        "end_ms": end_ms,
        "start_text": start_text,
        "end_text": end_text,
        "spans": spans,
        "marks": marks,
    });
    let findings = json!({
        "kind": "bars",
        "title": "Findings by lapse kind",
        "bars": by_kind.iter().map(|k| {
            let mut label = k["label"].as_str().unwrap_or_default().to_string();
            if let Some(c) = label.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            json!({"label": label, "value": k["findings"].as_array().map_or(0, Vec::len)})
        }).collect::<Vec<_>>(),
    });
    let grid = json!({
        "kind": "grid",
        "title": "Response evaluation: met, partly met or not met per area",
        "columns": ["Sufficiency", "Completeness"],
        "rows": evaluation.iter().map(|e| json!({
            "label": e["area"],
            "cells": [e["sufficiency"], e["completeness"]],
        })).collect::<Vec<_>>(),
    });
    let series: Vec<Value> = ActionStatus::ALL
        .iter()
        .map(|s| json!({"key": s.as_str(), "label": s.label()}))
        .collect();
    let rows: Vec<Value> = owners
        .iter()
        .map(|(owner, list)| {
            let values: Vec<usize> = ActionStatus::ALL
                .iter()
                .map(|s| list.iter().filter(|a| a["status"] == s.as_str()).count())
                .collect();
            let overdue = list.iter().filter(|a| a["overdue"] == true).count();
            let mut text: Vec<String> = ActionStatus::ALL
                .iter()
                .zip(&values)
                .filter(|(_, n)| **n > 0)
                .map(|(s, n)| format!("{n} {}", s.label()))
                .collect();
            if overdue > 0 {
                text.push(format!("{overdue} overdue"));
            }
            json!({"label": owner, "values": values, "overdue": overdue, "text": text.join(", ")})
        })
        .collect();
    let stacked = json!({
        "kind": "stacked",
        "title": "Action status by owner (overdue marked)",
        "series": series,
        "rows": rows,
    });
    json!({"timeline": strip, "findings": findings, "evaluation": grid, "actions": stacked})
}
