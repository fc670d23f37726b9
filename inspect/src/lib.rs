//! inspect stage.
