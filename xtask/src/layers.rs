//! The reference server's layers, checked (ARCHITECTURE.md, "The server's layers"):
//!
//! - a route module (`crates/server/src/routes/<area>.rs`) never uses another route module: what
//!   two areas share lives in `domain/` (the rules) or `extract.rs` (who asks, and how);
//! - outside `routes/`, only the router's own builders (`lib.rs`, `openapi.rs`) name `routes`, so
//!   the domain, the staff console and the background work never reach into a handler;
//! - no server file builds HTML in a string: pages are `maud` templates, which escape every text;
//! - a database row is read by column name (`r.get("unit_id")`), never by position
//!   (`r.get(3)`): a name survives a column added to a `SELECT`, and is what another backend's
//!   rows are read by too;
//! - one clock: only `lib.rs` (`Clock`, `system_millis`) reads the system's time
//!   (`SystemTime::now`); every rule reads `AppState.clock`;
//! - the storage layer (`storage/`) runs on both backends: an area's module there names neither
//!   `rusqlite` nor `postgres` (only `storage/mod.rs`, the connection of both, does), and a table
//!   the storage layer is the only place with SQL: no table of the migrations ([`tables`]) is read
//!   or written outside `storage/` and `db/` (tests and the load tool's fixtures aside,
//!   [`HARNESSES`]).
//!
//! A plain reading of the source (comments removed), not a compiler pass: it looks for paths
//! that start `super::` or `routes::`, for `format!("<` / `push_str("<`, and for `r.get(<digits>)`
//! / `row.get::<_, T>(<digits>)` (the names every row closure in the server uses).

use std::path::Path;

use anyhow::{Result, bail};

/// The server's tables: every `CREATE TABLE` of its (SQLite) migrations. SQL on any of them
/// lives only in `storage/` (and the migrations' runner in `db/`).
fn tables(root: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root.join("crates/server/migrations/sqlite"))? {
        let text = std::fs::read_to_string(entry?.path())?;
        for line in text.lines() {
            let Some(rest) = line.trim_start().strip_prefix("CREATE TABLE ") else { continue };
            let rest = rest.trim_start_matches("IF NOT EXISTS ");
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Test harnesses among the server's sources, which write and reset their own fixtures (a
/// thousand cases in progress, the queue put back) directly: like tests, they are not held to
/// the rule that SQL lives in `storage/`.
const HARNESSES: &[&str] = &["bin/ingang-load.rs"];

/// Files outside `routes/` that may name `routes` (they build the router and its document).
const ROUTER_BUILDERS: &[&str] = &["lib.rs", "openapi.rs"];

pub fn check() -> Result<()> {
    let src = crate::root().join("crates/server/src");
    let routes = src.join("routes");
    let mut modules: Vec<String> = std::fs::read_dir(&routes)?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".rs")).map(str::to_owned))
        .filter(|m| m != "mod")
        .collect();
    modules.sort();
    let tables = tables(&crate::root())?;
    if tables.len() < 10 {
        bail!("the layers check found only {} tables in the migrations", tables.len());
    }
    let mut problems = Vec::new();
    for file in rust_files(&src)? {
        let rel = file.strip_prefix(&src).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        let text = strip_comments(&std::fs::read_to_string(&file)?);
        problems.extend(problems_in(&rel, &text, &modules));
        problems.extend(sql_outside_storage(&rel, &text, &tables));
    }
    if !problems.is_empty() {
        bail!("the server's layers are crossed (see ARCHITECTURE.md):\n  {}", problems.join("\n  "));
    }
    println!(
        "xtask: server layers: {} route modules, none uses another; domain and console use no route; SQL on {} tables only in storage/; rows read by name; one clock",
        modules.len(),
        tables.len()
    );
    Ok(())
}

/// What is wrong in one file (`rel`: its path under `src/`), given the route modules' names.
fn problems_in(rel: &str, text: &str, modules: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let own = rel.strip_prefix("routes/").and_then(|r| r.strip_suffix(".rs"));
    let in_routes = own.is_some();
    for (line, used) in route_paths(text, in_routes) {
        match own {
            // the router (`routes/mod.rs`) may name every area; an area names none but itself
            Some("mod") => {}
            Some(me) => {
                if used != me && modules.contains(&used) {
                    out.push(format!("{rel}:{line}: route module `{me}` uses route module `{used}`"));
                }
            }
            None => {
                if !ROUTER_BUILDERS.contains(&rel) {
                    out.push(format!("{rel}:{line}: uses `routes::{used}` (only the router may)"));
                }
            }
        }
    }
    for (n, l) in text.lines().enumerate() {
        if l.contains("format!(\"<") || l.contains("push_str(\"<") {
            out.push(format!("{rel}:{}: HTML built in a string (write a maud template)", n + 1));
        }
        if reads_by_position(l) {
            out.push(format!("{rel}:{}: a row read by position (read it by column name)", n + 1));
        }
        if l.contains("SystemTime::now") && rel != "lib.rs" {
            out.push(format!("{rel}:{}: the system's time read outside `Clock` (use `state.clock`)", n + 1));
        }
    }
    // (tests aside: a storage test may open a backend of its own)
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    if rel.starts_with("storage/") && rel != "storage/mod.rs" {
        for (n, l) in code.lines().enumerate() {
            if l.contains("rusqlite") || l.contains("postgres::") {
                out.push(format!("{rel}:{}: a storage area names one backend (write it on `Conn`)", n + 1));
            }
        }
    }
    out
}

/// SQL on one of `tables` in a file outside the storage layer (`rel`: its path under `src/`;
/// tests and [`HARNESSES`] aside). A table is named after `FROM`, `INTO`, `UPDATE` or `JOIN`.
fn sql_outside_storage(rel: &str, text: &str, tables: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if rel.starts_with("storage/") || rel.starts_with("db/") || HARNESSES.contains(&rel) {
        return out;
    }
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    for (n, l) in code.lines().enumerate() {
        for table in tables {
            let named = ["FROM ", "INTO ", "UPDATE ", "JOIN "].iter().any(|k| {
                let sql = format!("{k}{table}");
                l.match_indices(&sql).any(|(at, _)| {
                    // the whole name: `FROM units`, not `FROM units_old`
                    l[at + sql.len()..].chars().next().is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
                })
            });
            if named {
                out.push(format!("{rel}:{}: SQL on `{table}` outside storage/ (write it in storage::<area>)", n + 1));
            }
        }
    }
    out
}

/// Does the line read a row's column by its position: `r.get(0)`, `row.get::<_, i64>(2)`?
fn reads_by_position(line: &str) -> bool {
    ["r.get", "row.get"].iter().any(|call| {
        line.match_indices(call).any(|(at, _)| {
            // `r` or `row` itself, not the end of a longer name (`header.get(0)`)
            let own = line[..at].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let mut rest = &line[at + call.len()..];
            if let Some(generic) = rest.strip_prefix("::<") {
                let Some(end) = generic.find(">(") else { return false };
                rest = &generic[end + 1..];
            }
            let Some(args) = rest.strip_prefix('(') else { return false };
            let digits = args.chars().take_while(char::is_ascii_digit).count();
            own && digits > 0 && args[digits..].starts_with(')')
        })
    })
}

/// The first segment after each `routes::` (and, inside `routes/`, after `super::`), with its
/// line: `super::{auth::A, cases::b}` gives `auth` and `cases`.
fn route_paths(text: &str, in_routes: bool) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let prefixes: &[&str] = if in_routes { &["routes::", "super::"] } else { &["routes::"] };
    for prefix in prefixes {
        let mut from = 0;
        while let Some(at) = text[from..].find(prefix) {
            let start = from + at;
            from = start + prefix.len();
            // `super::` inside `routes::super::`? a word that merely ends in the prefix: skip
            if text[..start].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let line = text[..start].matches('\n').count() + 1;
            let rest = &text[from..];
            if let Some(group) = rest.strip_prefix('{') {
                for item in top_level_items(group) {
                    out.push((line, first_segment(item)));
                }
            } else {
                out.push((line, first_segment(rest)));
            }
        }
    }
    out.retain(|(_, s)| !s.is_empty());
    out
}

/// The comma-separated items of a `{...}` group (`group` starts after the `{`), nested groups kept
/// whole.
fn top_level_items(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(group[start..i].trim());
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(group[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items
}

fn first_segment(path: &str) -> String {
    path.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// The text without `//` comments (doc comments name other modules in prose and links).
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|l| {
            let code = l.trim_start();
            if code.starts_with("//") { "" } else { l }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn rust_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules() -> Vec<String> {
        ["auth", "cases", "chat", "visits"].iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_route_module_that_uses_another_is_found_in_every_spelling() {
        let m = modules();
        assert_eq!(problems_in("routes/chat.rs", "use super::cases::authorised_case;", &m).len(), 1);
        assert_eq!(problems_in("routes/chat.rs", "use crate::routes::{auth::AuthUser, visits::x};", &m).len(), 2);
        assert_eq!(problems_in("routes/chat.rs", "use super::{auth::{A, b}, cases::c};", &m).len(), 2);
        assert_eq!(problems_in("routes/chat.rs", "let c = super::cases::authorised_case(&s).await?;", &m).len(), 1);
        assert_eq!(problems_in("routes/chat.rs", "crate::routes::visits::settle(conn)", &m).len(), 1);
    }

    #[test]
    fn a_route_module_may_use_itself_the_domain_and_its_tests_may_use_super() {
        let m = modules();
        let fine = "use crate::domain::cases::authorised_case;\nuse crate::extract::AuthUser;\n\
                    mod tests { use super::*; fn t() { super::chat_limit(); } }\n\
                    // see super::cases::authorised_case in prose";
        assert!(problems_in("routes/chat.rs", &strip_comments(fine), &m).is_empty());
        assert!(problems_in("routes/mod.rs", "routes!(cases::create_case)", &m).is_empty());
    }

    #[test]
    fn only_the_router_builders_name_routes_outside_routes() {
        let m = modules();
        assert_eq!(problems_in("staff.rs", "crate::routes::chat::insert(conn)", &m).len(), 1);
        assert_eq!(problems_in("domain/cases.rs", "use crate::routes::auth::AuthUser;", &m).len(), 1);
        assert!(problems_in("lib.rs", "routes::api_router(state)", &m).is_empty());
    }

    #[test]
    fn html_in_a_string_is_found() {
        let m = modules();
        assert_eq!(problems_in("staff.rs", "let x = format!(\"<p>{}</p>\", name);", &m).len(), 1);
        assert_eq!(problems_in("staff.rs", "body.push_str(\"<table>\");", &m).len(), 1);
        assert!(problems_in("staff.rs", "html! { p { (name) } }", &m).is_empty());
    }

    #[test]
    fn a_row_read_by_position_is_found() {
        let m = modules();
        assert_eq!(problems_in("domain/cases.rs", "Ok(Row { id: r.get(0)?, unit: r.get(12)? })", &m).len(), 1);
        assert_eq!(problems_in("sms.rs", "|row| row.get::<_, i64>(0)", &m).len(), 1);
        assert_eq!(problems_in("x.rs", "|r| Ok((r.get(\"id\")?,\n r.get::<_, String>(1)?))", &m).len(), 1);
        let fine = "r.get(\"unit_id\")?; row.get::<_, i64>(\"count\")?; header.get(0); items.get(1); r.get(i)";
        assert!(problems_in("staff.rs", fine, &m).is_empty());
    }

    #[test]
    fn storage_areas_name_no_backend_and_own_their_tables() {
        let m = modules();
        assert_eq!(problems_in("storage/rate_limits.rs", "use rusqlite::params;", &m).len(), 1);
        let test = "fn f() {}\n#[cfg(test)]\nmod tests { fn t(c: postgres::Client) {} }";
        assert!(problems_in("storage/events.rs", test, &m).is_empty());
        assert!(problems_in("storage/mod.rs", "Sqlite(&'a rusqlite::Connection)", &m).is_empty());
        let t = ["rate_limits".to_owned(), "units".to_owned()];
        let sql = "conn.execute(\"DELETE FROM rate_limits WHERE tat_ms < ?1\", [now])";
        assert_eq!(sql_outside_storage("rate_limit.rs", sql, &t).len(), 1);
        assert!(sql_outside_storage("storage/rate_limits.rs", sql, &t).is_empty());
        assert!(sql_outside_storage("bin/ingang-load.rs", sql, &t).is_empty(), "a harness");
        let in_test = format!("fn f() {{}}\n#[cfg(test)]\nmod tests {{ {sql} }}");
        assert!(sql_outside_storage("rate_limit.rs", &in_test, &t).is_empty());
        assert_eq!(sql_outside_storage("staff.rs", "\"SELECT id FROM units u JOIN x\"", &t).len(), 1);
        assert!(sql_outside_storage("staff.rs", "\"SELECT id FROM units_old\"", &t).is_empty(), "another table");
        assert!(tables(&crate::root()).unwrap().iter().any(|t| t == "payments"), "read from the migrations");
    }

    #[test]
    fn the_system_time_is_read_only_by_the_clock() {
        let m = modules();
        let read = "let now = std::time::SystemTime::now().duration_since(UNIX_EPOCH);";
        assert_eq!(problems_in("routes/kiosk.rs", read, &m).len(), 1);
        assert!(problems_in("lib.rs", read, &m).is_empty());
        assert!(problems_in("routes/kiosk.rs", "let now = state.clock.now(); let t0 = Instant::now();", &m).is_empty());
    }

    #[test]
    fn the_server_as_it_is_keeps_its_layers() {
        check().expect("the server keeps its layers");
    }
}
