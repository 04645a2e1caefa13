//! storegen's benchmarks. `build-support/bench.sh` runs them all; see the README.
//!
//! - `runtime`: each operation through generated stores and through the best
//!   hand-written code for the same driver (statements prepared once and reused,
//!   batches in one transaction), in the same process, interleaved round by round;
//!   reports medians, the generated/hand-written ratio, and its spread.
//! - `generate <blueprint> <url|snapshot:path|off>`: one build-time generation, for
//!   `build-cost`, which runs it in a child process to read its peak memory.
//! - `build-cost`: generation time, peak memory and catalog round trips for blueprints
//!   of 10, 100 and 1,000 stores, against SQLite, PostgreSQL, MariaDB and a snapshot.
//! - `query-cost`: the same for 10, 100 and 500 custom queries.
//! - `pool-checkout`: a checkout and a lookup by key through an r2d2 pool, with the
//!   health test on checkout (r2d2's default) and without.

mod build_cost;
mod hand;

use std::time::{Duration, Instant};

mod db {
    include!(concat!(env!("OUT_DIR"), "/bench.rs"));
}

const PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/test";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("runtime") => runtime(args.get(1).and_then(|r| r.parse().ok()).unwrap_or(41)),
        Some("generate") => build_cost::child(&args[1], &args[2]),
        Some("build-cost") => build_cost::run(),
        Some("query-cost") => build_cost::queries(),
        Some("pool-checkout") => {
            pool_checkout(args.get(1).and_then(|r| r.parse().ok()).unwrap_or(21))
        }
        _ => {
            eprintln!(
                "usage: storegen-bench runtime [rounds] | build-cost | query-cost | pool-checkout [rounds] | generate <blueprint> <url>"
            );
            std::process::exit(2);
        }
    }
}

/// One operation's two sides: each call runs it `n` times.
struct Op<'a> {
    name: &'static str,
    n: u32,
    generated: Box<dyn FnMut(u32) + 'a>,
    hand: Box<dyn FnMut(u32) + 'a>,
}

struct Result {
    backend: &'static str,
    op: &'static str,
    generated: Duration,
    hand: Duration,
    ratios: Vec<f64>,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// Runs each op for `rounds` rounds, sides alternating first, and times a call each.
fn measure(backend: &'static str, ops: Vec<Op<'_>>, rounds: usize) -> Vec<Result> {
    let mut out = Vec::new();
    for mut op in ops {
        // Warm both sides: caches, prepared statements, the server's plans.
        (op.generated)(op.n);
        (op.hand)(op.n);
        let (mut generated, mut hand, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let time = |side: &mut Box<dyn FnMut(u32) + '_>| {
                let started = Instant::now();
                side(op.n);
                started.elapsed().as_secs_f64() / f64::from(op.n)
            };
            let (g, h) = if round % 2 == 0 {
                let g = time(&mut op.generated);
                (g, time(&mut op.hand))
            } else {
                let h = time(&mut op.hand);
                (time(&mut op.generated), h)
            };
            generated.push(g);
            hand.push(h);
            ratios.push(g / h);
        }
        out.push(Result {
            backend,
            op: op.name,
            generated: Duration::from_secs_f64(median(generated)),
            hand: Duration::from_secs_f64(median(hand)),
            ratios,
        });
    }
    out
}

fn new_item(i: u32) -> db::NewItem {
    db::NewItem {
        name: format!("item {i}"),
        qty: i as i32,
        price: f64::from(i) * 1.5,
        note: i.is_multiple_of(2).then(|| "even".to_owned()),
    }
}

/// One backend's side of each operation, so that one `ops` serves every backend.
trait Side {
    fn get(&mut self, id: i64);
    fn insert(&mut self, new: &db::NewItem);
    fn insert_many(&mut self, rows: &[db::NewItem]);
    fn list(&mut self, after: i64, limit: u32);
    fn update(&mut self, item: &db::Item);
    fn count(&mut self);
    /// A customer by the unique `email`.
    fn get_by_email(&mut self, email: &str);
    /// A customer's first page of orders, newest first (an index with an `order`).
    fn orders_of(&mut self, customer: i64, limit: u32);
    /// One field of an item, without reading it.
    fn patch_qty(&mut self, id: i64, qty: i32);
    /// A custom query: a customer's first orders with the customer's email, a join.
    fn customer_orders(&mut self, customer: i64, limit: u32);
}

/// One connection both sides share: on two cores, where the client and the server
/// process land decides a round trip's cost, and two connections can land differently;
/// one connection puts both sides on the same footing.
pub type Shared<C> = std::rc::Rc<std::cell::RefCell<C>>;

/// The generated stores on a shared connection.
pub struct Generated<C>(pub Shared<C>);

/// The generated stores, the same text for each connection type.
macro_rules! generated_side {
    ($($conn:ty),*) => {$(
        impl Side for Generated<$conn> {
            fn get(&mut self, id: i64) {
                db::items(&mut *self.0.borrow_mut()).get(id).unwrap();
            }
            fn insert(&mut self, new: &db::NewItem) {
                db::items(&mut *self.0.borrow_mut()).insert(new).unwrap();
            }
            fn insert_many(&mut self, rows: &[db::NewItem]) {
                db::items(&mut *self.0.borrow_mut()).insert_many(rows).unwrap();
            }
            fn list(&mut self, after: i64, limit: u32) {
                db::items(&mut *self.0.borrow_mut()).list(db::Page::after(after, limit)).unwrap();
            }
            fn update(&mut self, item: &db::Item) {
                db::items(&mut *self.0.borrow_mut()).update(item).unwrap();
            }
            fn count(&mut self) {
                db::items(&mut *self.0.borrow_mut()).count().unwrap();
            }
            fn get_by_email(&mut self, email: &str) {
                db::customers(&mut *self.0.borrow_mut()).get_by_email(email).unwrap().unwrap();
            }
            fn orders_of(&mut self, customer: i64, limit: u32) {
                let rows = db::orders(&mut *self.0.borrow_mut())
                    .list_by_customer_id(customer, db::Page::first(limit))
                    .unwrap();
                assert_eq!(rows.len(), limit as usize);
            }
            fn patch_qty(&mut self, id: i64, qty: i32) {
                let patch = db::ItemPatch { qty: Some(qty), ..Default::default() };
                assert!(db::items(&mut *self.0.borrow_mut()).patch(id, &patch).unwrap());
            }
            fn customer_orders(&mut self, customer: i64, limit: u32) {
                let rows = db::queries::customer_orders(&mut *self.0.borrow_mut(), customer, i64::from(limit))
                    .unwrap();
                assert_eq!(rows.len(), limit as usize);
            }
        }
    )*};
}
generated_side!(
    storegen::rusqlite::Connection,
    storegen::backend::postgres::CachedClient,
    storegen::mysql::Conn
);

/// 1,000 customers and 20,000 orders, 20 each, for the finders' operations.
fn seed_finders<C: storegen::Connection>(conn: &mut C)
where
    C::Backend: db::CustomersOps + db::OrdersOps,
{
    let customers: Vec<db::NewCustomer> = (0..1_000)
        .map(|i| db::NewCustomer {
            email: format!("c{i}@example.com"),
            name: format!("customer {i}"),
        })
        .collect();
    db::customers(conn).insert_many(&customers).unwrap();
    let orders: Vec<db::NewOrder> = (0..20_000_i64)
        .map(|i| db::NewOrder {
            customer_id: 1 + i % 1_000,
            placed: i * 7 % 20_011,
            total: i,
        })
        .collect();
    db::orders(conn).insert_many(&orders).unwrap();
}

fn ops<'a>(generated: &'a mut dyn Side, hand: &'a mut dyn Side) -> Vec<Op<'a>> {
    use std::cell::RefCell;
    use std::rc::Rc;
    let seed: Vec<db::NewItem> = (0..1_000).map(new_item).collect();
    generated.insert_many(&seed);
    let (g, h) = (
        Rc::new(RefCell::new(generated)),
        Rc::new(RefCell::new(hand)),
    );
    let batch_1k: Rc<Vec<db::NewItem>> = Rc::new((0..1_000).map(new_item).collect());
    let batch_10k: Rc<Vec<db::NewItem>> = Rc::new((0..10_000).map(new_item).collect());
    let item = Rc::new(db::Item {
        id: 7,
        name: "renamed".into(),
        qty: 3,
        price: 2.5,
        note: None,
    });
    type Run<'a> = Rc<dyn Fn(&mut dyn Side, u32) + 'a>;
    let op = |name, n, run: Run<'a>| {
        let (g, h, run2) = (g.clone(), h.clone(), run.clone());
        Op {
            name,
            n,
            generated: Box::new(move |n| run(&mut **g.borrow_mut(), n)),
            hand: Box::new(move |n| run2(&mut **h.borrow_mut(), n)),
        }
    };
    let (b1, b10, it) = (batch_1k.clone(), batch_10k.clone(), item.clone());
    vec![
        op(
            "get by key",
            200,
            Rc::new(|s, n| (0..n).for_each(|i| s.get(i64::from(i % 1_000) + 1))),
        ),
        op(
            "insert one",
            100,
            Rc::new(|s, n| (0..n).for_each(|i| s.insert(&new_item(i)))),
        ),
        op(
            "insert_many 1,000",
            1,
            Rc::new(move |s, _| s.insert_many(&b1)),
        ),
        op(
            "insert_many 10,000",
            1,
            Rc::new(move |s, _| s.insert_many(&b10)),
        ),
        op(
            "list a page of 100",
            50,
            Rc::new(|s, n| (0..n).for_each(|i| s.list(i64::from(i), 100))),
        ),
        op(
            "update one",
            100,
            Rc::new(move |s, n| (0..n).for_each(|_| s.update(&it))),
        ),
        op("count", 20, Rc::new(|s, n| (0..n).for_each(|_| s.count()))),
        op(
            "get_by_email",
            200,
            Rc::new(|s, n| {
                (0..n).for_each(|i| s.get_by_email(&format!("c{}@example.com", i % 1_000)))
            }),
        ),
        op(
            "list_by_customer_id (placed desc), a page of 20",
            100,
            Rc::new(|s, n| (0..n).for_each(|i| s.orders_of(i64::from(i % 1_000) + 1, 20))),
        ),
        op(
            "patch one field",
            100,
            Rc::new(|s, n| (0..n).for_each(|i| s.patch_qty(i64::from(i % 1_000) + 1, i as i32))),
        ),
        op(
            "custom query: a join, 20 rows",
            100,
            Rc::new(|s, n| (0..n).for_each(|i| s.customer_orders(i64::from(i % 1_000) + 1, 20))),
        ),
    ]
}

fn shared<C>(conn: C) -> Shared<C> {
    std::rc::Rc::new(std::cell::RefCell::new(conn))
}

fn runtime(rounds: usize) {
    let mut results = Vec::new();

    // SQLite: a file in WAL mode, synchronous NORMAL: as an application would run it.
    let dir = std::env::temp_dir().join(format!("storegen-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conn = storegen::rusqlite::Connection::open(dir.join("bench.db")).unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
        .unwrap();
    let conn = shared(conn);
    db::migrate(&mut *conn.borrow_mut()).unwrap();
    seed_finders(&mut *conn.borrow_mut());
    let (mut generated, mut hand) = (Generated(conn.clone()), hand::sqlite::Hand::new(conn));
    results.extend(measure("sqlite", ops(&mut generated, &mut hand), rounds));
    drop((generated, hand));
    let _ = std::fs::remove_dir_all(&dir);

    match postgres() {
        Some((conn, cleanup)) => {
            let conn = shared(conn);
            db::migrate(&mut *conn.borrow_mut()).unwrap();
            seed_finders(&mut *conn.borrow_mut());
            let mut hand = hand::postgres::Hand::new(conn.clone());
            let mut generated = Generated(conn);
            results.extend(measure("postgres", ops(&mut generated, &mut hand), rounds));
            drop((generated, hand));
            cleanup();
        }
        None => eprintln!("postgres does not answer at {PG_URL}: skipped"),
    }
    match mysql() {
        Some((conn, cleanup)) => {
            let conn = shared(conn);
            db::migrate(&mut *conn.borrow_mut()).unwrap();
            seed_finders(&mut *conn.borrow_mut());
            let mut hand = hand::mysql::Hand::new(conn.clone());
            let mut generated = Generated(conn);
            results.extend(measure("mysql", ops(&mut generated, &mut hand), rounds));
            drop((generated, hand));
            cleanup();
        }
        None => eprintln!("mysql does not answer at {MYSQL_URL}: skipped"),
    }

    println!(
        "| backend | operation | generated (median) | hand-written (median) | ratio (median of paired rounds) | ratio, middle half of rounds |"
    );
    println!("|---|---|---|---|---|---|");
    for r in &results {
        // The ratio of each round's two sides, run back to back: a slow moment of the
        // machine slows both, so the paired ratio is steadier than a ratio of medians.
        let mut ratios = r.ratios.clone();
        ratios.sort_by(f64::total_cmp);
        let quartile = |q: usize| ratios[(ratios.len() - 1) * q / 4];
        println!(
            "| {} | {} | {} | {} | {:.3} | {:.2}–{:.2} |",
            r.backend,
            r.op,
            human(r.generated),
            human(r.hand),
            median(r.ratios.clone()),
            quartile(1),
            quartile(3)
        );
    }
}

fn human(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}

type Cleanup = Box<dyn FnOnce()>;

fn postgres() -> Option<(storegen::backend::postgres::CachedClient, Cleanup)> {
    use storegen::postgres::{Client, NoTls};
    let name = format!("storegen_bench_{}", std::process::id());
    let mut admin = Client::connect(PG_URL, NoTls).ok()?;
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .ok()?;
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
    let conn = storegen::backend::postgres::CachedClient::new(Client::connect(&url, NoTls).ok()?);
    let cleanup: Cleanup = Box::new(move || {
        let _ = admin.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"));
    });
    Some((conn, cleanup))
}

fn mysql() -> Option<(storegen::mysql::Conn, Cleanup)> {
    use storegen::mysql::prelude::Queryable;
    use storegen::mysql::{Conn, Opts};
    let name = format!("storegen_bench_{}", std::process::id());
    let mut admin = Conn::new(Opts::from_url(MYSQL_URL).ok()?).ok()?;
    admin.query_drop(format!("CREATE DATABASE {name}")).ok()?;
    let url = format!("mysql://root@127.0.0.1:3306/{name}");
    let conn = Conn::new(Opts::from_url(&url).ok()?).ok()?;
    let cleanup: Cleanup = Box::new(move || {
        let _ = admin.query_drop(format!("DROP DATABASE {name}"));
    });
    Some((conn, cleanup))
}

/// A checkout and a `get` through a pool of one connection, 200 times, with r2d2's
/// health test on checkout and without, interleaved round by round.
fn pool_checkout(rounds: usize) {
    use storegen::r2d2::{ManageConnection, Pool};

    fn side<M: ManageConnection>(manager: M, test: bool) -> Pool<M>
    where
        M::Connection: storegen::Connection,
    {
        Pool::builder()
            .max_size(1)
            .test_on_check_out(test)
            .build(manager)
            .unwrap()
    }
    fn time<M>(pool: &Pool<M>) -> f64
    where
        M: ManageConnection,
        M::Connection: storegen::Connection,
        <M::Connection as storegen::Connection>::Backend: db::ItemsOps,
    {
        let started = Instant::now();
        for i in 0..200 {
            let mut conn = pool.get().unwrap();
            db::items(&mut *conn).get(1 + i % 10).unwrap();
        }
        started.elapsed().as_secs_f64() / 200.0
    }
    fn run<M>(backend: &str, with: Pool<M>, without: Pool<M>, rounds: usize)
    where
        M: ManageConnection,
        M::Connection: storegen::Connection,
        <M::Connection as storegen::Connection>::Backend: db::ItemsOps,
    {
        db::migrate(&mut *with.get().unwrap()).unwrap();
        let rows: Vec<db::NewItem> = (0..10).map(new_item).collect();
        db::items(&mut *with.get().unwrap())
            .insert_many(&rows)
            .unwrap();
        let (mut a, mut b, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let (x, y) = if round % 2 == 0 {
                let x = time(&with);
                (x, time(&without))
            } else {
                let y = time(&without);
                (time(&with), y)
            };
            a.push(x);
            b.push(y);
            ratios.push(y / x);
        }
        println!(
            "| {backend} | {:.1} µs | {:.1} µs | {:.2} |",
            median(a) * 1e6,
            median(b) * 1e6,
            median(ratios)
        );
    }

    println!(
        "| backend | checkout + get by key, tested on checkout (median) | untested | ratio (untested / tested) |"
    );
    println!("|---|---|---|---|");
    let dir = std::env::temp_dir().join(format!("storegen-bench-pool-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("pool.db");
    run(
        "sqlite",
        side(storegen::pool::SqliteManager::file(&file), true),
        side(storegen::pool::SqliteManager::file(&file), false),
        rounds,
    );
    let _ = std::fs::remove_dir_all(&dir);
    let name = format!("storegen_bench_pool_{}", std::process::id());
    if let Ok(mut admin) = storegen::postgres::Client::connect(PG_URL, storegen::postgres::NoTls) {
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
        let manager = || storegen::pool::PostgresManager::new(&url).unwrap();
        run(
            "postgres",
            side(manager(), true),
            side(manager(), false),
            rounds,
        );
        admin
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .unwrap();
    }
    if let Ok(mut admin) =
        storegen::mysql::Conn::new(storegen::mysql::Opts::from_url(MYSQL_URL).unwrap())
    {
        use storegen::mysql::prelude::Queryable;
        admin.query_drop(format!("CREATE DATABASE {name}")).unwrap();
        let url = format!("mysql://root@127.0.0.1:3306/{name}");
        let manager = || storegen::pool::MysqlManager::new(&url).unwrap();
        run(
            "mysql",
            side(manager(), true),
            side(manager(), false),
            rounds,
        );
        admin.query_drop(format!("DROP DATABASE {name}")).unwrap();
    }
}
