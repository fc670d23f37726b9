//! OSV schema types.
