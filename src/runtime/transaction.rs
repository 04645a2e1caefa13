use std::time::Duration;

use super::{Backend, Connection, Error};

/// A transaction's isolation level, for [`transaction_with`] and [`Retry`].
///
/// PostgreSQL and MySQL take the level as written. SQLite is serializable whatever the
/// level; `RepeatableRead` and `Serializable` open it `BEGIN IMMEDIATE`, taking the
/// write lock up front, so two writers never deadlock upgrading their locks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// `READ UNCOMMITTED`: may see other transactions' uncommitted writes
    /// (PostgreSQL runs it as READ COMMITTED).
    ReadUncommitted,
    /// `READ COMMITTED`: each statement sees what was committed before it began.
    ReadCommitted,
    /// `REPEATABLE READ`: reads see one snapshot for the whole transaction.
    RepeatableRead,
    /// `SERIALIZABLE`: as if transactions ran one at a time; conflicting ones fail
    /// with a retryable error.
    Serializable,
}

impl Isolation {
    /// The SQL spelling: `READ COMMITTED`.
    pub fn sql(self) -> &'static str {
        match self {
            Isolation::ReadUncommitted => "READ UNCOMMITTED",
            Isolation::ReadCommitted => "READ COMMITTED",
            Isolation::RepeatableRead => "REPEATABLE READ",
            Isolation::Serializable => "SERIALIZABLE",
        }
    }
}

#[cfg(feature = "__backend")]
pub(crate) use open::{Open, Session};

/// The transaction every backend opens: its statements and its rollback on drop.
#[cfg(feature = "__backend")]
mod open {
    use super::{Error, Isolation};

    /// A backend's connection as an open transaction drives it: one statement at a time that
    /// opens, ends or undoes it.
    #[doc(hidden)]
    pub trait Session {
        /// Runs `sql`, labelling its error with `operation`.
        fn control(&mut self, operation: &'static str, sql: &str) -> Result<(), Error>;
    }

    /// An open transaction on a backend's connection `C`, or a savepoint inside one (the same
    /// statements on every backend: `SAVEPOINT`, `RELEASE SAVEPOINT`, `ROLLBACK TO
    /// SAVEPOINT`). Rolls back when dropped without a commit, so a panic or an early return
    /// leaves the database as it was. Each backend names it `Transaction<'c>`.
    pub struct Open<C: Session> {
        pub(crate) conn: C,
        /// The savepoint's name when nested: `storegen_savepoint_<depth>`. MySQL replaces a
        /// savepoint set again under the same name, so its connection counts depths;
        /// PostgreSQL and SQLite stack savepoints of one name, and theirs say only 1.
        savepoint: Option<String>,
        open: bool,
    }

    impl<C: Session> std::fmt::Debug for Open<C> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Transaction")
                .field("savepoint", &self.savepoint)
                .field("open", &self.open)
                .finish_non_exhaustive()
        }
    }

    impl<C: Session> Open<C> {
        /// Opens a transaction on `conn`: at `depth` 0 by running the `begin` statements
        /// (errors labelled `begin`), deeper as a savepoint inside the open one, where an
        /// `isolation` level is an error.
        pub(crate) fn begin(
            mut conn: C,
            depth: usize,
            isolation: Option<Isolation>,
            begin: &[&str],
        ) -> Result<Self, Error> {
            let savepoint = if depth == 0 {
                for sql in begin {
                    conn.control("begin", sql)?;
                }
                None
            } else {
                if isolation.is_some() {
                    return Err(Error::nested_isolation());
                }
                let name = format!("storegen_savepoint_{depth}");
                conn.control("SAVEPOINT", &format!("SAVEPOINT {name}"))?;
                Some(name)
            };
            Ok(Open {
                conn,
                savepoint,
                open: true,
            })
        }

        /// Commits, or releases the savepoint. A failed COMMIT leaves the transaction open,
        /// and dropping it rolls back; `lost` tells whether the COMMIT's error may hide a
        /// commit made durable (the connection broke before the answer came), which is
        /// then returned as a commit of unknown outcome.
        pub(crate) fn commit(mut self, lost: impl FnOnce(&Error) -> bool) -> Result<(), Error> {
            let result = match &self.savepoint {
                Some(name) => self
                    .conn
                    .control("RELEASE SAVEPOINT", &format!("RELEASE SAVEPOINT {name}")),
                None => self.conn.control("COMMIT", "COMMIT").map_err(|error| {
                    if lost(&error) {
                        crate::runtime::DatabaseError::commit_unknown(error)
                    } else {
                        error
                    }
                }),
            };
            self.open = result.is_err();
            result
        }

        /// Rolls back, or to the savepoint (and releases it).
        pub(crate) fn rollback(mut self) -> Result<(), Error> {
            self.undo()
        }

        fn undo(&mut self) -> Result<(), Error> {
            self.open = false;
            match &self.savepoint {
                Some(name) => {
                    self.conn.control(
                        "ROLLBACK TO SAVEPOINT",
                        &format!("ROLLBACK TO SAVEPOINT {name}"),
                    )?;
                    self.conn
                        .control("RELEASE SAVEPOINT", &format!("RELEASE SAVEPOINT {name}"))
                }
                None => self.conn.control("ROLLBACK", "ROLLBACK"),
            }
        }
    }

    impl<C: Session> Drop for Open<C> {
        fn drop(&mut self) {
            if self.open {
                let _ = self.undo();
            }
        }
    }
}

/// Runs `f` in a transaction: commits when it returns `Ok`, rolls back when it returns
/// `Err` or panics. Inside an open transaction it uses a savepoint, so an inner `Err`
/// rolls back only the inner work.
///
/// The closure's error type is the caller's own, so long as a [`storegen::Error`](Error)
/// converts into it; a failure to begin or commit is returned through that conversion.
pub fn transaction<C, T, E, F>(conn: &mut C, f: F) -> Result<T, E>
where
    C: Connection + ?Sized,
    E: From<Error>,
    F: FnOnce(&mut <C::Backend as Backend>::Transaction<'_>) -> Result<T, E>,
{
    run(conn, None, f)
}

/// [`transaction`] at an isolation level. Only an outermost transaction can choose one:
/// inside an open transaction this is an error.
pub fn transaction_with<C, T, E, F>(conn: &mut C, isolation: Isolation, f: F) -> Result<T, E>
where
    C: Connection + ?Sized,
    E: From<Error>,
    F: FnOnce(&mut <C::Backend as Backend>::Transaction<'_>) -> Result<T, E>,
{
    run(conn, Some(isolation), f)
}

fn run<C, T, E, F>(conn: &mut C, isolation: Option<Isolation>, f: F) -> Result<T, E>
where
    C: Connection + ?Sized,
    E: From<Error>,
    F: FnOnce(&mut <C::Backend as Backend>::Transaction<'_>) -> Result<T, E>,
{
    let mut tx = C::Backend::begin(conn.raw(), isolation)?;
    // A panic in `f` unwinds through `tx`, whose Drop rolls back.
    match f(&mut tx) {
        Ok(value) => {
            C::Backend::commit(tx)?;
            Ok(value)
        }
        Err(err) => {
            // The closure's error is the one worth reporting; a failed rollback leaves
            // the transaction to be discarded with the connection.
            let _ = C::Backend::rollback(tx);
            Err(err)
        }
    }
}

/// Errors a transaction may succeed after, when run again: serialization failures,
/// deadlocks, lock timeouts. Implement it for an application's error type (delegating
/// to the [`storegen::Error`](Error) inside) to use [`transaction_retry`] with it.
pub trait Retryable {
    /// Whether running the transaction again may succeed.
    fn is_retryable(&self) -> bool;
}

impl Retryable for Error {
    fn is_retryable(&self) -> bool {
        Error::is_retryable(self)
    }
}

/// How [`transaction_retry`] retries: how many attempts in all, at what isolation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    attempts: u32,
    isolation: Option<Isolation>,
}

impl Retry {
    /// At most `attempts` runs in all (at least one).
    pub fn attempts(attempts: u32) -> Self {
        Retry {
            attempts: attempts.max(1),
            isolation: None,
        }
    }

    /// Runs each attempt at this isolation level.
    pub fn isolation(mut self, isolation: Isolation) -> Self {
        self.isolation = Some(isolation);
        self
    }
}

/// Runs `f` in a transaction, and again in a new one when it fails with a retryable
/// error (a serialization failure or deadlock), up to the attempts `retry` allows, with
/// a short growing pause between. Returns the last attempt's result.
///
/// Inside an open transaction it runs `f` once, in a savepoint: a serialization
/// failure or deadlock has doomed the whole transaction (InnoDB has already rolled it
/// back), so only the outermost `transaction_retry` can run it again.
///
/// ```ignore
/// let moved = db::transaction_retry(&mut conn, Retry::attempts(5).isolation(Isolation::Serializable), |tx| {
///     let mut from = db::accounts(tx).get(1)?.unwrap();
///     from.balance -= 10;
///     db::accounts(tx).update(&from)
/// })?;
/// ```
pub fn transaction_retry<C, T, E, F>(conn: &mut C, retry: Retry, mut f: F) -> Result<T, E>
where
    C: Connection + ?Sized,
    E: From<Error> + Retryable,
    F: FnMut(&mut <C::Backend as Backend>::Transaction<'_>) -> Result<T, E>,
{
    if <C::Backend as Backend>::in_transaction(&mut conn.raw()) {
        return run(conn, retry.isolation, &mut f);
    }
    let mut attempt = 1;
    loop {
        match run(conn, retry.isolation, &mut f) {
            Err(e) if attempt < retry.attempts && e.is_retryable() => {
                std::thread::sleep(backoff(attempt));
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// 1, 2, 4 … ms, at most 100, spread by the thread so that contenders part ways.
fn backoff(attempt: u32) -> Duration {
    use std::hash::{Hash, Hasher};
    let base = 1u64 << attempt.min(7);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::thread::current().id().hash(&mut hasher);
    attempt.hash(&mut hasher);
    let spread = hasher.finish() % base.max(1);
    Duration::from_millis((base + spread).min(100))
}
