//! storegen's quickstart: a shop, on SQLite with no server and no setup, or on
//! PostgreSQL or MariaDB when `DATABASE_URL` names one. The same code runs on each.
//!
//! - `cargo run -p quickstart`: a fresh in-memory SQLite database;
//! - `cargo run -p quickstart -- shop.db`: an SQLite file;
//! - `DATABASE_URL=postgres://… target/debug/quickstart` or `mysql://…`: a server.
//!
//! The blueprint's `url = "${DATABASE_URL}"` makes a build with the variable set check
//! the blueprint against that database: run the quickstart on it once first, so its
//! tables exist.

mod db {
    include!(concat!(env!("OUT_DIR"), "/shop.rs"));
}

/// The quickstart's own error type: a transaction closure may return it, and a
/// `storegen::Error` converts into it.
#[derive(Debug)]
enum AppError {
    Store(storegen::Error),
    OutOfStock(String),
}

impl From<storegen::Error> for AppError {
    fn from(error: storegen::Error) -> Self {
        AppError::Store(error)
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::Store(e) => write!(f, "{e}"),
            AppError::OutOfStock(product) => write!(f, "{product} is out of stock"),
        }
    }
}

impl std::error::Error for AppError {}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").unwrap_or_default();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let client = storegen::postgres::Client::connect(&url, storegen::postgres::NoTls)?;
        // Prepares each statement once on this connection and reuses it.
        let mut conn = storegen::backend::postgres::CachedClient::new(client);
        println!("on PostgreSQL");
        return tour_postgres(&mut conn);
    }
    if url.starts_with("mysql://") {
        let mut conn = storegen::mysql::Conn::new(storegen::mysql::Opts::from_url(&url)?)?;
        println!("on MySQL/MariaDB");
        return tour_mysql(&mut conn);
    }
    let path = url
        .strip_prefix("sqlite:")
        .map(str::to_owned)
        .or_else(|| std::env::args().nth(1));
    let mut conn = match path {
        Some(path) => storegen::rusqlite::Connection::open(path)?,
        None => storegen::rusqlite::Connection::open_in_memory()?,
    };
    println!("on SQLite");
    tour_sqlite(&mut conn)
}

type Outcome = Result<(), Box<dyn std::error::Error>>;

/// The tour, once per backend from the same text: generated stores have one set of call
/// sites whatever the connection.
macro_rules! tour {
    ($conn:ident => $($body:tt)*) => {
        fn tour_sqlite(mut $conn: &mut storegen::rusqlite::Connection) -> Outcome { $($body)* }
        fn tour_postgres(mut $conn: &mut storegen::backend::postgres::CachedClient) -> Outcome { $($body)* }
        fn tour_mysql(mut $conn: &mut storegen::mysql::Conn) -> Outcome { $($body)* }
    };
}

tour! { conn =>
    let migration = db::migrate(&mut conn)?;
    println!("migrated: {migration}");
    let warnings = db::verify(&mut conn)?;
    println!(
        "verified: the database matches the compiled-in schema ({} warnings)",
        warnings.len()
    );

    let ann = db::customers(&mut conn).insert(&db::NewCustomer {
        email: format!("ann.{}@example.com", std::process::id()),
        name: "Ann".into(),
        balance: None, // the database's default: 0
        vip: None,
        note: Some("first customer".into()),
    })?;
    println!("inserted {ann:?}");

    let got = db::customers(&mut conn).get(ann.id)?;
    println!("read back by key {}: {got:?}", ann.id);

    // `email` is `unique = true`: the store finds a customer by it.
    let by_email = db::customers(&mut conn).get_by_email(&ann.email)?;
    println!("found by email: {}", by_email.map_or("nobody".into(), |c| c.name));

    let mut richer = ann.clone();
    richer.balance += 2_500;
    richer.vip = true;
    let found = db::customers(&mut conn).update(&richer)?;
    println!("updated balance to {} (row found: {found})", richer.balance);

    let many: Vec<db::NewCustomer> = (1..=5)
        .map(|i| db::NewCustomer {
            email: format!("customer{i}.{}@example.com", std::process::id()),
            name: format!("Customer {i}"),
            ..Default::default()
        })
        .collect();
    let added = db::customers(&mut conn).insert_many(&many)?;
    println!("insert_many added {added} customers in one transaction");

    let first = db::customers(&mut conn).list(db::Page::first(3))?;
    let names: Vec<&str> = first.iter().map(|c| c.name.as_str()).collect();
    println!("first page of 3: {names:?}");
    if let Some(last) = first.last() {
        let next = db::customers(&mut conn).list(db::Page::after(last.id, 3))?;
        let names: Vec<&str> = next.iter().map(|c| c.name.as_str()).collect();
        println!("next page after id {}: {names:?}", last.id);
    }

    let order = db::orders(&mut conn).insert(&db::NewOrder {
        customer_id: ann.id,
        total_cents: 1_999,
        paid: None,
    })?;
    db::order_items(&mut conn).insert(&db::NewOrderItem {
        order_id: order.id,
        line: 1,
        product: "Teapot".into(),
        quantity: Some(2),
        weight: Some(0.75),
    })?;
    let item = db::order_items(&mut conn).get((order.id, 1))?;
    println!("order {} holds {item:?}", order.id);

    // The index on `orders.customer_id` pages a customer's orders, and counts them.
    for total_cents in [500, 750, 1_250] {
        db::orders(&mut conn).insert(&db::NewOrder { customer_id: ann.id, total_cents, paid: None })?;
    }
    let page = db::orders(&mut conn).list_by_customer_id(ann.id, db::Page::first(2))?;
    let totals: Vec<i64> = page.iter().map(|o| o.total_cents).collect();
    let count = db::orders(&mut conn).count_by_customer_id(ann.id)?;
    println!("Ann's first 2 of {count} orders: totals {totals:?}");
    if let Some(last) = page.last() {
        let next = db::orders(&mut conn).list_by_customer_id(ann.id, db::Page::after(last.id, 2))?;
        let totals: Vec<i64> = next.iter().map(|o| o.total_cents).collect();
        println!("and the next: totals {totals:?}");
    }

    // A partial update: one UPDATE of the fields the patch gives, without reading the row.
    let paid = db::OrderPatch { paid: Some(true), ..Default::default() };
    let found = db::orders(&mut conn).patch(order.id, &paid)?;
    println!("marked order {} paid (row found: {found})", order.id);

    // A query of our own (`queries.sql`), a join checked at build time like the stores.
    let paid_orders = db::queries::paid_orders(&mut conn, true, 10)?;
    let rows: Vec<(i64, &str, i64)> = paid_orders
        .iter()
        .map(|r| (r.id, r.customer.as_str(), r.total_cents))
        .collect();
    println!("paid orders with their customer (a join): {rows:?}");

    let items_before = db::order_items(&mut conn).count()?;
    let outcome: Result<(), AppError> = db::transaction(&mut conn, |tx| {
        db::order_items(tx).insert(&db::NewOrderItem {
            order_id: order.id,
            line: 2,
            product: "Kettle".into(),
            quantity: None,
            weight: None,
        })?;
        // Something the application checks fails: everything above rolls back.
        Err(AppError::OutOfStock("Kettle".into()))
    });
    let items_after = db::order_items(&mut conn).count()?;
    println!(
        "transaction failed ({}) and rolled back: order items {items_before} before, {items_after} after",
        outcome.expect_err("the closure returned an error")
    );

    let gone = db::customers(&mut conn).delete(ann.id)?;
    let orders_left = db::orders(&mut conn).count()?;
    println!(
        "deleted Ann ({gone}); her orders went with her (ON DELETE CASCADE): {orders_left} orders left"
    );
    println!("customers now: {}", db::customers(&mut conn).count()?);
    Ok(())
}
