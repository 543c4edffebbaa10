//! Any bytes as an uploaded picture: refused with a reason or prepared (decoded within the
//! limits, re-encoded), never a panic or an allocation past the limit.
#![no_main]

use ingang_api::pictures::PictureLimits;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = ingang_server::routes::pictures::prepare(data, &PictureLimits { max_edge: 256, ..Default::default() });
});
