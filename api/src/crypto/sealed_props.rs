//! Property tests: sealed-blob parsing never panics; sealing round trips; moving a blob fails.

use proptest::prelude::*;

use super::{Aad, Keyring, MasterKey};

proptest! {
    #[test]
    fn any_bytes_open_or_fail_without_panicking(blob in proptest::collection::vec(any::<u8>(), 0..200)) {
        let ring = Keyring::new(MasterKey::from_bytes([3; 32]), Vec::new());
        let _ = ring.open(&Aad::new("t", "c", "r"), &blob);
        let _ = ring.needs_reseal(&blob);
    }

    #[test]
    fn sealing_round_trips_and_binds_the_row(plain in proptest::collection::vec(any::<u8>(), 0..300), row in "[a-z0-9-]{1,36}") {
        use secrecy::ExposeSecret;
        let ring = Keyring::new(MasterKey::from_bytes([5; 32]), Vec::new());
        let aad = Aad::new("integrations", "pat_sealed", row.clone());
        let blob = ring.seal(&aad, &plain);
        let opened = ring.open(&aad, &blob);
        prop_assert!(opened.is_ok());
        let opened = opened.unwrap();
        prop_assert_eq!(opened.expose_secret(), plain.as_slice());
        let moved = Aad::new("integrations", "pat_sealed", format!("{row}x"));
        prop_assert!(ring.open(&moved, &blob).is_err());
    }
}
