//! The one error type of the API: every failure becomes a JSON body
//! `{"error": "...", "message": "..."}` with a 4xx status for bad requests (API.md,
//! "never a 500 for bad input"), and internal failures are logged here once and reach the
//! client only as a generic message.

use std::fmt::Display;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// An error answered to the client (boxed: it travels in every handler's `Result`).
#[derive(Debug, Clone)]
pub struct ApiError(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    status: StatusCode,
    code: &'static str,
    message: String,
    data: Option<Value>,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self(Box::new(Inner {
            status,
            code,
            message: message.into(),
            data: None,
            retry_after: None,
        }))
    }

    /// `400`: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", message)
    }

    /// `401`: no key, or a key the server does not know.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// `403`: the key may not use the API.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// `404`: nothing at this address.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", message)
    }

    /// `405`: the route exists, the method does not.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "this route does not accept that method",
        )
    }

    /// `413` for a batch over the tier's cap, with `data.maxBatch`.
    pub fn batch_too_large(found: usize, max: usize) -> Self {
        let mut error = Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch-too-large",
            format!("expected at most {max} queries for this key's tier, but found {found}"),
        );
        error.0.data = Some(json!({ "maxBatch": max }));
        error
    }

    /// `413` for a registration whose assets would exceed the tier's cap, with
    /// `data.maxAssets`.
    pub fn too_many_assets(found: usize, max: usize) -> Self {
        let mut error = Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-many-assets",
            format!(
                "expected at most {max} assets across this key's hosts for its tier, but the \
                 registration would make {found}"
            ),
        );
        error.0.data = Some(json!({ "maxAssets": max }));
        error
    }

    /// `413` for a body over the server's size limit.
    pub fn body_too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "body-too-large", message)
    }

    /// `429` with `Retry-After`.
    pub fn rate_limited(window: &str, limit: u64, retry_after: u64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!("the {window} limit of {limit} requests is used up; retry in {retry_after} s"),
        );
        error.0.retry_after = Some(retry_after);
        error
    }

    /// `503`: the request took longer than the server allows.
    pub fn timeout() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "the request took too long; try a smaller one",
        )
    }

    /// `500`: something failed inside the server. The cause is logged here and never sent.
    pub fn internal(cause: impl Display) -> Self {
        tracing::error!("internal error: {cause}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed to answer; the failure is logged",
        )
    }

    /// The status the response carries.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }
}

impl From<store::StoreError> for ApiError {
    fn from(error: store::StoreError) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let Inner {
            status,
            code,
            message,
            data,
            retry_after,
        } = *self.0;
        let mut body = json!({ "error": code, "message": message });
        if let Some(data) = data {
            body["data"] = data;
        }
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
