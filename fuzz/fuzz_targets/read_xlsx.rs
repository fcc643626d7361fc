#![no_main]
// The xlsx reader runs the workbook parser (calamine) under
// `catch_unwind` and reports a panic there as an unreadable workbook
// (src/read/xlsx.rs); libFuzzer's panic hook would abort before that, so
// panics raised inside calamine's own code are let through to the reader.
// Any other panic aborts as usual.
libfuzzer_sys::fuzz_target!(
    init: {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| l.file().contains("/calamine-")) {
                abort(info);
            }
        }));
    },
    |data: &[u8]| assetlint::fuzzing::read_xlsx(data)
);
