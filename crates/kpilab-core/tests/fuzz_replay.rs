//! Replays every input in fuzz/corpus-regressions/<target>/ (crashers found by
//! `make fuzz`, plus seeds) through the same checks the fuzz targets make.

mod fuzz_harness;

use std::path::PathBuf;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus-regressions").join(target);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut count = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        check(&std::fs::read(&path).unwrap());
        count += 1;
    }
    assert!(count > 0, "no inputs in {}", dir.display());
    eprintln!("{target}: replayed {count} inputs");
}

#[test]
fn replay_json_inputs() {
    replay("json_inputs", fuzz_harness::json_inputs);
}

#[test]
fn replay_csv_eval() {
    replay("csv_eval", fuzz_harness::csv_eval);
}
