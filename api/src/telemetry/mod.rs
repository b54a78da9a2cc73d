//! Tracing set-up: `VCSLINK_LOG` filter, text or JSON lines (`VCSLINK_LOG_FORMAT=json`); colours
//! only when the logs go to a terminal (a file or journald would show escape codes). When an OTLP
//! endpoint is configured (`config::otel`), the spans of `traces` also go out as OpenTelemetry
//! traces ([`otlp`]); otherwise no exporter is built and nothing is spawned.

use std::io::IsTerminal as _;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer as _, Registry};

use crate::config::otel::Traces;
use crate::traces::TARGET;

pub mod otlp;
pub mod otlp_http;

/// What [`init`] set up; [`Telemetry::shutdown`] sends the spans still queued.
#[must_use = "call shutdown() before exiting, or queued spans are lost"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Whether spans are exported over OTLP.
    pub fn exporting(&self) -> bool {
        self.provider.is_some()
    }

    /// Exports what is queued and stops the exporter (bounded by `OTEL_EXPORTER_OTLP_TIMEOUT`).
    pub async fn shutdown(self) {
        let Some(provider) = self.provider else { return };
        // The batch processor's thread waits for exports the runtime runs: block elsewhere.
        let done = tokio::task::spawn_blocking(move || provider.shutdown()).await;
        if let Ok(Err(e)) = done {
            tracing::warn!(error = %e, "could not flush the last traces");
        }
    }
}

/// Installs the global subscriber (once; later calls are ignored so tests can call it freely),
/// with the OpenTelemetry layer when `traces` is set. Call inside the Tokio runtime.
pub fn init(filter: &str, json: bool, traces: Option<&Traces>) -> Telemetry {
    let (provider, failed) = match exporter(traces) {
        Ok(p) => (p, None),
        Err(e) => (None, Some(e)),
    };
    let otel = provider.as_ref().map(|p| {
        tracing_opentelemetry::layer()
            .with_tracer(p.tracer("vcslink"))
            .with_location(false)
            .with_threads(false)
            .with_tracked_inactivity(false)
            .with_filter(filter_fn(|meta| meta.is_span() && meta.target() == TARGET))
    });
    let installed = tracing_subscriber::registry().with(log_layer(filter, json)).with(otel).try_init().is_ok();
    if let Some(e) = failed {
        tracing::error!(error = %e, "OpenTelemetry traces are off: the OTLP exporter could not be built");
    }
    match (installed, traces, provider) {
        (true, Some(t), Some(provider)) => {
            tracing::info!(endpoint = %t.endpoint, "sending OpenTelemetry traces over OTLP/HTTP");
            Telemetry { provider: Some(provider) }
        }
        _ => Telemetry { provider: None },
    }
}

/// The tracer provider (its exporter and batch thread) when traces are configured; else nothing is
/// built and nothing spawned.
fn exporter(traces: Option<&Traces>) -> Result<Option<SdkTracerProvider>, String> {
    traces.map(otlp::provider).transpose()
}

/// The log lines: `filter` over everything but the trace spans, which logs never show.
fn log_layer(filter: &str, json: bool) -> impl tracing_subscriber::Layer<Registry> + Send + Sync {
    // The migrator logs every check at INFO even when nothing migrates; `store::migrate` says what ran.
    let filter = if filter.contains("sea_orm_migration") {
        filter.to_owned()
    } else {
        format!("{filter},sea_orm_migration=warn")
    };
    let filter = EnvFilter::try_new(format!("{filter},{TARGET}=off"))
        .unwrap_or_else(|_| EnvFilter::new(format!("info,sea_orm_migration=warn,{TARGET}=off")));
    let layer =
        tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(std::io::stderr().is_terminal());
    let layer = if json { layer.json().boxed() } else { layer.boxed() };
    layer.with_filter(filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_an_endpoint_no_exporter_is_built() {
        let traces = crate::config::otel::from_lookup(|_| None).expect("no OTEL_* set is valid");
        assert!(traces.is_none());
        assert!(exporter(traces.as_ref()).expect("nothing to fail").is_none());
        // Whatever else set the global subscriber first, init without traces exports nothing.
        let telemetry = init("warn", false, None);
        assert!(!telemetry.exporting());
        telemetry.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn with_an_endpoint_the_exporter_is_built() {
        let traces = crate::config::otel::from_lookup(|k| {
            (k == "OTEL_EXPORTER_OTLP_ENDPOINT").then(|| "http://127.0.0.1:9".to_owned())
        })
        .expect("valid");
        let provider = exporter(traces.as_ref()).expect("builds").expect("an exporter");
        tokio::task::spawn_blocking(move || provider.shutdown()).await.expect("joins").expect("shuts down");
    }
}
