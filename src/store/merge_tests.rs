//! The three-way rules as a table of cases, and a property test of random edits.

use super::*;
use proptest::prelude::*;

const INC: &str = "01900000-0000-7000-8000-000000000001";

fn bundle(title: &str, tags: &str, events: &[&str], links: &[(&str, &str)]) -> Value {
    let events: Vec<Value> = events
        .iter()
        .map(|id| {
            json!({"id": id, "incident_id": INC, "at_us": id.len() as i64, "text": "e",
                   "tags": tags, "version": 1, "updated_us": 1})
        })
        .collect();
    let links: Vec<Value> = links
        .iter()
        .map(|(f, e)| json!({"finding_id": f, "event_id": e}))
        .collect();
    json!({"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "tables": {
        "incidents": [{"id": INC, "key": "IR-1", "title": title, "version": 1, "updated_us": 1}],
        "events": events,
        "finding_events": links,
    }})
}

fn title(b: &Value) -> &str {
    b["tables"]["incidents"][0]["title"].as_str().unwrap()
}
fn tags(b: &Value) -> &str {
    b["tables"]["events"][0]["tags"].as_str().unwrap()
}
fn ids(b: &Value, table: &str, col: &str) -> Vec<String> {
    b["tables"][table]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[col].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_scalar_field_follows_the_three_way_rules() {
    // (base, ours, theirs, merged, conflict)
    let cases = [
        ("a", "a", "a", "a", false), // unchanged
        ("a", "b", "a", "b", false), // changed ours only
        ("a", "a", "b", "b", false), // changed theirs only
        ("a", "b", "b", "b", false), // both to the same value
        ("a", "b", "c", "b", true),  // both, differently: ours held, conflict listed
    ];
    for (b, o, t, want, conflict) in cases {
        let m = merge_bundles(
            &bundle(b, "", &[], &[]),
            &bundle(o, "", &[], &[]),
            &bundle(t, "", &[], &[]),
        )
        .unwrap();
        assert_eq!(title(&m.bundle), want, "{b} {o} {t}");
        assert_eq!(!m.conflicts.is_empty(), conflict, "{b} {o} {t}");
        if conflict {
            let c = &m.conflicts[0];
            assert_eq!((c.table.as_str(), c.field.as_str()), ("incidents", "title"));
            assert_eq!(
                (c.base.clone(), c.ours.clone(), c.theirs.clone()),
                (json!(b), json!(o), json!(t))
            );
            assert_eq!(m.bundle["conflicts"][0]["field"], "title");
        } else {
            assert!(m.bundle.get("conflicts").is_none());
        }
    }
}

#[test]
fn tags_merge_as_a_set() {
    // (base, ours, theirs, merged)
    let cases = [
        ("x", "x", "x", "x"),
        ("x", "x y", "x", "x y"),     // added ours
        ("x", "x", "x z", "x z"),     // added theirs
        ("x", "x y", "x z", "x y z"), // added on both sides
        ("x y", "y", "x y z", "y z"), // removed ours, added theirs
        ("x y", "x", "y", ""),        // each side removed one
        ("x", "x y", "x y", "x y"),   // the same word added on both
    ];
    for (b, o, t, want) in cases {
        let e = ["e1"];
        let m = merge_bundles(
            &bundle("T", b, &e, &[]),
            &bundle("T", o, &e, &[]),
            &bundle("T", t, &e, &[]),
        )
        .unwrap();
        assert_eq!(tags(&m.bundle), want, "{b}|{o}|{t}");
        assert!(m.conflicts.is_empty());
    }
}

type Case = (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

fn link<'a>(ids: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    ids.iter().map(|e| ("f1", *e)).collect()
}

#[test]
fn records_and_links_are_added_and_deleted_by_side() {
    // (base, ours, theirs, merged) event ids
    let cases: [Case; 6] = [
        (&["a"], &["a", "b"], &["a"], &["a", "b"]), // added ours
        (&["a"], &["a"], &["a", "c"], &["a", "c"]), // added theirs
        (&["a"], &["a", "b"], &["a", "c"], &["a", "b", "c"]), // added both
        (&["a", "b"], &["a"], &["a", "b"], &["a"]), // deleted ours, unchanged theirs
        (&["a", "b"], &["a", "b"], &["a"], &["a"]), // deleted theirs
        (&["a", "b"], &["a"], &["b"], &[]),         // each deleted one
    ];
    for (b, o, t, want) in cases {
        let m = merge_bundles(
            &bundle("T", "", b, &link(b)),
            &bundle("T", "", o, &link(o)),
            &bundle("T", "", t, &link(t)),
        )
        .unwrap();
        assert_eq!(ids(&m.bundle, "events", "id"), want, "{b:?} {o:?} {t:?}");
        assert_eq!(ids(&m.bundle, "finding_events", "event_id"), want);
        assert!(m.conflicts.is_empty());
    }
}

#[test]
fn deleted_on_one_side_and_changed_on_the_other_is_a_conflict() {
    let base = bundle("T", "", &["a"], &[]);
    let ours = bundle("T", "", &[], &[]);
    let theirs = bundle("T", "x", &["a"], &[]);
    let m = merge_bundles(&base, &ours, &theirs).unwrap();
    assert_eq!(m.conflicts.len(), 1);
    assert_eq!(m.conflicts[0].field, RECORD);
    assert_eq!(m.conflicts[0].ours, Value::Null);
    // The changed row is held until resolved; taking ours deletes it.
    assert_eq!(ids(&m.bundle, "events", "id"), ["a"]);
    let r = resolve(&m.bundle, |_| Some(Side::Ours)).unwrap();
    assert!(r.conflicts.is_empty() && r.bundle.get("conflicts").is_none());
    assert!(ids(&r.bundle, "events", "id").is_empty());
}

#[test]
fn resolving_takes_the_chosen_side_and_leaves_the_rest_listed() {
    let m = merge_bundles(
        &bundle("a", "", &[], &[]),
        &bundle("b", "", &[], &[]),
        &bundle("c", "", &[], &[]),
    )
    .unwrap();
    let r = resolve(&m.bundle, |_| None).unwrap();
    assert_eq!(r.conflicts.len(), 1);
    let r = resolve(&m.bundle, |_| Some(Side::Theirs)).unwrap();
    assert_eq!(title(&r.bundle), "c");
    assert!(r.bundle.get("conflicts").is_none());
}

#[test]
fn a_bundle_with_conflicts_does_not_merge_again() {
    let m = merge_bundles(
        &bundle("a", "", &[], &[]),
        &bundle("b", "", &[], &[]),
        &bundle("c", "", &[], &[]),
    )
    .unwrap();
    let err = merge_bundles(&m.bundle, &m.bundle, &m.bundle).unwrap_err();
    assert!(err.to_string().contains("conflicts"), "{err}");
}

/// One random edit of the base on one side.
#[derive(Debug, Clone)]
enum Edit {
    Title(String),
    Tag(String),
    AddEvent(String),
    DeleteEvent(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        "[a-c]{1,2}".prop_map(Edit::Title),
        "[p-s]".prop_map(Edit::Tag),
        "[a-e]".prop_map(Edit::AddEvent),
        (0usize..3).prop_map(Edit::DeleteEvent),
    ]
}

fn apply(base: &Value, edits: &[Edit]) -> Value {
    let mut b = base.clone();
    for e in edits {
        match e {
            Edit::Title(t) => b["tables"]["incidents"][0]["title"] = json!(t),
            Edit::Tag(t) => {
                if let Some(ev) = b["tables"]["events"].get_mut(0) {
                    let old = ev["tags"].as_str().unwrap_or_default().to_string();
                    ev["tags"] = json!(format!("{old} {t}").trim().to_string());
                }
            }
            Edit::AddEvent(id) => {
                let evs = b["tables"]["events"].as_array_mut().unwrap();
                if !evs.iter().any(|e| e["id"] == json!(id)) {
                    evs.push(
                        json!({"id": id, "incident_id": INC, "at_us": 9, "text": "e",
                                    "tags": "", "version": 1, "updated_us": 1}),
                    );
                }
            }
            Edit::DeleteEvent(i) => {
                let evs = b["tables"]["events"].as_array_mut().unwrap();
                if *i < evs.len() {
                    evs.remove(*i);
                }
            }
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn merges_are_deterministic_symmetric_and_keep_one_sided_changes(
        ours_edits in prop::collection::vec(edit(), 0..4),
        theirs_edits in prop::collection::vec(edit(), 0..4),
    ) {
        let base = bundle("base", "", &["x", "y", "z"], &[]);
        let ours = apply(&base, &ours_edits);
        let theirs = apply(&base, &theirs_edits);
        let m1 = merge_bundles(&base, &ours, &theirs).unwrap();
        let again = merge_bundles(&base, &ours, &theirs).unwrap();
        prop_assert_eq!(&m1, &again);
        let m2 = merge_bundles(&base, &theirs, &ours).unwrap();
        if m1.conflicts.is_empty() {
            prop_assert_eq!(
                serde_json::to_string_pretty(&m1.bundle).unwrap(),
                serde_json::to_string_pretty(&m2.bundle).unwrap()
            );
        }
        prop_assert_eq!(m1.conflicts.is_empty(), m2.conflicts.is_empty());
        // A title changed on one side only is never lost.
        for (side, other) in [(&ours, &theirs), (&theirs, &ours)] {
            if title(side) != "base" && title(other) == "base" {
                prop_assert_eq!(title(&m1.bundle), title(side));
            }
        }
        // An event added on one side only is kept.
        let base_ids = ids(&base, "events", "id");
        for side in [&ours, &theirs] {
            for id in ids(side, "events", "id") {
                if !base_ids.contains(&id) {
                    prop_assert!(ids(&m1.bundle, "events", "id").contains(&id));
                }
            }
        }
    }
}

#[test]
fn a_record_changed_on_both_sides_is_newer_than_either() {
    let base = bundle("a", "", &[], &[]);
    let mut ours = base.clone();
    ours["tables"]["incidents"][0]["title"] = json!("b");
    ours["tables"]["incidents"][0]["updated_us"] = json!(5);
    ours["tables"]["incidents"][0]["version"] = json!(2);
    let mut theirs = base.clone();
    theirs["tables"]["incidents"][0]["key"] = json!("IR-2");
    theirs["tables"]["incidents"][0]["updated_us"] = json!(7);
    theirs["tables"]["incidents"][0]["version"] = json!(2);
    let m = merge_bundles(&base, &ours, &theirs).unwrap();
    assert!(m.conflicts.is_empty());
    let row = &m.bundle["tables"]["incidents"][0];
    assert_eq!(
        (row["title"].clone(), row["key"].clone()),
        (json!("b"), json!("IR-2"))
    );
    assert_eq!(
        (row["updated_us"].clone(), row["version"].clone()),
        (json!(8), json!(2))
    );
}
