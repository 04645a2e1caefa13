//! Each store's statements, written once for every backend through its [`Dialect`].
//! Parameters are numbered in the order the generated code binds them: a key's fields in
//! key order, then a page's limit; an update's value fields in declaration order, then
//! the key.

use super::Dialect;
use crate::model::Store;

/// The statements of one store, in one backend's SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSql {
    /// The quoted table name.
    pub table: String,
    /// Every column, quoted, in field order: what a row is read as.
    pub columns: String,
    /// The columns an insert may give (all but the generated ones), quoted.
    pub insert_columns: Vec<String>,
    /// An insert giving every insertable column, without RETURNING.
    pub insert: String,
    pub get: String,
    /// `None` when every field is part of the key.
    pub update: Option<String>,
    pub delete: String,
    pub list_first: String,
    pub list_after: String,
    pub count: String,
}

impl StoreSql {
    pub fn new(store: &Store, dialect: &Dialect) -> StoreSql {
        let q = |name: &str| dialect.quote(name);
        let table = q(&store.table);
        let columns = store
            .fields
            .iter()
            .map(|f| q(&f.column))
            .collect::<Vec<_>>()
            .join(", ");
        let insert_columns: Vec<String> = store
            .fields
            .iter()
            .filter(|f| !f.generated)
            .map(|f| q(&f.column))
            .collect();
        let insert = {
            let names: Vec<&str> = insert_columns.iter().map(String::as_str).collect();
            dialect.insert(&table, &names, &vec![true; names.len()], 1, None)
        };
        let key: Vec<String> = store.key_fields().map(|f| q(&f.column)).collect();
        let key_match = |first: usize| {
            key.iter()
                .enumerate()
                .map(|(i, k)| format!("{k} = {}", dialect.placeholder(first + i)))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let values: Vec<String> = store
            .fields
            .iter()
            .enumerate()
            .filter(|(i, _)| !store.is_key(*i))
            .map(|(_, f)| q(&f.column))
            .collect();
        let update = (!values.is_empty()).then(|| {
            let set = values
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} = {}", dialect.placeholder(i + 1)))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "UPDATE {table} SET {set} WHERE {}",
                key_match(values.len() + 1)
            )
        });
        let order = key.join(", ");
        let after = if key.len() == 1 {
            format!("{order} > {}", dialect.placeholder(1))
        } else {
            let marks: Vec<String> = (1..=key.len()).map(|i| dialect.placeholder(i)).collect();
            format!("({order}) > ({})", marks.join(", "))
        };
        StoreSql {
            get: format!("SELECT {columns} FROM {table} WHERE {}", key_match(1)),
            delete: format!("DELETE FROM {table} WHERE {}", key_match(1)),
            list_first: format!(
                "SELECT {columns} FROM {table} ORDER BY {order}{}",
                dialect.limit(1)
            ),
            list_after: format!(
                "SELECT {columns} FROM {table} WHERE {after} ORDER BY {order}{}",
                dialect.limit(key.len() + 1)
            ),
            count: format!("SELECT COUNT(*) FROM {table}"),
            update,
            insert,
            insert_columns,
            columns,
            table,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StoreSql;
    use crate::BackendKind;

    fn store() -> crate::model::Store {
        let text = r#"
[blueprint]
name = "t"
[database]
backends = ["sqlite", "postgres", "mysql"]
[stores.tracks]
table = "PlaylistTrack"
primary_key = ["playlist_id", "track_id"]
[stores.tracks.fields]
playlist_id = "int32"
track_id = "int32"
position = "int32"
"#;
        let (parsed, _) = crate::build::blueprint::parse(text).unwrap();
        parsed.schema.stores[0].clone()
    }

    #[test]
    fn one_builder_writes_each_backends_statements() {
        let store = store();
        let pg = StoreSql::new(&store, BackendKind::Postgres.dialect());
        assert_eq!(
            pg.update.as_deref(),
            Some(
                r#"UPDATE "PlaylistTrack" SET "position" = $1 WHERE "playlist_id" = $2 AND "track_id" = $3"#
            )
        );
        assert_eq!(
            pg.list_after,
            r#"SELECT "playlist_id", "track_id", "position" FROM "PlaylistTrack" WHERE ("playlist_id", "track_id") > ($1, $2) ORDER BY "playlist_id", "track_id" LIMIT $3"#
        );
        let my = StoreSql::new(&store, BackendKind::Mysql.dialect());
        assert_eq!(
            my.get,
            "SELECT `playlist_id`, `track_id`, `position` FROM `PlaylistTrack` WHERE `playlist_id` = ? AND `track_id` = ?"
        );
        assert_eq!(
            my.insert,
            "INSERT INTO `PlaylistTrack` (`playlist_id`, `track_id`, `position`) VALUES (?, ?, ?)"
        );
        let lite = StoreSql::new(&store, BackendKind::Sqlite.dialect());
        assert_eq!(
            lite.list_first,
            r#"SELECT "playlist_id", "track_id", "position" FROM "PlaylistTrack" ORDER BY "playlist_id", "track_id" LIMIT ?1"#
        );
        assert_eq!(
            lite.delete,
            r#"DELETE FROM "PlaylistTrack" WHERE "playlist_id" = ?1 AND "track_id" = ?2"#
        );
        assert_eq!(lite.count, r#"SELECT COUNT(*) FROM "PlaylistTrack""#);
    }
}
