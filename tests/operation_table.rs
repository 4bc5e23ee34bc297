//! Every operation of the table has its named export in the header and its row in docs/ABI.md,
//! and the C tests call it: the places docs/ADDING_AN_OPERATION.md lists outside the crate.

use std::fs;
use std::path::Path;

use paperspace::Operation;

fn read(path: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_operation_has_its_named_export() {
    let header = read("include/paperspace.h");
    let missing: Vec<&str> = Operation::ALL
        .iter()
        .map(|op| op.name())
        .filter(|name| {
            !header.contains(&format!(
                "ps_status ps_{name}(const struct ps_client *client,"
            ))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "no ps_<name> export in the header for {missing:?}"
    );
}

#[test]
fn every_operation_has_its_row_in_the_abi_document() {
    let abi = read("docs/ABI.md");
    let missing: Vec<&str> = Operation::ALL
        .iter()
        .map(|op| op.name())
        .filter(|name| {
            let row = format!("| `ps_{name}`");
            !abi.lines().any(|line| line.starts_with(&row))
        })
        .collect();
    assert!(missing.is_empty(), "no row in docs/ABI.md for {missing:?}");
}

#[test]
fn the_description_lists_every_operation_in_table_order() {
    let described: serde_json::Value =
        serde_json::from_str(&paperspace::operations_json()).unwrap();
    let names: Vec<&str> = described
        .as_array()
        .unwrap()
        .iter()
        .map(|op| op["name"].as_str().unwrap())
        .collect();
    let table: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
    assert_eq!(names, table);
}

#[test]
fn the_c_tests_call_every_named_export() {
    let table = read("bindings/c/tests/test_table.c");
    let missing: Vec<&str> = Operation::ALL
        .iter()
        .map(|op| op.name())
        .filter(|name| !table.contains(&format!("{{\"{name}\", ps_{name}}}")))
        .collect();
    assert!(
        missing.is_empty(),
        "bindings/c/tests/test_table.c's EXPORTS lacks {missing:?}"
    );
}
