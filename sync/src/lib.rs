//! sync stage.
