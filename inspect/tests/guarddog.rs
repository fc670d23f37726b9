//! GuardDog's annotated rule tests as a measure (issue 7, "Done when"): every `ruleid:` case
//! must be caught at its line and every `ok:` case must stay quiet. The data is read from
//! the shared directory, never copied into the repository.
//!
//! A case is the statement on the first non-comment line after the annotation, plus its
//! continuation lines (lines indented deeper than it). It is *caught* when a signal's line
//! lies in that span, and *quiet* when none does.

use std::path::Path;

use inspect::analyze::analyze_source;

#[derive(Default, Debug)]
struct Figures {
    rule_total: usize,
    rule_caught: usize,
    ok_total: usize,
    ok_quiet: usize,
    missed: Vec<usize>,
    noisy: Vec<usize>,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//") || t.starts_with("/*") || t.starts_with('*')
}

/// The 1-based line span of the case annotated at `at` (0-based index of the comment).
fn case_span(lines: &[&str], at: usize) -> Option<(usize, usize)> {
    let mut start = at + 1;
    while start < lines.len() && (lines[start].trim().is_empty() || is_comment(lines[start])) {
        if lines[start].contains("ruleid:") || lines[start].contains("ok:") {
            return None;
        }
        start += 1;
    }
    if start >= lines.len() {
        return None;
    }
    let base = indent(lines[start]);
    let mut end = start;
    while end + 1 < lines.len() {
        let next = lines[end + 1];
        if next.trim().is_empty()
            || indent(next) <= base && !next.trim_start().starts_with([')', ']', '}'])
        {
            break;
        }
        end += 1;
    }
    // A closing bracket at the statement's own indentation ends a multi-line call.
    if end + 1 < lines.len() && indent(lines[end + 1]) == base {
        let t = lines[end + 1].trim();
        if t.starts_with(')') || t.starts_with(']') || t.starts_with('}') {
            end += 1;
        }
    }
    Some((start + 1, end + 1))
}

fn measure(path: &Path) -> Figures {
    let text = std::fs::read_to_string(path).expect("annotated file is readable");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    // The install-script cases are package.json fragments.
    let virtual_name = if name.ends_with(".json") {
        "package.json".to_string()
    } else {
        name
    };
    let mut signals = analyze_source(&virtual_name, &text);
    if virtual_name == "package.json" {
        signals.extend(inspect::manifest::install_scripts("package.json", &text));
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut figures = Figures::default();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let comment = t
            .strip_prefix('#')
            .or_else(|| t.strip_prefix("//"))
            .map(str::trim_start);
        let Some(comment) = comment else { continue };
        let rule = comment.starts_with("ruleid:");
        let ok = comment.starts_with("ok:");
        if !rule && !ok {
            continue;
        }
        let Some((from, to)) = case_span(&lines, i) else {
            continue;
        };
        let hit = signals.iter().any(|s| s.line >= from && s.line <= to);
        if rule {
            figures.rule_total += 1;
            if hit {
                figures.rule_caught += 1;
            } else {
                figures.missed.push(from);
            }
        } else {
            figures.ok_total += 1;
            if hit {
                figures.noisy.push(from);
            } else {
                figures.ok_quiet += 1;
            }
        }
    }
    figures
}

#[test]
fn guarddog_annotated_cases_are_caught_and_ok_cases_stay_quiet() {
    let Some(dir) = testkit::shared_path("guarddog annotated", "data/malicious/guarddog-annotated")
    else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("annotated directory is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e != "md"))
        .collect();
    files.sort();

    let mut total = Figures::default();
    println!("{:<40} {:>12} {:>12}", "file", "ruleid", "ok quiet");
    for file in &files {
        let f = measure(file);
        println!(
            "{:<40} {:>5}/{:<5} {:>5}/{:<5} missed {:?} noisy {:?}",
            file.file_name().unwrap().to_string_lossy(),
            f.rule_caught,
            f.rule_total,
            f.ok_quiet,
            f.ok_total,
            f.missed,
            f.noisy
        );
        total.rule_total += f.rule_total;
        total.rule_caught += f.rule_caught;
        total.ok_total += f.ok_total;
        total.ok_quiet += f.ok_quiet;
    }
    let recall = total.rule_caught as f64 / total.rule_total as f64;
    let quiet = total.ok_quiet as f64 / total.ok_total as f64;
    println!(
        "TOTAL ruleid caught {}/{} ({:.1}%), ok quiet {}/{} ({:.1}%)",
        total.rule_caught,
        total.rule_total,
        recall * 100.0,
        total.ok_quiet,
        total.ok_total,
        quiet * 100.0
    );
    assert!(total.rule_total > 350, "expected the full annotated set");
    assert!(recall >= 0.95, "ruleid recall {:.3} below 0.95", recall);
    assert!(quiet >= 0.90, "ok quietness {:.3} below 0.90", quiet);
}
