//! What every test server said: its log lines and the GraphQL responses the suite received, kept
//! for the no-secret-leak checks, and the suite-wide check itself.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

/// Secrets every test uses: none may ever appear in a GraphQL response, a log line or the database.
const SUITE_SECRETS: &[&str] =
    &[fake_azure::DEFAULT_PAT, fake_azure::DEFAULT_CLIENT_SECRET, fake_azure::APP_IDENTITY_SECRET];

/// Every log line any test server wrote (for the no-secret-leak checks).
pub fn captured_logs() -> String {
    let buf = log_buffer().lock().unwrap_or_else(|e| e.into_inner());
    String::from_utf8_lossy(&buf).into_owned()
}

/// Installs the capturing log subscriber once (later calls only return its buffer).
pub fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUF: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUF.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = CaptureWriter(buf.clone());
        let _ = tracing_subscriber::fmt()
            .with_env_filter("vcslink_api=debug,info")
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .try_init();
        buf
    })
}

#[derive(Clone)]
struct CaptureWriter(Arc<Mutex<Vec<u8>>>);

impl Write for CaptureWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every GraphQL response any test received (for the no-secret-leak checks).
pub fn captured_responses() -> String {
    responses().lock().unwrap_or_else(|e| e.into_inner()).join("\n")
}

fn responses() -> &'static Mutex<Vec<String>> {
    static R: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    R.get_or_init(|| Mutex::new(Vec::new()))
}

/// Keeps `body` for the no-secret-leak checks.
pub fn record_response(body: &Value) {
    responses().lock().unwrap_or_else(|e| e.into_inner()).push(body.to_string());
}

/// The suite-wide leak check, run as every test server goes away: every GraphQL response and log
/// line captured so far, and the server's SQLite bytes `db`, must be free of the suite's secrets.
pub fn assert_no_secret_leaked(db: &[u8]) {
    let (responses, logs) = (captured_responses(), captured_logs());
    let key_line = fake_azure::APP_IDENTITY_PRIVATE_KEY_PEM.lines().nth(1).unwrap_or("");
    for secret in SUITE_SECRETS.iter().chain([&key_line]) {
        assert!(!responses.contains(secret), "a suite secret appeared in a GraphQL response");
        assert!(!logs.contains(secret), "a suite secret appeared in a log line");
        let needle = secret.as_bytes();
        assert!(!db.windows(needle.len()).any(|w| w == needle), "a suite secret appeared in the database file");
    }
}
