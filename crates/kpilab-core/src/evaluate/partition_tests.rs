//! User partitions merged against one pass over the whole file (`evaluate_csv`):
//! counts, labels, row errors and line numbers equal, numbers within 1e-12
//! (`slice_tests::assert_close`), on the files of `slice_tests` (quoted ids and
//! labels with line breaks, users switching variants, bad rows of every kind,
//! labels that are not UTF-8 on a user's first row).

use proptest::prelude::*;

use super::partition::{can_partition, PartitionMerger};
use super::slice::header_len;
use super::slice_tests::{assert_close, config, user_config, user_file};
use super::types::{EvalConfig, Evaluation};
use super::{evaluate_csv, CsvEvaluator, MAX_ROW_ERRORS};
use crate::error::Result;

/// The file read by `count` partitions, each pushed in chunks of `chunk`
/// bytes, absorbed in the order `order` gives (a permutation's seed).
fn partitioned(data: &[u8], config: &EvalConfig, count: u32, chunk: usize, order: usize) -> Result<Evaluation> {
    let head = header_len(config, data, true)?.expect("whole file");
    let mut merger = PartitionMerger::new(config.clone(), &data[..head])?;
    let mut states = Vec::new();
    for index in 0..count {
        let mut part = CsvEvaluator::for_partition(config, index, count)?;
        for c in data.chunks(chunk.max(1)) {
            part.push(c)?;
        }
        states.push(part.finish_partition()?);
    }
    states.rotate_left(order % count as usize);
    for state in states {
        merger.absorb(state)?;
    }
    merger.finish()
}

fn assert_same(data: &[u8], config: &EvalConfig, count: u32, chunk: usize, order: usize) {
    match (evaluate_csv(data, config), partitioned(data, config, count, chunk, order)) {
        (Ok(w), Ok(p)) => {
            assert_close(&serde_json::to_value(&w).unwrap(), &serde_json::to_value(&p).unwrap(), "evaluation")
        }
        (Err(w), Err(p)) => assert_eq!(w, p),
        (w, p) => panic!("one pass {w:?}\npartitions {p:?}"),
    }
}

#[test]
fn partitions_equal_one_pass_on_lf_and_crlf() {
    let cfg = user_config("");
    assert!(can_partition(&cfg).unwrap());
    for crlf in [false, true] {
        let data = user_file(5, 400, crlf, 60);
        let whole = evaluate_csv(&data, &cfg).unwrap();
        let codes: Vec<&str> = whole.warnings.iter().map(|w| w.code.as_str()).collect();
        assert!(codes.contains(&"USER_IN_SEVERAL_VARIANTS"), "{codes:?}");
        assert!(whole.rows.errors.iter().any(|e| e.message.contains("UTF-8")), "{:?}", whole.rows.errors);
        for count in [1, 2, 3, 4, 7] {
            for order in 0..count as usize {
                assert_same(&data, &cfg, count, 1 + order * 37, order);
            }
        }
    }
}

#[test]
fn partitions_shift_by_the_files_first_user_as_one_pass() {
    // Partition 0's first user is not the file's here: with its shift, a CUPED
    // interval bound near 0 (-1.01, from terms near 94) was 1.26e-12 relative off.
    assert_same(&user_file(7364733313087861026, 49, false, 25), &user_config(""), 2, 1, 0);
}

#[test]
fn partitions_with_fail_and_chosen_arms_equal_one_pass() {
    let data = user_file(9, 200, false, 12);
    for extra in [r#""onBadRow":"fail","#, r#""analysis":{"variants":["control","treatment"]},"#] {
        let cfg = user_config(extra);
        for count in [2, 3, 5] {
            assert_same(&data, &cfg, count, 64, 1);
        }
    }
}

#[test]
fn partition_row_errors_beyond_the_cap_are_counted_as_in_one_pass() {
    let cfg = user_config("");
    let mut data = b"user,variant,device,converted,revenue,pre,orders\n".to_vec();
    for i in 0..(MAX_ROW_ERRORS + 300) {
        data.extend_from_slice(
            format!("u{i},control,d,x,1,2,3\nu{i},treatment,d,1,2,3,4\nw{i},control,d,0,1,2,3\n").as_bytes(),
        );
    }
    assert_same(&data, &cfg, 3, 4096, 0);
    let e = partitioned(&data, &cfg, 3, 4096, 2).unwrap();
    assert_eq!(e.rows.errors.len(), MAX_ROW_ERRORS);
    assert_eq!(e.rows.errors_not_listed, 300.0);
}

#[test]
fn only_user_configs_are_partitioned_and_states_are_checked() {
    assert!(!can_partition(&config(super::slice_tests::CONFIG)).unwrap());
    let events = config(
        r#"{"variantColumn":"variant","userColumn":"user","exposure":{"where":{"column":"event","equals":"view"}},
        "kpis":[{"name":"c","role":"primary","kind":"conversion","where":{"column":"event","equals":"buy"}}]}"#,
    );
    assert!(!can_partition(&events).unwrap());
    assert!(CsvEvaluator::for_partition(&events, 0, 2).is_err());
    let cfg = user_config("");
    assert_eq!(CsvEvaluator::for_partition(&cfg, 2, 2).err().unwrap().field, "index");

    let data = user_file(5, 400, false, 60);
    let head = header_len(&cfg, &data, true).unwrap().unwrap();
    let state = |index, count| {
        let mut part = CsvEvaluator::for_partition(&cfg, index, count).unwrap();
        part.push(&data).unwrap();
        part.finish_partition().unwrap()
    };
    // Each partition reads a share of the rows; together all of them.
    let reads: Vec<f64> = (0..3)
        .map(|index| {
            let mut part = CsvEvaluator::for_partition(&cfg, index, 3).unwrap();
            part.push(&data).unwrap();
            part.progress().rows
        })
        .collect();
    assert!(reads.iter().all(|&r| r > 5.0), "{reads:?}");
    assert_eq!(reads.iter().sum::<f64>(), evaluate_csv(&data, &cfg).unwrap().rows.read);
    // A partition twice, one of another run, or one missing: an error naming the state.
    let mut merger = PartitionMerger::new(cfg.clone(), &data[..head]).unwrap();
    merger.absorb(state(0, 2)).unwrap();
    assert_eq!(merger.absorb(state(0, 2)).unwrap_err().field, "state");
    assert_eq!(merger.absorb(state(1, 3)).unwrap_err().field, "state");
    assert_eq!(merger.finish().unwrap_err().field, "state");
    // A state of another config (no segment column) does not fit.
    let other = EvalConfig { segment_columns: vec![], ..user_config("") };
    let mut part = CsvEvaluator::for_partition(&other, 0, 1).unwrap();
    part.push(&data).unwrap();
    let mut merger = PartitionMerger::new(cfg.clone(), &data[..head]).unwrap();
    merger.absorb(part.finish_partition().unwrap()).unwrap();
    assert_eq!(merger.finish().unwrap_err().field, "state");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn random_partitions_equal_one_pass(
        seed in any::<u64>(),
        rows in 0usize..300,
        crlf in any::<bool>(),
        pool in 1u64..80,
        count in 1u32..6,
        chunk in 1usize..700,
        order in 0usize..6,
    ) {
        let data = user_file(seed, rows, crlf, pool);
        assert_same(&data, &user_config(""), count, chunk, order);
    }
}
