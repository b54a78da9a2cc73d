//! How users may connect their own Azure DevOps account to an integration: through its OAuth app,
//! with a personal access token, or both. The admin chooses; the default is every way the
//! integration can offer (OAuth needs an OAuth app, a personal access token needs nothing).

use super::InvalidInput;

/// One way a user connects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserAuthorizationMethod {
    /// Signing in through the integration's Microsoft Entra ID OAuth app.
    OAuth,
    /// Pasting their own personal access token.
    PersonalAccessToken,
}

impl UserAuthorizationMethod {
    /// The name stored in columns (the same as `user_authorizations.method`).
    pub fn as_str(self) -> &'static str {
        match self {
            UserAuthorizationMethod::OAuth => "OAUTH",
            UserAuthorizationMethod::PersonalAccessToken => "PERSONAL_ACCESS_TOKEN",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [UserAuthorizationMethod::OAuth, UserAuthorizationMethod::PersonalAccessToken]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// A set of methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct UserAuthorizationMethods {
    pub oauth: bool,
    pub personal_access_token: bool,
}

impl UserAuthorizationMethods {
    /// Every method an integration can offer: OAuth only with an OAuth app.
    pub fn offered(has_oauth_app: bool) -> Self {
        UserAuthorizationMethods { oauth: has_oauth_app, personal_access_token: true }
    }

    /// The admin's choice, checked against the integration it is for. `VALIDATION` on
    /// `userAuthorizationMethods` for OAuth without an OAuth app.
    pub fn check(self, has_oauth_app: bool) -> Result<Self, InvalidInput> {
        if self.oauth && !has_oauth_app {
            let mut e = InvalidInput::new("userAuthorizationMethods", "OAUTH needs the integration's oauthApp");
            e.hint = Some("add an oauthApp, or leave OAUTH out of userAuthorizationMethods".to_owned());
            return Err(e);
        }
        Ok(self)
    }

    /// The set of the methods in `list` (repeats are one).
    pub fn from_list(list: &[UserAuthorizationMethod]) -> Self {
        UserAuthorizationMethods {
            oauth: list.contains(&UserAuthorizationMethod::OAuth),
            personal_access_token: list.contains(&UserAuthorizationMethod::PersonalAccessToken),
        }
    }

    /// What a row allows: its stored choice (`None`: every method offered), never more than the
    /// integration can offer now.
    pub fn effective(stored: Option<&str>, has_oauth_app: bool) -> Self {
        let offered = Self::offered(has_oauth_app);
        let Some(stored) = stored else { return offered };
        let list: Vec<UserAuthorizationMethod> = stored.split(',').filter_map(UserAuthorizationMethod::parse).collect();
        let chosen = Self::from_list(&list);
        UserAuthorizationMethods {
            oauth: chosen.oauth && offered.oauth,
            personal_access_token: chosen.personal_access_token && offered.personal_access_token,
        }
    }

    /// The column's value: the names, comma-separated, in a fixed order.
    pub fn column(self) -> String {
        self.list().iter().map(|m| m.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn allows(self, method: UserAuthorizationMethod) -> bool {
        match method {
            UserAuthorizationMethod::OAuth => self.oauth,
            UserAuthorizationMethod::PersonalAccessToken => self.personal_access_token,
        }
    }

    /// The methods in the set, OAuth first.
    pub fn list(self) -> Vec<UserAuthorizationMethod> {
        let mut out = Vec::with_capacity(2);
        if self.oauth {
            out.push(UserAuthorizationMethod::OAuth);
        }
        if self.personal_access_token {
            out.push(UserAuthorizationMethod::PersonalAccessToken);
        }
        out
    }

    /// The methods in `self` that `next` no longer allows.
    pub fn dropped_by(self, next: Self) -> Vec<UserAuthorizationMethod> {
        self.list().into_iter().filter(|m| !next.allows(*m)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::UserAuthorizationMethod::{OAuth, PersonalAccessToken};
    use super::*;

    #[test]
    fn the_default_is_every_method_offered() {
        assert_eq!(UserAuthorizationMethods::effective(None, true).list(), [OAuth, PersonalAccessToken]);
        assert_eq!(UserAuthorizationMethods::effective(None, false).list(), [PersonalAccessToken]);
    }

    #[test]
    fn a_stored_choice_round_trips_and_never_exceeds_what_is_offered() {
        let only_pat = UserAuthorizationMethods::from_list(&[PersonalAccessToken]).check(true).expect("valid");
        assert_eq!(UserAuthorizationMethods::effective(Some(&only_pat.column()), true), only_pat);
        let both =
            UserAuthorizationMethods::from_list(&[OAuth, PersonalAccessToken, OAuth]).check(true).expect("valid");
        assert_eq!(both.column(), "OAUTH,PERSONAL_ACCESS_TOKEN");
        assert_eq!(UserAuthorizationMethods::effective(Some(&both.column()), false).list(), [PersonalAccessToken]);
        assert_eq!(UserAuthorizationMethods::effective(Some(""), true).list(), []);
    }

    #[test]
    fn oauth_without_an_app_is_refused_and_dropped_methods_are_named() {
        let e = UserAuthorizationMethods::from_list(&[OAuth]).check(false).expect_err("no app");
        assert_eq!(e.field, "userAuthorizationMethods");
        let both = UserAuthorizationMethods::offered(true);
        assert_eq!(both.dropped_by(UserAuthorizationMethods::offered(false)), [OAuth]);
        assert!(both.dropped_by(both).is_empty());
    }
}
