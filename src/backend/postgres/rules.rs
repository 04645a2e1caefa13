//! PostgreSQL's blueprint rules: what a native enum type may be called and hold.

use crate::model::{LogicalType, Schema};

/// Types PostgreSQL has built in (in `pg_catalog`, searched first): an enum type of the
/// same name would never be the one a column gets. Every type `pg_catalog` held in
/// PostgreSQL 15 but the array types (`_int4`, …) — base, range and multirange,
/// pseudo and the catalogs' row types — and the SQL standard's names for them.
const POSTGRES_TYPES: &[&str] = &[
    "aclitem",
    "any",
    "anyarray",
    "anycompatible",
    "anycompatiblearray",
    "anycompatiblemultirange",
    "anycompatiblenonarray",
    "anycompatiblerange",
    "anyelement",
    "anyenum",
    "anymultirange",
    "anynonarray",
    "anyrange",
    "bigint",
    "bit",
    "bool",
    "boolean",
    "box",
    "bpchar",
    "bytea",
    "char",
    "character",
    "cid",
    "cidr",
    "circle",
    "cstring",
    "date",
    "datemultirange",
    "daterange",
    "decimal",
    "event_trigger",
    "fdw_handler",
    "float4",
    "float8",
    "gtsvector",
    "index_am_handler",
    "inet",
    "int",
    "int2",
    "int2vector",
    "int4",
    "int4multirange",
    "int4range",
    "int8",
    "int8multirange",
    "int8range",
    "integer",
    "internal",
    "interval",
    "json",
    "jsonb",
    "jsonpath",
    "language_handler",
    "line",
    "lseg",
    "macaddr",
    "macaddr8",
    "money",
    "name",
    "numeric",
    "nummultirange",
    "numrange",
    "oid",
    "oidvector",
    "path",
    "pg_aggregate",
    "pg_am",
    "pg_amop",
    "pg_amproc",
    "pg_attrdef",
    "pg_attribute",
    "pg_auth_members",
    "pg_authid",
    "pg_available_extension_versions",
    "pg_available_extensions",
    "pg_backend_memory_contexts",
    "pg_brin_bloom_summary",
    "pg_brin_minmax_multi_summary",
    "pg_cast",
    "pg_class",
    "pg_collation",
    "pg_config",
    "pg_constraint",
    "pg_conversion",
    "pg_cursors",
    "pg_database",
    "pg_db_role_setting",
    "pg_ddl_command",
    "pg_default_acl",
    "pg_depend",
    "pg_dependencies",
    "pg_description",
    "pg_enum",
    "pg_event_trigger",
    "pg_extension",
    "pg_file_settings",
    "pg_foreign_data_wrapper",
    "pg_foreign_server",
    "pg_foreign_table",
    "pg_group",
    "pg_hba_file_rules",
    "pg_ident_file_mappings",
    "pg_index",
    "pg_indexes",
    "pg_inherits",
    "pg_init_privs",
    "pg_language",
    "pg_largeobject",
    "pg_largeobject_metadata",
    "pg_locks",
    "pg_lsn",
    "pg_matviews",
    "pg_mcv_list",
    "pg_namespace",
    "pg_ndistinct",
    "pg_node_tree",
    "pg_opclass",
    "pg_operator",
    "pg_opfamily",
    "pg_parameter_acl",
    "pg_partitioned_table",
    "pg_policies",
    "pg_policy",
    "pg_prepared_statements",
    "pg_prepared_xacts",
    "pg_proc",
    "pg_publication",
    "pg_publication_namespace",
    "pg_publication_rel",
    "pg_publication_tables",
    "pg_range",
    "pg_replication_origin",
    "pg_replication_origin_status",
    "pg_replication_slots",
    "pg_rewrite",
    "pg_roles",
    "pg_rules",
    "pg_seclabel",
    "pg_seclabels",
    "pg_sequence",
    "pg_sequences",
    "pg_settings",
    "pg_shadow",
    "pg_shdepend",
    "pg_shdescription",
    "pg_shmem_allocations",
    "pg_shseclabel",
    "pg_snapshot",
    "pg_stat_activity",
    "pg_stat_all_indexes",
    "pg_stat_all_tables",
    "pg_stat_archiver",
    "pg_stat_bgwriter",
    "pg_stat_database",
    "pg_stat_database_conflicts",
    "pg_stat_gssapi",
    "pg_stat_progress_analyze",
    "pg_stat_progress_basebackup",
    "pg_stat_progress_cluster",
    "pg_stat_progress_copy",
    "pg_stat_progress_create_index",
    "pg_stat_progress_vacuum",
    "pg_stat_recovery_prefetch",
    "pg_stat_replication",
    "pg_stat_replication_slots",
    "pg_stat_slru",
    "pg_stat_ssl",
    "pg_stat_subscription",
    "pg_stat_subscription_stats",
    "pg_stat_sys_indexes",
    "pg_stat_sys_tables",
    "pg_stat_user_functions",
    "pg_stat_user_indexes",
    "pg_stat_user_tables",
    "pg_stat_wal",
    "pg_stat_wal_receiver",
    "pg_stat_xact_all_tables",
    "pg_stat_xact_sys_tables",
    "pg_stat_xact_user_functions",
    "pg_stat_xact_user_tables",
    "pg_statio_all_indexes",
    "pg_statio_all_sequences",
    "pg_statio_all_tables",
    "pg_statio_sys_indexes",
    "pg_statio_sys_sequences",
    "pg_statio_sys_tables",
    "pg_statio_user_indexes",
    "pg_statio_user_sequences",
    "pg_statio_user_tables",
    "pg_statistic",
    "pg_statistic_ext",
    "pg_statistic_ext_data",
    "pg_stats",
    "pg_stats_ext",
    "pg_stats_ext_exprs",
    "pg_subscription",
    "pg_subscription_rel",
    "pg_tables",
    "pg_tablespace",
    "pg_timezone_abbrevs",
    "pg_timezone_names",
    "pg_transform",
    "pg_trigger",
    "pg_ts_config",
    "pg_ts_config_map",
    "pg_ts_dict",
    "pg_ts_parser",
    "pg_ts_template",
    "pg_type",
    "pg_user",
    "pg_user_mapping",
    "pg_user_mappings",
    "pg_views",
    "point",
    "polygon",
    "real",
    "record",
    "refcursor",
    "regclass",
    "regcollation",
    "regconfig",
    "regdictionary",
    "regnamespace",
    "regoper",
    "regoperator",
    "regproc",
    "regprocedure",
    "regrole",
    "regtype",
    "smallint",
    "table_am_handler",
    "text",
    "tid",
    "time",
    "timestamp",
    "timestamptz",
    "timetz",
    "trigger",
    "tsm_handler",
    "tsmultirange",
    "tsquery",
    "tsrange",
    "tstzmultirange",
    "tstzrange",
    "tsvector",
    "txid_snapshot",
    "unknown",
    "uuid",
    "varbit",
    "varchar",
    "void",
    "xid",
    "xid8",
    "xml",
];

/// Why a native enum's PostgreSQL type can't be created as the blueprint has it.
pub(crate) fn enum_type_problem(
    ty: &LogicalType,
    values: &[String],
    schema: &Schema,
) -> Option<String> {
    let type_name = ty.enum_type_name()?;
    if POSTGRES_TYPES.contains(&type_name.as_str()) {
        return Some(format!(
            "the PostgreSQL type `{type_name}` is one PostgreSQL has built in"
        ));
    }
    if type_name.len() > 63 {
        return Some(format!(
            "the PostgreSQL type `{type_name}` is longer than 63 bytes, which PostgreSQL would truncate"
        ));
    }
    if let Some(store) = schema
        .stores
        .iter()
        .find(|s| s.table.eq_ignore_ascii_case(&type_name))
    {
        return Some(format!(
            "the PostgreSQL type `{type_name}` would clash with store `{}`'s table: tables and types share their names",
            store.name
        ));
    }
    values.iter().find(|v| v.len() > 63).map(|v| {
        format!("enum value `{v}` is longer than the 63 bytes a PostgreSQL enum label holds")
    })
}

/// PostgreSQL's VARCHAR holds at most 10,485,760 characters.
const MOST_VARCHAR: u32 = 10_485_760;

/// What PostgreSQL can't hold the way the blueprint says: names longer than 63 bytes,
/// two objects of one name in its relation namespace, a VARCHAR longer than it allows.
pub(crate) fn check_limits(
    schema: &Schema,
    spans: &crate::build::blueprint::Spans,
) -> Vec<crate::build::diagnostics::Diagnostic> {
    use crate::build::diagnostics::Diagnostic;
    type Span = Option<std::ops::Range<usize>>;
    let mut out = Vec::new();
    // PostgreSQL cuts longer names to 63 bytes (with only a NOTICE): the object then
    // isn't the one storegen looks for.
    let too_long = |out: &mut Vec<Diagnostic>, span: Span, what: String, name: &str| {
        if name.len() > 63 {
            out.push(
                Diagnostic::error(
                    span,
                    format!(
                        "{what} `{name}` is {} bytes long; PostgreSQL names hold at most 63",
                        name.len()
                    ),
                )
                .help("choose a shorter name (`table`, `column`, or the index's `name`)"),
            );
        }
    };
    // Tables, indexes and sequences share one namespace in a schema, with the names
    // PostgreSQL gives a key's index (`<table>_pkey`), a unique column's
    // (`<table>_<column>_key`) and an identity's sequence (`<table>_<column>_seq`).
    let mut relations: Vec<(String, String, Span)> = Vec::new();
    let mut claim = |out: &mut Vec<Diagnostic>, name: String, what: String, span: Span| {
        match relations.iter().find(|(n, _, _)| *n == name) {
            Some((_, first, first_span)) => out.push(
                Diagnostic::error(
                    span,
                    format!(
                        "{what} would be named `{name}` in PostgreSQL, which {first} already is (tables, indexes and sequences share one namespace)"
                    ),
                )
                .related(first_span.clone(), format!("{first} declared here"))
                .help("rename the table (`table`) or the index (`name`)"),
            ),
            None => relations.push((name, what, span)),
        }
    };
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        let here = Some(store_spans.name.clone());
        let table = &store.table;
        too_long(
            &mut out,
            here.clone(),
            format!("store `{}`: table", store.name),
            table,
        );
        // Unqualified names are looked up in `pg_catalog` before the schema: a table
        // named `pg_class` would be the system catalog's.
        if table.starts_with("pg_") {
            out.push(
                Diagnostic::error(
                    here.clone(),
                    format!(
                        "store `{}`: table `{table}` starts with `pg_`: PostgreSQL looks such names up in its system catalog first (`pg_class`, `pg_type`, …)",
                        store.name
                    ),
                )
                .help("choose another name (`table`)"),
            );
        }
        claim(
            &mut out,
            table.to_lowercase(),
            format!("table `{table}`"),
            here.clone(),
        );
        let pkey = format!("{table}_pkey").to_lowercase();
        claim(
            &mut out,
            pkey,
            format!("the key index of `{table}`"),
            here.clone(),
        );
        for (i, field) in store.fields.iter().enumerate() {
            let at = store_spans.fields.get(i).cloned();
            let (name, column) = (&field.name, &field.column);
            let owner = format!("field `{}.{name}`", store.name);
            too_long(&mut out, at.clone(), format!("{owner}: column"), column);
            if let Some(ty) = field.ty.enum_type_name() {
                too_long(&mut out, at.clone(), format!("{owner}: enum type"), &ty);
            }
            if field.unique && !store.is_key(i) {
                let key = format!("{table}_{column}_key").to_lowercase();
                claim(
                    &mut out,
                    key,
                    format!("the unique index of `{table}.{column}`"),
                    at.clone(),
                );
            }
            if field.generated {
                let seq = format!("{table}_{column}_seq").to_lowercase();
                claim(
                    &mut out,
                    seq,
                    format!("the sequence of `{table}.{column}`"),
                    at.clone(),
                );
            }
        }
        for (index, span) in store.indexes.iter().zip(&store_spans.indexes) {
            let span = Some(span.clone());
            if index.name.starts_with("pg_") {
                out.push(
                    Diagnostic::error(
                        span.clone(),
                        format!(
                            "store `{}`: index `{}` starts with `pg_`: PostgreSQL looks such names up in its system catalog first",
                            store.name, index.name
                        ),
                    )
                    .help("choose another `name` for the index"),
                );
            }
            too_long(
                &mut out,
                span.clone(),
                format!("store `{}`: index", store.name),
                &index.name,
            );
            claim(
                &mut out,
                index.name.to_lowercase(),
                format!("index `{}`", index.name),
                span,
            );
        }
    }
    for (store, store_spans) in schema.stores.iter().zip(&spans.stores) {
        for (i, field) in store.fields.iter().enumerate() {
            if let LogicalType::Text {
                max_length: Some(n),
            } = field.ty
                && n > MOST_VARCHAR
            {
                out.push(
                    crate::build::diagnostics::Diagnostic::error(
                        store_spans.fields.get(i).cloned(),
                        format!(
                            "field `{}.{}`: `max_length = {n}` is more than PostgreSQL's VARCHAR holds ({MOST_VARCHAR} characters)",
                            store.name, field.name
                        ),
                    )
                    .help("lower `max_length`, or remove it for unbounded text (TEXT)"),
                );
            }
        }
    }
    out
}
