//! One module per screen: its state, what it reads from the store, and its keys. A
//! screen's handler changes only its own state and the status line; it returns an
//! `Effect` for anything beyond (see `app/router.rs`).

pub mod backlog;
pub mod evaluation;
pub mod evidence;
pub mod findings;
pub mod incidents;
pub mod overview;
pub mod owners;
pub mod report;
pub mod timeline;
mod timeline_window;

#[cfg(test)]
mod tests;
