//! Drawing of each screen, one module per screen, named as in `app/screens/`.

pub mod backlog;
pub mod density;
pub mod evaluation;
pub mod evidence;
pub mod findings;
pub mod incidents;
pub mod overview;
pub mod owners;
pub mod report;
pub mod timeline;
