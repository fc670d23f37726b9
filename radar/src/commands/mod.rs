//! One module per subcommand: each turns its parsed flags into settings and calls the
//! stages.

pub mod version;


/// Settings shared by every subcommand.
#[derive(Debug, Clone)]
pub struct Global {
    /// Silence progress output on stderr.
    pub quiet: bool,
}
