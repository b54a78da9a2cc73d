//! What a new API token is given: the user it acts for, an optional name and an optional lifetime.
//! The same parsers serve `createApiToken` and `vcslink token create`.

use std::time::Duration;

use super::error::InvalidInput;

const USER_MAX: usize = 200;
const NAME_MAX: usize = 200;
/// Longer lifetimes are a typo more often than a wish; omit the lifetime for a token that never expires.
const LIFETIME_MAX: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// The platform user a token acts for: 1 to 200 printable characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenUser(String);

impl TokenUser {
    pub fn parse(input: &str) -> Result<TokenUser, InvalidInput> {
        let user = input.trim();
        if user.is_empty() || user.chars().count() > USER_MAX || user.chars().any(char::is_control) {
            return Err(InvalidInput::new("user", format!("user must be 1 to {USER_MAX} printable characters"))
                .with_hint("name the platform user the token acts for, e.g. \"ci-bot\""));
        }
        Ok(TokenUser(user.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A token's label: absent when blank, else at most 200 characters, trimmed.
pub fn token_name(input: Option<String>) -> Result<Option<String>, InvalidInput> {
    let name = input.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if name.as_ref().is_some_and(|n| n.chars().count() > NAME_MAX) {
        return Err(InvalidInput::new("name", format!("name must be at most {NAME_MAX} characters")));
    }
    Ok(name)
}

/// How long a token lives: a whole number and a unit, `30d`, `12h`, `45m` or `90s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetime(Duration);

impl TokenLifetime {
    pub fn parse(input: &str) -> Result<TokenLifetime, InvalidInput> {
        let hint = "a whole number and a unit: 30d, 12h, 45m or 90s (at most 10 years)";
        let text = input.trim();
        let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
        let (digits, unit) = text.split_at(split);
        let unit_secs = match unit {
            "d" => 24 * 3600,
            "h" => 3600,
            "m" => 60,
            "s" => 1,
            _ => return Err(InvalidInput::new("expiresIn", format!("{text:?} has no known unit")).with_hint(hint)),
        };
        let count: u64 = digits.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
            InvalidInput::new("expiresIn", format!("{text:?} is not a positive number")).with_hint(hint)
        })?;
        let lifetime = Duration::from_secs(count.saturating_mul(unit_secs));
        if lifetime > LIFETIME_MAX {
            return Err(InvalidInput::new("expiresIn", format!("{text:?} is longer than 10 years")).with_hint(hint));
        }
        Ok(TokenLifetime(lifetime))
    }

    pub fn duration(self) -> Duration {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_take_days_hours_minutes_and_seconds() {
        assert_eq!(TokenLifetime::parse("30d").unwrap().duration(), Duration::from_secs(30 * 86400));
        assert_eq!(TokenLifetime::parse(" 12h ").unwrap().duration(), Duration::from_secs(12 * 3600));
        assert_eq!(TokenLifetime::parse("45m").unwrap().duration(), Duration::from_secs(45 * 60));
        assert_eq!(TokenLifetime::parse("90s").unwrap().duration(), Duration::from_secs(90));
    }

    #[test]
    fn lifetimes_without_a_unit_zero_or_absurd_are_refused_with_a_hint() {
        for bad in ["30", "0d", "d", "-1h", "1w", "1.5h", "99999d", ""] {
            let e = TokenLifetime::parse(bad).unwrap_err();
            assert_eq!(e.field, "expiresIn", "{bad}");
            assert!(e.hint.is_some(), "{bad}");
        }
    }

    #[test]
    fn users_must_be_printable_and_names_blank_means_none() {
        assert_eq!(TokenUser::parse("  alice ").unwrap().as_str(), "alice");
        assert!(TokenUser::parse("").is_err());
        assert!(TokenUser::parse("   ").is_err());
        assert!(TokenUser::parse("a\nb").is_err());
        assert!(TokenUser::parse(&"x".repeat(201)).is_err());
        assert_eq!(token_name(Some("  ".into())).unwrap(), None);
        assert_eq!(token_name(Some(" ci ".into())).unwrap().as_deref(), Some("ci"));
        assert!(token_name(Some("x".repeat(201))).is_err());
    }
}
