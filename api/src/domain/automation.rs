//! A new automation, every field parsed: which deliveries it hears, where it sends them, signed.

use secrecy::SecretString;
use url::Url;

use super::InvalidInput;
use super::service_hook::EventKind;

/// A new automation; the target URL is absolute (the upstream policy decides later whether
/// http or private hosts may be used).
pub struct NewAutomation {
    pub name: String,
    /// At least one, without repeats.
    pub event_types: Vec<EventKind>,
    pub project: Option<String>,
    pub repository: Option<String>,
    pub branch: Option<String>,
    pub trigger_phrase: Option<String>,
    pub target_url: Url,
    /// `None`: one is generated (and returned once).
    pub secret: Option<SecretString>,
}

/// The raw fields, as a client sends them.
pub struct AutomationFields<'a> {
    pub name: &'a str,
    pub event_types: &'a [EventKind],
    pub project: Option<&'a str>,
    pub repository: Option<&'a str>,
    pub branch: Option<&'a str>,
    pub trigger_phrase: Option<&'a str>,
    pub target_url: &'a str,
    pub secret: Option<&'a str>,
}

impl NewAutomation {
    pub fn parse(f: AutomationFields<'_>) -> Result<NewAutomation, InvalidInput> {
        let name = trimmed(Some(f.name), "name", 100)?.ok_or_else(|| InvalidInput::new("name", "must not be empty"))?;
        let mut event_types = Vec::new();
        for kind in f.event_types {
            if !event_types.contains(kind) {
                event_types.push(*kind);
            }
        }
        if event_types.is_empty() {
            return Err(InvalidInput::new("eventTypes", "name at least one event type"));
        }
        let target_url =
            Url::parse(f.target_url.trim()).map_err(|_| InvalidInput::new("targetUrl", "is not an absolute URL"))?;
        let secret = match f.secret {
            Some(s) if s.is_empty() || s.len() > 256 => {
                return Err(InvalidInput::new("secret", "must be 1 to 256 characters"));
            }
            other => other.map(|s| SecretString::from(s.to_owned())),
        };
        Ok(NewAutomation {
            name,
            event_types,
            project: trimmed(f.project, "project", 200)?,
            repository: trimmed(f.repository, "repository", 200)?,
            branch: trimmed(f.branch, "branch", 400)?,
            trigger_phrase: trimmed(f.trigger_phrase, "triggerPhrase", 400)?,
            target_url,
            secret,
        })
    }
}

/// Trimmed; blank is absent; longer than `max` characters is refused.
fn trimmed(v: Option<&str>, field: &str, max: usize) -> Result<Option<String>, InvalidInput> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) if s.chars().count() > max => Err(InvalidInput::new(field, format!("is longer than {max} characters"))),
        other => Ok(other.map(str::to_owned)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> AutomationFields<'static> {
        AutomationFields {
            name: " deploy ",
            event_types: &[EventKind::CodePushed, EventKind::CodePushed],
            project: Some("  "),
            repository: None,
            branch: Some("main"),
            trigger_phrase: None,
            target_url: "https://hooks.example.com/x",
            secret: None,
        }
    }

    #[test]
    fn parses_trimmed_deduplicated_and_blank_as_absent() {
        let a = NewAutomation::parse(fields()).unwrap();
        assert_eq!(a.name, "deploy");
        assert_eq!(a.event_types, vec![EventKind::CodePushed]);
        assert_eq!(a.project, None);
        assert_eq!(a.branch.as_deref(), Some("main"));
        assert!(a.secret.is_none());
    }

    #[test]
    fn refuses_each_bad_field_by_name() {
        let long = "x".repeat(401);
        let cases: Vec<(AutomationFields<'_>, &str)> = vec![
            (AutomationFields { name: " ", ..fields() }, "name"),
            (AutomationFields { event_types: &[], ..fields() }, "eventTypes"),
            (AutomationFields { target_url: "/relative", ..fields() }, "targetUrl"),
            (AutomationFields { secret: Some(""), ..fields() }, "secret"),
            (AutomationFields { branch: Some(&long), ..fields() }, "branch"),
        ];
        for (f, field) in cases {
            assert_eq!(NewAutomation::parse(f).err().map(|e| e.field), Some(field.to_owned()));
        }
    }
}
