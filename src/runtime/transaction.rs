use super::{Backend, Connection, Error};

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
    let mut tx = C::Backend::begin(conn.raw())?;
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
