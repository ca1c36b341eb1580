#![no_main]

#[path = "../../crates/kpilab-core/tests/fuzz_harness/mod.rs"]
mod fuzz_harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_harness::json_inputs(data));
