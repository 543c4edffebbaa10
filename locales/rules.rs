// The rules every translated string keeps, shared by `locales/table.rs` (checked at build
// time for the languages in `locales/`) and the app (checked when a region's own language file
// is read): plural messages and `{placeholders}`. Plain Rust, no dependencies.

/// Starts a plural message, and separates its categories and forms.
pub const PLURAL: char = '\u{1f}';

/// CLDR's plural categories, in CLDR's order.
pub const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// The plural categories CLDR gives a language's cardinal numbers (CLDR 46, `plurals.xml`).
pub fn plural_categories(lang: &str) -> &'static [&'static str] {
    match lang {
        "ar" => &CATEGORIES,
        _ => &["one", "other"],
    }
}

/// Are these the keys of a plural message (only CLDR categories, `other` among them)?
pub fn plural_keys<'a>(mut keys: impl Iterator<Item = &'a str> + Clone) -> bool {
    keys.clone().any(|k| k == "other") && keys.all(|k| CATEGORIES.contains(&k))
}

/// One string for a plural message: [`PLURAL`], then `category PLURAL form PLURAL` in CLDR's
/// order. `None` when a form holds a separator.
pub fn encode_plural(form: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut text = String::from(PLURAL);
    for category in CATEGORIES {
        if let Some(value) = form(category) {
            if value.contains(PLURAL) || value.contains('\u{1e}') {
                return None;
            }
            text.push_str(category);
            text.push(PLURAL);
            text.push_str(&value);
            text.push(PLURAL);
        }
    }
    Some(text)
}

/// The forms of a plural message by category, or `None` for a plain string.
pub fn plural_forms(value: &str) -> Option<Vec<(&str, &str)>> {
    let rest = value.strip_prefix(PLURAL)?;
    let parts: Vec<&str> = rest.split_terminator(PLURAL).collect();
    Some(parts.chunks(2).filter_map(|pair| Some((pair[0], *pair.get(1)?))).collect())
}

/// The `{placeholders}` of a string, sorted.
pub fn placeholders(s: &str) -> Vec<&str> {
    let mut found: Vec<&str> =
        s.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name)).collect();
    found.sort_unstable();
    found
}

/// Checks one translated value against Swedish: the same `{placeholders}`; a count is a plural
/// message in every language, with `other` and, when `categories` are given (the languages
/// built in), exactly those CLDR categories.
pub fn check_value(key: &str, sv: &str, value: &str, categories: Option<&[&str]>) -> Result<(), String> {
    match (plural_forms(sv), plural_forms(value)) {
        (None, None) => {
            if placeholders(sv) != placeholders(value) {
                return Err(format!("`{key}` must use the same {{placeholders}} as Swedish"));
            }
        }
        (Some(sv_forms), Some(forms)) => {
            let sv_other = sv_forms.iter().find(|(c, _)| *c == "other").map_or("", |(_, f)| *f);
            let wanted = placeholders(sv_other);
            let has: Vec<&str> = forms.iter().map(|(c, _)| *c).collect();
            let wrong = match categories {
                Some(wanted) => has != wanted,
                None => !has.contains(&"other"),
            };
            if wrong {
                return Err(format!("`{key}` must have the plural categories {:?}, has {has:?}", categories.unwrap_or(&["other"])));
            }
            for (category, form) in &forms {
                let used = placeholders(form);
                let fits = if *category == "other" { used == wanted } else { used.iter().all(|p| wanted.contains(p)) };
                if !fits {
                    return Err(format!("`{key}.{category}` must use Swedish's {{placeholders}} {wanted:?} (`other`: all of them)"));
                }
            }
        }
        (Some(_), None) => return Err(format!("`{key}` is a count: it must be a plural message")),
        (None, Some(_)) => return Err(format!("`{key}` is a plural message but not in Swedish")),
    }
    Ok(())
}
