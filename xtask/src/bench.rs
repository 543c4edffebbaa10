//! `cargo xtask bench`: filled in below.
use anyhow::Result;
pub fn run() -> Result<()> {
    Ok(())
}
