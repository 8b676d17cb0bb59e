//! The OpenAPI 3.1 document served at `/api/openapi.json`.
//!
//! Written by hand (no codegen dependency) and kept true by tests: every route the
//! router serves is in `paths` with its method, and every documented operation is
//! routed (`tests::document_matches_router`, plus the integration test that calls each
//! documented path on a live server).

use serde_json::{json, Value};

/// "Something besides whitespace": Unicode `White_Space`, the characters Rust's `trim`
/// removes, spelled out (a `\s` class means other things to other regex engines).
pub const NOT_ALL_WHITESPACE: &str =
    "[^\\t\\n\\u000b\\u000c\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";

/// The id rule of [`crate::api::check_id`].
fn id_schema() -> Value {
    json!({ "type": "string", "minLength": 1, "maxLength": crate::api::MAX_ID, "pattern": NOT_ALL_WHITESPACE,
            "description": "1 to 512 characters, not all whitespace; surrounding whitespace is not part of the id." })
}

fn filter_params(paging: bool) -> Vec<Value> {
    let s = |name: &str, desc: &str, schema: Value| json!({ "name": name, "in": "query", "required": false, "description": desc, "schema": schema });
    let mut v = vec![
        s("from", "Earliest event date, inclusive (YYYY-MM-DD). A `from` after `to` is an empty range.", json!({ "type": "string", "format": "date" })),
        s("to", "Latest event date, inclusive (YYYY-MM-DD).", json!({ "type": "string", "format": "date" })),
        s("event_type", "ACLED event type.", json!({ "type": "string", "enum": rasad_model::EVENT_TYPES })),
        s(
            "sub_event_type",
            "ACLED sub-event type.",
            json!({ "type": "string", "enum": rasad_model::SUB_EVENT_TYPES.iter().map(|(s, _)| *s).collect::<Vec<_>>() }),
        ),
        s("actor", "Part of either side's English or Arabic name (Arabic compared after normalisation). Empty: no filter.", json!({ "type": "string", "maxLength": 200 })),
        s("country", "English country name, e.g. Syria. Empty: no filter.", json!({ "type": "string", "maxLength": 200 })),
        s("admin1", "Canonical English governorate name, e.g. Deir ez-Zor. Empty: no filter.", json!({ "type": "string", "maxLength": 200 })),
        s("bbox", "Bounding box min_lon,min_lat,max_lon,max_lat: decimal numbers, longitudes -180..180, latitudes -90..90; events without coordinates are excluded; a box whose minimum is not below its maximum holds nothing.", json!({ "type": "string", "pattern": crate::params::BBOX_PATTERN, "example": "35.5,32.3,42.4,37.4" })),
        s("status", "current (the reported news) or background (recalled earlier events).", json!({ "type": "string", "enum": ["current", "background"] })),
        s("min_confidence", "Lowest overall confidence, 0..1.", json!({ "type": "number", "minimum": 0, "maximum": 1 })),
        s("q", "Free text searched in notes, place and actor names and source sentences.", json!({ "type": "string", "maxLength": 200 })),
    ];
    if paging {
        v.push(s(
            "page",
            "1-based page number.",
            json!({ "type": "integer", "minimum": 1, "maximum": crate::params::MAX_PAGE, "default": 1 }),
        ));
        v.push(s(
            "per_page",
            "Events per page.",
            json!({ "type": "integer", "minimum": 1, "maximum": crate::params::MAX_PER_PAGE, "default": crate::params::DEFAULT_PER_PAGE }),
        ));
        v.push(s(
            "after",
            "Keyset cursor: the `next` of the previous page (deep pages cost what the first does). With `after`, `page` is ignored. A cursor of another listing starts after its position.",
            json!({ "type": "string", "pattern": "^-?[0-9]{1,18}\\.[A-Za-z0-9]{1,64}$", "maxLength": 84 }),
        ));
        v.push(s(
            "format",
            "json (a page object), geojson (a FeatureCollection) or csv (ACLED columns).",
            json!({ "type": "string", "enum": ["json", "geojson", "csv"], "default": "json" }),
        ));
    }
    v
}

fn err(desc: &str) -> Value {
    json!({ "description": desc, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

/// The document. `version` is the crate version.
pub fn document() -> Value {
    let id_param = |what: &str| json!({ "name": "id", "in": "path", "required": true, "description": what, "schema": id_schema() });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Rasad API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "ACLED-style conflict events extracted from Arabic news, with the source sentence behind every field. Read-only unless the server was started with a write token; writes need `Authorization: Bearer <token>`. Errors are JSON `{error, status}`."
        },
        "paths": {
            "/api/health": { "get": {
                "operationId": "health", "summary": "Liveness and store size.",
                "responses": { "200": { "description": "Server is up.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Health" } } } } }
            }},
            "/api/openapi.json": { "get": {
                "operationId": "openapi", "summary": "This document.",
                "responses": { "200": { "description": "OpenAPI 3.1 document.", "content": { "application/json": { "schema": { "type": "object" } } } } }
            }},
            "/api/events": { "get": {
                "operationId": "listEvents", "summary": "Merged events matching the filters, newest first.",
                "parameters": filter_params(true),
                "responses": {
                    "200": { "description": "A page of events.", "content": {
                        "application/json": { "schema": { "$ref": "#/components/schemas/EventPage" } },
                        "application/geo+json": { "schema": { "$ref": "#/components/schemas/FeatureCollection" } },
                        "text/csv": { "schema": { "type": "string", "description": "ACLED columns, one event per row." } }
                    }},
                    "400": err("A parameter is invalid (the message names it).")
                }
            }},
            "/api/events/{id}": { "get": {
                "operationId": "getEvent", "summary": "One merged event with every source mention, its spans and source sentence.",
                "parameters": [id_param("Merged event id.")],
                "responses": {
                    "200": { "description": "The event.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/EventDetail" } } } },
                    "400": err("The id breaks the id rule."),
                    "404": err("No such event.")
                }
            }},
            "/api/articles": { "post": {
                "operationId": "postArticles",
                "summary": "Submit articles: each is extracted, merged with stored events and stored at once.",
                "description": "A 2xx answer means every submitted article is stored (now, or before under the same id) and readable at /api/articles/{id}; any other answer means nothing of the request was stored.",
                "security": [{ "bearer": [] }],
                "requestBody": { "required": true, "description": "One article or a JSON array of articles; JSON lines (one article per line) are also accepted as application/x-ndjson, which a JSON Schema cannot describe. At most 8 MiB and 1000 articles. An id given twice is one article.", "content": {
                    "application/json": { "schema": { "oneOf": [
                        { "$ref": "#/components/schemas/Article" },
                        { "type": "array", "items": { "$ref": "#/components/schemas/Article" }, "minItems": 1, "maxItems": 1000 }
                    ] } }
                }},
                "responses": {
                    "200": { "description": "What was stored.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/IngestReport" } } },
                             "links": { "GetPostedArticle": { "operationId": "getArticle", "parameters": { "id": "$request.body#/id" },
                                        "description": "A single posted article is readable at its id (the 2xx contract)." } } },
                    "400": err("Malformed body."),
                    "401": err("Missing or wrong bearer token."),
                    "403": err("The server is read-only (started without a write token)."),
                    "408": err("The body was not received within the server's time limit."),
                    "409": err("An article's text or URL is already stored under another id, or is another article's of the request."),
                    "413": err("Body too large."),
                    "415": err("Unsupported content type."),
                    "422": err("The extractor refused an article (e.g. text over 4 MiB)."),
                    "503": { "description": "All extraction slots are busy (see Retry-After), or extraction ran past the per-request time budget.",
                             "headers": { "Retry-After": { "description": "Seconds to wait (when the slots are busy).", "schema": { "type": "integer" } } },
                             "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
                }
            }},
            "/api/articles/{id}": { "get": {
                "operationId": "getArticle", "summary": "An article's text and the spans of all its events.",
                "parameters": [id_param("Article id.")],
                "responses": {
                    "200": { "description": "The article.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ArticleDetail" } } } },
                    "400": err("The id breaks the id rule."),
                    "404": err("No such article.")
                }
            }},
            "/api/stats": { "get": {
                "operationId": "stats", "summary": "Counts of the matching events by day, type, admin1 and actor.",
                "parameters": filter_params(false),
                "responses": {
                    "200": { "description": "Counts.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Stats" } } } },
                    "400": err("A parameter is invalid.")
                }
            }}
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Error": { "type": "object", "required": ["error", "status"], "properties": {
                    "error": { "type": "string" }, "status": { "type": "integer" } } },
                "Health": { "type": "object", "properties": {
                    "status": { "type": "string", "enum": ["ok"] }, "version": { "type": "string" },
                    "events": { "type": "integer" }, "articles": { "type": "integer" }, "writable": { "type": "boolean" } } },
                "Span": { "type": "array", "items": { "type": "integer" }, "minItems": 2, "maxItems": 2,
                    "description": "Half-open [start, end) in Unicode characters of the original article text." },
                "Spans": { "type": "object", "additionalProperties": true, "properties": {
                    "sentence": { "$ref": "#/components/schemas/Span" }, "trigger": { "$ref": "#/components/schemas/Span" },
                    "actor1": { "$ref": "#/components/schemas/Span" }, "actor2": { "$ref": "#/components/schemas/Span" },
                    "location": { "$ref": "#/components/schemas/Span" }, "date": { "$ref": "#/components/schemas/Span" },
                    "fatalities": { "$ref": "#/components/schemas/Span" } } },
                "Actor": { "type": ["object", "null"], "properties": {
                    "name": { "type": "string" }, "name_ar": { "type": "string" }, "inter": { "type": "integer" } } },
                "Location": { "type": ["object", "null"], "properties": {
                    "name_ar": { "type": "string" }, "name": { "type": "string" }, "admin1": { "type": "string" },
                    "admin2": { "type": "string" }, "lat": { "type": "number" }, "lon": { "type": "number" },
                    "geo_precision": { "type": "integer" } } },
                "Event": { "type": "object", "description": "A merged event: the fields of the `rasad extract` contract plus its id and source count.",
                    "required": ["id", "event_type", "sub_event_type"], "properties": {
                    "id": { "type": "string" }, "event_type": { "type": "string" }, "sub_event_type": { "type": "string" },
                    "date": { "type": ["string", "null"] }, "time_precision": { "type": ["integer", "null"] },
                    "country": { "type": ["string", "null"] }, "admin1": { "type": ["string", "null"] },
                    "location": { "$ref": "#/components/schemas/Location" },
                    "actor1": { "$ref": "#/components/schemas/Actor" }, "actor2": { "$ref": "#/components/schemas/Actor" },
                    "fatalities": { "type": ["integer", "null"] }, "injuries": { "type": ["integer", "null"] },
                    "status": { "type": "string", "enum": ["current", "background"] }, "notes": { "type": "string" },
                    "confidence": { "type": "number" }, "source_count": { "type": "integer" } } },
                "EventPage": { "type": "object", "required": ["total", "page", "per_page", "events"], "properties": {
                    "total": { "type": "integer" }, "page": { "type": "integer" }, "per_page": { "type": "integer" },
                    "next": { "type": ["string", "null"], "description": "Cursor of the next page (pass as after); null on the last page." },
                    "events": { "type": "array", "items": { "$ref": "#/components/schemas/Event" } } } },
                "FeatureCollection": { "type": "object", "properties": {
                    "type": { "const": "FeatureCollection" }, "total": { "type": "integer" },
                    "features": { "type": "array", "items": { "type": "object", "properties": {
                        "type": { "const": "Feature" },
                        "geometry": { "type": ["object", "null"], "description": "Point [lon, lat], null when the place has no coordinates." },
                        "properties": { "$ref": "#/components/schemas/Event" } } } } } },
                "Source": { "type": "object", "properties": {
                    "article_id": { "type": "string" }, "outlet": { "type": ["string", "null"] }, "url": { "type": ["string", "null"] },
                    "published": { "type": ["string", "null"] }, "title": { "type": ["string", "null"] },
                    "mention": { "type": "object", "description": "The event as extracted from this article, with its spans." },
                    "sentence": { "type": ["object", "null"], "properties": {
                        "start": { "type": "integer" }, "end": { "type": "integer" }, "text": { "type": "string" } } } } },
                "EventDetail": { "type": "object", "properties": {
                    "event": { "$ref": "#/components/schemas/Event" },
                    "sources": { "type": "array", "items": { "$ref": "#/components/schemas/Source" } } } },
                "Article": { "type": "object", "required": ["id", "text"], "properties": {
                    "id": id_schema(), "outlet": { "type": ["string", "null"] }, "url": { "type": ["string", "null"] },
                    "published": { "anyOf": [ { "type": "string", "format": "date" }, { "type": "string", "format": "date-time" }, { "type": "null" } ],
                                   "description": "Publication date YYYY-MM-DD, or an RFC 3339 date-time (its date is used)." },
                    "title": { "type": ["string", "null"] },
                    "text": { "type": "string", "minLength": 1, "pattern": NOT_ALL_WHITESPACE } } },
                "StoredArticle": { "type": "object", "description": "An article as stored (its id trimmed).", "properties": {
                    "id": { "type": "string" }, "outlet": { "type": ["string", "null"] }, "url": { "type": ["string", "null"] },
                    "published": { "type": ["string", "null"] }, "title": { "type": ["string", "null"] }, "text": { "type": "string" } } },
                "ArticleDetail": { "type": "object", "properties": {
                    "article": { "$ref": "#/components/schemas/StoredArticle" },
                    "events": { "type": "array", "items": { "type": "object", "properties": {
                        "event_id": { "type": "string", "description": "Merged event id." },
                        "mention": { "type": "object", "description": "The event as extracted from this article, with spans." } } } } } },
                "Bucket": { "type": "object", "properties": { "key": { "type": "string" }, "count": { "type": "integer" } } },
                "Stats": { "type": "object", "properties": {
                    "total": { "type": "integer" }, "fatalities": { "type": "integer" },
                    "by_day": { "type": "array", "items": { "$ref": "#/components/schemas/Bucket" } },
                    "by_type": { "type": "array", "items": { "$ref": "#/components/schemas/Bucket" } },
                    "by_admin1": { "type": "array", "items": { "$ref": "#/components/schemas/Bucket" } },
                    "by_actor": { "type": "array", "items": { "$ref": "#/components/schemas/Bucket" } } } },
                "IngestReport": { "type": "object", "properties": {
                    "articles": { "type": "integer" }, "mentions": { "type": "integer" },
                    "events": { "type": "array", "items": { "type": "string" }, "description": "Ids of the merged events the articles now belong to." },
                    "errors": { "type": "array", "items": { "type": "object", "properties": {
                        "id": { "type": "string" }, "error": { "type": "string" } } } } } }
            }
        }
    })
}

/// `(METHOD, path)` of every operation in the document, sorted.
pub fn documented_operations() -> Vec<(String, String)> {
    let doc = document();
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, ops) in paths {
            for method in ops.as_object().into_iter().flat_map(|o| o.keys()) {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_matches_router() {
        let mut routed: Vec<(String, String)> = crate::routes::api_routes()
            .iter()
            .map(|r| (r.method.to_string(), r.path.to_string()))
            .collect();
        routed.sort();
        let documented = documented_operations();
        for r in &routed {
            assert!(documented.contains(r), "routed but not documented: {r:?}");
        }
        for d in &documented {
            assert!(routed.contains(d), "documented but not routed: {d:?}");
        }
    }

    #[test]
    fn every_ref_resolves() {
        let doc = document();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            assert!(schemas.contains_key(name), "dangling $ref {name}");
        }
    }

    #[test]
    fn every_operation_has_an_id_and_a_200() {
        let doc = document();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for (m, op) in ops.as_object().unwrap() {
                assert!(op["operationId"].is_string(), "{m} {path}");
                assert!(op["responses"]["200"].is_object(), "{m} {path}");
            }
        }
    }
}
