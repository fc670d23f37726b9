//! Prints the inspection report of each path as JSON, for debugging rules without the
//! `radar` binary: `cargo run -p inspect --example inspect-dump -- PATH...`.

fn main() {
    let options = inspect::Options::default();
    for arg in std::env::args().skip(1) {
        match inspect::inspect_path(std::path::Path::new(&arg), &options) {
            Ok(report) => println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("reports serialize")
            ),
            Err(err) => eprintln!("{arg}: {err}"),
        }
    }
}
