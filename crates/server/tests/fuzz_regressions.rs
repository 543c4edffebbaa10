//! Every picture the fuzz target `picture` (`fuzz/`, run by `cargo xtask bench --fuzz`) ever
//! crashed on is kept under `tests/fuzz-regressions/picture/` and replayed here.

use ingang_api::pictures::PictureLimits;
use ingang_server::domain::pictures::prepare;

#[test]
fn pictures_that_once_crashed_do_not() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions/picture");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| !p.ends_with(".gitkeep")).collect())
        .unwrap_or_default();
    files.sort();
    for path in files {
        println!("{}", path.display());
        let _ =
            prepare(&std::fs::read(&path).expect("readable"), &PictureLimits { max_edge: 256, ..Default::default() });
    }
}
