//! Reading a delivery body as a stream: counted and hashed whole, kept whole up to the cap, and
//! beyond it only its first [`HEAD_BYTES`] (what a QUARANTINED oversized delivery stores). Never
//! more than the cap plus one chunk is held in memory.

use axum::body::Body;
use futures::StreamExt;
use sha2::{Digest, Sha256};

/// What an oversized body keeps of itself.
pub const HEAD_BYTES: usize = 64 * 1024;

/// A body as read.
pub struct Received {
    /// The whole body, or its first [`HEAD_BYTES`] when `oversized`.
    pub bytes: Vec<u8>,
    /// Bytes received in all.
    pub size: u64,
    /// SHA-256 of the whole body, hex.
    pub sha256: String,
    /// Larger than the cap.
    pub oversized: bool,
}

/// The body could not be read (the sender went away mid-body).
#[derive(Debug, thiserror::Error)]
#[error("the delivery body could not be read: {0}")]
pub struct ReadError(#[source] axum::Error);

/// Reads `body`, keeping it whole when it is at most `cap` bytes.
pub async fn read(body: Body, cap: usize) -> Result<Received, ReadError> {
    let mut stream = body.into_data_stream();
    let mut hasher = Sha256::new();
    let (mut bytes, mut size, mut oversized) = (Vec::new(), 0u64, false);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(ReadError)?;
        hasher.update(&chunk);
        size += chunk.len() as u64;
        if oversized {
            continue;
        }
        bytes.extend_from_slice(&chunk);
        if bytes.len() > cap {
            oversized = true;
            bytes.truncate(HEAD_BYTES.min(cap));
            bytes.shrink_to_fit();
        }
    }
    Ok(Received { bytes, size, sha256: hex::encode(hasher.finalize()), oversized })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_body_within_the_cap_is_kept_whole() {
        let r = read(Body::from("{\"id\":1}"), 8).await.unwrap();
        assert_eq!(r.bytes, b"{\"id\":1}");
        assert_eq!(r.size, 8);
        assert!(!r.oversized);
        assert_eq!(r.sha256, hex::encode(Sha256::digest(b"{\"id\":1}")));
    }

    #[tokio::test]
    async fn an_oversized_body_keeps_its_head_its_size_and_the_hash_of_all_of_it() {
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..40).map(|i| Ok(vec![i as u8; 10_000])).collect();
        let all: Vec<u8> = (0..40).flat_map(|i| vec![i as u8; 10_000]).collect();
        let r = read(Body::from_stream(futures::stream::iter(chunks)), 100_000).await.unwrap();
        assert!(r.oversized);
        assert_eq!(r.size, 400_000);
        assert_eq!(r.bytes, all[..HEAD_BYTES]);
        assert_eq!(r.sha256, hex::encode(Sha256::digest(&all)));
    }
}
