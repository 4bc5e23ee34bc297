#![no_main]
//! libFuzzer entry of the `decode_models` target; the body is in src/lib.rs.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| paperspace_fuzz::decode_models(data));
