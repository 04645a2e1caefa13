//! The baseline: what a careful developer writes by hand for each driver. Statements
//! prepared once and reused; rows decoded into the same `Item`; batches in one
//! transaction, as multi-row inserts of 1,000 rows on the servers.

use crate::Side;
use crate::db::queries::CustomerOrdersRow as CustomerOrder;
use crate::db::{Customer, Item, NewItem, Order};

const COLUMNS: &str = "id, name, qty, price, note";
const BY_EMAIL: &str = "SELECT id, email, name FROM customers WHERE email = ";
const ORDERS_OF: &str = "SELECT id, customer_id, placed, total FROM orders WHERE customer_id = ";
const ORDERS_ORDER: &str = " ORDER BY placed DESC, id DESC LIMIT ";
/// The custom query, as a developer writes it for each driver.
const JOIN: &str = "SELECT o.id, o.total, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.customer_id = ";
const JOIN_ORDER: &str = " ORDER BY o.id LIMIT ";

pub mod sqlite {
    use storegen::rusqlite::{Connection, Row, params};

    use super::{
        BY_EMAIL, COLUMNS, Customer, Item, JOIN, JOIN_ORDER, NewItem, ORDERS_OF, ORDERS_ORDER,
    };
    use super::{CustomerOrder, Order, Side};
    use crate::Shared;

    pub struct Hand {
        conn: Shared<Connection>,
    }

    impl Hand {
        pub fn new(conn: Shared<Connection>) -> Self {
            Hand { conn }
        }
    }

    fn item(row: &Row<'_>) -> storegen::rusqlite::Result<Item> {
        Ok(Item {
            id: row.get(0)?,
            name: row.get(1)?,
            qty: row.get(2)?,
            price: row.get(3)?,
            note: row.get(4)?,
        })
    }

    impl Side for Hand {
        fn get(&mut self, id: i64) {
            let conn = self.conn.borrow();
            let mut stmt = conn
                .prepare_cached(&format!("SELECT {COLUMNS} FROM items WHERE id = ?1"))
                .unwrap();
            let _: Option<Item> = stmt.query_row(params![id], item).ok();
        }

        fn insert(&mut self, new: &NewItem) {
            let conn = self.conn.borrow();
            let mut stmt = conn
                .prepare_cached(&format!(
                    "INSERT INTO items (name, qty, price, note) VALUES (?1, ?2, ?3, ?4) RETURNING {COLUMNS}"
                ))
                .unwrap();
            let _: Item = stmt
                .query_row(params![new.name, new.qty, new.price, new.note], item)
                .unwrap();
        }

        fn insert_many(&mut self, rows: &[NewItem]) {
            let conn = self.conn.borrow();
            let tx = conn.unchecked_transaction().unwrap();
            {
                let mut stmt = tx
                    .prepare_cached(
                        "INSERT INTO items (name, qty, price, note) VALUES (?1, ?2, ?3, ?4)",
                    )
                    .unwrap();
                for new in rows {
                    stmt.execute(params![new.name, new.qty, new.price, new.note])
                        .unwrap();
                }
            }
            tx.commit().unwrap();
        }

        fn list(&mut self, after: i64, limit: u32) {
            let conn = self.conn.borrow();
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM items WHERE id > ?1 ORDER BY id LIMIT ?2"
                ))
                .unwrap();
            let rows: Vec<Item> = stmt
                .query_map(params![after, limit], item)
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(rows.len() <= limit as usize);
        }

        fn update(&mut self, it: &Item) {
            let conn = self.conn.borrow();
            let mut stmt = conn
                .prepare_cached(
                    "UPDATE items SET name = ?1, qty = ?2, price = ?3, note = ?4 WHERE id = ?5",
                )
                .unwrap();
            stmt.execute(params![it.name, it.qty, it.price, it.note, it.id])
                .unwrap();
        }

        fn count(&mut self) {
            let conn = self.conn.borrow();
            let mut stmt = conn.prepare_cached("SELECT COUNT(*) FROM items").unwrap();
            let _: i64 = stmt.query_row([], |r| r.get(0)).unwrap();
        }

        fn get_by_email(&mut self, email: &str) {
            let conn = self.conn.borrow();
            let mut stmt = conn.prepare_cached(&format!("{BY_EMAIL}?1")).unwrap();
            let _: Customer = stmt
                .query_row(params![email], |r| {
                    Ok(Customer {
                        id: r.get(0)?,
                        email: r.get(1)?,
                        name: r.get(2)?,
                    })
                })
                .unwrap();
        }

        fn orders_of(&mut self, customer: i64, limit: u32) {
            let conn = self.conn.borrow();
            let mut stmt = conn
                .prepare_cached(&format!("{ORDERS_OF}?1{ORDERS_ORDER}?2"))
                .unwrap();
            let rows: Vec<Order> = stmt
                .query_map(params![customer, limit], |r| {
                    Ok(Order {
                        id: r.get(0)?,
                        customer_id: r.get(1)?,
                        placed: r.get(2)?,
                        total: r.get(3)?,
                    })
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(rows.len(), limit as usize);
        }

        fn patch_qty(&mut self, id: i64, qty: i32) {
            let conn = self.conn.borrow();
            let mut stmt = conn
                .prepare_cached("UPDATE items SET qty = ?1 WHERE id = ?2")
                .unwrap();
            assert_eq!(stmt.execute(params![qty, id]).unwrap(), 1);
        }

        fn customer_orders(&mut self, customer: i64, limit: u32) {
            let conn = self.conn.borrow();
            let mut stmt = conn
                .prepare_cached(&format!("{JOIN}?1{JOIN_ORDER}?2"))
                .unwrap();
            let rows: Vec<CustomerOrder> = stmt
                .query_map(params![customer, limit], |r| {
                    Ok(CustomerOrder {
                        id: r.get(0)?,
                        total: r.get(1)?,
                        email: r.get(2)?,
                    })
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(rows.len(), limit as usize);
        }
    }
}

/// Placeholders for a multi-row insert of `rows` rows of four columns, from `$`-style
/// (`dollar`) or `?`.
fn values(rows: usize, dollar: bool) -> String {
    (0..rows)
        .map(|r| {
            let marks: Vec<String> = (1..=4)
                .map(|c| {
                    if dollar {
                        format!("${}", r * 4 + c)
                    } else {
                        "?".into()
                    }
                })
                .collect();
            format!("({})", marks.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub mod postgres {
    use storegen::backend::postgres::CachedClient;
    use storegen::postgres::types::ToSql;
    use storegen::postgres::{Client, Row, Statement};

    use super::{BY_EMAIL, COLUMNS, Customer, Item, JOIN, JOIN_ORDER, NewItem, ORDERS_OF};
    use super::{CustomerOrder, ORDERS_ORDER, Order, Side, values};
    use crate::Shared;

    pub struct Hand {
        client: Shared<CachedClient>,
        get: Statement,
        insert: Statement,
        insert_1000: Statement,
        list: Statement,
        update: Statement,
        count: Statement,
        by_email: Statement,
        orders_of: Statement,
        patch_qty: Statement,
        customer_orders: Statement,
    }

    impl Hand {
        /// Statements prepared on the connection the generated side uses too (a
        /// `CachedClient` derefs to its `postgres::Client`), by hand.
        pub fn new(client: Shared<CachedClient>) -> Self {
            let prepare = |sql: &str| client.borrow_mut().prepare(sql).unwrap();
            let get = prepare(&format!("SELECT {COLUMNS} FROM items WHERE id = $1"));
            let insert = prepare(&format!(
                "INSERT INTO items (name, qty, price, note) VALUES ($1, $2, $3, $4) RETURNING {COLUMNS}"
            ));
            let insert_1000 = prepare(&format!(
                "INSERT INTO items (name, qty, price, note) VALUES {}",
                values(1000, true)
            ));
            let list = prepare(&format!(
                "SELECT {COLUMNS} FROM items WHERE id > $1 ORDER BY id LIMIT $2"
            ));
            let update = prepare(
                "UPDATE items SET name = $1, qty = $2, price = $3, note = $4 WHERE id = $5",
            );
            let count = prepare("SELECT COUNT(*) FROM items");
            let by_email = prepare(&format!("{BY_EMAIL}$1"));
            let orders_of = prepare(&format!("{ORDERS_OF}$1{ORDERS_ORDER}$2"));
            let patch_qty = prepare("UPDATE items SET qty = $1 WHERE id = $2");
            let customer_orders = prepare(&format!("{JOIN}$1{JOIN_ORDER}$2"));
            Hand {
                client,
                get,
                insert,
                insert_1000,
                list,
                update,
                count,
                by_email,
                orders_of,
                patch_qty,
                customer_orders,
            }
        }
    }

    /// The driver's own client inside the shared connection.
    fn client(shared: &Shared<CachedClient>) -> std::cell::RefMut<'_, Client> {
        std::cell::RefMut::map(shared.borrow_mut(), |c| &mut **c)
    }

    fn item(row: &Row) -> Item {
        Item {
            id: row.get(0),
            name: row.get(1),
            qty: row.get(2),
            price: row.get(3),
            note: row.get(4),
        }
    }

    impl Side for Hand {
        fn get(&mut self, id: i64) {
            let _: Option<Item> = client(&self.client)
                .query_opt(&self.get, &[&id])
                .unwrap()
                .as_ref()
                .map(item);
        }

        fn insert(&mut self, new: &NewItem) {
            let row = client(&self.client)
                .query_one(&self.insert, &[&new.name, &new.qty, &new.price, &new.note])
                .unwrap();
            let _ = item(&row);
        }

        fn insert_many(&mut self, rows: &[NewItem]) {
            let mut conn = self.client.borrow_mut();
            let mut tx = conn.transaction().unwrap();
            for chunk in rows.chunks(1000) {
                let params: Vec<&(dyn ToSql + Sync)> = chunk
                    .iter()
                    .flat_map(|n| [&n.name as &(dyn ToSql + Sync), &n.qty, &n.price, &n.note])
                    .collect();
                if chunk.len() == 1000 {
                    tx.execute(&self.insert_1000, &params).unwrap();
                } else {
                    let sql = format!(
                        "INSERT INTO items (name, qty, price, note) VALUES {}",
                        values(chunk.len(), true)
                    );
                    tx.execute(sql.as_str(), &params).unwrap();
                }
            }
            tx.commit().unwrap();
        }

        fn list(&mut self, after: i64, limit: u32) {
            let limit = i64::from(limit);
            let rows: Vec<Item> = client(&self.client)
                .query(&self.list, &[&after, &limit])
                .unwrap()
                .iter()
                .map(item)
                .collect();
            assert!(rows.len() as i64 <= limit);
        }

        fn update(&mut self, it: &Item) {
            client(&self.client)
                .execute(
                    &self.update,
                    &[&it.name, &it.qty, &it.price, &it.note, &it.id],
                )
                .unwrap();
        }

        fn count(&mut self) {
            let _: i64 = client(&self.client)
                .query_one(&self.count, &[])
                .unwrap()
                .get(0);
        }

        fn get_by_email(&mut self, email: &str) {
            let row = client(&self.client)
                .query_opt(&self.by_email, &[&email])
                .unwrap()
                .unwrap();
            let _ = Customer {
                id: row.get(0),
                email: row.get(1),
                name: row.get(2),
            };
        }

        fn orders_of(&mut self, customer: i64, limit: u32) {
            let rows: Vec<Order> = client(&self.client)
                .query(&self.orders_of, &[&customer, &i64::from(limit)])
                .unwrap()
                .iter()
                .map(|row| Order {
                    id: row.get(0),
                    customer_id: row.get(1),
                    placed: row.get(2),
                    total: row.get(3),
                })
                .collect();
            assert_eq!(rows.len(), limit as usize);
        }

        fn patch_qty(&mut self, id: i64, qty: i32) {
            let n = client(&self.client)
                .execute(&self.patch_qty, &[&qty, &id])
                .unwrap();
            assert_eq!(n, 1);
        }

        fn customer_orders(&mut self, customer: i64, limit: u32) {
            let rows: Vec<CustomerOrder> = client(&self.client)
                .query(&self.customer_orders, &[&customer, &i64::from(limit)])
                .unwrap()
                .iter()
                .map(|row| CustomerOrder {
                    id: row.get(0),
                    total: row.get(1),
                    email: row.get(2),
                })
                .collect();
            assert_eq!(rows.len(), limit as usize);
        }
    }
}

pub mod mysql {
    use storegen::mysql::prelude::Queryable;
    use storegen::mysql::{Conn, Statement, Value};

    use super::{BY_EMAIL, COLUMNS, Customer, Item, JOIN, JOIN_ORDER, NewItem, ORDERS_OF};
    use super::{CustomerOrder, ORDERS_ORDER, Order, Side, values};
    use crate::Shared;

    type Row = (i64, String, i32, f64, Option<String>);

    pub struct Hand {
        conn: Shared<Conn>,
        get: Statement,
        insert: Statement,
        insert_1000: Statement,
        list: Statement,
        update: Statement,
        count: Statement,
        by_email: Statement,
        orders_of: Statement,
        patch_qty: Statement,
        customer_orders: Statement,
    }

    impl Hand {
        /// Statements prepared by hand on the connection the generated side uses too.
        pub fn new(conn: Shared<Conn>) -> Self {
            let prepare = |sql: &str| conn.borrow_mut().prep(sql).unwrap();
            let get = prepare(&format!("SELECT {COLUMNS} FROM items WHERE id = ?"));
            // MariaDB returns the row; on MySQL 8 this would be an insert and a select.
            let insert = prepare(&format!(
                "INSERT INTO items (name, qty, price, note) VALUES (?, ?, ?, ?) RETURNING {COLUMNS}"
            ));
            let insert_1000 = prepare(&format!(
                "INSERT INTO items (name, qty, price, note) VALUES {}",
                values(1000, false)
            ));
            let list = prepare(&format!(
                "SELECT {COLUMNS} FROM items WHERE id > ? ORDER BY id LIMIT ?"
            ));
            let update =
                prepare("UPDATE items SET name = ?, qty = ?, price = ?, note = ? WHERE id = ?");
            let count = prepare("SELECT COUNT(*) FROM items");
            let by_email = prepare(&format!("{BY_EMAIL}?"));
            let orders_of = prepare(&format!("{ORDERS_OF}?{ORDERS_ORDER}?"));
            let patch_qty = prepare("UPDATE items SET qty = ? WHERE id = ?");
            let customer_orders = prepare(&format!("{JOIN}?{JOIN_ORDER}?"));
            Hand {
                conn,
                get,
                insert,
                insert_1000,
                list,
                update,
                count,
                by_email,
                orders_of,
                patch_qty,
                customer_orders,
            }
        }
    }

    fn item((id, name, qty, price, note): Row) -> Item {
        Item {
            id,
            name,
            qty,
            price,
            note,
        }
    }

    impl Side for Hand {
        fn get(&mut self, id: i64) {
            let _: Option<Item> = self
                .conn
                .borrow_mut()
                .exec_first::<Row, _, _>(&self.get, (id,))
                .unwrap()
                .map(item);
        }

        fn insert(&mut self, new: &NewItem) {
            let rows: Vec<Row> = self
                .conn
                .borrow_mut()
                .exec(&self.insert, (&new.name, new.qty, new.price, &new.note))
                .unwrap();
            let _ = rows.into_iter().map(item).next().unwrap();
        }

        fn insert_many(&mut self, rows: &[NewItem]) {
            let mut conn = self.conn.borrow_mut();
            let mut tx = conn.start_transaction(Default::default()).unwrap();
            for chunk in rows.chunks(1000) {
                let params: Vec<Value> = chunk
                    .iter()
                    .flat_map(|n| {
                        [
                            Value::from(&n.name),
                            Value::from(n.qty),
                            Value::from(n.price),
                            Value::from(&n.note),
                        ]
                    })
                    .collect();
                if chunk.len() == 1000 {
                    tx.exec_drop(&self.insert_1000, params).unwrap();
                } else {
                    let sql = format!(
                        "INSERT INTO items (name, qty, price, note) VALUES {}",
                        values(chunk.len(), false)
                    );
                    tx.exec_drop(sql, params).unwrap();
                }
            }
            tx.commit().unwrap();
        }

        fn list(&mut self, after: i64, limit: u32) {
            let rows: Vec<Item> = self
                .conn
                .borrow_mut()
                .exec_map(&self.list, (after, limit), item)
                .unwrap();
            assert!(rows.len() <= limit as usize);
        }

        fn update(&mut self, it: &Item) {
            self.conn
                .borrow_mut()
                .exec_drop(&self.update, (&it.name, it.qty, it.price, &it.note, it.id))
                .unwrap();
        }

        fn count(&mut self) {
            let _: Option<i64> = self.conn.borrow_mut().exec_first(&self.count, ()).unwrap();
        }

        fn get_by_email(&mut self, email: &str) {
            let (id, email, name): (i64, String, String) = self
                .conn
                .borrow_mut()
                .exec_first(&self.by_email, (email,))
                .unwrap()
                .unwrap();
            let _ = Customer { id, email, name };
        }

        fn orders_of(&mut self, customer: i64, limit: u32) {
            let rows: Vec<Order> = self
                .conn
                .borrow_mut()
                .exec_map(
                    &self.orders_of,
                    (customer, limit),
                    |(id, customer_id, placed, total)| Order {
                        id,
                        customer_id,
                        placed,
                        total,
                    },
                )
                .unwrap();
            assert_eq!(rows.len(), limit as usize);
        }

        fn patch_qty(&mut self, id: i64, qty: i32) {
            let mut conn = self.conn.borrow_mut();
            conn.exec_drop(&self.patch_qty, (qty, id)).unwrap();
            // Rows found, as the generated side counts them (storegen's connections and
            // this one both ask for found rows).
            assert!(conn.affected_rows() <= 1);
        }

        fn customer_orders(&mut self, customer: i64, limit: u32) {
            let rows: Vec<CustomerOrder> = self
                .conn
                .borrow_mut()
                .exec_map(
                    &self.customer_orders,
                    (customer, limit),
                    |(id, total, email)| CustomerOrder { id, total, email },
                )
                .unwrap();
            assert_eq!(rows.len(), limit as usize);
        }
    }
}
