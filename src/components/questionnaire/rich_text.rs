//! Renders the engine's sanitised rich text as DOM nodes (never as HTML strings).

use ingang_questionnaire::text::{Block, Inline, RichText};
use leptos::prelude::*;

fn inline(x: Inline) -> AnyView {
    match x {
        Inline::Text(t) => t.into_any(),
        Inline::Strong(c) => view! { <strong>{inlines(c)}</strong> }.into_any(),
        Inline::Em(c) => view! { <em>{inlines(c)}</em> }.into_any(),
        Inline::Code(t) => view! { <code>{t}</code> }.into_any(),
        Inline::Break => view! { <br /> }.into_any(),
        Inline::Link { href, children } => {
            view! { <a href=href rel="noopener noreferrer">{inlines(children)}</a> }.into_any()
        }
    }
}

pub fn inlines(xs: Vec<Inline>) -> Vec<AnyView> {
    xs.into_iter().map(inline).collect()
}

/// Block content (for display items and help texts).
pub fn blocks(text: RichText) -> Vec<AnyView> {
    text.into_iter()
        .map(|b| match b {
            Block::Paragraph(x) => view! { <p>{inlines(x)}</p> }.into_any(),
            Block::Heading(x) => view! { <p class="q-rich-heading"><strong>{inlines(x)}</strong></p> }.into_any(),
            Block::List { ordered: false, items } => {
                view! { <ul>{items.into_iter().map(|i| view! { <li>{inlines(i)}</li> }).collect_view()}</ul> }
                    .into_any()
            }
            Block::List { ordered: true, items } => {
                view! { <ol>{items.into_iter().map(|i| view! { <li>{inlines(i)}</li> }).collect_view()}</ol> }
                    .into_any()
            }
        })
        .collect()
}

/// Phrasing content only (for labels and legends): blocks run together, lists as text.
pub fn phrasing(text: RichText) -> Vec<AnyView> {
    let mut out = Vec::new();
    for (n, b) in text.into_iter().enumerate() {
        if n > 0 {
            out.push(view! { <br /> }.into_any());
        }
        match b {
            Block::Paragraph(x) | Block::Heading(x) => out.extend(inlines(x)),
            Block::List { items, .. } => {
                let plain = items
                    .iter()
                    .map(|i| ingang_questionnaire::text::plain(&vec![Block::Paragraph(i.clone())]))
                    .collect::<Vec<_>>()
                    .join(", ");
                out.push(plain.into_any());
            }
        }
    }
    out
}
