//! One module per version ordering, each named after the specification or tool it
//! follows. Every module offers a parsed type with `parse` and `Ord`.

pub mod apk;
pub mod composer;
pub mod dpkg;
pub mod maven;
pub mod nuget;
pub mod pep440;
pub mod pub_semver;
pub mod pvp;
pub mod rpackage;
pub mod rpm;
pub mod rubygems;
pub mod semver;
