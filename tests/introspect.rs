//! `storegen introspect` on real databases: legacy schemas (fixtures/legacy) become the
//! committed blueprints (fixtures/golden/blueprints/legacy_*.toml, whose generated
//! stores fixtures/golden/tests/legacy.rs runs), which `storegen check` finds clean
//! against the database they came from, without a warning; what a blueprint can't say
//! is left out with the reason; names, `--tables`, `--style`, `--backends`, errors.

mod support;

use support::databases;
use support::{Expectations, root};

use support::storegen_in as storegen;

const BACKENDS: [&str; 3] = ["sqlite", "postgres", "mysql"];

/// The legacy fixture's script for a backend, without its comment lines (the MySQL
/// test harness runs statement by statement).
fn legacy_script(backend: &str) -> String {
    let text =
        std::fs::read_to_string(root().join(format!("fixtures/legacy/{backend}.sql"))).unwrap();
    text.lines()
        .filter(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn legacy_schemas_introspect_to_the_committed_blueprints_which_check_clean() {
    let mut expectations = Expectations::default();
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let Some((url, _db)) = databases::made_by(
            backend,
            "introspect_legacy",
            dir.path(),
            &legacy_script(backend),
        ) else {
            continue;
        };
        let name = format!("legacy_{backend}");
        let run = storegen(dir.path(), &["introspect", &url, "--name", &name]);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{backend}");
        // Deterministic: the same database gives the same text.
        let again = storegen(dir.path(), &["introspect", &url, "--name", &name]);
        assert_eq!(again.stdout, run.stdout, "{backend}");
        expectations.check(
            &root().join(format!("fixtures/golden/blueprints/{name}.toml")),
            &run.stdout,
        );

        std::fs::write(dir.path().join("blueprint.toml"), &run.stdout).unwrap();
        let check = storegen(
            dir.path(),
            &["check", "--blueprint", "blueprint.toml", "--database", &url],
        );
        assert_eq!(
            (check.code, check.stdout.as_str(), check.stderr.as_str()),
            (
                0,
                format!("blueprint.toml: clean: the {backend} database matches the blueprint\n")
                    .as_str(),
                ""
            ),
            "{backend}: no error and no warning"
        );

        // With its snapshot: the blueprint names it, and checks clean offline.
        let offline = tempfile::tempdir().unwrap();
        let run = storegen(
            offline.path(),
            &[
                "introspect",
                &url,
                "--name",
                &name,
                "--snapshot",
                "db.snapshot.toml",
            ],
        );
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{backend}");
        assert!(
            run.stdout
                .contains("url = \"${DATABASE_URL}\"\nsnapshot = \"db.snapshot.toml\"\n"),
            "{}",
            run.stdout
        );
        std::fs::write(offline.path().join("blueprint.toml"), &run.stdout).unwrap();
        let check = storegen(offline.path(), &["check", "--offline"]);
        assert_eq!(
            (check.code, check.stdout.as_str(), check.stderr.as_str()),
            (
                0,
                format!("blueprint.toml: clean: the {backend} database matches the blueprint\n")
                    .as_str(),
                ""
            ),
            "{backend}: offline, from the snapshot"
        );
    }
    expectations.finish();
}

/// What each backend holds that a blueprint can't say, and the line that says so.
fn unmappable(backend: &str) -> (&'static str, Vec<&'static str>) {
    match backend {
        "postgres" => (
            "CREATE TABLE things (id bigint PRIMARY KEY, tags text[], cost money, addr inet, \
               code character(3), amount numeric, at time(0), \
               total integer GENERATED ALWAYS AS (id * 2) STORED, \
               counter integer GENERATED ALWAYS AS IDENTITY, \
               slug text DEFAULT lower('X'), label text NOT NULL);
             CREATE TABLE logs (line text);
             CREATE TABLE pairs (a int, b int, PRIMARY KEY (a, b));
             CREATE TABLE refs (id int PRIMARY KEY, a int, b int, FOREIGN KEY (a, b) REFERENCES pairs);
             CREATE INDEX things_label_desc ON things (label DESC);
             CREATE INDEX things_lower_label ON things (lower(label));
             CREATE INDEX things_some_slugs ON things (slug) WHERE slug IS NOT NULL;
             CREATE TYPE \"Weird Mood\" AS ENUM ('x');
             CREATE TABLE moods (id int PRIMARY KEY, m \"Weird Mood\");",
            vec![
                "# column `tags` (`text[]`) left out: `text[]` has no logical type",
                "# column `cost` (`money`) left out: `money` has no logical type",
                "# column `addr` (`inet`) left out: `inet` has no logical type",
                "# column `amount` (`numeric`) left out: decimal(38, 0) needs `numeric(38,0)`; an unconstrained numeric holds values a decimal of 38 digits can't",
                "# column `total` (`integer`) left out: the database computes it (a generated column)",
                "# column `counter` (`integer`) left out: the database assigns it, and only a single-column key can be `generated`",
                "# `slug`: the database's default `lower('X'::text)` has no blueprint form",
                "slug  = { type = \"text\", nullable = true }",
                "label = \"text\"",
                "# table `logs` left out: it has no primary key, and a store needs one",
                "# `a`: the foreign key `refs_a_b_fkey` spans 2 columns; a reference is one field's",
                "# index `things_label_desc` left out: its columns and their order are no index a blueprint declares",
                "# column `m` (`\"Weird Mood\"`) left out: the enum type `Weird Mood` can't be named: storegen names a PostgreSQL enum type after its Rust enum, in snake_case",
            ],
        ),
        "mysql" => (
            "CREATE TABLE things (id bigint PRIMARY KEY, shape geometry, small tinyint, mid mediumint, \
               code char(3), blob1 blob, stamp timestamp NULL, label varchar(20) NOT NULL) \
               DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
             CREATE TABLE logs (line text)",
            vec![
                "# column `shape` (`geometry`) left out: `geometry` has no logical type",
                "# column `small` (`tinyint`) left out: `tinyint` has no logical type",
                "# column `mid` (`mediumint`) left out: `mediumint` has no logical type",
                "# column `blob1` (`blob`) left out: bytes needs `longblob`; `blob` holds less than 16 MiB",
                "# column `stamp` (`timestamp`) left out: timestamp needs `datetime(6)`; MySQL's TIMESTAMP ends in 2038 and converts through the session's time zone",
                "label = { type = \"text\", max_length = 20 }",
                "# table `logs` left out: it has no primary key, and a store needs one",
            ],
        ),
        _ => (
            "CREATE TABLE things (id INTEGER PRIMARY KEY, anything, price NUMERIC(20,2), amount NUMERIC, doc JSON, label TEXT NOT NULL);
             CREATE INDEX things_lower_label ON things (lower(label));
             CREATE INDEX things_some_labels ON things (label) WHERE label <> '';
             CREATE TABLE logs (line TEXT);",
            vec![
                "# column `anything` (no declared type) left out: a column with no declared type holds values of any kind",
                "# column `price` (`NUMERIC(20,2)`) left out: `NUMERIC(20,2)` has NUMERIC affinity, which keeps a decimal as a float of 15 significant digits; decimal(20, 2) needs TEXT affinity",
                "# column `amount` (`NUMERIC`) left out: `NUMERIC` has NUMERIC affinity, which keeps a value as an integer, a float or text as it looks",
                "# column `doc` (`JSON`) left out: `JSON` has NUMERIC affinity, which keeps a value as an integer, a float or text as it looks",
                "label = \"text\"",
                "# table `logs` left out: it has no primary key, and a store needs one",
            ],
        ),
    }
}

#[test]
fn what_a_blueprint_cant_say_is_left_out_with_the_reason_and_the_rest_still_comes_out() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let (script, lines) = unmappable(backend);
        let Some((url, _db)) =
            databases::made_by(backend, "introspect_unmappable", dir.path(), script)
        else {
            continue;
        };
        let run = storegen(dir.path(), &["introspect", &url]);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{backend}");
        let printed: Vec<&str> = run.stdout.lines().collect();
        // Expression and partial indexes are no index a blueprint declares, and no
        // index on their columns alone.
        assert!(
            !run.stdout.contains("[[stores.things.indexes]]"),
            "{backend}: {}",
            run.stdout
        );
        for line in lines {
            assert!(
                printed.contains(&line),
                "{backend}: no line\n{line}\nin\n{}",
                run.stdout
            );
        }
        // The printed blueprint reads back; the columns left out are the only drift,
        // warnings (an insert can still leave each out) or errors (one it can't).
        std::fs::write(dir.path().join("blueprint.toml"), &run.stdout).unwrap();
        let check = storegen(
            dir.path(),
            &["check", "--blueprint", "blueprint.toml", "--database", &url],
        );
        assert!(
            !check.stdout.contains("error: `") && !check.stderr.contains("error: `"),
            "{backend}: {}{}",
            check.stdout,
            check.stderr
        );
    }
}

#[test]
fn tables_style_backends_and_names_are_the_callers_choice() {
    let dir = tempfile::tempdir().unwrap();
    let Some((url, _)) = databases::made_by(
        "sqlite",
        "introspect_options",
        dir.path(),
        &legacy_script("sqlite"),
    ) else {
        unreachable!("SQLite needs no server");
    };
    let run = storegen(
        dir.path(),
        &[
            "introspect",
            &url,
            "--tables",
            "playlists,Album",
            "--style",
            "keep",
            "--backends",
            "sqlite,postgres",
        ],
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let text = &run.stdout;
    // The file's stem names the blueprint; only the tables asked for; records keep the
    // table's name; a reference to a table left out of the blueprint is said.
    assert!(
        text.contains("[blueprint]\nname = \"introspect_options\"\n"),
        "{text}"
    );
    assert!(
        text.contains("backends = [\"sqlite\", \"postgres\"]\n"),
        "{text}"
    );
    assert!(
        text.contains("[stores.playlists]\nrecord = \"Playlists\"\n"),
        "{text}"
    );
    assert!(
        text.contains("[stores.album]\ntable = \"Album\"\nrecord = \"Album\"\n"),
        "{text}"
    );
    assert!(!text.contains("[stores.artist]"), "{text}");
    assert!(
        text.contains("# `artist_id`: it references `Artist`, which is no store here\n"),
        "{text}"
    );
    assert!(
        text.starts_with("# Written by `storegen introspect` from SQLite: 2 tables.\n"),
        "{text}"
    );

    let missing = storegen(
        dir.path(),
        &["introspect", &url, "--tables", "playlists,nope"],
    );
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (1, "error: no table `nope` in the database\n")
    );
    let style = storegen(dir.path(), &["introspect", &url, "--style", "camel"]);
    assert_eq!(
        (style.code, style.stderr.as_str()),
        (
            1,
            "error: unknown --style `camel`: expected snake or keep\n"
        )
    );
    let no_url = storegen(dir.path(), &["introspect"]);
    assert_eq!(no_url.code, 1);
    assert!(
        no_url
            .stderr
            .starts_with("error: `storegen introspect` needs the database's URL\n"),
        "{}",
        no_url.stderr
    );
}

#[test]
fn an_unreachable_server_is_said_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on: refused at once.
    let run = storegen(
        dir.path(),
        &["introspect", "postgres://app:s3cret@127.0.0.1:1/shop"],
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: cannot use PostgreSQL at `postgres://***@127.0.0.1:1/shop`: the connection was refused: is the server running?\n"
    );
    let missing = storegen(dir.path(), &["introspect", "sqlite:nowhere.db"]);
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (
            1,
            "error: SQLite database file `nowhere.db` does not exist\n"
        )
    );
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    let folder = storegen(dir.path(), &["introspect", "sqlite:folder"]);
    assert_eq!(
        (folder.code, folder.stderr.as_str()),
        (
            1,
            "error: `folder` is a directory, not an SQLite database file\n"
        )
    );
    std::fs::write(
        dir.path().join("notes.txt"),
        "not a database, but long enough for SQLite to read as a header and refuse",
    )
    .unwrap();
    let text = storegen(dir.path(), &["introspect", "sqlite:notes.txt"]);
    assert_eq!(
        (text.code, text.stderr.as_str()),
        (1, "error: `notes.txt` is not an SQLite database\n")
    );
}

#[test]
fn a_utf8mb3_column_is_text_with_a_warning_unless_the_field_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let Some((url, _db)) = databases::made_by(
        "mysql",
        "introspect_utf8mb3",
        dir.path(),
        "CREATE TABLE notes (id int PRIMARY KEY, body varchar(20) NOT NULL) DEFAULT CHARSET=utf8",
    ) else {
        return;
    };
    let run = storegen(dir.path(), &["introspect", &url, "--name", "notes"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    // The server's default collation of utf8mb3 compares inexactly: said too.
    let declared = "body = { type = \"text\", max_length = 20, charset = \"utf8mb3\", collation = \"utf8mb3_general_ci\" }\n";
    assert!(run.stdout.contains(declared), "{}", run.stdout);
    let check = |blueprint: &str| {
        std::fs::write(dir.path().join("blueprint.toml"), blueprint).unwrap();
        storegen(
            dir.path(),
            &["check", "--blueprint", "blueprint.toml", "--database", &url],
        )
    };
    let clean = check(&run.stdout);
    assert_eq!(
        (clean.code, clean.stdout.as_str()),
        (
            0,
            "blueprint.toml: clean: the mysql database matches the blueprint\n"
        )
    );
    let unsaid = run.stdout.replace(
        ", charset = \"utf8mb3\", collation = \"utf8mb3_general_ci\"",
        "",
    );
    let warned = check(&unsaid);
    assert_eq!(warned.code, 0, "a warning: {}", warned.stdout);
    assert!(
        warned.stdout.starts_with(
            "warning: `notes.body`: column `body` is utf8mb3, which has no 4-byte characters: writing an emoji (or any character beyond the Basic Multilingual Plane) fails\n"
        ),
        "{}",
        warned.stdout
    );
    assert!(
        warned.stdout.contains(
            "= help: declare `charset = \"utf8mb3\"` on the field to accept it, or convert the column to utf8mb4 (`storegen diff --sql`)\n"
        ),
        "{}",
        warned.stdout
    );
}

#[test]
fn a_postgres_schema_other_than_the_connections_is_read_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let Some((url, _db)) = databases::made_by(
        "postgres",
        "introspect_schema",
        dir.path(),
        "CREATE TABLE invoices (id bigint PRIMARY KEY);
         CREATE SCHEMA billing;
         CREATE TABLE billing.invoices (id bigserial PRIMARY KEY, total numeric(12, 2) NOT NULL);",
    ) else {
        return;
    };
    let run = storegen(dir.path(), &["introspect", &url, "--schema", "billing"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert!(
        run.stdout.contains("schema = \"billing\"\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("total = { type = \"decimal\", precision = 12, scale = 2 }\n"),
        "{}",
        run.stdout
    );
    std::fs::write(dir.path().join("blueprint.toml"), &run.stdout).unwrap();
    let check = storegen(
        dir.path(),
        &["check", "--blueprint", "blueprint.toml", "--database", &url],
    );
    assert_eq!(
        (check.code, check.stdout.as_str()),
        (
            0,
            "blueprint.toml: clean: the postgres database matches the blueprint\n"
        )
    );
}

/// Every golden blueprint's tables, as storegen's own DDL makes them on each backend it
/// lists, introspect to a blueprint that checks without an error: what storegen makes,
/// it reads back (indexes' names and orders, enums, keys, every type).
#[test]
fn the_goldens_own_tables_introspect_to_blueprints_that_check_clean() {
    let blueprints = support::files("fixtures/golden/blueprints", "toml");
    for backend in BACKENDS {
        for path in &blueprints {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let source = std::fs::read_to_string(path).unwrap();
            if stem.starts_with("legacy_") || !source.contains(&format!("\"{backend}\"")) {
                continue;
            }
            let dir = tempfile::tempdir().unwrap();
            let ddl = storegen(
                &root(),
                &[
                    "ddl",
                    "--blueprint",
                    &path.to_string_lossy(),
                    "--backend",
                    backend,
                ],
            );
            assert_eq!(ddl.code, 0, "{stem}: {}", ddl.stderr);
            let Some((url, _db)) =
                databases::made_by(backend, &format!("golden_{stem}"), dir.path(), &ddl.stdout)
            else {
                continue;
            };
            let run = storegen(dir.path(), &["introspect", &url]);
            assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{backend} {stem}");
            std::fs::write(dir.path().join("blueprint.toml"), &run.stdout).unwrap();
            let check = storegen(
                dir.path(),
                &["check", "--blueprint", "blueprint.toml", "--database", &url],
            );
            assert_eq!(
                check.code, 0,
                "{backend} {stem}:\n{}{}",
                check.stdout, check.stderr
            );
            assert!(
                check.stdout.ends_with(&format!(
                    "clean: the {backend} database matches the blueprint\n"
                )),
                "{backend} {stem}:\n{}",
                check.stdout
            );
            assert!(
                !check.stdout.contains("\nerror") && !check.stdout.starts_with("error"),
                "{backend} {stem}:\n{}",
                check.stdout
            );
        }
    }
}
