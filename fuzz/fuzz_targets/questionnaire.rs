//! Any bytes as a FHIR Questionnaire: the engine loads, walks, validates and writes it back
//! without a panic (`ingang_questionnaire::fuzz::questionnaire`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ingang_questionnaire::fuzz::questionnaire(data));
