//! `POST /api/v1/inventory/register` and `DELETE /api/v1/inventory/{hostId}` in process:
//! findings and drift against the previous registration, the tier's asset cap across a
//! key's hosts (`413` with `data.maxAssets`), keys (`401`, `403`) and malformed bodies.

mod common;

use axum::http::Method;
use common::{assert_error, fixture, Fixture, Reply};
use serde_json::{json, Value};

async fn register(f: &Fixture, tier: &str, body: &Value) -> Reply {
    let key = f.keys[tier].clone();
    let body = body.to_string();
    f.send(
        Method::POST,
        "/api/v1/inventory/register",
        Some(&key),
        Some(&body),
    )
    .await
}

async fn delete(f: &Fixture, tier: &str, host: &str) -> Reply {
    let key = f.keys[tier].clone();
    f.send(
        Method::DELETE,
        &format!("/api/v1/inventory/{host}"),
        Some(&key),
        None,
    )
    .await
}

fn host(id: &str, assets: Value) -> Value {
    json!({"hostId": id, "hostname": "build-7", "agentVersion": "0.4.1", "monitor": true,
           "os": {"type": "linux", "distro": "debian", "version": "12"}, "assets": assets})
}

fn asset(ecosystem: &str, name: &str, version: &str) -> Value {
    json!({"ecosystem": ecosystem, "name": name, "version": version})
}

#[tokio::test]
async fn a_registration_answers_findings_and_later_ones_their_drift() {
    let f = fixture();
    let first = register(
        &f,
        "free",
        &host(
            "web-1",
            json!([
                {"purl": "pkg:pypi/starlette-healthcheck@1.3.1", "ecosystem": "PyPI",
                 "name": "starlette-healthcheck", "version": "1.3.1", "exposure": "public"},
                asset("npm", "lodash", "4.17.21"),
                asset("PyPI", "requests", "2.31.0"),
            ]),
        ),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.body);
    for header in ["x-ratelimit-limit-hourly", "x-ratelimit-remaining-monthly"] {
        assert!(first.headers.contains_key(header), "{header}");
    }
    let data = &first.body["data"];
    assert_eq!(data["hostId"], "web-1");
    assert_eq!(data["monitoring"], true);
    assert_eq!(data["new"], true);
    assert_eq!(data["assetCount"], 3);
    assert_eq!(
        data["drift"],
        json!({"added": 3, "removed": 0, "changed": 0})
    );
    let summary = &data["summary"];
    assert_eq!(summary["total"], 1, "{summary}");
    assert_eq!(summary["confirmed"], 1);
    assert_eq!(summary["exposed"], 1);
    assert_eq!(summary["kev"], 0);
    assert_eq!(summary["bySeverity"]["critical"], 1);
    for field in ["actNow", "byDecision"] {
        assert!(!summary[field].is_null(), "{field}");
    }
    assert_eq!(data["top"][0]["id"], "MAL-2026-6724");
    assert_eq!(data["top"][0]["coordinate"], "starlette-healthcheck@1.3.1");
    assert_eq!(data["newSinceLastCount"], 1);
    assert_eq!(data["newSinceLast"][0]["id"], "MAL-2026-6724");

    // lodash moves into the vulnerable range, requests goes, a new package comes.
    let second = register(
        &f,
        "free",
        &host(
            "web-1",
            json!([
                asset("PyPI", "starlette-healthcheck", "1.3.1"),
                asset("npm", "lodash", "4.17.20"),
                asset("npm", "left-pad", "1.3.0"),
            ]),
        ),
    )
    .await;
    assert_eq!(second.status, 200, "{}", second.body);
    let data = &second.body["data"];
    assert_eq!(data["new"], false);
    assert_eq!(
        data["drift"],
        json!({"added": 1, "removed": 1, "changed": 1})
    );
    assert_eq!(data["summary"]["total"], 2);
    assert_eq!(data["newSinceLastCount"], 1, "only lodash is new: {data}");
    assert_eq!(data["newSinceLast"][0]["id"], "GHSA-aaaa-bbbb-cccc");

    // Deleting frees the host; a second deletion finds nothing.
    let gone = delete(&f, "free", "web-1").await;
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert_eq!(
        gone.body["data"],
        json!({"hostId": "web-1", "deleted": true, "assetsFreed": 3})
    );
    assert_error(&delete(&f, "free", "web-1").await, 404);
    let again = register(&f, "free", &host("web-1", json!([]))).await;
    assert_eq!(
        again.body["data"]["new"], true,
        "a deleted host registers anew"
    );
}

#[tokio::test]
async fn the_asset_cap_counts_every_host_of_the_key() {
    let f = fixture();
    let six: Vec<Value> = (0..6)
        .map(|n| asset("npm", &format!("p{n}"), "1.0.0"))
        .collect();
    let over = register(&f, "tight", &host("a", json!(six))).await;
    assert_error(&over, 413);
    assert_eq!(over.body["error"], "too-many-assets");
    assert_eq!(over.body["data"], json!({"maxAssets": 5}));

    // Tight allows 2 requests an hour; `free` (cap 50) checks the sum over hosts.
    let many = |from: usize, count: usize| -> Value {
        json!((from..from + count)
            .map(|n| asset("npm", &format!("p{n}"), "1.0.0"))
            .collect::<Vec<_>>())
    };
    assert_eq!(
        register(&f, "free", &host("a", many(0, 30))).await.status,
        201
    );
    let second = register(&f, "free", &host("b", many(100, 21))).await;
    assert_error(&second, 413);
    assert_eq!(second.body["data"]["maxAssets"], 50);
    assert!(second.body["message"].as_str().unwrap().contains("51"));
    // Re-registering host a replaces its assets rather than adding to them.
    assert_eq!(
        register(&f, "free", &host("a", many(0, 29))).await.status,
        200
    );
    assert_eq!(
        register(&f, "free", &host("b", many(100, 21))).await.status,
        201
    );
    // Deleting a frees its assets for b.
    assert_eq!(delete(&f, "free", "a").await.status, 200);
    assert_eq!(
        register(&f, "free", &host("b", many(100, 50))).await.status,
        200
    );
}

#[tokio::test]
async fn hosts_belong_to_their_key_and_keys_are_checked() {
    let f = fixture();
    assert_eq!(
        register(&f, "free", &host("mine", json!([]))).await.status,
        201
    );
    // Another key neither sees nor deletes it.
    assert_error(&delete(&f, "tight", "mine").await, 404);

    let body = host("x", json!([])).to_string();
    let no_key = f
        .send(
            Method::POST,
            "/api/v1/inventory/register",
            None,
            Some(&body),
        )
        .await;
    assert_error(&no_key, 401);
    let unknown = f
        .send(
            Method::DELETE,
            "/api/v1/inventory/mine",
            Some("otr_not-a-key"),
            None,
        )
        .await;
    assert_error(&unknown, 401);
    assert_error(&register(&f, "revoked", &host("x", json!([]))).await, 401);
    assert_error(&register(&f, "blocked", &host("x", json!([]))).await, 403);
    assert_error(&delete(&f, "blocked", "mine").await, 403);
    assert_eq!(delete(&f, "free", "mine").await.status, 200);
}

#[tokio::test]
async fn malformed_registrations_are_400_naming_the_place() {
    let f = fixture();
    let key = f.keys["free"].clone();
    let raw = f
        .send(
            Method::POST,
            "/api/v1/inventory/register",
            Some(&key),
            Some("{oops"),
        )
        .await;
    assert_error(&raw, 400);
    let cases = [
        (json!([]), "expected a JSON object"),
        (
            json!({"agentVersion": "1", "monitor": true, "assets": []}),
            "hostId",
        ),
        (
            json!({"hostId": "", "agentVersion": "1", "monitor": true, "assets": []}),
            "hostId",
        ),
        (
            json!({"hostId": "h", "monitor": true, "assets": []}),
            "agentVersion",
        ),
        (
            json!({"hostId": "h", "agentVersion": "1", "monitor": "yes", "assets": []}),
            "monitor",
        ),
        (
            json!({"hostId": "h", "agentVersion": "1", "monitor": true}),
            "assets",
        ),
        (
            json!({"hostId": "h", "agentVersion": "1", "monitor": true, "assets": {}}),
            "assets",
        ),
        (
            json!({"hostId": "h", "agentVersion": "1", "monitor": true, "os": "linux",
                "assets": []}),
            "os",
        ),
        (host("h", json!([7])), "assets[0]"),
        (
            host("h", json!([{"ecosystem": "npm", "name": "a"}])),
            "assets[0].version",
        ),
        (
            host(
                "h",
                json!([asset("npm", "a", "1"), {"ecosystem": "npm", "version": "1"}]),
            ),
            "assets[1].name",
        ),
        (
            host(
                "h",
                json!([{"purl": "not a purl", "ecosystem": "npm", "name": "a",
                           "version": "1"}]),
            ),
            "assets[0].purl",
        ),
    ];
    // Twelve requests fit the free tier's hourly fifteen with the one above.
    for (body, place) in cases {
        let reply = register(&f, "free", &body).await;
        assert_error(&reply, 400);
        let message = reply.body["message"].as_str().unwrap();
        assert!(message.contains(place), "{body}: {message}");
        assert!(message.starts_with("expected "), "{message}");
    }
    let huge = host(
        "h",
        json!([{"ecosystem": "npm", "name": "x".repeat(70_000),
                                 "version": "1"}]),
    );
    assert_error(&register(&f, "free", &huge).await, 413);
}
