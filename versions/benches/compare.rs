//! Comparisons per second for each ordering, with versions parsed once.
//!
//! Run with: `cargo bench -p versions --bench compare`.

// criterion_group! and criterion_main! generate functions that cannot carry docs.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use versions::Scheme;

/// Realistic versions per ordering: an installed version is compared against advisory
/// bounds of the same package, so the sets are close to each other.
fn samples(scheme: Scheme) -> &'static [&'static str] {
    match scheme {
        Scheme::Pep440 => &[
            "1.0",
            "1.0.0",
            "1.0.post1",
            "1.1a1",
            "1.1rc2",
            "2!0.1",
            "1.1.dev3",
            "1.1+local.7",
        ],
        Scheme::SemVer | Scheme::GoSemVer | Scheme::PubSemver => &[
            "1.2.3",
            "1.2.4",
            "1.3.0-rc.1",
            "1.3.0-alpha.2",
            "1.3.0",
            "v2.0.0+build.5",
            "2.0.0-0",
            "10.0.1",
        ],
        Scheme::Maven => &[
            "1.0",
            "1.0.1",
            "1.1-SNAPSHOT",
            "1.1-alpha-2",
            "1.1.Final",
            "1.1-sp1",
            "2.0-RC3",
            "1.0.0.GA",
        ],
        Scheme::NuGet => &[
            "1.0.0",
            "1.0.0.1",
            "1.0.1-beta",
            "1.0.1-Beta.2",
            "1.1.0",
            "2.0.0-rc.1",
            "1.0",
            "3.1.4.1",
        ],
        Scheme::RubyGems => &[
            "1.0",
            "1.0.1",
            "1.1.0.rc1",
            "1.1.0.beta2",
            "1.1.0",
            "2.0.0.pre",
            "1.0.0.1",
            "7.0.4.3",
        ],
        Scheme::Composer => &[
            "1.0.0",
            "1.0.1",
            "1.1.0-RC1",
            "1.1.0-beta2",
            "v1.1.0",
            "2.0.0-dev",
            "1.0.1-p1",
            "1.10.0",
        ],
        Scheme::RPackage => &[
            "1.0-1", "1.0-2", "1.0.3", "1.1", "1.1-0", "2.0.0", "0.9-12", "1.10-1",
        ],
        Scheme::Pvp => &[
            "1.0", "1.0.0", "1.0.1", "1.1", "1.1.0.2", "2.0", "0.9.12", "1.10.1",
        ],
        Scheme::Dpkg => &[
            "1.2-1",
            "1.2-1+deb12u1",
            "1.2-2",
            "1:1.0-1",
            "1.3~rc1-1",
            "1.3-1",
            "1.2.1-1ubuntu0.1",
            "2.0+dfsg-3",
        ],
        Scheme::Apk => &[
            "1.2.3-r0",
            "1.2.3-r1",
            "1.2.4_rc1-r0",
            "1.2.4-r0",
            "1.2.4_p1-r0",
            "1.2.4a-r0",
            "1.3.0_git20230101-r2",
            "2.0-r0",
        ],
        Scheme::Rpm => &[
            "1.2-1.el9",
            "1.2-2.el9",
            "1.2-2.el9_1",
            "1:1.0-1",
            "1.3~rc1-1",
            "1.3-1.el9",
            "1.2^git1-1",
            "2.0-1.fc39",
        ],
    }
}

fn compare(c: &mut Criterion) {
    let mut group = c.benchmark_group("compare");
    for scheme in Scheme::ALL {
        let parsed: Vec<_> = samples(scheme)
            .iter()
            .map(|v| scheme.parse(v).expect("bench samples parse"))
            .collect();
        let pairs = parsed.len() * parsed.len();
        group.throughput(Throughput::Elements(pairs as u64));
        group.bench_function(scheme.name(), |b| {
            b.iter(|| {
                for x in &parsed {
                    for y in &parsed {
                        black_box(x.compare(black_box(y)).expect("same ordering"));
                    }
                }
            });
        });
    }
    group.finish();

    // The baseline: the same comparisons from text, parsing both sides every time.
    let mut group = c.benchmark_group("compare_from_text");
    for scheme in Scheme::ALL {
        let texts = samples(scheme);
        let pairs = texts.len() * texts.len();
        group.throughput(Throughput::Elements(pairs as u64));
        group.bench_function(scheme.name(), |b| {
            b.iter(|| {
                for x in texts {
                    for y in texts {
                        black_box(scheme.compare(black_box(x), black_box(y)).expect("parses"));
                    }
                }
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = compare
}
criterion_main!(benches);
