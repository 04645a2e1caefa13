//! storegen's quickstart: a shop on SQLite, no server and no setup.
//!
//! `cargo run -p quickstart` works on a fresh in-memory database;
//! `cargo run -p quickstart -- shop.db` keeps it in a file, which a build can then be
//! checked against: `DATABASE_URL=sqlite:$PWD/shop.db cargo build -p quickstart`.

use storegen::rusqlite::Connection;

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
    let mut conn = match std::env::args().nth(1) {
        Some(path) => Connection::open(path)?,
        None => Connection::open_in_memory()?,
    };

    db::migrate(&mut conn)?;
    println!("migrated: tables customers, orders, OrderItem are in place");
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
