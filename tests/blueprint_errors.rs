//! Every bad blueprint under `fixtures/bad` fails with exactly the diagnostics in the
//! `.stderr` file beside it.

mod support;

use storegen::BuildError;
use storegen::build::generate_in_memory;
use support::{Expectations, files};

#[test]
fn each_bad_blueprint_reports_its_exact_diagnostics() {
    let blueprints = files("fixtures/bad", "toml");
    assert!(
        blueprints.len() >= 25,
        "the corpus holds {} bad blueprints; keep at least 25",
        blueprints.len()
    );
    let mut expectations = Expectations::default();
    for path in blueprints {
        let name = path.file_name().unwrap().to_string_lossy();
        let source = std::fs::read_to_string(&path).unwrap();
        let shown = format!("fixtures/bad/{name}");
        let rendered = match generate_in_memory(&shown, &source, None) {
            Err(BuildError::Blueprint(report)) => {
                assert!(report.has_errors(), "{name}: a report without errors");
                report.render()
            }
            Err(other) => panic!("{name}: expected located diagnostics, got {other}"),
            Ok(_) => panic!("{name}: a bad blueprint generated code"),
        };
        expectations.check(&path.with_extension("stderr"), &rendered);
    }
    expectations.finish();
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let source =
        std::fs::read_to_string(support::root().join("fixtures/bad/many_problems.toml")).unwrap();
    let Err(BuildError::Blueprint(report)) =
        generate_in_memory("many_problems.toml", &source, None)
    else {
        panic!("expected diagnostics");
    };
    let messages: Vec<&str> = report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "blueprint name `Shop` is not snake_case",
            "unknown key `recrod` in store `customers`",
            "unknown key `uniqe` in field `customers.email`",
            "field `customers.age`: default 70000 does not fit in int16 (-32768 to 32767)",
            "field `orders.status` is an enum without `values`",
            "field `orders.customer_id` is int32 but references `customers.id`, which is int64",
        ]
    );
    // Each is located at the line that declared it.
    let lines: Vec<usize> = report
        .diagnostics
        .iter()
        .map(|d| report.line_col(d.span.clone().unwrap().start).0)
        .collect();
    assert_eq!(lines, [3, 6, 10, 11, 16, 15]);
}
