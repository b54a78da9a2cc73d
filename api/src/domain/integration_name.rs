//! The integration's display name and its optional free-text description.

use std::fmt;

use super::error::InvalidInput;

const NAME_MAX: usize = 100;
const DESCRIPTION_MAX: usize = 2000;

/// A name of 1–100 characters, trimmed, without control characters. Unique per tenant (the store
/// enforces that).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IntegrationName(String);

impl IntegrationName {
    /// Parses the `name` input field.
    pub fn parse(input: &str) -> Result<IntegrationName, InvalidInput> {
        let name = input.trim();
        let hint = || format!("use 1 to {NAME_MAX} characters on one line, e.g. \"Contoso production\"");
        if name.is_empty() {
            return Err(InvalidInput::new("name", "is empty").with_hint(hint()));
        }
        if name.chars().count() > NAME_MAX {
            return Err(InvalidInput::new("name", format!("is longer than {NAME_MAX} characters")).with_hint(hint()));
        }
        if name.chars().any(char::is_control) {
            return Err(InvalidInput::new("name", "contains a control character or line break").with_hint(hint()));
        }
        Ok(IntegrationName(name.to_owned()))
    }

    /// The name as stored and shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for IntegrationName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IntegrationName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Free text of at most 2000 characters, trimmed; line breaks and tabs allowed, other control
/// characters not.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Description(String);

impl Description {
    /// Parses the `description` input field. Blank text means "no description" (`None`), so an
    /// update can clear it with `""`.
    pub fn parse(input: &str) -> Result<Option<Description>, InvalidInput> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > DESCRIPTION_MAX {
            return Err(InvalidInput::new("description", format!("is longer than {DESCRIPTION_MAX} characters"))
                .with_hint("shorten it, or link to a longer document"));
        }
        if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err(InvalidInput::new("description", "contains a control character")
                .with_hint("use plain text; line breaks and tabs are fine"));
        }
        Ok(Some(Description(text.to_owned())))
    }

    /// The description as stored and shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Description {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_kept_as_written() {
        assert_eq!(IntegrationName::parse("  Contoso prod ").unwrap().as_str(), "Contoso prod");
        assert_eq!(IntegrationName::parse("Équipe ☁").unwrap().as_str(), "Équipe ☁");
        assert!(IntegrationName::parse(&"é".repeat(100)).is_ok());
    }

    #[test]
    fn bad_names_are_refused_on_the_name_field_with_a_hint() {
        for input in ["", "   ", "a\nb", "tab\there", "nul\u{0}", &"x".repeat(101)] {
            let err = IntegrationName::parse(input).unwrap_err();
            assert_eq!(err.field, "name", "{input:?}");
            assert!(err.hint.is_some(), "{input:?}");
        }
    }

    #[test]
    fn descriptions_are_optional_multi_line_and_bounded() {
        assert_eq!(Description::parse("  ").unwrap(), None);
        let text = Description::parse(" line one\nline two\t!\r\n").unwrap().unwrap();
        assert_eq!(text.as_str(), "line one\nline two\t!");
        assert!(Description::parse(&"d".repeat(2000)).unwrap().is_some());
        let err = Description::parse(&"d".repeat(2001)).unwrap_err();
        assert_eq!(err.field, "description");
        assert_eq!(Description::parse("bell\u{7}").unwrap_err().field, "description");
    }
}
