#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| assetlint::fuzzing::read_ansible_yaml(data));
