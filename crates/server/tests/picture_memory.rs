//! Peak memory of preparing one picture, measured by counting every allocation: an accepted
//! picture of the largest decoded size costs a bounded amount, and one over the limit is
//! refused before its pixels are decoded. (Its own test binary: the counter is global.)

use std::{
    alloc::{GlobalAlloc, Layout, System},
    sync::atomic::{AtomicUsize, Ordering},
};

use image::{DynamicImage, RgbImage};
use ingang_api::pictures::PictureLimits;
use ingang_server::domain::pictures::{MAX_DECODED_BYTES, prepare};

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        NOW.fetch_sub(layout.size(), Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The most `f` has allocated at once beyond what was allocated before it.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = NOW.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let out = f();
    (out, PEAK.load(Ordering::SeqCst) - base)
}

const MIB: usize = 1024 * 1024;

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8]));
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .expect("encodes");
    out
}

#[test]
fn preparing_a_picture_takes_bounded_memory() {
    // the largest that is accepted: 4,700 × 4,700 RGB (66 MB decoded, just under the limit)
    let big = jpeg(4_700, 4_700);
    const { assert!(4_700u64 * 4_700 * 3 <= MAX_DECODED_BYTES) };
    let (prepared, peak) = peak_of(|| prepare(&big, &PictureLimits::default()));
    let prepared = prepared.expect("accepted");
    assert_eq!((prepared.width, prepared.height), (2048, 2048));
    println!("accepted 4700² JPEG: peak {} MiB", peak / MIB);
    assert!(peak <= MAX_DECODED_BYTES as usize + 48 * MIB, "peak {} MiB", peak / MIB);

    // just over: refused from the header, at next to no cost
    let over = jpeg(4_800, 4_800);
    let (refused, peak) = peak_of(|| prepare(&over, &PictureLimits::default()));
    assert_eq!(refused.unwrap_err().body.code, "too_many_pixels");
    println!("refused 4800² JPEG: peak {} KiB", peak / 1024);
    assert!(peak <= 4 * MIB, "peak {} KiB", peak / 1024);
}
