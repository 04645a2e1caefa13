//! Connecting within a deadline, end to end. The drivers' own connect timeouts bound
//! the TCP connection only: a server that accepts and then says nothing holds their
//! `connect()` forever (and with it a pool's connecting thread). storegen first checks
//! that the server reacts at all, on a connection of its own with a read timeout —
//! MySQL sends its greeting; PostgreSQL, sent a cancel request for no session, closes
//! the connection (and logs nothing at its default level) — and then runs the driver's
//! connect on a thread of its own, waiting for it no longer than the time left.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A connect that ran out of time, as the drivers' I/O errors say it.
pub(crate) fn timed_out(timeout: Duration) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!(
            "no answer within {} (connect_timeout)",
            super::seconds(timeout)
        ),
    )
}

/// Connects to `host:port`, sends `hello` and waits for the server to react — a byte,
/// or closing the connection — all within `timeout`. Only silence is an error.
pub(crate) fn first_word(host: &str, port: u16, hello: &[u8], timeout: Duration) -> io::Result<()> {
    let started = Instant::now();
    let left = || {
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            Err(timed_out(timeout))
        } else {
            Ok(left)
        }
    };
    let mut last = io::Error::new(
        io::ErrorKind::NotFound,
        format!("the host name `{host}` has no address"),
    );
    for addr in (host, port).to_socket_addrs()? {
        let mut stream = match TcpStream::connect_timeout(&addr, left()?) {
            Ok(stream) => stream,
            Err(e) if e.kind() == io::ErrorKind::TimedOut => return Err(timed_out(timeout)),
            Err(e) => {
                last = e;
                continue;
            }
        };
        stream.set_write_timeout(Some(left()?))?;
        stream.write_all(hello)?;
        stream.set_read_timeout(Some(left()?))?;
        let mut byte = [0u8; 1];
        return match stream.read(&mut byte) {
            Ok(_) => Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                ) =>
            {
                Err(timed_out(timeout))
            }
            Err(e) => Err(e),
        };
    }
    Err(last)
}

/// Connection attempts given up on whose threads still wait on their server.
static ABANDONED: AtomicUsize = AtomicUsize::new(0);

/// At most this many: past it, new attempts fail at once rather than add threads.
const MAX_ABANDONED: usize = 16;

/// Runs `connect` on a thread of its own and waits at most `left` for it.
pub(crate) fn within<T: Send + 'static, E: Send + 'static>(
    left: Duration,
    timeout: Duration,
    connect: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<Result<T, E>, io::Error> {
    use std::sync::{Arc, Condvar, Mutex};
    if ABANDONED.load(Ordering::Relaxed) >= MAX_ABANDONED {
        return Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "{MAX_ABANDONED} connection attempts to servers that stopped answering are still waiting; not starting another"
            ),
        ));
    }
    /// The attempt's result, or that the caller stopped waiting for it.
    enum Slot<R> {
        Waiting,
        Done(io::Result<R>),
        GivenUp,
    }
    let slot = Arc::new((Mutex::new(Slot::Waiting), Condvar::new()));
    let theirs = slot.clone();
    std::thread::Builder::new()
        .name("storegen-connect".into())
        .spawn(move || {
            // A panicking connect is an error, never a slot left waiting.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(connect))
                .map_err(|_| io::Error::other("the driver's connect panicked"));
            let (lock, ready) = &*theirs;
            let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
            if matches!(*state, Slot::GivenUp) {
                ABANDONED.fetch_sub(1, Ordering::Relaxed);
            } else {
                *state = Slot::Done(result);
                ready.notify_one();
            }
        })?;
    let (lock, ready) = &*slot;
    let state = lock.lock().unwrap_or_else(|e| e.into_inner());
    let (mut state, _) = ready
        .wait_timeout_while(state, left, |s| matches!(s, Slot::Waiting))
        .unwrap_or_else(|e| e.into_inner());
    match std::mem::replace(&mut *state, Slot::GivenUp) {
        Slot::Done(result) => result,
        _ => {
            ABANDONED.fetch_add(1, Ordering::Relaxed);
            Err(timed_out(timeout))
        }
    }
}
