//! Every API v1 route, in process: listings, filters, paging, threats by id, alias and
//! slug, matching, keys, rate limits and every error status.

mod common;

use axum::http::Method;
use common::{assert_error, fixture};
use serde_json::json;
use tower::ServiceExt;

fn ids(reply: &common::Reply) -> Vec<String> {
    reply.body["data"]["threats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["externalId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn threats_are_listed_newest_first_without_withdrawn_ones() {
    let f = fixture();
    let reply = f.get("/api/v1/threats").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        ids(&reply),
        ["MAL-2026-6724", "GHSA-aaaa-bbbb-cccc", "PYSEC-2026-7"]
    );
    assert_eq!(reply.body["data"]["total"], 3);
    assert_eq!(reply.body["data"]["page"], 1);
}

#[tokio::test]
async fn threats_filter_and_page() {
    let f = fixture();
    let cases = [
        ("search=starlette", vec!["MAL-2026-6724"]),
        ("search=CVE-2026-1111", vec!["GHSA-aaaa-bbbb-cccc"]),
        ("ecosystem=PyPI", vec!["MAL-2026-6724", "PYSEC-2026-7"]),
        (
            "type=vulnerability",
            vec!["GHSA-aaaa-bbbb-cccc", "PYSEC-2026-7"],
        ),
        (
            "severity=critical",
            vec!["MAL-2026-6724", "GHSA-aaaa-bbbb-cccc"],
        ),
        (
            "since=2026-04-01T00:00:00Z",
            vec!["MAL-2026-6724", "GHSA-aaaa-bbbb-cccc"],
        ),
        ("package=fast-lib&ecosystem=PyPI", vec!["PYSEC-2026-7"]),
        ("package=lodash", vec!["GHSA-aaaa-bbbb-cccc"]),
        ("package=withdrawn-pkg", vec![]),
    ];
    for (query, expected) in cases {
        let reply = f.get(&format!("/api/v1/threats?{query}")).await;
        assert_eq!(reply.status, 200, "{query}: {}", reply.body);
        assert_eq!(ids(&reply), expected, "{query}");
        assert_eq!(reply.body["data"]["total"], expected.len(), "{query}");
    }

    let second = f.get("/api/v1/threats?limit=2&page=2").await;
    assert_eq!(ids(&second), ["PYSEC-2026-7"]);
    assert_eq!(
        (
            second.body["data"]["page"].clone(),
            second.body["data"]["limit"].clone()
        ),
        (json!(2), json!(2))
    );
    let past = f.get("/api/v1/threats?limit=2&page=9").await;
    assert_eq!(past.status, 200);
    assert!(ids(&past).is_empty());
    assert_eq!(past.body["data"]["total"], 3);
}

#[tokio::test]
async fn bad_listing_parameters_are_400() {
    let f = fixture();
    for query in [
        "limit=x",
        "page=0",
        "type=bug",
        "severity=huge",
        "since=yesterday",
    ] {
        let reply = f.get(&format!("/api/v1/threats?{query}")).await;
        assert_error(&reply, 400);
        assert!(
            reply.body["message"]
                .as_str()
                .unwrap()
                .starts_with("expected"),
            "{query}"
        );
    }
}

#[tokio::test]
async fn a_threat_is_found_by_id_alias_and_slug() {
    let f = fixture();
    let listed = f.get("/api/v1/threats?search=starlette").await;
    let slug = listed.body["data"]["threats"][0]["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(slug.starts_with("mal-2026-6724-malicious-code-in-starlette-healthcheck-pypi-"));

    for wanted in ["MAL-2026-6724", "mal-2026-6724", slug.as_str()] {
        let reply = f.get(&format!("/api/v1/threats/{wanted}")).await;
        assert_eq!(reply.status, 200, "{wanted}: {}", reply.body);
        let data = &reply.body["data"];
        assert_eq!(data["externalId"], "MAL-2026-6724");
        assert_eq!(data["slug"], slug);
        assert_eq!(data["osv"]["id"], "MAL-2026-6724");
        assert!(data["analysis"]["mitigations"].as_array().unwrap().len() >= 2);
        assert_eq!(
            data["analysis"]["indicators"]["domains"][0],
            "collector.example-evil.io"
        );
    }
    let again = f.get("/api/v1/threats/MAL-2026-6724").await;
    assert_eq!(again.body["data"]["viewCount"], 4);

    let by_alias = f.get("/api/v1/threats/CVE-2026-1111").await;
    assert_eq!(by_alias.body["data"]["externalId"], "GHSA-aaaa-bbbb-cccc");
    assert_eq!(by_alias.body["data"]["cveId"], "CVE-2026-1111");

    // A slug whose hash does not belong to the id finds nothing.
    let forged = f.get("/api/v1/threats/mal-2026-6724-anything-000000").await;
    assert_error(&forged, 404);
    assert_error(&f.get("/api/v1/threats/NOPE-1").await, 404);
}

#[tokio::test]
async fn keys_are_checked_and_every_response_has_rate_limit_headers() {
    let f = fixture();
    let missing = f.send(Method::GET, "/api/v1/threats", None, None).await;
    assert_error(&missing, 401);
    let unknown = f
        .send(Method::GET, "/api/v1/threats", Some("otr_nope"), None)
        .await;
    assert_error(&unknown, 401);
    let revoked = f
        .send(
            Method::GET,
            "/api/v1/threats",
            Some(&f.keys["revoked"]),
            None,
        )
        .await;
    assert_error(&revoked, 401);
    let blocked = f
        .send(
            Method::GET,
            "/api/v1/threats",
            Some(&f.keys["blocked"]),
            None,
        )
        .await;
    assert_error(&blocked, 403);
    let gone = f
        .send(Method::GET, "/api/v1/threats", Some(&f.keys["gone"]), None)
        .await;
    assert_error(&gone, 403);

    let ok = f.get("/api/v1/threats").await;
    for reply in [&missing, &unknown, &blocked, &ok] {
        for header in [
            "x-ratelimit-limit-hourly",
            "x-ratelimit-remaining-hourly",
            "x-ratelimit-limit-monthly",
            "x-ratelimit-remaining-monthly",
        ] {
            let value = reply
                .headers
                .get(header)
                .unwrap_or_else(|| panic!("{header}"));
            value.to_str().unwrap().parse::<u64>().unwrap();
        }
    }
    assert_eq!(ok.headers["x-ratelimit-limit-hourly"], "15");
    assert_eq!(ok.headers["x-ratelimit-remaining-hourly"], "14");
    assert_eq!(ok.headers["x-ratelimit-limit-monthly"], "1000");
}

#[tokio::test]
async fn over_the_hourly_limit_is_429_with_retry_after() {
    let f = fixture();
    let key = f.keys["tight"].clone();
    for left in ["1", "0"] {
        let reply = f
            .send(Method::GET, "/api/v1/threats", Some(&key), None)
            .await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.headers["x-ratelimit-remaining-hourly"], left);
    }
    let refused = f
        .send(Method::GET, "/api/v1/threats", Some(&key), None)
        .await;
    assert_error(&refused, 429);
    assert!(refused.body["message"].as_str().unwrap().contains("hourly"));
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait));
    assert_eq!(refused.headers["x-ratelimit-remaining-hourly"], "0");
    // Another key is not affected.
    assert_eq!(f.get("/api/v1/threats").await.status, 200);
}

#[tokio::test]
async fn unknown_routes_methods_and_bodies_are_json_errors() {
    let f = fixture();
    assert_error(&f.get("/api/v1/nothing").await, 404);
    let key = f.keys["free"].clone();
    let wrong = f
        .send(Method::DELETE, "/api/v1/threats", Some(&key), None)
        .await;
    assert_error(&wrong, 405);
    let get_batch = f
        .send(Method::GET, "/api/v1/match/batch", Some(&key), None)
        .await;
    assert_error(&get_batch, 405);

    assert_error(&f.batch("free", "{not json").await, 400);
    assert_error(&f.batch("free", "[]").await, 400);
    assert_error(&f.batch("free", r#"{"queries": 3}"#).await, 400);
    assert_error(
        &f.batch("free", r#"{"queries": [], "strict": "yes"}"#).await,
        400,
    );
    let big = format!(r#"{{"queries": [], "pad": "{}"}}"#, "x".repeat(70_000));
    assert_error(&f.batch("free", &big).await, 413);
}

#[tokio::test]
async fn match_help_describes_the_api() {
    let f = fixture();
    let reply = f.get("/api/v1/match/help").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["data"]["endpoint"], "POST /api/v1/match/batch");
    assert!(reply.body["data"]["errors"]["413"].is_string());
}

#[tokio::test]
async fn batch_matches_lists_ranges_and_normalized_names() {
    let f = fixture();
    let reply = f
        .batch(
            "free",
            r#"{"queries": [
                {"purl": "pkg:pypi/Starlette_Healthcheck@1.3.1"},
                {"purl": "pkg:pypi/starlette-healthcheck@9.9"},
                {"package": {"name": "Fast.Lib", "ecosystem": "pypi"}, "version": "1.5"},
                {"package": {"name": "fast-lib", "ecosystem": "PyPI"}, "version": "2.0"},
                {"purl": "pkg:npm/lodash@4.17.20"},
                {"purl": "pkg:npm/withdrawn-pkg@1.0.0"},
                {"purl": "pkg:generic/thing@1.0"}
            ]}"#,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let results = reply.body["data"]["results"].as_array().unwrap();
    let counts: Vec<usize> = results
        .iter()
        .map(|r| r["matches"].as_array().unwrap().len())
        .collect();
    assert_eq!(counts, [1, 0, 1, 0, 1, 0, 0]);
    assert_eq!(results[1]["totalCandidates"], 1);
    assert_eq!(
        results[0]["matches"][0]["matchedRange"],
        "versions: 1.2.0, 1.3.0, 1.3.1"
    );
    assert_eq!(results[2]["ecosystem"], "PyPI");
    assert_eq!(
        results[2]["matches"][0]["matchedRange"],
        "ECOSYSTEM: introduced 1.0, fixed 2.0"
    );
    assert_eq!(results[2]["matches"][0]["fixedVersions"], json!(["2.0"]));
    assert_eq!(results[2]["matches"][0]["patchAvailable"], true);
    let lodash = &results[4]["matches"][0];
    assert_eq!(lodash["cveId"], "CVE-2026-1111");
    assert_eq!(lodash["cvssScore"], 9.8);
    assert_eq!(lodash["cwes"], json!(["CWE-1321"]));
    assert_eq!(results[6]["ecosystem"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_large_batch_keeps_the_order_of_its_queries() {
    // Large batches are answered in chunks on every core; the results must still line up.
    let f = fixture();
    let kinds = [
        (r#"{"purl": "pkg:pypi/starlette-healthcheck@1.3.1"}"#, 1),
        (r#"{"purl": "pkg:npm/lodash@4.17.20"}"#, 1),
        (r#"{"purl": "pkg:npm/lodash@4.17.21"}"#, 0),
        (
            r#"{"cpe": "cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*"}"#,
            0,
        ),
        (
            r#"{"package": {"name": "fast-lib", "ecosystem": "PyPI"}, "version": "1.5"}"#,
            1,
        ),
        (r#"{"purl": "pkg:generic/thing@1.0"}"#, 0),
        (
            r#"{"package": {"name": "lodash", "ecosystem": "npm"}, "version": "x.y"}"#,
            1,
        ),
    ];
    let picks: Vec<usize> = (0..997).map(|i| (i * 5 + i / 7) % kinds.len()).collect();
    let queries: Vec<&str> = picks.iter().map(|&k| kinds[k].0).collect();
    let reply = f
        .batch(
            "fleet",
            &format!(r#"{{"queries": [{}]}}"#, queries.join(",")),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let results = reply.body["data"]["results"].as_array().unwrap();
    assert_eq!(results.len(), picks.len());
    for (at, (result, &k)) in results.iter().zip(&picks).enumerate() {
        let sent: serde_json::Value = serde_json::from_str(kinds[k].0).unwrap();
        assert_eq!(result["query"], sent, "result {at}");
        assert_eq!(
            result["matches"].as_array().unwrap().len(),
            kinds[k].1,
            "result {at}"
        );
    }
}

#[tokio::test]
async fn strict_drops_unconfirmed_matches() {
    let f = fixture();
    let query =
        r#"{"package": {"name": "lodash", "ecosystem": "npm"}, "version": "not a version"}"#;
    let loose = f
        .batch("free", &format!(r#"{{"queries": [{query}]}}"#))
        .await;
    let found = &loose.body["data"]["results"][0]["matches"][0];
    assert_eq!(found["matchBasis"], "coordinate-unconfirmed");
    assert_eq!(found["confirmed"], false);

    let strict = f
        .batch(
            "free",
            &format!(r#"{{"queries": [{query}], "strict": true}}"#),
        )
        .await;
    assert_eq!(strict.status, 200);
    assert!(strict.body["data"]["results"][0]["matches"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(strict.body["data"]["results"][0]["totalCandidates"], 1);
}

#[tokio::test]
async fn malformed_queries_are_400_naming_the_query() {
    let f = fixture();
    for query in [
        r#"{}"#,
        r#"{"purl": "pkg:pypi/a@1", "cpe": "cpe:2.3:a:b:c:1:*:*:*:*:*:*:*"}"#,
        r#"{"purl": "not a purl"}"#,
        r#"{"purl": "pkg:pypi/a"}"#,
        r#"{"package": {"name": "a", "ecosystem": "PyPI"}}"#,
        r#"{"package": {"name": "a"}, "version": "1"}"#,
        r#"{"package": "a", "version": "1"}"#,
        r#"{"cpe": "apache http server"}"#,
        r#"{"purl": 7}"#,
        r#""pkg:pypi/a@1""#,
    ] {
        let reply = f
            .batch(
                "free",
                &format!(r#"{{"queries": [{{"purl": "pkg:npm/x@1"}}, {query}]}}"#),
            )
            .await;
        assert_error(&reply, 400);
        let message = reply.body["message"].as_str().unwrap();
        assert!(
            message.starts_with("query 1: expected"),
            "{query}: {message}"
        );
    }
}

#[tokio::test]
async fn a_batch_over_the_tier_cap_is_413_with_max_batch() {
    let f = fixture();
    let six: Vec<String> = (0..6)
        .map(|i| format!(r#"{{"purl": "pkg:npm/a@{i}"}}"#))
        .collect();
    let reply = f
        .batch("tight", &format!(r#"{{"queries": [{}]}}"#, six.join(",")))
        .await;
    assert_error(&reply, 413);
    assert_eq!(reply.body["data"]["maxBatch"], 5);
    let five = &six[..5];
    let fits = f
        .batch("tight", &format!(r#"{{"queries": [{}]}}"#, five.join(",")))
        .await;
    assert_eq!(fits.status, 200);
}

#[tokio::test]
async fn the_openapi_document_matches_the_routes() {
    let f = fixture();
    let reply = f.get("/api/v1/openapi.json").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["openapi"], "3.1.0");
    let paths = reply.body["paths"].as_object().unwrap();
    let documented: Vec<String> = paths
        .iter()
        .flat_map(|(path, methods)| {
            let methods = methods.as_object().unwrap();
            methods
                .keys()
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();

    // Compared as a set: serde_json keeps insertion order when another crate of the
    // workspace enables its `preserve_order` feature, and sorts keys otherwise.
    let mut sorted = documented.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "DELETE /inventory/{hostId}",
            "GET /events",
            "GET /match/help",
            "GET /openapi.json",
            "GET /threats",
            "GET /threats/{idOrSlug}",
            "POST /inventory/register",
            "POST /match/batch",
        ]
    );

    // Each documented route answers with a documented success status; the registration
    // comes before the deletion of the same host (in either key order, /inventory/register
    // precedes /inventory/{hostId}).
    let key = f.keys["free"].clone();
    let register = r#"{"hostId": "h1", "agentVersion": "1", "monitor": false, "assets": []}"#;
    for line in &documented {
        let (method, path) = line.split_once(' ').unwrap();
        let uri = format!(
            "/api/v1{}",
            path.replace("{idOrSlug}", "MAL-2026-6724")
                .replace("{hostId}", "h1")
        );
        let method: Method = method.parse().unwrap();
        let documented = &paths[path][method.as_str().to_lowercase()]["responses"];
        if path == "/events" {
            // An endless stream: the status and type are all there is to check here.
            let request = axum::http::Request::get(&uri)
                .body(axum::body::Body::empty())
                .unwrap();
            let response = f.app.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), 200);
            assert!(documented["200"]["content"]["text/event-stream"].is_object());
            continue;
        }
        let body = match path {
            "/match/batch" => Some(r#"{"queries": []}"#),
            "/inventory/register" => Some(register),
            _ => None,
        };
        let answer = f.send(method.clone(), &uri, Some(&key), body).await;
        assert!(
            documented[answer.status.as_str()].is_object(),
            "{method} {uri}: {} is not documented: {}",
            answer.status,
            answer.body
        );
        assert!(
            answer.status.is_success(),
            "{method} {uri}: {}",
            answer.body
        );
    }
}

#[tokio::test]
async fn a_sync_by_another_process_shows_in_the_next_batch() {
    let f = fixture();
    let body = r#"{"queries": [{"purl": "pkg:npm/lodash@4.17.20"}]}"#;
    let before = f.batch("free", body).await;
    assert_eq!(
        before.body["data"]["results"][0]["matches"][0]["title"],
        "Prototype pollution in lodash"
    );

    let raw = r#"{"id": "GHSA-aaaa-bbbb-cccc", "modified": "2026-06-01T00:00:00Z",
        "summary": "Prototype pollution in lodash, revised",
        "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
            "ranges": [{"type": "SEMVER",
                        "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}]}"#;
    let mut writer = store::Store::open(&f.db).unwrap();
    let incoming = store::Incoming {
        record: osv::parse(raw.as_bytes()).unwrap(),
        raw: raw.to_owned(),
    };
    assert_eq!(writer.apply("other", &[incoming], &[]).unwrap().updated, 1);

    let after = f.batch("free", body).await;
    assert_eq!(
        after.body["data"]["results"][0]["matches"][0]["title"],
        "Prototype pollution in lodash, revised"
    );
}
