//! OSV affected-entry evaluation, following the schema's evaluation pseudocode
//! (<https://ossf.github.io/osv-schema/#evaluation>).
//!
//! A version is affected when it equals an entry of `versions` under the ecosystem's
//! equality (PyPI `1.0` equals `1.0.0`), or lies inside a range: events sorted by the
//! range's ordering (`introduced: "0"` before everything), an `introduced` opening a span
//! that the next `fixed` (exclusive) or `last_affected` (inclusive) closes, and `limit`
//! events bounding the whole range from above. `SEMVER` ranges use SemVer whatever the
//! ecosystem; `GIT` ranges name commits and never match a package version.
//!
//! The answer says why: which `versions` entry or which range and span, and the ordering.
//! Anything that could not be ordered makes the answer [`Evaluation::CannotOrder`] unless
//! something else already proved the version affected — never a silent "not affected".

use std::borrow::Cow;
use std::cmp::Ordering;

use osv::{Affected, Event, RangeKind, Record};

use crate::{CannotOrder, Scheme, Version};

/// The result of evaluating one version against an affected entry or a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evaluation {
    /// The version is affected, for this reason.
    Affected(Reason),
    /// The version is not affected (or the record is withdrawn, or names no package).
    NotAffected,
    /// Whether the version is affected cannot be decided; the matcher reports an
    /// unconfirmed match.
    CannotOrder(CannotOrder),
}

/// Why a version is affected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// It equals an entry of the `versions` list.
    Listed {
        /// The index of the entry in `versions`.
        index: usize,
        /// The entry as the record writes it.
        version: String,
        /// The ordering whose equality matched, or `None` for a match as text.
        scheme: Option<Scheme>,
    },
    /// It lies inside a range.
    Range {
        /// The index of the range in `ranges`.
        index: usize,
        /// `SEMVER` or `ECOSYSTEM`.
        kind: String,
        /// The event that opened the span holding the version.
        introduced: Event,
        /// The event that closes that span, or `None` when it stays open.
        closed_by: Option<Event>,
        /// The ordering the range was evaluated with.
        scheme: Scheme,
    },
}

impl Evaluation {
    /// Whether the version is known to be affected.
    pub fn is_affected(&self) -> bool {
        matches!(self, Evaluation::Affected(_))
    }
}

/// An installed version, parsed lazily per ordering (a `SEMVER` range on a PyPI package
/// needs the SemVer reading of the same text) and kept: evaluating one version against
/// many prepared entries ([`PreparedAffected::evaluate_kept`]) parses it once per ordering.
#[derive(Debug)]
pub struct Installed<'a> {
    text: &'a str,
    parsed: Vec<(Scheme, Result<Version, CannotOrder>)>,
}

impl<'a> Installed<'a> {
    /// A version given as text, not parsed yet.
    pub fn new(text: &'a str) -> Self {
        Self::with_parsed(text, None)
    }

    fn with_parsed(text: &'a str, parsed: Option<&Version>) -> Self {
        Installed {
            text,
            parsed: parsed
                .map(|v| vec![(v.scheme(), Ok(v.clone()))])
                .unwrap_or_default(),
        }
    }

    fn get(&mut self, scheme: Scheme) -> Result<&Version, CannotOrder> {
        let at = match self.parsed.iter().position(|(s, _)| *s == scheme) {
            Some(at) => at,
            None => {
                self.parsed.push((scheme, scheme.parse(self.text)));
                self.parsed.len() - 1
            }
        };
        self.parsed[at].1.as_ref().map_err(Clone::clone)
    }
}

/// Evaluates `version` (as text) against one affected entry.
pub fn evaluate(affected: &Affected, version: &str) -> Evaluation {
    evaluate_inner(affected, Installed::new(version))
}

/// Evaluates an already-parsed version against one affected entry: the matcher parses an
/// installed version once and evaluates it against many entries.
pub fn evaluate_parsed(affected: &Affected, version: &Version) -> Evaluation {
    evaluate_inner(
        affected,
        Installed::with_parsed(version.as_str(), Some(version)),
    )
}

/// Evaluates `version` of the package `name` in `ecosystem` against a whole record:
/// withdrawn records never match; entries for other packages are skipped; the first
/// entry that proves the version affected decides, and otherwise any entry that could
/// not be ordered makes the answer [`Evaluation::CannotOrder`].
pub fn evaluate_record(record: &Record, ecosystem: &str, name: &str, version: &str) -> Evaluation {
    if record.is_withdrawn() {
        return Evaluation::NotAffected;
    }

    let wanted = osv::Ecosystem::parse(ecosystem);
    let wanted_name = osv::normalize_name(ecosystem, name);
    let mut installed = Installed::new(version);
    let mut cannot = None;
    for affected in &record.affected {
        let Some(package) = &affected.package else {
            continue;
        };
        let theirs = package.ecosystem();
        let same_ecosystem = theirs.base() == wanted.base()
            && (wanted.suffix().is_none() || theirs.suffix() == wanted.suffix());
        if !same_ecosystem || osv::normalize_name(&package.ecosystem, &package.name) != wanted_name
        {
            continue;
        }

        // Reuse the parses of the installed version across entries.
        let entry = Installed {
            text: installed.text,
            parsed: std::mem::take(&mut installed.parsed),
        };
        let (evaluation, parsed) = evaluate_keeping(affected, entry);
        installed.parsed = parsed;
        match evaluation {
            Evaluation::Affected(reason) => return Evaluation::Affected(reason),
            Evaluation::CannotOrder(reason) => cannot = cannot.or(Some(reason)),
            Evaluation::NotAffected => {}
        }
    }
    cannot.map_or(Evaluation::NotAffected, Evaluation::CannotOrder)
}

fn evaluate_inner(affected: &Affected, installed: Installed<'_>) -> Evaluation {
    evaluate_keeping(affected, installed).0
}

type Parses = Vec<(Scheme, Result<Version, CannotOrder>)>;

fn evaluate_keeping(affected: &Affected, mut installed: Installed<'_>) -> (Evaluation, Parses) {
    let evaluation = evaluate_entry(affected, &mut installed);
    (evaluation, installed.parsed)
}

fn evaluate_entry(affected: &Affected, installed: &mut Installed<'_>) -> Evaluation {
    PreparedAffected::new(affected).evaluate_kept(installed)
}

/// An affected entry with every version it names parsed once, for evaluating many
/// installed versions against it (or one against it many times).
#[derive(Debug)]
pub struct PreparedAffected<'a> {
    /// Borrowed, or owned when the prepared entry is kept (a server's cache).
    affected: Cow<'a, Affected>,
    /// The ecosystem's ordering, or why there is none.
    scheme: Result<Scheme, CannotOrder>,
    /// The `versions` list under the ecosystem's ordering (empty without one).
    listed: Vec<Result<Version, CannotOrder>>,
    ranges: Vec<PreparedRange>,
}

#[derive(Debug)]
enum PreparedRange {
    /// A `GIT` range: kept, never matching a package version.
    Git,
    /// A range whose versions cannot be ordered.
    Cannot(CannotOrder),
    /// Events sorted by the range's ordering, and the limits.
    Ready {
        scheme: Scheme,
        bounds: Vec<Bound>,
        limits: Vec<Version>,
    },
}

/// An event with its parsed version; `None` is `introduced: "0"`, before everything.
#[derive(Debug)]
struct Bound {
    event: Event,
    version: Option<Version>,
}

impl<'a> PreparedAffected<'a> {
    /// Parses the versions an affected entry names: its `versions` list and the events
    /// of its ranges.
    pub fn new(affected: &'a Affected) -> Self {
        Self::prepare(Cow::Borrowed(affected))
    }

    /// Prepares an entry it then owns, to be kept and evaluated for as long as wanted.
    pub fn new_owned(affected: Affected) -> PreparedAffected<'static> {
        PreparedAffected::prepare(Cow::Owned(affected))
    }

    /// The affected entry.
    pub fn affected(&self) -> &Affected {
        &self.affected
    }

    fn prepare(affected: Cow<'a, Affected>) -> Self {
        let scheme = match &affected.package {
            Some(package) => Scheme::for_ecosystem(&package.ecosystem),
            None => Err(CannotOrder::UnknownEcosystem {
                ecosystem: String::new(),
            }),
        };
        let listed = match &scheme {
            Ok(scheme) => affected.versions.iter().map(|v| scheme.parse(v)).collect(),
            Err(_) => Vec::new(),
        };
        let ranges = affected
            .ranges
            .iter()
            .map(|range| {
                let scheme = match &range.kind {
                    RangeKind::Git => return PreparedRange::Git,
                    RangeKind::Semver => Scheme::SemVer,
                    RangeKind::Ecosystem => match &scheme {
                        Ok(scheme) => *scheme,
                        Err(e) => return PreparedRange::Cannot(e.clone()),
                    },
                    RangeKind::Unknown(kind) => {
                        return PreparedRange::Cannot(CannotOrder::UnknownRangeType {
                            kind: kind.clone(),
                        })
                    }
                };
                match prepare_range(&range.events, scheme) {
                    Ok((bounds, limits)) => PreparedRange::Ready {
                        scheme,
                        bounds,
                        limits,
                    },
                    Err(e) => PreparedRange::Cannot(e),
                }
            })
            .collect();

        PreparedAffected {
            affected,
            scheme,
            listed,
            ranges,
        }
    }

    /// Evaluates a version given as text.
    pub fn evaluate(&self, version: &str) -> Evaluation {
        self.evaluate_kept(&mut Installed::new(version))
    }

    /// Evaluates an already-parsed version.
    pub fn evaluate_parsed(&self, version: &Version) -> Evaluation {
        self.evaluate_kept(&mut Installed::with_parsed(version.as_str(), Some(version)))
    }

    /// Evaluates a version whose parses are kept in `installed` for the next entry.
    pub fn evaluate_kept(&self, installed: &mut Installed<'_>) -> Evaluation {
        // An entry without a package matches nothing (OSV schema, `affected[].package`).
        if self.affected.package.is_none() {
            return Evaluation::NotAffected;
        }
        let versions = &self.affected.versions;
        let mut cannot: Option<CannotOrder> = None;

        // Step 1: the `versions` list — as text, then under the ecosystem's equality.
        if let Some(index) = versions.iter().position(|v| v == installed.text) {
            return Evaluation::Affected(Reason::Listed {
                index,
                version: versions[index].clone(),
                scheme: None,
            });
        }
        if !versions.is_empty() {
            let parsed = match &self.scheme {
                Ok(scheme) => installed.get(*scheme),
                Err(e) => Err(e.clone()),
            };
            match parsed {
                Ok(version) => {
                    for (index, listed) in self.listed.iter().enumerate() {
                        match listed {
                            Ok(listed) if listed == version => {
                                return Evaluation::Affected(Reason::Listed {
                                    index,
                                    version: versions[index].clone(),
                                    scheme: Some(version.scheme()),
                                });
                            }
                            Ok(_) => {}
                            Err(e) => cannot = cannot.or_else(|| Some(e.clone())),
                        }
                    }
                }
                Err(e) => cannot = cannot.or(Some(e)),
            }
        }

        // Step 2: each range, in its own ordering.
        for (index, range) in self.ranges.iter().enumerate() {
            let (scheme, bounds, limits) = match range {
                PreparedRange::Git => continue,
                PreparedRange::Cannot(e) => {
                    cannot = cannot.or_else(|| Some(e.clone()));
                    continue;
                }
                PreparedRange::Ready {
                    scheme,
                    bounds,
                    limits,
                } => (*scheme, bounds, limits),
            };
            let version = match installed.get(scheme) {
                Ok(version) => version,
                Err(e) => {
                    cannot = cannot.or(Some(e));
                    continue;
                }
            };
            if let Some((introduced, closed_by)) = walk(bounds, limits, version) {
                return Evaluation::Affected(Reason::Range {
                    index,
                    kind: self.affected.ranges[index].kind.as_str().to_string(),
                    introduced,
                    closed_by,
                    scheme,
                });
            }
        }

        // Step 3: nothing matched; say so only if nothing was left undecided.
        cannot.map_or(Evaluation::NotAffected, Evaluation::CannotOrder)
    }
}

fn cmp_bound(version: &Version, bound: &Bound) -> Ordering {
    match &bound.version {
        None => Ordering::Greater,
        Some(b) => version.compare(b).unwrap_or(Ordering::Equal),
    }
}

/// Parses a range's events with its ordering and sorts them (`introduced: "0"` first; a
/// stable sort keeps the record's order between equal versions); limits apart.
fn prepare_range(
    events: &[Event],
    scheme: Scheme,
) -> Result<(Vec<Bound>, Vec<Version>), CannotOrder> {
    let mut bounds = Vec::with_capacity(events.len());
    let mut limits = Vec::new();
    for event in events {
        match event {
            Event::Introduced(v) if v == "0" => bounds.push(Bound {
                event: event.clone(),
                version: None,
            }),
            // `limit: "*"` is "no limit" (the schema's GIT convention); skip it.
            Event::Limit(v) if v == "*" => {}
            Event::Limit(v) => limits.push(scheme.parse(v)?),
            other => bounds.push(Bound {
                event: other.clone(),
                version: Some(scheme.parse(other.version())?),
            }),
        }
    }

    bounds.sort_by(|a, b| match (&a.version, &b.version) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.compare(y).unwrap_or(Ordering::Equal),
    });
    Ok((bounds, limits))
}

/// The schema's `includes` and `before_limits` for one prepared range: the span holding
/// the version (its opening and closing events), or `None` when outside.
fn walk(bounds: &[Bound], limits: &[Version], version: &Version) -> Option<(Event, Option<Event>)> {
    // Limits: the version must be below at least one of them.
    if !limits.is_empty()
        && !limits
            .iter()
            .any(|limit| version.compare(limit) == Ok(Ordering::Less))
    {
        return None;
    }

    // The events in order; the last one that applies decides.
    let mut open: Option<usize> = None;
    for (i, bound) in bounds.iter().enumerate() {
        let order = cmp_bound(version, bound);
        match bound.event {
            Event::Introduced(_) if order != Ordering::Less => open = Some(i),
            Event::Fixed(_) if order != Ordering::Less => open = None,
            Event::LastAffected(_) if order == Ordering::Greater => open = None,
            _ => {}
        }
    }

    open.map(|i| {
        let closed_by = bounds[i + 1..]
            .iter()
            .find(|b| matches!(b.event, Event::Fixed(_) | Event::LastAffected(_)))
            .map(|b| b.event.clone());
        (bounds[i].event.clone(), closed_by)
    })
}
