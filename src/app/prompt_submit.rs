//! A prompt's enter: what was typed goes to the screen that opened the prompt. When that
//! screen refuses it (a time that does not read, a capture the disk would not take), the
//! prompt opens again with the text and the reason, so nothing typed is lost.

use super::overlays::{Overlay, prompt::Prompt, prompt::PromptKind};
use super::router;
use super::shell::Cx;
use super::{App, Effect};
use crate::store::Store;
use crate::text::inert;

pub(super) fn submit(app: &mut App, store: &mut Store, prompt: Box<Prompt>) {
    let text = prompt.text();
    let capture = prompt.kind == PromptKind::Capture;
    let overlays = app.overlays.len();
    let effect = match prompt.kind {
        PromptKind::Palette => match prompt.chosen() {
            Some(command) => Effect::Run(command),
            None => {
                app.shell
                    .error(format!("no command matches {}", inert(&text)));
                Effect::None
            }
        },
        PromptKind::BacklogFilter => {
            let incident_id = app.open.as_ref().map(|o| o.incident.id.clone());
            let mut cx = Cx {
                store,
                shell: &mut app.shell,
            };
            app.backlog
                .apply_filter(incident_id.as_deref(), &text, &mut cx);
            Effect::None
        }
        PromptKind::Evidence => router::attach(app, store, &prompt),
        PromptKind::ImportPath => {
            super::import::start(app, store, &text);
            Effect::None
        }
        PromptKind::SopChange => {
            let mut cx = Cx {
                store,
                shell: &mut app.shell,
            };
            let action = prompt.target.clone().unwrap_or_default();
            app.backlog.add_sop(&action, &text, &mut cx)
        }
        PromptKind::OwnerContact => {
            let mut cx = Cx {
                store,
                shell: &mut app.shell,
            };
            let name = prompt.target.clone().unwrap_or_default();
            match app.owners.set_contact(&name, &text, &mut cx) {
                Ok(effect) => effect,
                Err(reason) => {
                    app.shell.error(reason);
                    app.overlays.push(Overlay::Prompt(prompt));
                    Effect::None
                }
            }
        }
        _ => match incident_prompt(app, store, &prompt, &text) {
            Ok(effect) => effect,
            Err(reason) => {
                app.shell.error(reason);
                app.overlays.push(Overlay::Prompt(prompt));
                Effect::None
            }
        },
    };
    let saved = capture && app.overlays.len() == overlays;
    router::apply(app, store, effect);
    // Capture stays armed for the next line (the selection is now the new event, so
    // `+5m` counts from it); esc closes it.
    if saved && app.overlays.len() == overlays {
        app.overlays
            .push(Overlay::Prompt(Box::new(Prompt::capture(""))));
    }
}

/// The prompts of the open incident's screens. `Err`: refused, the prompt stays.
fn incident_prompt(
    app: &mut App,
    store: &mut Store,
    prompt: &Prompt,
    text: &str,
) -> Result<Effect, String> {
    let Some(o) = app.open.as_mut() else {
        return Ok(Effect::None);
    };
    let mut cx = Cx {
        store,
        shell: &mut app.shell,
    };
    match prompt.kind {
        PromptKind::Filter => o.timeline.apply_filter(&mut cx, text),
        PromptKind::JumpTime => {
            let ctx = o.ctx;
            o.timeline.jump(&ctx, &mut cx, text)?
        }
        PromptKind::Capture => {
            let (t, on) = o.parts();
            return t.capture(on, &mut cx, text);
        }
        PromptKind::EvaluationArea => o.evaluation.add_area(&o.incident, text, &mut cx),
        PromptKind::ReportPath => return Ok(o.report.write(&o.incident, text, false, &mut cx)),
        PromptKind::Palette
        | PromptKind::BacklogFilter
        | PromptKind::Evidence
        | PromptKind::SopChange
        | PromptKind::OwnerContact
        | PromptKind::ImportPath => {}
    }
    Ok(Effect::None)
}
