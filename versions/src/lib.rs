//! versions stage.
