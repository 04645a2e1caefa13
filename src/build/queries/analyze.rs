//! What a query's SQL says that its database may not: which result columns come from
//! the nullable side of an outer join. PostgreSQL and MySQL describe a column of a
//! `LEFT JOIN`ed table as the table's NOT NULL column; SQLite says nothing. A parser
//! (`sqlparser`) reads the FROM clause instead.

use crate::backend::BackendKind;

/// For each result column, whether it may be NULL because of an outer join.
/// `origins[i]`: the table column `i` comes from, where the database says. When the
/// statement doesn't parse but names an outer join, every column may be NULL: the
/// safe side.
#[cfg(feature = "queries")]
pub(crate) fn outer_join_nullable(
    sql: &str,
    backend: BackendKind,
    origins: &[Option<String>],
) -> Vec<bool> {
    use sqlparser::parser::Parser;

    let dialect = backend.rules().sql_parser();
    let all = |value: bool| vec![value; origins.len()];
    let statements = match Parser::parse_sql(dialect, sql) {
        Ok(statements) => statements,
        Err(_) => {
            let upper = sql.to_ascii_uppercase();
            let outer = ["LEFT ", "RIGHT ", "FULL "]
                .iter()
                .any(|w| upper.contains(w) && upper.contains("JOIN"));
            return all(outer);
        }
    };
    let Some(sqlparser::ast::Statement::Query(query)) = statements.first() else {
        return all(false);
    };
    let mut nullable = Relations::default();
    collect_query(query, &mut nullable);
    if nullable.tables.is_empty() && nullable.aliases.is_empty() {
        return all(false);
    }
    // Columns of the outer SELECT's own list, matched to result columns while no
    // wildcard stands in between.
    let items = match query.body.as_ref() {
        sqlparser::ast::SetExpr::Select(select) => Some(select),
        _ => None,
    };
    let mut out = Vec::with_capacity(origins.len());
    let mut aligned = true;
    for (i, origin) in origins.iter().enumerate() {
        let item = items.and_then(|s| s.projection.get(i)).filter(|_| aligned);
        let by_origin = origin
            .as_deref()
            .is_some_and(|t| nullable.tables.iter().any(|n| n.eq_ignore_ascii_case(t)));
        let value = match item {
            Some(item) => match qualifier(item) {
                Qualifier::Wildcard => {
                    aligned = false;
                    by_origin
                }
                // A derived table's alias hides where its columns come from: their
                // origin says too (more `Option`s, never fewer).
                Qualifier::Named(q) => {
                    nullable.aliases.iter().any(|a| a.eq_ignore_ascii_case(&q)) || by_origin
                }
                // An unqualified column or an expression of several: what its origin says.
                Qualifier::Unqualified | Qualifier::Expression => by_origin,
            },
            None => by_origin,
        };
        out.push(value);
    }
    out
}

#[cfg(not(feature = "queries"))]
pub(crate) fn outer_join_nullable(
    _: &str,
    _: BackendKind,
    origins: &[Option<String>],
) -> Vec<bool> {
    vec![true; origins.len()]
}

/// The relations on a nullable side of an outer join: their aliases (or names) and
/// their tables' names.
#[cfg(feature = "queries")]
#[derive(Default)]
struct Relations {
    aliases: Vec<String>,
    tables: Vec<String>,
}

#[cfg(feature = "queries")]
fn collect_query(query: &sqlparser::ast::Query, out: &mut Relations) {
    if let Some(with) = &query.with {
        for cte in &with.cte_tables {
            collect_query(&cte.query, out);
        }
    }
    collect_set(&query.body, out);
}

#[cfg(feature = "queries")]
fn collect_set(body: &sqlparser::ast::SetExpr, out: &mut Relations) {
    use sqlparser::ast::SetExpr;
    match body {
        SetExpr::Select(select) => {
            for from in &select.from {
                collect_joins(from, out);
            }
        }
        SetExpr::Query(query) => collect_query(query, out),
        SetExpr::SetOperation { left, right, .. } => {
            collect_set(left, out);
            collect_set(right, out);
        }
        _ => {}
    }
}

#[cfg(feature = "queries")]
fn collect_joins(from: &sqlparser::ast::TableWithJoins, out: &mut Relations) {
    use sqlparser::ast::JoinOperator as J;
    // The relations so far, which a RIGHT or FULL join makes nullable.
    let mut left = Relations::default();
    names(&from.relation, &mut left);
    nested(&from.relation, out);
    for join in &from.joins {
        let mut right = Relations::default();
        names(&join.relation, &mut right);
        nested(&join.relation, out);
        let (left_nullable, right_nullable) = match &join.join_operator {
            J::Left(_) | J::LeftOuter(_) | J::OuterApply => (false, true),
            J::Right(_) | J::RightOuter(_) => (true, false),
            J::FullOuter(_) => (true, true),
            _ => (false, false),
        };
        if left_nullable {
            out.aliases.extend(left.aliases.iter().cloned());
            out.tables.extend(left.tables.iter().cloned());
        }
        if right_nullable {
            out.aliases.extend(right.aliases.iter().cloned());
            out.tables.extend(right.tables.iter().cloned());
        }
        left.aliases.extend(right.aliases);
        left.tables.extend(right.tables);
    }
}

/// Outer joins inside a parenthesised join or a subquery in FROM.
#[cfg(feature = "queries")]
fn nested(factor: &sqlparser::ast::TableFactor, out: &mut Relations) {
    use sqlparser::ast::TableFactor;
    match factor {
        TableFactor::NestedJoin {
            table_with_joins, ..
        } => collect_joins(table_with_joins, out),
        TableFactor::Derived { subquery, .. } => collect_query(subquery, out),
        _ => {}
    }
}

/// A relation's name as columns qualify it (its alias, else its table's last name) and
/// the tables it reads.
#[cfg(feature = "queries")]
fn names(factor: &sqlparser::ast::TableFactor, out: &mut Relations) {
    use sqlparser::ast::{ObjectNamePart, TableFactor};
    match factor {
        TableFactor::Table { name, alias, .. } => {
            let table = name.0.last().map(|part| match part {
                ObjectNamePart::Identifier(ident) => ident.value.clone(),
                other => other.to_string(),
            });
            if let Some(table) = table {
                out.aliases.push(
                    alias
                        .as_ref()
                        .map_or_else(|| table.clone(), |a| a.name.value.clone()),
                );
                out.tables.push(table);
            }
        }
        // An alias with no table of its own: an empty name keeps the two lists in step.
        TableFactor::Derived {
            alias: Some(alias), ..
        } => {
            out.aliases.push(alias.name.value.clone());
            out.tables.push(String::new());
        }
        TableFactor::NestedJoin {
            table_with_joins,
            alias,
        } => {
            if let Some(alias) = alias {
                out.aliases.push(alias.name.value.clone());
                out.tables.push(String::new());
            }
            names(&table_with_joins.relation, out);
            for join in &table_with_joins.joins {
                names(&join.relation, out);
            }
        }
        _ => {}
    }
}

#[cfg(feature = "queries")]
enum Qualifier {
    /// `*` or `t.*`: the columns it stands for are unknown in number.
    Wildcard,
    /// `t.column`.
    Named(String),
    /// `column`.
    Unqualified,
    /// Anything else.
    Expression,
}

#[cfg(feature = "queries")]
fn qualifier(item: &sqlparser::ast::SelectItem) -> Qualifier {
    use sqlparser::ast::{Expr, SelectItem};
    let expr = match item {
        SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => expr,
        _ => return Qualifier::Wildcard,
    };
    match expr {
        Expr::Identifier(_) => Qualifier::Unqualified,
        Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
            Qualifier::Named(parts[parts.len() - 2].value.clone())
        }
        _ => Qualifier::Expression,
    }
}

#[cfg(all(test, feature = "queries"))]
mod tests {
    use super::*;

    #[test]
    fn columns_of_an_outer_joined_table_may_be_null() {
        let sql = "SELECT i.id, u.email AS author_email, title FROM issues i LEFT JOIN users u ON u.id = i.author_id";
        let origins = [
            Some("issues".into()),
            Some("users".into()),
            Some("issues".into()),
        ];
        assert_eq!(
            outer_join_nullable(sql, BackendKind::Postgres, &origins),
            [false, true, false]
        );
        // RIGHT: the left side may be NULL.
        let sql = "SELECT i.id, u.email FROM issues i RIGHT JOIN users u ON u.id = i.author_id";
        assert_eq!(
            outer_join_nullable(sql, BackendKind::Sqlite, &origins[..2]),
            [true, false]
        );
        // A wildcard: by the tables the columns come from.
        let sql = "SELECT * FROM issues LEFT OUTER JOIN users ON users.id = issues.author_id";
        assert_eq!(
            outer_join_nullable(sql, BackendKind::Mysql, &origins),
            [false, true, false]
        );
        // An inner join: nothing.
        let sql = "SELECT i.id, u.email FROM issues i JOIN users u ON u.id = i.author_id";
        assert_eq!(
            outer_join_nullable(sql, BackendKind::Postgres, &origins[..2]),
            [false, false]
        );
        // Through a derived table or a CTE: the origin tells.
        let sql = "SELECT s.email FROM (SELECT u.email FROM issues i LEFT JOIN users u ON u.id = i.author_id) s";
        assert_eq!(
            outer_join_nullable(sql, BackendKind::Postgres, &[Some("users".into())]),
            [true]
        );
        let sql = "WITH s AS (SELECT u.email FROM issues i LEFT JOIN users u ON u.id = i.author_id) SELECT email FROM s";
        assert_eq!(
            outer_join_nullable(sql, BackendKind::Postgres, &[Some("users".into())]),
            [true]
        );
        // Unparseable with an outer join: every column, to be safe.
        let sql = "SELECT i.id FROM issues i LEFT JOIN users u ON WHAT EVER";
        assert_eq!(
            outer_join_nullable(sql, BackendKind::Postgres, &origins[..1]),
            [true]
        );
    }
}

/// A parameter's type as the SQL around it says: compared with a store's column
/// (`t.status = :status`, `title LIKE :word`, `due_on < :day`), assigned to one
/// (`SET assignee_id = :to`, an INSERT's VALUES), or a LIMIT/OFFSET. The answer is the
/// same on every backend, so the signature doesn't depend on which database described
/// the query. `binds` maps the statement's placeholders to parameters (`rewritten`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Inferred {
    pub ty: crate::model::LogicalType,
    pub nullable: bool,
}

#[cfg(feature = "queries")]
pub(crate) fn infer_params(
    sql: &str,
    backend: BackendKind,
    binds: &[usize],
    params: usize,
    schema: &crate::model::Schema,
) -> Vec<Option<Inferred>> {
    use sqlparser::tokenizer::{Token, Tokenizer};

    let dialect = backend.rules().sql_parser();
    let mut out: Vec<Option<Inferred>> = vec![None; params];
    let mut conflicting = vec![false; params];
    let Ok(tokens) = Tokenizer::new(dialect, sql).tokenize() else {
        return out;
    };
    let tokens: Vec<Token> = tokens
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let statement = sqlparser::parser::Parser::parse_sql(dialect, sql)
        .ok()
        .and_then(|mut s| (!s.is_empty()).then(|| s.remove(0)));
    let scope = statement.as_ref().map(relations).unwrap_or_default();
    let stores = Stores {
        schema,
        scope: &scope,
    };

    // Placeholder tokens, in order, each with its parameter.
    let mut positional = 0;
    let mut param_of = |text: &str| -> Option<usize> {
        match text.strip_prefix('$').or_else(|| text.strip_prefix('?')) {
            Some("") => {
                let p = binds.get(positional).copied();
                positional += 1;
                p
            }
            Some(n) => n.parse::<usize>().ok()?.checked_sub(1),
            None => None,
        }
    };
    let mut found = |param: usize, inferred: Inferred, out: &mut Vec<Option<Inferred>>| {
        if param >= out.len() {
            return;
        }
        match &out[param] {
            None if !conflicting[param] => out[param] = Some(inferred),
            Some(had) if had.ty != inferred.ty => {
                out[param] = None;
                conflicting[param] = true;
            }
            Some(had) if inferred.nullable && !had.nullable => out[param] = Some(inferred),
            _ => {}
        }
    };
    let is_op = |t: &Token| {
        matches!(
            t,
            Token::Eq
                | Token::DoubleEq
                | Token::Neq
                | Token::Lt
                | Token::Gt
                | Token::LtEq
                | Token::GtEq
                | Token::Spaceship
        ) || matches!(t, Token::Word(w) if w.quote_style.is_none()
            && ["LIKE", "ILIKE"].contains(&w.value.to_ascii_uppercase().as_str()))
    };
    let word = |t: Option<&Token>| match t {
        Some(Token::Word(w)) => Some(w.value.clone()),
        _ => None,
    };
    // A column reference ending at `end` (inclusive), reading backwards: `col` or `q.col`.
    let column_before = |end: usize| -> Option<(Option<String>, String)> {
        let col = word(tokens.get(end))?;
        if end >= 2 && tokens[end - 1] == Token::Period {
            Some((word(tokens.get(end - 2)), col))
        } else {
            Some((None, col))
        }
    };
    let column_after = |start: usize| -> Option<(Option<String>, String)> {
        let first = word(tokens.get(start))?;
        if tokens.get(start + 1) == Some(&Token::Period) {
            Some((Some(first), word(tokens.get(start + 2))?))
        } else {
            Some((None, first))
        }
    };
    let assigned = statement.as_ref().map(assignments).unwrap_or_default();
    for (i, token) in tokens.iter().enumerate() {
        let Token::Placeholder(text) = token else {
            continue;
        };
        let Some(param) = param_of(text) else {
            continue;
        };
        let previous = i.checked_sub(1).and_then(|j| tokens.get(j));
        // LIMIT :n, OFFSET :n.
        if let Some(Token::Word(w)) = previous
            && ["LIMIT", "OFFSET"].contains(&w.value.to_ascii_uppercase().as_str())
        {
            found(
                param,
                Inferred {
                    ty: crate::model::LogicalType::Int64,
                    nullable: false,
                },
                &mut out,
            );
            continue;
        }
        // An assignment or an INSERT's value, by the statement's own structure.
        if let Some((table, column)) = assigned.get(&ordinal(&tokens[..i]))
            && let Some(field) = stores.field(Some(table), column)
        {
            found(
                param,
                Inferred {
                    ty: field.ty.clone(),
                    nullable: field.nullable,
                },
                &mut out,
            );
            continue;
        }
        // col <op> :p, :p <op> col, col IN (:p, ...), col BETWEEN :p AND :q.
        let mut column = None;
        if i >= 2 && previous.is_some_and(is_op) {
            column = column_before(i - 2);
        }
        if column.is_none() && tokens.get(i + 1).is_some_and(is_op) {
            column = column_after(i + 2);
        }
        if column.is_none() {
            // Back over `(` and `, :x` to an IN, or to a BETWEEN (and its AND).
            let mut j = i;
            while j > 0 {
                match &tokens[j - 1] {
                    Token::LParen | Token::Comma | Token::Placeholder(_) => j -= 1,
                    Token::Word(w) if w.value.eq_ignore_ascii_case("AND") && j >= 3 => {
                        j -= 1;
                    }
                    _ => break,
                }
            }
            if j >= 2
                && let Some(Token::Word(w)) = tokens.get(j - 1)
                && ["IN", "BETWEEN"].contains(&w.value.to_ascii_uppercase().as_str())
            {
                column = column_before(j - 2);
            }
        }
        if let Some((qualifier, name)) = column
            && let Some(field) = stores.field(qualifier.as_deref(), &name)
        {
            found(
                param,
                Inferred {
                    ty: field.ty.clone(),
                    nullable: false,
                },
                &mut out,
            );
        }
    }
    out
}

#[cfg(not(feature = "queries"))]
pub(crate) fn infer_params(
    _: &str,
    _: BackendKind,
    _: &[usize],
    params: usize,
    _: &crate::model::Schema,
) -> Vec<Option<Inferred>> {
    vec![None; params]
}

/// The number of placeholders among `tokens`: a placeholder's ordinal.
#[cfg(feature = "queries")]
fn ordinal(tokens: &[sqlparser::tokenizer::Token]) -> usize {
    tokens
        .iter()
        .filter(|t| matches!(t, sqlparser::tokenizer::Token::Placeholder(_)))
        .count()
}

/// The relations a statement reads or writes: `(alias or name, table)`.
#[cfg(feature = "queries")]
fn relations(statement: &sqlparser::ast::Statement) -> Vec<(String, String)> {
    use sqlparser::ast::{FromTable, Statement, TableObject};
    let mut out = Relations::default();
    match statement {
        Statement::Query(query) => all_relations(&query.body, &mut out),
        Statement::Update(update) => {
            from_relations(&update.table, &mut out);
            if let Some(
                sqlparser::ast::UpdateTableFromKind::BeforeSet(from)
                | sqlparser::ast::UpdateTableFromKind::AfterSet(from),
            ) = &update.from
            {
                for t in from {
                    from_relations(t, &mut out);
                }
            }
        }
        Statement::Delete(delete) => {
            let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &delete.from;
            for t in from {
                from_relations(t, &mut out);
            }
        }
        Statement::Insert(insert) => {
            if let TableObject::TableName(name) = &insert.table
                && let Some(table) = last_name(name)
            {
                out.aliases.push(table.clone());
                out.tables.push(table);
            }
            if let Some(source) = &insert.source {
                all_relations(&source.body, &mut out);
            }
        }
        _ => {}
    }
    out.aliases.into_iter().zip(out.tables).collect()
}

#[cfg(feature = "queries")]
fn last_name(name: &sqlparser::ast::ObjectName) -> Option<String> {
    name.0.last().map(|part| match part {
        sqlparser::ast::ObjectNamePart::Identifier(ident) => ident.value.clone(),
        other => other.to_string(),
    })
}

/// Every table a query body reads, subqueries in FROM included.
#[cfg(feature = "queries")]
fn all_relations(body: &sqlparser::ast::SetExpr, out: &mut Relations) {
    use sqlparser::ast::SetExpr;
    match body {
        SetExpr::Select(select) => {
            for from in &select.from {
                from_relations(from, out);
            }
        }
        SetExpr::Query(query) => all_relations(&query.body, out),
        SetExpr::SetOperation { left, right, .. } => {
            all_relations(left, out);
            all_relations(right, out);
        }
        _ => {}
    }
}

#[cfg(feature = "queries")]
fn from_relations(from: &sqlparser::ast::TableWithJoins, out: &mut Relations) {
    let factors = std::iter::once(&from.relation).chain(from.joins.iter().map(|j| &j.relation));
    for factor in factors {
        if let sqlparser::ast::TableFactor::Derived { subquery, .. } = factor {
            all_relations(&subquery.body, out);
        }
        names(factor, out);
    }
}

/// For an UPDATE's `SET c = :p` and an INSERT's `VALUES (:p, …)`: the table and column
/// each placeholder (by ordinal) is assigned to.
#[cfg(feature = "queries")]
fn assignments(
    statement: &sqlparser::ast::Statement,
) -> std::collections::HashMap<usize, (String, String)> {
    use sqlparser::ast::{AssignmentTarget, Expr, SetExpr, Statement, TableObject, Value};
    let mut out = std::collections::HashMap::new();
    let placeholder =
        |e: &Expr| matches!(e, Expr::Value(v) if matches!(v.value, Value::Placeholder(_)));
    match statement {
        Statement::Update(update) => {
            let mut table = Relations::default();
            names(&update.table.relation, &mut table);
            let Some(table) = table.tables.first().cloned() else {
                return out;
            };
            // Placeholders come in text order: SET's before WHERE's.
            let mut ordinal = 0;
            for a in &update.assignments {
                if placeholder(&a.value) {
                    if let AssignmentTarget::ColumnName(name) = &a.target
                        && let Some(column) = last_name(name)
                    {
                        out.insert(ordinal, (table.clone(), column));
                    }
                    ordinal += 1;
                } else {
                    ordinal += count_placeholders(&a.value.to_string());
                }
            }
        }
        Statement::Insert(insert) => {
            let (TableObject::TableName(name), Some(source)) = (&insert.table, &insert.source)
            else {
                return out;
            };
            let Some(table) = last_name(name) else {
                return out;
            };
            let SetExpr::Values(values) = source.body.as_ref() else {
                return out;
            };
            let mut ordinal = 0;
            for row in &values.rows {
                for (k, e) in row.iter().enumerate() {
                    if placeholder(e) {
                        if let Some(column) = insert.columns.get(k).and_then(last_name) {
                            out.insert(ordinal, (table.clone(), column));
                        }
                        ordinal += 1;
                    } else {
                        ordinal += count_placeholders(&e.to_string());
                    }
                }
            }
        }
        _ => {}
    }
    out
}

#[cfg(feature = "queries")]
fn count_placeholders(text: &str) -> usize {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(|&i| {
            matches!(bytes[i], b'$' | b'?')
                && (i + 1 == bytes.len() || bytes[i + 1].is_ascii_digit() || bytes[i] == b'?')
        })
        .count()
}

/// Store fields by the names a statement uses for them.
#[cfg(feature = "queries")]
struct Stores<'a> {
    schema: &'a crate::model::Schema,
    scope: &'a [(String, String)],
}

#[cfg(feature = "queries")]
impl Stores<'_> {
    /// The field a column reference names: through its qualifier's relation, else the
    /// one relation in scope with such a column, else the one store with it.
    fn field(&self, qualifier: Option<&str>, column: &str) -> Option<&crate::model::Field> {
        let in_table = |table: &str| {
            self.schema
                .stores
                .iter()
                .filter(|s| s.table.eq_ignore_ascii_case(table))
                .find_map(|s| {
                    s.fields
                        .iter()
                        .find(|f| f.column.eq_ignore_ascii_case(column))
                })
        };
        if let Some(q) = qualifier {
            let table = self
                .scope
                .iter()
                .find(|(alias, _)| alias.eq_ignore_ascii_case(q))
                .map_or(q, |(_, table)| table.as_str());
            return in_table(table);
        }
        let mut candidates: Vec<&crate::model::Field> =
            self.scope.iter().filter_map(|(_, t)| in_table(t)).collect();
        if candidates.is_empty() {
            candidates = self
                .schema
                .stores
                .iter()
                .filter_map(|s| {
                    s.fields
                        .iter()
                        .find(|f| f.column.eq_ignore_ascii_case(column))
                })
                .collect();
        }
        let first = candidates.first()?;
        candidates
            .iter()
            .all(|f| f.ty == first.ty)
            .then_some(*first)
    }
}
