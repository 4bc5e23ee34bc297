#![no_main]
//! libFuzzer entry of the `abi_call_cancellable` target; the body is in src/lib.rs.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| paperspace_fuzz::abi_call_cancellable(data));
