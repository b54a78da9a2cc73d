//! The Entra account a user connected: the object id and tenant of their checked ID token, which
//! say who it is where a display name cannot (names change and repeat).

/// `oid` and `tid` of a checked ID token, lower-case GUIDs as Entra writes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntraAccount {
    pub object_id: String,
    pub tenant_id: String,
}
