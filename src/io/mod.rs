//! Reading and writing debrief's data in other shapes (JSON today; timelines and
//! reports as they arrive). Pure functions over domain types.

pub mod demo;
pub mod hash;
pub mod json;
