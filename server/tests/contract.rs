//! The wire contract of `shared/docs/API.md`: the request shapes the `threat-finder`
//! client sends, and every field name and type of the answers.

mod common;

use common::{assert_error, fixture};
use serde_json::Value;

#[derive(Clone, Copy, Debug)]
enum Ty {
    Str,
    Num,
    Bool,
    Arr,
    Obj,
    StrOrNull,
    NumOrNull,
    ObjOrNull,
}

fn check(value: &Value, fields: &[(&str, Ty)], what: &str) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{what}: not an object"));
    let mut names: Vec<&str> = object.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut expected: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
    expected.sort_unstable();
    assert_eq!(names, expected, "{what}: field names");
    for (name, ty) in fields {
        let field = &object[*name];
        let ok = match ty {
            Ty::Str => field.is_string(),
            Ty::Num => field.is_number(),
            Ty::Bool => field.is_boolean(),
            Ty::Arr => field.is_array(),
            Ty::Obj => field.is_object(),
            Ty::StrOrNull => field.is_string() || field.is_null(),
            Ty::NumOrNull => field.is_number() || field.is_null(),
            Ty::ObjOrNull => field.is_object() || field.is_null(),
        };
        assert!(ok, "{what}.{name}: expected {ty:?}, found {field}");
    }
}

const RESULT: &[(&str, Ty)] = &[
    ("query", Ty::Obj),
    ("mode", Ty::Str),
    ("ecosystem", Ty::StrOrNull),
    ("version", Ty::StrOrNull),
    ("totalCandidates", Ty::Num),
    ("matches", Ty::Arr),
];

const MATCH: &[(&str, Ty)] = &[
    ("id", Ty::Str),
    ("cveId", Ty::Str),
    ("type", Ty::Str),
    ("title", Ty::Str),
    ("slug", Ty::Str),
    ("severity", Ty::Str),
    ("cvssScore", Ty::NumOrNull),
    ("epss", Ty::ObjOrNull),
    ("kev", Ty::ObjOrNull),
    ("knownExploitsInWild", Ty::Bool),
    ("matchBasis", Ty::Str),
    ("matchedRange", Ty::Str),
    ("confirmed", Ty::Bool),
    ("publishedDate", Ty::StrOrNull),
    ("patchAvailable", Ty::Bool),
    ("fixedVersions", Ty::Arr),
    ("remediation", Ty::Str),
    ("references", Ty::Arr),
    ("cwes", Ty::Arr),
    ("source", Ty::Str),
];

const THREAT: &[(&str, Ty)] = &[
    ("_id", Ty::Str),
    ("externalId", Ty::Str),
    ("cveId", Ty::Str),
    ("slug", Ty::Str),
    ("title", Ty::Str),
    ("severity", Ty::Str),
    ("cvssScore", Ty::NumOrNull),
    ("cvssVector", Ty::StrOrNull),
    ("epss", Ty::ObjOrNull),
    ("kev", Ty::ObjOrNull),
    ("knownExploitsInWild", Ty::Bool),
    ("publishedDate", Ty::StrOrNull),
    ("affectedVersions", Ty::Arr),
    ("patchAvailable", Ty::Bool),
    ("fixedVersions", Ty::Arr),
    ("remediation", Ty::Str),
    ("references", Ty::Arr),
    ("cwes", Ty::Arr),
    ("type", Ty::Str),
    ("source", Ty::Str),
];

#[tokio::test]
async fn the_documented_batch_request_gets_aligned_results() {
    let f = fixture();
    let reply = f
        .batch(
            "free",
            r#"{"queries": [
                {"purl": "pkg:pypi/starlette-healthcheck@1.3.1"},
                {"package": {"name": "lodash", "ecosystem": "npm"}, "version": "4.17.20"},
                {"cpe": "cpe:2.3:a:apache:http_server:2.4.48:*:*:*:*:*:*:*"}
              ],
              "strict": true}"#,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    check(&reply.body, &[("data", Ty::Obj)], "body");
    check(&reply.body["data"], &[("results", Ty::Arr)], "data");
    let results = reply.body["data"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3, "one result per query");
    for (index, result) in results.iter().enumerate() {
        check(result, RESULT, &format!("results[{index}]"));
        for (m, found) in result["matches"].as_array().unwrap().iter().enumerate() {
            check(found, MATCH, &format!("results[{index}].matches[{m}]"));
        }
    }

    let modes: Vec<&str> = results
        .iter()
        .map(|r| r["mode"].as_str().unwrap())
        .collect();
    assert_eq!(modes, ["purl", "package", "cpe"]);
    assert_eq!(
        results[0]["query"]["purl"],
        "pkg:pypi/starlette-healthcheck@1.3.1"
    );
    assert_eq!(results[0]["ecosystem"], "PyPI");
    assert_eq!(results[0]["version"], "1.3.1");

    let mal = &results[0]["matches"][0];
    assert_eq!(mal["id"], "MAL-2026-6724");
    assert_eq!(mal["cveId"], "MAL-2026-6724");
    assert_eq!(mal["type"], "malicious");
    assert_eq!(mal["severity"], "critical");
    assert_eq!(mal["matchBasis"], "coordinate");
    assert_eq!(mal["matchedRange"], "versions: 1.2.0, 1.3.0, 1.3.1");
    assert_eq!(mal["confirmed"], true);
    assert_eq!(mal["publishedDate"], "2026-07-01T21:08:27Z");
    assert_eq!(mal["patchAvailable"], false);
    assert_eq!(mal["cwes"], serde_json::json!(["CWE-506"]));
    assert!(mal["slug"].as_str().unwrap().starts_with("mal-2026-6724-"));

    assert_eq!(results[1]["matches"][0]["cveId"], "CVE-2026-1111");
    assert_eq!(results[1]["matches"][0]["fixedVersions"][0], "4.17.21");

    // A CPE query gets a result with no matches until CPE data is ingested.
    assert_eq!(results[2]["version"], "2.4.48");
    assert_eq!(results[2]["totalCandidates"], 0);
    assert!(results[2]["matches"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn twenty_six_queries_on_a_twenty_five_query_tier_is_413() {
    let f = fixture();
    let queries: Vec<String> = (0..26)
        .map(|i| format!(r#"{{"purl": "pkg:npm/lodash@4.17.{i}"}}"#))
        .collect();
    let reply = f
        .batch(
            "free",
            &format!(r#"{{"queries": [{}]}}"#, queries.join(",")),
        )
        .await;
    assert_error(&reply, 413);
    check(
        &reply.body,
        &[("error", Ty::Str), ("message", Ty::Str), ("data", Ty::Obj)],
        "413 body",
    );
    check(&reply.body["data"], &[("maxBatch", Ty::Num)], "413 data");
    assert_eq!(reply.body["data"]["maxBatch"], 25);

    let fits = f
        .batch(
            "free",
            &format!(r#"{{"queries": [{}]}}"#, queries[..25].join(",")),
        )
        .await;
    assert_eq!(fits.status, 200);
    assert_eq!(fits.body["data"]["results"].as_array().unwrap().len(), 25);
}

#[tokio::test]
async fn a_bad_version_given_twice_is_400() {
    let f = fixture();
    let reply = f
        .batch(
            "free",
            r#"{"queries": [{"purl": "pkg:pypi/starlette-healthcheck@1.3.1",
                             "version": "not/a version"}]}"#,
        )
        .await;
    assert_error(&reply, 400);
    check(
        &reply.body,
        &[("error", Ty::Str), ("message", Ty::Str)],
        "400 body",
    );
    assert!(reply.body["message"]
        .as_str()
        .unwrap()
        .contains("version once"));
}

#[tokio::test]
async fn threat_listing_and_detail_carry_the_documented_fields() {
    let f = fixture();
    let reply = f.get("/api/v1/threats?search=&limit=2&page=1").await;
    assert_eq!(reply.status, 200);
    check(
        &reply.body["data"],
        &[
            ("threats", Ty::Arr),
            ("total", Ty::Num),
            ("page", Ty::Num),
            ("limit", Ty::Num),
        ],
        "data",
    );
    for (i, threat) in reply.body["data"]["threats"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        check(threat, THREAT, &format!("threats[{i}]"));
    }
    let vuln = &reply.body["data"]["threats"][1];
    assert_eq!(vuln["cvssScore"], 9.8);
    assert_eq!(
        vuln["cvssVector"],
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    );
    assert_eq!(vuln["type"], "vulnerability");
    assert_eq!(vuln["source"], "GitHub Advisory Database");

    let detail = f.get("/api/v1/threats/GHSA-aaaa-bbbb-cccc").await;
    let data = &detail.body["data"];
    let mut full: Vec<(&str, Ty)> = THREAT.to_vec();
    full.extend([
        ("osv", Ty::Obj),
        ("analysis", Ty::Obj),
        ("viewCount", Ty::Num),
        ("addedAt", Ty::Str),
        ("updatedAt", Ty::Str),
        ("withdrawn", Ty::StrOrNull),
    ]);
    check(data, &full, "threat detail");
    check(
        &data["analysis"],
        &[
            ("technicalAnalysis", Ty::Str),
            ("potentialImpact", Ty::Str),
            ("mitigations", Ty::Arr),
            ("indicators", Ty::Obj),
        ],
        "analysis",
    );
}
