//! Reading and writing debrief's data in other shapes: JSON, the demo incident, file
//! hashes, and the postmortem report (its data, and its templates).

pub mod charts;
pub mod demo;
pub mod export;
pub mod files;
pub mod hash;
pub mod import;
pub mod markdown;
pub mod report;
pub mod template;
