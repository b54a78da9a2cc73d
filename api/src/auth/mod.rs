//! Who is calling: API tokens (argon2id hashes behind a verified-token cache) and the principal they name.

pub mod api_token;
pub mod handle;
pub mod last_used;
pub mod principal;
pub mod rate_limit;
pub mod revocation_sweep;
pub mod token_admin;

pub use api_token::{TokenService, hash_token, new_token_value};
pub use handle::Tokens;
pub use principal::{Principal, Role};
