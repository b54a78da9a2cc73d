//! The `DateTime` scalar: RFC 3339 in UTC with exactly millisecond precision
//! (`2026-12-03T17:56:36.123Z`), whatever precision the database keeps (SQLite and PostgreSQL keep
//! microseconds, which clients would otherwise see as six or nine digits, or none).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{DateTime, SecondsFormat, Utc};

/// A point in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Timestamp(t)
    }
}

/// A point in time: RFC 3339 in UTC with milliseconds, e.g. `2026-12-03T17:56:36.123Z`. Input
/// accepts any RFC 3339 offset.
#[Scalar(name = "DateTime")]
impl ScalarType for Timestamp {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => DateTime::parse_from_rfc3339(s)
                .map(|t| Timestamp(t.with_timezone(&Utc)))
                .map_err(|_| InputValueError::custom("expected an RFC 3339 date-time, e.g. 2026-12-03T17:56:36.123Z")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_always_and_only() {
        let t = DateTime::parse_from_rfc3339("2026-12-03T17:56:36.123456789+01:00").unwrap().with_timezone(&Utc);
        assert_eq!(Timestamp(t).to_value(), Value::String("2026-12-03T16:56:36.123Z".into()));
        let whole = DateTime::parse_from_rfc3339("2026-12-03T17:56:36Z").unwrap().with_timezone(&Utc);
        assert_eq!(Timestamp(whole).to_value(), Value::String("2026-12-03T17:56:36.000Z".into()));
        assert_eq!(Timestamp::parse(Value::String("2026-12-03T17:56:36Z".into())).unwrap(), Timestamp(whole));
        assert!(Timestamp::parse(Value::String("yesterday".into())).is_err());
    }
}
