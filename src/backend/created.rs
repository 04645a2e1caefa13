//! The catalog storegen's own DDL makes: what introspecting a database right after
//! `migrate` (or after the migrations that end in a blueprint) would find, computed
//! without a database. `storegen migration new` diffs the next blueprint against it.

use crate::model::{
    BackendKind, Catalog, CatalogColumn, CatalogForeignKey, CatalogIndex, CatalogTable,
    LogicalType, Schema, Store,
};

/// How a backend spells and names what its DDL creates.
pub(crate) struct Naming {
    /// The backend.
    pub backend: BackendKind,
    /// The column's type as the catalog reports it.
    pub column_type: fn(&crate::model::Field) -> String,
    /// The index behind a table's primary key, if the catalog lists one.
    pub primary_index: fn(table: &str) -> Option<String>,
    /// The index behind the `nth` (from 1) UNIQUE column of a table.
    pub unique_index: fn(table: &str, column: &str, nth: usize) -> String,
    /// The `nth` (from 1) foreign key of a table.
    pub foreign_key: fn(table: &str, column: &str, nth: usize) -> String,
}

/// The catalog the backend's DDL creates for `schema`.
pub(crate) fn catalog(schema: &Schema, naming: &Naming) -> Catalog {
    Catalog {
        backend: naming.backend,
        server_version: String::new(),
        tables: schema
            .stores
            .iter()
            .map(|store| table(store, naming))
            .collect(),
        denied: Vec::new(),
    }
}

fn table(store: &Store, naming: &Naming) -> CatalogTable {
    let single_key = store.primary_key.len() == 1;
    let columns = store
        .fields
        .iter()
        .enumerate()
        .map(|(i, field)| CatalogColumn {
            name: field.column.clone(),
            sql_type: (naming.column_type)(field),
            nullable: field.nullable,
            default: field
                .default
                .as_ref()
                .map(|_| "default".to_owned())
                .or_else(|| field.version.then(|| "1".to_owned())),
            enum_values: match &field.ty {
                LogicalType::Enum { values, .. } => Some(values.clone()),
                _ => None,
            },
            auto_increment: field.generated && single_key && store.is_key(i),
        })
        .collect();
    let primary_key: Vec<String> = store.key_fields().map(|f| f.column.clone()).collect();
    let mut indexes = Vec::new();
    let mut unique = Vec::new();
    let mut nth = 0;
    if let Some(name) = (naming.primary_index)(&store.table) {
        indexes.push(CatalogIndex::new(
            name,
            primary_key.clone(),
            true,
            vec![false; primary_key.len()],
        ));
    }
    for (i, field) in store.fields.iter().enumerate() {
        if field.unique && !(single_key && store.is_key(i)) {
            nth += 1;
            unique.push(vec![field.column.clone()]);
            indexes.push(CatalogIndex::new(
                (naming.unique_index)(&store.table, &field.column, nth),
                vec![field.column.clone()],
                true,
                vec![false],
            ));
        }
    }
    for index in &store.indexes {
        let shape = index.columns(store);
        let created = CatalogIndex::new(
            index.name.clone(),
            shape
                .iter()
                .map(|c| store.fields[c.field].column.clone())
                .collect(),
            index.unique,
            shape.iter().map(|c| c.descending).collect(),
        );
        if index.unique && shape.len() == 1 {
            unique.push(created.columns.clone());
        }
        indexes.push(created);
    }
    let foreign_keys = store
        .fields
        .iter()
        .filter_map(|f| f.references.as_ref().map(|r| (f, r)))
        .enumerate()
        .map(|(n, (field, reference))| CatalogForeignKey {
            name: (naming.foreign_key)(&store.table, &field.column, n + 1),
            columns: vec![field.column.clone()],
            table: reference.table.clone(),
            referenced: vec![reference.column.clone()],
            on_delete: reference.on_delete,
        })
        .collect();
    CatalogTable {
        name: store.table.clone(),
        columns,
        primary_key,
        unique,
        indexes,
        foreign_keys,
    }
}
