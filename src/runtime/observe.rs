//! Observability: an optional hook that sees every store operation — store, operation,
//! backend, duration, rows, outcome — so a service can export metrics or traces.
//!
//! A small trait rather than the `log` or `tracing` facades: metrics want typed numbers
//! per operation (a duration, a row count), not formatted lines, and a trait costs
//! nothing to depend on. Bridging to `tracing` or `metrics` is a few lines in the
//! observer. With no observer set, an operation pays one atomic load.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::Error;
use crate::backend::BackendKind;

/// Receives one [`Event`] per store operation, on the thread that ran it.
pub trait Observer: Send + Sync {
    /// Called once per finished operation, before it returns to its caller, so keep it
    /// quick.
    fn operation(&self, event: &Event<'_>);
}

/// One store operation, finished.
#[derive(Debug)]
pub struct Event<'a> {
    /// The store's name (`customers`).
    pub store: &'static str,
    /// `insert`, `insert_many`, `get`, `update`, `delete`, `list` or `count`.
    pub operation: &'static str,
    /// The backend it ran on.
    pub backend: BackendKind,
    /// Wall-clock time the operation took.
    pub duration: Duration,
    /// Rows written (insert, update, delete) or read (get, list); 1 for a count.
    pub rows: u64,
    /// `Ok`, or the error the caller gets.
    pub outcome: Result<(), &'a Error>,
}

static ACTIVE: AtomicBool = AtomicBool::new(false);
static OBSERVER: RwLock<Option<Arc<dyn Observer>>> = RwLock::new(None);

/// Sets the process's observer (or, with `None`, removes it). Every store operation on
/// every thread is reported to it from then on.
pub fn set_observer(observer: Option<Arc<dyn Observer>>) {
    let mut slot = OBSERVER
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    ACTIVE.store(observer.is_some(), Ordering::Release);
    *slot = observer;
}

/// Runs one store operation, reporting it to the observer if there is one.
#[doc(hidden)]
#[inline]
pub fn observe<T>(
    store: &'static str,
    operation: &'static str,
    backend: BackendKind,
    rows: fn(&T) -> u64,
    run: impl FnOnce() -> Result<T, Error>,
) -> Result<T, Error> {
    if !ACTIVE.load(Ordering::Acquire) {
        return run();
    }
    let started = Instant::now();
    let result = run();
    report(
        store,
        operation,
        backend,
        started,
        result.as_ref().map(rows),
    );
    result
}

/// The observed half of [`observe`], compiled once here rather than in every store
/// operation that calls it.
#[inline(never)]
fn report(
    store: &'static str,
    operation: &'static str,
    backend: BackendKind,
    started: Instant,
    outcome: Result<u64, &Error>,
) {
    let duration = started.elapsed();
    let observer = OBSERVER
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    if let Some(observer) = observer {
        observer.operation(&Event {
            store,
            operation,
            backend,
            duration,
            rows: *outcome.as_ref().unwrap_or(&0),
            outcome: outcome.map(|_| ()),
        });
    }
}
