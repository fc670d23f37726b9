//! `GET /api/v1/openapi.json`: an OpenAPI 3.1 description of the routes [`crate::app`]
//! serves. A test asks every documented path with its method, so the two cannot drift.

use axum::Json;
use serde_json::{json, Value};

/// The document.
pub fn document() -> Value {
    let error = json!({"$ref": "#/components/schemas/Error"});
    let errors = |codes: &[&str]| -> Value {
        let mut map = serde_json::Map::new();
        for code in codes {
            map.insert(
                (*code).to_owned(),
                json!({"description": "an error",
                       "content": {"application/json": {"schema": error}}}),
            );
        }
        Value::Object(map)
    };
    let with = |ok: Value, codes: &[&str]| -> Value {
        let mut responses = errors(codes);
        responses["200"] =
            json!({"description": "success", "content": {"application/json": {"schema": ok}}});
        responses
    };
    let query = |name: &str, description: &str| {
        json!({"name": name, "in": "query", "required": false, "description": description,
               "schema": {"type": "string"}})
    };
    let threat_list = json!({"type": "object", "properties": {"data": {"type": "object",
        "properties": {"threats": {"type": "array",
                                   "items": {"$ref": "#/components/schemas/Threat"}},
                       "total": {"type": "integer"}, "page": {"type": "integer"},
                       "limit": {"type": "integer"}}}}});
    let mut registered = with(
        json!({"type": "object", "properties": {"data": {
            "$ref": "#/components/schemas/Registered"}}}),
        &["400", "401", "403", "413", "429"],
    );
    registered["201"] = json!({"description": "a host registered for the first time",
        "content": {"application/json": {"schema": {"type": "object", "properties": {
            "data": {"$ref": "#/components/schemas/Registered"}}}}}});
    let mut events = errors(&["400"]);
    events["200"] = json!({"description": "an endless stream of events",
        "content": {"text/event-stream": {"schema": {"type": "string"}}}});
    let text = json!({"type": "string"});
    let count = json!({"type": "integer"});

    json!({
        "openapi": "3.1.0",
        "info": {"title": "Open Threat Radar API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"apiKey": []}],
        "paths": {
            "/threats": {"get": {
                "summary": "Threats, newest first",
                "parameters": [
                    query("search", "words that must all occur"),
                    query("limit", "threats a page (1-100, default 20)"),
                    query("page", "page number from 1"),
                    query("ecosystem", "an OSV ecosystem (PyPI, npm, ...)"),
                    query("type", "malicious or vulnerability"),
                    query("severity", "critical, high, medium, low or unknown"),
                    query("since", "RFC 3339 time: published at or after"),
                    query("package", "a package name"),
                ],
                "responses": with(threat_list, &["400", "401", "403", "429"])
            }},
            "/threats/{idOrSlug}": {"get": {
                "summary": "One threat in full: the threat, its OSV record, analysis, views",
                "parameters": [{"name": "idOrSlug", "in": "path", "required": true,
                                "schema": {"type": "string"}}],
                "responses": with(json!({"type": "object"}), &["401", "403", "404", "429"])
            }},
            "/match/batch": {"post": {
                "summary": "Match purl, package + version and CPE queries",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["queries"],
                    "properties": {
                        "queries": {"type": "array", "items": {"type": "object", "properties": {
                            "purl": {"type": "string"}, "cpe": {"type": "string"},
                            "version": {"type": "string"},
                            "package": {"type": "object", "properties": {
                                "name": {"type": "string"}, "ecosystem": {"type": "string"}}}}}},
                        "strict": {"type": "boolean"}}}}}},
                "responses": with(json!({"type": "object"}), &["400", "401", "403", "413", "429"])
            }},
            "/match/help": {"get": {
                "summary": "A plain description of matching",
                "responses": with(json!({"type": "object"}), &["401", "403", "429"])
            }},
            "/inventory/register": {"post": {
                "summary": "Register a host's packages; answers its findings and drift",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Registration"}}}},
                "responses": registered
            }},
            "/inventory/{hostId}": {"delete": {
                "summary": "Delete a host registered with this key, freeing its assets",
                "parameters": [{"name": "hostId", "in": "path", "required": true,
                                "schema": {"type": "string"}}],
                "responses": with(json!({"type": "object", "properties": {"data": {
                    "type": "object", "properties": {
                        "hostId": {"type": "string"}, "deleted": {"type": "boolean"},
                        "assetsFreed": {"type": "integer"}}}}}),
                    &["401", "403", "404", "429"])
            }},
            "/events": {"get": {
                "summary": "Live changes as server-sent events (new, updated, withdrawn); \
                            resumable with Last-Event-ID or since",
                "security": [],
                "parameters": [
                    query("since", "a change sequence number: replay the changes after it"),
                    {"name": "Last-Event-ID", "in": "header", "required": false,
                     "description": "the last event id seen; wins over since",
                     "schema": {"type": "string"}}
                ],
                "responses": events
            }},
            "/openapi.json": {"get": {
                "summary": "This document",
                "responses": with(json!({"type": "object"}), &["401", "403", "429"])
            }}
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string"}, "message": {"type": "string"},
                    "data": {"type": "object"}}},
                "Registration": {"type": "object",
                    "required": ["hostId", "agentVersion", "monitor", "assets"],
                    "properties": {
                        "hostId": text, "hostname": text, "agentVersion": text,
                        "monitor": {"type": "boolean"},
                        "os": {"type": "object", "properties": {
                            "type": text, "distro": text, "version": text}},
                        "assets": {"type": "array", "items": {"type": "object",
                            "required": ["version", "ecosystem", "name"],
                            "properties": {
                                "purl": text, "cpe": text, "version": text,
                                "ecosystem": text, "name": text, "exposure": text,
                                "exposed": {"type": "boolean"},
                                "runtime": {"type": "boolean"}}}}}},
                "Registered": {"type": "object", "properties": {
                    "hostId": text, "monitoring": {"type": "boolean"},
                    "new": {"type": "boolean"}, "assetCount": count,
                    "drift": {"type": "object", "properties": {
                        "added": count, "removed": count, "changed": count}},
                    "summary": {"type": "object", "properties": {
                        "total": count, "confirmed": count, "kev": count, "exposed": count,
                        "actNow": count, "bySeverity": {"type": "object"},
                        "byDecision": {"type": "object"}}},
                    "top": {"type": "array", "items": {"type": "object"}},
                    "newSinceLast": {"type": "array", "items": {"type": "object"}},
                    "newSinceLastCount": count}},
                "Threat": {"type": "object", "properties": {
                    "_id": {"type": "string"}, "externalId": {"type": "string"},
                    "cveId": {"type": "string"}, "slug": {"type": "string"},
                    "title": {"type": "string"}, "severity": {"type": "string"},
                    "cvssScore": {"type": ["number", "null"]},
                    "cvssVector": {"type": ["string", "null"]},
                    "epss": {"type": ["object", "null"]}, "kev": {"type": ["object", "null"]},
                    "knownExploitsInWild": {"type": "boolean"},
                    "publishedDate": {"type": ["string", "null"]},
                    "affectedVersions": {"type": "array"},
                    "patchAvailable": {"type": "boolean"},
                    "fixedVersions": {"type": "array", "items": {"type": "string"}},
                    "remediation": {"type": "string"},
                    "references": {"type": "array", "items": {"type": "string"}},
                    "cwes": {"type": "array", "items": {"type": "string"}},
                    "type": {"type": "string", "enum": ["malicious", "vulnerability"]},
                    "source": {"type": "string"}}}
            }
        }
    })
}

/// Serves the document.
pub async fn serve() -> Json<Value> {
    Json(document())
}
