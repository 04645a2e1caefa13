//! The baseline: what a careful developer writes by hand for each driver. Statements
//! prepared once and reused; rows decoded into the same `Item`; batches in one
//! transaction, as multi-row inserts of 1,000 rows on the servers.

use crate::Side;
use crate::db::{Item, NewItem};

const COLUMNS: &str = "id, name, qty, price, note";

pub mod sqlite {
    use storegen::rusqlite::{Connection, Row, params};

    use super::{COLUMNS, Item, NewItem, Side};
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

    use super::{COLUMNS, Item, NewItem, Side, values};
    use crate::Shared;

    pub struct Hand {
        client: Shared<CachedClient>,
        get: Statement,
        insert: Statement,
        insert_1000: Statement,
        list: Statement,
        update: Statement,
        count: Statement,
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
            Hand {
                client,
                get,
                insert,
                insert_1000,
                list,
                update,
                count,
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
    }
}

pub mod mysql {
    use storegen::mysql::prelude::Queryable;
    use storegen::mysql::{Conn, Statement, Value};

    use super::{COLUMNS, Item, NewItem, Side, values};
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
            Hand {
                conn,
                get,
                insert,
                insert_1000,
                list,
                update,
                count,
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
    }
}
