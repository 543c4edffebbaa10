//! Safe rich text: `rendering-markdown` and `rendering-xhtml` become a small tree of blocks and
//! inlines that the renderer turns into DOM nodes. Nothing from the source is ever inserted as
//! HTML, so scripts, event handlers, styles and remote images cannot get through; links keep only
//! `http(s)`, `mailto` and `tel` targets.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Strong(Vec<Inline>),
    Em(Vec<Inline>),
    Code(String),
    Link { href: String, children: Vec<Inline> },
    Break,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    Heading(Vec<Inline>),
    List { ordered: bool, items: Vec<Vec<Inline>> },
}

pub type RichText = Vec<Block>;

/// Plain text of inlines (for labels, where markup is not allowed).
pub fn plain(blocks: &RichText) -> String {
    fn inl(out: &mut String, xs: &[Inline]) {
        for x in xs {
            match x {
                Inline::Text(t) | Inline::Code(t) => out.push_str(t),
                Inline::Strong(c) | Inline::Em(c) | Inline::Link { children: c, .. } => inl(out, c),
                Inline::Break => out.push(' '),
            }
        }
    }
    let mut out = String::new();
    for b in blocks {
        if !out.is_empty() {
            out.push(' ');
        }
        match b {
            Block::Paragraph(x) | Block::Heading(x) => inl(&mut out, x),
            Block::List { items, .. } => {
                for i in items {
                    inl(&mut out, i);
                    out.push(' ');
                }
            }
        }
    }
    out.trim().to_owned()
}

/// A link target we allow, or `None`.
pub fn safe_href(href: &str) -> Option<String> {
    let h = href.trim();
    let lower = h.to_ascii_lowercase();
    ["https://", "http://", "mailto:", "tel:"].iter().any(|p| lower.starts_with(p)).then(|| h.to_owned())
}

// ---------------------------------------------------------------- markdown (CommonMark subset)

/// Paragraphs, `#` headings, `-`/`*`/`1.` lists, `**strong**`, `*em*`/`_em_`, `` `code` ``,
/// `[text](url)`, hard breaks. Raw HTML is shown as text.
pub fn from_markdown(src: &str) -> RichText {
    let mut blocks = Vec::new();
    let mut para: Vec<String> = Vec::new();
    let mut list: Option<(bool, Vec<Vec<Inline>>)> = None;
    let flush_para = |para: &mut Vec<String>, blocks: &mut Vec<Block>| {
        if !para.is_empty() {
            let joined = para.join("\n");
            blocks.push(Block::Paragraph(md_inline(&joined)));
            para.clear();
        }
    };
    let flush_list = |list: &mut Option<(bool, Vec<Vec<Inline>>)>, blocks: &mut Vec<Block>| {
        if let Some((ordered, items)) = list.take() {
            blocks.push(Block::List { ordered, items });
        }
    };
    for line in src.lines() {
        let t = line.trim();
        if t.is_empty() {
            flush_para(&mut para, &mut blocks);
            flush_list(&mut list, &mut blocks);
            continue;
        }
        if let Some(h) = t.strip_prefix('#') {
            flush_para(&mut para, &mut blocks);
            flush_list(&mut list, &mut blocks);
            blocks.push(Block::Heading(md_inline(h.trim_start_matches('#').trim())));
            continue;
        }
        let bullet = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")).or_else(|| t.strip_prefix("+ "));
        let numbered = t
            .split_once(". ")
            .filter(|(n, _)| !n.is_empty() && n.len() < 4 && n.bytes().all(|b| b.is_ascii_digit()))
            .map(|(_, rest)| rest);
        if let Some((ordered, text)) = bullet.map(|b| (false, b)).or(numbered.map(|n| (true, n))) {
            flush_para(&mut para, &mut blocks);
            match &mut list {
                Some((o, items)) if *o == ordered => items.push(md_inline(text)),
                _ => {
                    flush_list(&mut list, &mut blocks);
                    list = Some((ordered, vec![md_inline(text)]));
                }
            }
            continue;
        }
        flush_list(&mut list, &mut blocks);
        para.push(line.trim_start().to_owned());
    }
    flush_para(&mut para, &mut blocks);
    flush_list(&mut list, &mut blocks);
    blocks
}

fn md_inline(src: &str) -> Vec<Inline> {
    let chars: Vec<char> = src.chars().collect();
    parse_md(&chars)
}

fn find_seq(chars: &[char], from: usize, pat: &[char]) -> Option<usize> {
    (from..chars.len().saturating_sub(pat.len() - 1)).find(|&i| chars[i..].starts_with(pat))
}

fn parse_md(chars: &[char]) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    let push_text = |text: &mut String, out: &mut Vec<Inline>| {
        if !text.is_empty() {
            out.push(Inline::Text(std::mem::take(text)));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() && chars[i + 1].is_ascii_punctuation() {
            text.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == '\n' {
            // two trailing spaces or a backslash make a hard break; otherwise a soft break is a space
            if text.ends_with("  ") {
                let trimmed = text.trim_end().to_owned();
                text = trimmed;
                push_text(&mut text, &mut out);
                out.push(Inline::Break);
            } else {
                text.push(' ');
            }
            i += 1;
            continue;
        }
        if (c == '*' || c == '_') && i + 1 < chars.len() && chars[i + 1] == c {
            if let Some(end) = find_seq(chars, i + 2, &[c, c]).filter(|&e| e > i + 2) {
                push_text(&mut text, &mut out);
                out.push(Inline::Strong(parse_md(&chars[i + 2..end])));
                i = end + 2;
                continue;
            }
        } else if (c == '*' || c == '_')
            && i + 1 < chars.len()
            && !chars[i + 1].is_whitespace()
            && let Some(end) = find_seq(chars, i + 1, &[c]).filter(|&e| e > i + 1)
        {
            push_text(&mut text, &mut out);
            out.push(Inline::Em(parse_md(&chars[i + 1..end])));
            i = end + 1;
            continue;
        }
        if c == '`'
            && let Some(end) = find_seq(chars, i + 1, &['`'])
        {
            push_text(&mut text, &mut out);
            out.push(Inline::Code(chars[i + 1..end].iter().collect()));
            i = end + 1;
            continue;
        }
        if c == '['
            && let Some(close) = find_seq(chars, i + 1, &[']'])
            && chars.get(close + 1) == Some(&'(')
            && let Some(paren) = find_seq(chars, close + 2, &[')'])
        {
            let label = parse_md(&chars[i + 1..close]);
            let target: String = chars[close + 2..paren].iter().collect();
            let target = target.split_whitespace().next().unwrap_or("").to_owned();
            push_text(&mut text, &mut out);
            match safe_href(&target) {
                Some(href) => out.push(Inline::Link { href, children: label }),
                None => out.extend(label),
            }
            i = paren + 1;
            continue;
        }
        if c == '!' && chars.get(i + 1) == Some(&'[') {
            // images are never loaded: keep the alt text only
            if let Some(close) = find_seq(chars, i + 2, &[']'])
                && chars.get(close + 1) == Some(&'(')
                && let Some(paren) = find_seq(chars, close + 2, &[')'])
            {
                text.extend(&chars[i + 2..close]);
                i = paren + 1;
                continue;
            }
        }
        text.push(c);
        i += 1;
    }
    push_text(&mut text, &mut out);
    out
}

// ---------------------------------------------------------------- xhtml (allow-list)

#[derive(Debug)]
enum Tok {
    Open(String, Vec<(String, String)>, bool),
    Close(String),
    Text(String),
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(';').filter(|&e| e < 10) {
            Some(e) => {
                let name = &after[..e];
                let ch = match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some('\u{a0}'),
                    n if n.starts_with("#x") || n.starts_with("#X") => {
                        u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32)
                    }
                    n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                    _ => None,
                };
                match ch {
                    Some(c) => out.push(c),
                    None => out.push_str(&rest[i..i + e + 2]),
                }
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn tokenize(src: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut rest = src;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => {
                if let Some(body) = rest.strip_prefix("<!--") {
                    rest = body.find("-->").map(|e| &body[e + 3..]).unwrap_or("");
                    continue;
                }
                let Some(end) = rest.find('>') else {
                    toks.push(Tok::Text(decode_entities(rest)));
                    break;
                };
                let inner = &rest[1..end];
                rest = &rest[end + 1..];
                if let Some(name) = inner.strip_prefix('/') {
                    toks.push(Tok::Close(name.trim().to_ascii_lowercase()));
                    continue;
                }
                if inner.starts_with('!') || inner.starts_with('?') {
                    continue;
                }
                let self_closing = inner.ends_with('/');
                let inner = inner.trim_end_matches('/');
                let mut parts = inner.splitn(2, char::is_whitespace);
                let name = parts.next().unwrap_or("").to_ascii_lowercase();
                let attrs = parse_attrs(parts.next().unwrap_or(""));
                toks.push(Tok::Open(name, attrs, self_closing));
            }
            Some(i) => {
                toks.push(Tok::Text(decode_entities(&rest[..i])));
                rest = &rest[i..];
            }
            None => {
                toks.push(Tok::Text(decode_entities(rest)));
                break;
            }
        }
    }
    toks
}

fn parse_attrs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let name_end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            if let Some(q) = r.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &r[1..];
                let end = body.find(q).unwrap_or(body.len());
                value = decode_entities(&body[..end]);
                rest = body.get(end + 1..).unwrap_or("").trim_start();
            } else {
                let end = r.find(char::is_whitespace).unwrap_or(r.len());
                value = decode_entities(&r[..end]);
                rest = r[end..].trim_start();
            }
        }
        if !name.is_empty() {
            out.push((name, value));
        }
    }
    out
}

/// Sanitises XHTML into rich text: `p div br strong b em i u code a ul ol li h1-h6 span` are kept
/// (as structure, never as HTML); `script`/`style` and their content are dropped; images become
/// their alt text; every attribute except a safe `href` is dropped.
pub fn from_xhtml(src: &str) -> RichText {
    let toks = tokenize(src);
    let mut blocks: Vec<Block> = Vec::new();
    // a stack of open inline containers: (tag, children, href)
    let mut stack: Vec<(String, Vec<Inline>, Option<String>)> = vec![(String::new(), Vec::new(), None)];
    let mut list: Option<(bool, Vec<Vec<Inline>>)> = None;
    let mut skip_depth: Option<(String, usize)> = None;
    let mut heading = false;

    fn flush(stack: &mut Vec<(String, Vec<Inline>, Option<String>)>) -> Vec<Inline> {
        // close any dangling inline containers into the root
        while stack.len() > 1 {
            let (tag, children, href) = stack.pop().expect("len > 1");
            let node = wrap(&tag, children, href);
            stack.last_mut().expect("root").1.extend(node);
        }
        std::mem::take(&mut stack[0].1)
    }
    fn wrap(tag: &str, children: Vec<Inline>, href: Option<String>) -> Vec<Inline> {
        match tag {
            "strong" | "b" => vec![Inline::Strong(children)],
            "em" | "i" => vec![Inline::Em(children)],
            "a" => match href {
                Some(href) => vec![Inline::Link { href, children }],
                None => children,
            },
            "code" => vec![Inline::Code(plain(&vec![Block::Paragraph(children)]))],
            _ => children,
        }
    }
    let end_block = |stack: &mut Vec<(String, Vec<Inline>, Option<String>)>, blocks: &mut Vec<Block>, heading: bool| {
        let inl = flush(stack);
        let has_content = inl.iter().any(|i| !matches!(i, Inline::Text(t) if t.trim().is_empty()));
        if has_content {
            blocks.push(if heading { Block::Heading(inl) } else { Block::Paragraph(inl) });
        }
    };

    for tok in toks {
        if let Some((tag, depth)) = &mut skip_depth {
            match &tok {
                Tok::Open(n, _, false) if n == tag => *depth += 1,
                Tok::Close(n) if n == tag => {
                    if *depth == 0 {
                        skip_depth = None;
                    } else {
                        *depth -= 1;
                    }
                }
                _ => {}
            }
            continue;
        }
        match tok {
            Tok::Text(t) => {
                let collapsed = t.split_whitespace().collect::<Vec<_>>().join(" ");
                let lead = t.starts_with(char::is_whitespace) && !collapsed.is_empty();
                let trail = t.ends_with(char::is_whitespace) && !collapsed.is_empty();
                let mut s = String::new();
                if lead {
                    s.push(' ');
                }
                s.push_str(&collapsed);
                if trail || (collapsed.is_empty() && !t.is_empty()) {
                    s.push(' ');
                }
                if !s.is_empty() {
                    stack.last_mut().expect("root").1.push(Inline::Text(s));
                }
            }
            Tok::Open(name, attrs, self_closing) => match name.as_str() {
                "script" | "style" | "iframe" | "object" | "embed" | "template" | "svg" | "math" | "noscript"
                    if !self_closing =>
                {
                    skip_depth = Some((name, 0));
                }
                "br" => stack.last_mut().expect("root").1.push(Inline::Break),
                "img" => {
                    if let Some((_, alt)) = attrs.iter().find(|(k, _)| k == "alt") {
                        stack.last_mut().expect("root").1.push(Inline::Text(alt.clone()));
                    }
                }
                "p" | "div" | "section" | "article" | "blockquote" | "table" | "tr" => {
                    end_block(&mut stack, &mut blocks, heading);
                    heading = false;
                }
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                    end_block(&mut stack, &mut blocks, heading);
                    heading = true;
                }
                "ul" | "ol" => {
                    end_block(&mut stack, &mut blocks, heading);
                    heading = false;
                    list = Some((name == "ol", Vec::new()));
                }
                "li" => {
                    if list.is_none() {
                        end_block(&mut stack, &mut blocks, heading);
                    }
                    flush(&mut stack);
                }
                "strong" | "b" | "em" | "i" | "a" | "code" | "span" | "u" | "small" | "sub" | "sup"
                    if !self_closing =>
                {
                    let href = attrs.iter().find(|(k, _)| k == "href").and_then(|(_, v)| safe_href(v));
                    stack.push((name, Vec::new(), href));
                }
                _ => {}
            },
            Tok::Close(name) => match name.as_str() {
                "p" | "div" | "section" | "article" | "blockquote" | "table" | "tr" | "h1" | "h2" | "h3" | "h4"
                | "h5" | "h6" => {
                    end_block(&mut stack, &mut blocks, heading);
                    heading = false;
                }
                "li" => {
                    let inl = flush(&mut stack);
                    match &mut list {
                        Some((_, items)) => items.push(inl),
                        None => blocks.push(Block::Paragraph(inl)),
                    }
                }
                "ul" | "ol" => {
                    let rest = flush(&mut stack);
                    if let Some((ordered, mut items)) = list.take() {
                        if !rest.is_empty() && rest.iter().any(|i| !matches!(i, Inline::Text(t) if t.trim().is_empty()))
                        {
                            items.push(rest);
                        }
                        blocks.push(Block::List { ordered, items });
                    }
                }
                _ => {
                    if let Some(pos) = stack.iter().rposition(|(t, _, _)| *t == name)
                        && pos > 0
                    {
                        while stack.len() > pos {
                            let (tag, children, href) = stack.pop().expect("len > pos");
                            let node = wrap(&tag, children, href);
                            stack.last_mut().expect("root").1.extend(node);
                        }
                    }
                }
            },
        }
    }
    if let Some((ordered, items)) = list.take() {
        blocks.push(Block::List { ordered, items });
    }
    end_block(&mut stack, &mut blocks, heading);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn markdown_subset() {
        let r = from_markdown(
            "Hej **du**, läs *noga*.\n\n- ett\n- två\n\n[1177](https://www.1177.se) [x](javascript:alert(1))",
        );
        assert_eq!(
            r[0],
            Block::Paragraph(vec![
                text("Hej "),
                Inline::Strong(vec![text("du")]),
                text(", läs "),
                Inline::Em(vec![text("noga")]),
                text(".")
            ])
        );
        assert_eq!(r[1], Block::List { ordered: false, items: vec![vec![text("ett")], vec![text("två")]] });
        let Block::Paragraph(p) = &r[2] else { panic!() };
        assert_eq!(p[0], Inline::Link { href: "https://www.1177.se".into(), children: vec![text("1177")] });
        assert!(!format!("{p:?}").contains("javascript"));
    }

    #[test]
    fn markdown_images_are_alt_text_and_html_is_text() {
        let r = from_markdown("![karta](https://evil.example/pixel.png) <script>alert(1)</script>");
        let s = plain(&r);
        assert!(s.starts_with("karta"));
        assert!(!format!("{r:?}").contains("evil.example"));
        // raw HTML stays inert text (shown, never executed)
        assert!(s.contains("<script>"));
    }

    #[test]
    fn xhtml_is_sanitised() {
        let r = from_xhtml(
            r#"<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x()">Ring <b>1177</b> <a href="javascript:evil()">här</a> <a href="tel:1177">1177</a></p><script>alert(1)</script><img src="https://t.example/a.png" alt="bild"/><ul><li>a</li><li>b &amp; c</li></ul></div>"#,
        );
        let dbg = format!("{r:?}");
        assert!(
            !dbg.contains("alert")
                && !dbg.contains("javascript")
                && !dbg.contains("onclick")
                && !dbg.contains("t.example")
        );
        assert!(dbg.contains("tel:1177"));
        assert!(r.iter().any(|b| matches!(b, Block::List { items, .. } if items.len() == 2)));
        assert!(plain(&r).contains("b & c"));
        assert!(plain(&r).contains("bild"));
    }

    #[test]
    fn unclosed_tags_do_not_panic() {
        for s in ["<p><b>x", "<", "<a href=", "</b></p>", "&#xZZ;", "<ul><li>x", "<script>", "a & b"] {
            let _ = from_xhtml(s);
            let _ = from_markdown(s);
        }
    }
}
