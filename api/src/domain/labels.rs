//! Labels that group integrations (`env:prod`, `team/platform`) and filter the integration list.
//!
//! Labels are lower-cased on the way in, so `Prod` and `prod` are one label; each is 1–63
//! characters of `a-z 0-9 . _ : / -` and starts with a letter or digit. A set holds at most 20,
//! deduplicated and sorted, so the same input always stores and shows the same list.

use std::collections::BTreeSet;

use super::error::InvalidInput;

const FIELD: &str = "labels";
/// Most labels one integration may carry.
pub const MAX_LABELS: usize = 20;
/// Longest label, in characters.
pub const MAX_LABEL_LEN: usize = 63;

/// A sorted, deduplicated set of valid labels (possibly empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Labels(Vec<String>);

impl Labels {
    /// Parses the `labels` input list.
    pub fn parse<S: AsRef<str>>(inputs: &[S]) -> Result<Labels, InvalidInput> {
        let mut set = BTreeSet::new();
        for (index, input) in inputs.iter().enumerate() {
            set.insert(parse_label(input.as_ref(), index)?);
        }
        if set.len() > MAX_LABELS {
            return Err(InvalidInput::new(FIELD, format!("has {} labels, more than {MAX_LABELS}", set.len()))
                .with_hint(format!("keep at most {MAX_LABELS} labels")));
        }
        Ok(Labels(set.into_iter().collect()))
    }

    /// The labels, sorted.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// True when `label` (compared in lower case) is in the set.
    pub fn contains(&self, label: &str) -> bool {
        let label = label.trim().to_lowercase();
        self.0.binary_search(&label).is_ok()
    }

    /// True when every label of `other` is in this set: the list filter's meaning.
    pub fn contains_all(&self, other: &Labels) -> bool {
        other.0.iter().all(|label| self.0.binary_search(label).is_ok())
    }

    /// True when there are no labels.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The labels, consumed.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

fn parse_label(input: &str, index: usize) -> Result<String, InvalidInput> {
    let label = input.trim().to_lowercase();
    let hint = "use 1 to 63 characters of a-z, 0-9 and . _ : / -, starting with a letter or digit, e.g. env:prod";
    let shown = || input.chars().take(MAX_LABEL_LEN + 1).collect::<String>();
    if label.is_empty() {
        return Err(InvalidInput::new(FIELD, format!("label {} is empty", index + 1)).with_hint(hint));
    }
    if label.chars().count() > MAX_LABEL_LEN {
        return Err(InvalidInput::new(FIELD, format!("label {} is longer than {MAX_LABEL_LEN} characters", index + 1))
            .with_hint(hint));
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | ':' | '/' | '-');
    if !label.chars().all(allowed) || !label.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(InvalidInput::new(
            FIELD,
            format!("label \"{}\" has characters labels cannot use", shown().escape_debug()),
        )
        .with_hint(hint));
    }
    Ok(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_lower_cased_deduplicated_and_sorted() {
        let labels = Labels::parse(&["Team/Platform", "env:prod", " ENV:PROD ", "a.b_c-1"]).unwrap();
        assert_eq!(labels.as_slice(), ["a.b_c-1", "env:prod", "team/platform"]);
        assert!(labels.contains("Env:Prod"));
        assert!(!labels.contains("env"));
        assert!(labels.contains_all(&Labels::parse(&["env:prod"]).unwrap()));
        assert!(!labels.contains_all(&Labels::parse(&["env:dev"]).unwrap()));
    }

    #[test]
    fn an_empty_list_is_an_empty_set() {
        assert!(Labels::parse::<&str>(&[]).unwrap().is_empty());
    }

    #[test]
    fn bad_labels_are_refused_with_a_hint() {
        let long = "l".repeat(64);
        for bad in ["", " ", "has space", "ünï", "-lead", ".lead", "semi;colon", "ta\tb", long.as_str()] {
            let err = Labels::parse(&["ok", bad]).unwrap_err();
            assert_eq!(err.field, "labels", "{bad:?}");
            assert!(err.hint.is_some(), "{bad:?}");
        }
        assert!(Labels::parse(&["l".repeat(63)]).is_ok());
    }

    #[test]
    fn at_most_twenty_distinct_labels() {
        let twenty: Vec<String> = (0..20).map(|i| format!("l{i}")).collect();
        assert!(Labels::parse(&twenty).is_ok());
        let mut with_duplicate = twenty.clone();
        with_duplicate.push("L0".to_owned());
        assert_eq!(Labels::parse(&with_duplicate).unwrap().as_slice().len(), 20);
        let mut too_many = twenty;
        too_many.push("l20".to_owned());
        assert_eq!(Labels::parse(&too_many).unwrap_err().field, "labels");
    }
}
