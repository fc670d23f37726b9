//! inventory stage.
