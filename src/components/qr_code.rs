//! A QR code drawn as SVG from content the API gives (BankID's animated code, a Swish request).
//! The `qrcode` crate only computes the modules; no image crate in the wasm. It is a chunk of its
//! own (`chunks::qr`), fetched when a code is first to be shown: the log-in page, the kiosk and
//! the payment panel open without it.

use leptos::prelude::*;

use crate::chunks;

/// The QR code as an SVG path (dark modules), with its size in modules including a quiet zone.
pub fn qr_path(content: &str) -> Option<(String, usize)> {
    let code = qrcode::QrCode::new(content.as_bytes()).ok()?;
    let width = code.width();
    let quiet = 4;
    let mut d = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            d.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((d, width + 2 * quiet))
}

/// The code for `content` (nothing while it is `None`), an image named by `label`. If the
/// encoder's chunk cannot be fetched, a message with "Försök igen" stands in its place.
#[component]
pub fn QrCode(content: Signal<Option<String>>, label: Signal<&'static str>) -> impl IntoView {
    // the encoder is fetched once there is something to show, not when the page opens
    let wanted = Memo::new(move |_| content.with(Option::is_some));
    move || {
        wanted.get().then(|| {
            chunks::from_chunk(
                move || async move {
                    let encode = chunks::qr().await?;
                    Ok((move || content.get().and_then(|c| encode(&c)).map(|code| svg(code, label))).into_any())
                },
                |attempt| view! { <chunks::ChunkRetry attempt /> }.into_any(),
            )
        })
    }
}

/// The SVG of a code from [`qr_path`]'s path and size.
fn svg((d, size): (String, usize), label: Signal<&'static str>) -> impl IntoView {
    view! {
        <svg class="qr" role="img" aria-label=move || label.get()
            viewBox=format!("0 0 {size} {size}") shape-rendering="crispEdges">
            <rect width=size.to_string() height=size.to_string() fill="#fff" />
            <path d=d fill="#000" />
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_codes_encode_the_content() {
        let (d, size) = qr_path("bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8").unwrap();
        assert!(size >= 29 + 8);
        assert!(d.starts_with('M') && d.contains("h1v1h-1z"));
    }
}
