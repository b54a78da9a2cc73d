//! ID tokens that did not come from this Entra, for tests of the relying party's checks: Entra
//! itself never sends these, a token endpoint that is not Entra's (or a replayed answer) would.

use crate::FakeAzure;

/// What the token endpoint's `id_token` becomes instead of the one Entra signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdTokenFault {
    /// The right claims, signed by a key the tenant's JWKS does not hold (same `kid`).
    ForeignSignature,
    /// Signed by Entra, but with the `nonce` of another sign-in.
    OtherNonce,
    /// Signed by Entra, but issued to another client (`aud`).
    OtherAudience,
    /// No `id_token` in the answer although `openid` was asked.
    Absent,
}

impl FakeAzure {
    /// Every later code redemption answers with an ID token spoiled by `fault`; `None` lifts it.
    pub fn set_id_token_fault(&self, fault: Option<IdTokenFault>) {
        self.shared().lock().id_token_fault = fault;
    }
}
