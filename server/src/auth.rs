//! API keys and rate limits (API.md, "Authentication and limits").
//!
//! A key is 32 random bytes written as `otr_` and hex; the store keeps only its SHA-256,
//! so a leaked database does not leak keys. Each request names its key in `X-API-Key`;
//! the key's tier (from the configuration) gives the hourly and monthly limits, counted
//! in fixed windows (the clock hour, the calendar month in UTC), and every response
//! carries the four `X-RateLimit-*` headers.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use sha2::{Digest, Sha256};

use crate::config::Tier;
use crate::{ApiError, AppState};

/// The header that carries the key.
pub const KEY_HEADER: &str = "x-api-key";

/// A newly made key: the key itself (shown once) and what the store keeps.
#[derive(Debug, Clone)]
pub struct NewKey {
    /// The key, to be given to its user and never stored.
    pub key: String,
    /// Its SHA-256, hex.
    pub hash: String,
    /// Its first characters, for telling keys apart in listings.
    pub prefix: String,
}

/// Makes a new random key.
///
/// # Errors
///
/// When the operating system's random source fails.
pub fn generate_key() -> Result<NewKey, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    let key = format!("otr_{}", hex(&bytes));
    Ok(NewKey {
        hash: hash_key(&key),
        prefix: key[..12].to_owned(),
        key,
    })
}

/// The SHA-256 of a key, hex, as the store keeps it.
pub fn hash_key(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// The caller of a request that passed authentication, for handlers that need its tier.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The key's number in the store (hosts registered with it belong to it).
    pub key_id: i64,
    /// The tier's name.
    pub tier_name: String,
    /// The tier.
    pub tier: Tier,
}

/// Counts per key in the current hour and month.
#[derive(Debug, Default)]
pub struct RateLimiter {
    usage: Mutex<HashMap<i64, Usage>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Usage {
    hour: i64,
    hour_count: u64,
    month: (i16, i8),
    month_count: u64,
}

/// The limits and what remains of them, for the response headers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quota {
    hourly: u64,
    hourly_left: u64,
    monthly: u64,
    monthly_left: u64,
}

impl Quota {
    fn apply(self, headers: &mut HeaderMap) {
        for (name, value) in [
            ("x-ratelimit-limit-hourly", self.hourly),
            ("x-ratelimit-remaining-hourly", self.hourly_left),
            ("x-ratelimit-limit-monthly", self.monthly),
            ("x-ratelimit-remaining-monthly", self.monthly_left),
        ] {
            headers.insert(name, HeaderValue::from(value));
        }
    }
}

/// A request refused by a rate limit: which window, its limit, and when it reopens.
#[derive(Debug, Clone, Copy)]
pub struct Refused {
    window: &'static str,
    limit: u64,
    retry_after: u64,
    quota: Quota,
}

impl Refused {
    fn error(&self) -> ApiError {
        ApiError::rate_limited(self.window, self.limit, self.retry_after)
    }
}

impl RateLimiter {
    /// Counts one request of key `id` at `now`, or refuses it with `429` when a window is
    /// used up (refused requests are not counted).
    pub fn check(&self, id: i64, tier: &Tier, now: Timestamp) -> Result<Quota, Refused> {
        let seconds = now.as_second();
        let hour = seconds.div_euclid(3600);
        let date = now.to_zoned(TimeZone::UTC).date();
        let month = (date.year(), date.month());

        let mut usage = self.usage.lock().unwrap_or_else(|p| p.into_inner());
        let entry = usage.entry(id).or_default();
        if entry.hour != hour {
            entry.hour = hour;
            entry.hour_count = 0;
        }
        if entry.month != month {
            entry.month = month;
            entry.month_count = 0;
        }
        let quota = |u: &Usage| Quota {
            hourly: tier.hourly,
            hourly_left: tier.hourly.saturating_sub(u.hour_count),
            monthly: tier.monthly,
            monthly_left: tier.monthly.saturating_sub(u.month_count),
        };

        if entry.month_count >= tier.monthly {
            let next_month = date
                .first_of_month()
                .checked_add(1.month())
                .ok()
                .and_then(|d| d.to_zoned(TimeZone::UTC).ok())
                .map_or(seconds + 86_400, |z| z.timestamp().as_second());
            let wait = u64::try_from(next_month - seconds).unwrap_or(1).max(1);
            return Err(Refused {
                window: "monthly",
                limit: tier.monthly,
                retry_after: wait,
                quota: quota(entry),
            });
        }
        if entry.hour_count >= tier.hourly {
            let wait = u64::try_from(3600 - seconds.rem_euclid(3600)).unwrap_or(1);
            return Err(Refused {
                window: "hourly",
                limit: tier.hourly,
                retry_after: wait,
                quota: quota(entry),
            });
        }
        entry.hour_count += 1;
        entry.month_count += 1;
        Ok(quota(entry))
    }
}

/// The middleware in front of every API route: resolves the key, counts the request and
/// puts the rate-limit headers on the response, whatever its status.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let (result, quota) = admit(&state, request.headers()).await;
    let mut response = match result {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(error) => error.into_response(),
    };
    quota.apply(response.headers_mut());
    response
}

async fn admit(state: &AppState, headers: &HeaderMap) -> (Result<Caller, ApiError>, Quota) {
    let no_quota = Quota::default();
    let Some(key) = headers.get(KEY_HEADER) else {
        let error = ApiError::unauthorized("expected an API key in the X-API-Key header");
        return (Err(error), no_quota);
    };
    let Ok(key) = key.to_str() else {
        let error = ApiError::unauthorized("expected an API key of visible ASCII characters");
        return (Err(error), no_quota);
    };

    let hash = hash_key(key.trim());
    let found = state
        .pool
        .run(move |store| Ok(store.api_key_by_hash(&hash)?))
        .await;
    let stored = match found {
        Ok(Some(stored)) if stored.revoked.is_none() => stored,
        Ok(Some(_)) => {
            return (
                Err(ApiError::unauthorized("this API key was revoked")),
                no_quota,
            )
        }
        Ok(None) => return (Err(ApiError::unauthorized("unknown API key")), no_quota),
        Err(error) => return (Err(error), no_quota),
    };
    let Some(tier) = state.config.tiers.get(&stored.tier) else {
        let message = format!(
            "the key's tier {:?} is not offered by this server",
            stored.tier
        );
        return (Err(ApiError::forbidden(message)), no_quota);
    };
    if !tier.api {
        let message = format!("keys of the {:?} tier may not use the API", stored.tier);
        return (Err(ApiError::forbidden(message)), no_quota);
    }

    match state.limiter.check(stored.id, tier, Timestamp::now()) {
        Ok(quota) => (
            Ok(Caller {
                key_id: stored.id,
                tier_name: stored.tier,
                tier: tier.clone(),
            }),
            quota,
        ),
        Err(refused) => (Err(refused.error()), refused.quota),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tier(hourly: u64, monthly: u64) -> Tier {
        Tier {
            hourly,
            monthly,
            max_batch: 1,
            max_assets: 1,
            api: true,
        }
    }

    #[test]
    fn keys_are_random_and_only_their_hash_is_kept() {
        let a = generate_key().unwrap();
        let b = generate_key().unwrap();
        assert_ne!(a.key, b.key);
        assert_eq!(a.hash, hash_key(&a.key));
        assert_eq!(a.hash.len(), 64);
        assert!(a.key.starts_with(&a.prefix));
    }

    #[test]
    fn windows_reset_on_the_hour_and_month() {
        let limiter = RateLimiter::default();
        let t: Timestamp = "2026-03-31T23:59:00Z".parse().unwrap();
        let tier = tier(2, 3);
        assert!(limiter.check(1, &tier, t).is_ok());
        assert!(limiter.check(1, &tier, t).is_ok());
        let refused = limiter.check(1, &tier, t).unwrap_err();
        assert_eq!(refused.error().status().as_u16(), 429);
        assert_eq!(refused.window, "hourly");
        assert_eq!(refused.retry_after, 60);

        // Another key has its own count.
        assert!(limiter.check(2, &tier, t).is_ok());

        // The next hour (and month) starts afresh.
        let next: Timestamp = "2026-04-01T00:00:01Z".parse().unwrap();
        let quota = limiter.check(1, &tier, next).unwrap();
        assert_eq!((quota.hourly_left, quota.monthly_left), (1, 2));

        // The monthly limit holds across hours.
        let later: Timestamp = "2026-04-01T05:00:00Z".parse().unwrap();
        assert!(limiter.check(1, &tier, later).is_ok());
        assert!(limiter.check(1, &tier, later).is_ok());
        let even_later: Timestamp = "2026-04-01T07:00:00Z".parse().unwrap();
        assert!(limiter.check(1, &tier, even_later).is_err());
    }
}
