//! The limits a group's own letter wording runs under. A coordinator's wording is a tera
//! template, and a template is a program: without limits one wording could exhaust the
//! server's memory (chained `replace`, concatenation that doubles a string) or its CPU
//! (nested loops). So a wording is checked before it is compiled, and rendered under a
//! budget:
//! - only the tags `if`, `for`, `set` (and their closing and branch tags);
//! - no function calls, no `~` or `*` operators, no list literals or subscripts;
//! - filters from a short list that cannot grow a value, at most [`MAX_FILTERS`] a tag;
//! - loops nested at most [`MAX_LOOP_DEPTH`] deep, at most [`MAX_LOOPS`] of them;
//! - at run time, at most [`MAX_ITERATIONS`] loop turns in all, [`MAX_OUTPUT`] bytes of
//!   output and [`TIME_LIMIT`] of rendering.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tera::{Context, Kwargs, State, Tera};

/// The tags a wording may use: conditions, loops and variables.
const ALLOWED_TAGS: &[&str] = &[
    "if", "elif", "else", "endif", "for", "endfor", "set", "break", "continue",
];

/// Filters that cannot make a value much larger than what went in.
const ALLOWED_FILTERS: &[&str] = &[
    "default",
    "upper",
    "lower",
    "trim",
    "trim_start",
    "trim_end",
    "capitalize",
    "title",
    "truncate",
    "length",
    "first",
    "last",
    "join",
    "pluralize",
    "wordcount",
    "round",
    "abs",
    "int",
    "str",
    "sort",
    "reverse",
    "unique",
];

/// Most filters in one tag.
pub const MAX_FILTERS: usize = 3;
/// Deepest nesting of loops.
pub const MAX_LOOP_DEPTH: usize = 2;
/// Most loops in one wording.
pub const MAX_LOOPS: usize = 20;
/// Most loop turns in one rendering.
pub const MAX_ITERATIONS: usize = 10_000;
/// Most bytes one rendering may write.
pub const MAX_OUTPUT: usize = 100_000;
/// Longest one rendering may take.
pub const TIME_LIMIT: Duration = Duration::from_millis(250);

/// The function the renderer calls at every loop turn; nobody's wording can call it, since
/// wordings may call no function.
const TICK: &str = "__tenantcase_tick";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Expr,
    Block,
}

/// One `{{ … }}` or `{% … %}` of a template.
#[derive(Debug)]
struct Tag<'a> {
    kind: Kind,
    /// What is between the delimiters, without whitespace-control marks.
    inner: &'a str,
    /// Byte offset just after the closing delimiter.
    end: usize,
    /// Whether the closing delimiter trims the whitespace after it (`-%}`).
    trims_after: bool,
}

/// Splits a template into its tags, skipping comments. String literals inside a tag may
/// hold anything, delimiters included.
fn tags(body: &str) -> Result<Vec<Tag<'_>>, String> {
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let (kind, close) = match (bytes[i], bytes[i + 1]) {
            (b'{', b'{') => (Kind::Expr, b'}'),
            (b'{', b'%') => (Kind::Block, b'%'),
            (b'{', b'#') => {
                let end = body[i + 2..]
                    .find("#}")
                    .ok_or("A comment is not closed with #}")?;
                i += 2 + end + 2;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let start = i + 2;
        let mut j = start;
        let mut quote: Option<u8> = None;
        let end = loop {
            let Some(&b) = bytes.get(j) else {
                return Err("A tag is not closed".into());
            };
            match quote {
                Some(_) if b == b'\\' => j += 1,
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
                None if b == close && bytes.get(j + 1) == Some(&b'}') => break j,
                None => {}
            }
            j += 1;
        };
        let raw = &body[start..end];
        let trims_after = raw.ends_with(['-', '+']);
        out.push(Tag {
            kind,
            inner: raw
                .trim_start_matches(['-', '+'])
                .trim_end_matches(['-', '+']),
            end: end + 2,
            trims_after,
        });
        i = end + 2;
    }
    Ok(out)
}

/// A tag's code with its string literals emptied, so that only code is checked.
fn code_of(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in inner.chars() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(_) => {}
            None => {
                if matches!(c, '"' | '\'' | '`') {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

/// The words of a tag's code, with the character before each (to tell a filter, after
/// `|`, from a function call).
fn words(code: &str) -> Vec<(Option<char>, &str, Option<char>)> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut iter = code.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c.is_alphabetic() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = iter.peek() {
                if d.is_alphanumeric() || d == '_' {
                    end = j + d.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            let next = code[end..].chars().find(|c| !c.is_whitespace());
            out.push((prev, &code[i..end], next));
            prev = Some('a');
        } else if !c.is_whitespace() {
            prev = Some(c);
        }
    }
    out
}

/// Checks one tag's code: operators, calls, filters.
fn check_code(code: &str) -> Result<(), String> {
    for (c, what) in [
        ('~', "Joining text with \"~\""),
        ('*', "Multiplying with \"*\""),
        ('[', "Lists and \"[…]\""),
    ] {
        if code.contains(c) {
            return Err(format!("{what} cannot be used in letter wording"));
        }
    }
    let mut filters = 0;
    let mut after_is = false;
    for (prev, word, next) in words(code) {
        if prev == Some('|') {
            filters += 1;
            if !ALLOWED_FILTERS.contains(&word) {
                return Err(format!(
                    "The filter \"{word}\" cannot be used in letter wording. These can: {}",
                    ALLOWED_FILTERS.join(", ")
                ));
            }
        } else if next == Some('(') && !after_is {
            return Err(format!(
                "\"{word}(…)\" cannot be used in letter wording: a wording calls no functions"
            ));
        }
        after_is = word == "is" || (after_is && word == "not");
    }
    if filters > MAX_FILTERS {
        return Err(format!(
            "A tag in letter wording may use at most {MAX_FILTERS} filters"
        ));
    }
    Ok(())
}

/// Checks a group's own wording before it is compiled. The error says what to change.
pub fn check(body: &str) -> Result<(), String> {
    let mut depth = 0usize;
    let mut loops = 0usize;
    for tag in tags(body)? {
        let code = code_of(tag.inner);
        if tag.kind == Kind::Block {
            let name: String = code
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !ALLOWED_TAGS.contains(&name.as_str()) {
                return Err(format!(
                    "\"{{% {name} %}}\" cannot be used in letter wording: only if, for and set are allowed"
                ));
            }
            match name.as_str() {
                "for" => {
                    depth += 1;
                    loops += 1;
                    if depth > MAX_LOOP_DEPTH {
                        return Err(format!(
                            "Loops in letter wording may be nested at most {MAX_LOOP_DEPTH} deep"
                        ));
                    }
                    if loops > MAX_LOOPS {
                        return Err(format!("Letter wording may have at most {MAX_LOOPS} loops"));
                    }
                }
                "endfor" => depth = depth.saturating_sub(1),
                _ => {}
            }
        } else if code.trim_start().starts_with('<') {
            return Err("Components cannot be used in letter wording".into());
        }
        check_code(&code)?;
    }
    Ok(())
}

/// The wording with a call of the budget's tick at the start of every loop body.
fn instrumented(body: &str) -> Result<String, String> {
    let mut out = String::with_capacity(body.len() + 64);
    let mut copied = 0;
    for tag in tags(body)? {
        let is_for = tag.kind == Kind::Block && code_of(tag.inner).trim_start().starts_with("for");
        if is_for {
            out.push_str(&body[copied..tag.end]);
            // Keep the loop tag's own whitespace control for the text after the tick.
            let tick = if tag.trims_after {
                format!("{{{{- {TICK}() -}}}}")
            } else {
                format!("{{{{ {TICK}() }}}}")
            };
            out.push_str(&tick);
            copied = tag.end;
        }
    }
    out.push_str(&body[copied..]);
    Ok(out)
}

/// Counts loop turns and watches the clock for one rendering.
struct Budget {
    turns: AtomicUsize,
    started: Instant,
}

/// Output that refuses to grow past [`MAX_OUTPUT`] bytes.
struct Bounded(Vec<u8>);

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_OUTPUT {
            return Err(std::io::Error::other(format!(
                "the letter would be longer than {MAX_OUTPUT} bytes"
            )));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders a group's own wording with `ctx` under the limits. The error says which limit
/// was reached, or what tera found wrong.
pub fn render(body: &str, ctx: &Context) -> Result<String, String> {
    check(body)?;
    let budget = Arc::new(Budget {
        turns: AtomicUsize::new(0),
        started: Instant::now(),
    });
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    let counter = Arc::clone(&budget);
    tera.register_function(TICK, move |_: Kwargs, _: &State| {
        let turns = counter.turns.fetch_add(1, Ordering::Relaxed) + 1;
        if turns > MAX_ITERATIONS {
            return Err(tera::Error::message(format!(
                "the loops of this wording would run more than {MAX_ITERATIONS} times"
            )));
        }
        if counter.started.elapsed() > TIME_LIMIT {
            return Err(tera::Error::message(format!(
                "this wording takes longer than {} ms to fill in",
                TIME_LIMIT.as_millis()
            )));
        }
        Ok(String::new())
    });
    tera.add_raw_template("wording", &instrumented(body)?)
        .map_err(|e| describe(&e))?;
    let mut out = Bounded(Vec::new());
    tera.render_to("wording", ctx, &mut out)
        .map_err(|e| describe(&e))?;
    String::from_utf8(out.0).map_err(|e| e.to_string())
}

/// A tera error and its causes, in one line.
pub(crate) fn describe(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx_with_items(n: usize) -> Context {
        let mut ctx = Context::new();
        ctx.insert("items", &vec!["item"; n]);
        ctx.insert("name", "Siân Evans");
        ctx
    }

    #[test]
    fn only_simple_tags_and_safe_filters_pass() {
        for bad in [
            "{% include \"letters/L1.txt\" %}",
            "{%- extends \"x\" %}",
            "{% macro m() %}{% endmacro %}",
            "{% component c() %}{% endcomponent c %}",
            "{{ <c /> }}",
            "{% for i in range(end=1000000000) %}x{% endfor %}",
            "{% for i in range (end=1000000000) %}x{% endfor %}",
            "{{ throw(message=\"x\") }}",
            "{{ name | replace(from=\"a\", to=\"aaaa\") }}",
            "{{ name|indent(width=100000) }}",
            "{% set a = name ~ name %}",
            "{{ name * 1000 }}",
            "{% set xs = [1, 2, 3] %}",
            "{{ name | upper | lower | trim | title }}",
            "{% set x %}captured{% endset %}",
            "{% for a in items %}{% for b in items %}{% for c in items %}{% endfor %}{% endfor %}{% endfor %}",
            "{{ name",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
        for good in [
            "Subject: x\n\n{% if a %}{{ a }}{% else %}-{% endif %}",
            "{{ name | upper }} {{ name | default(value=\"Sir or Madam\") }}",
            "{% for a in items %}{% for b in items %}{{ a }}{% endfor %}{% endfor %}",
            "{{ \"a ~ b * [c] range(x) {{ %}\" }}",
            "{% if items is containing(\"x\") %}y{% endif %}{# {% include %} #}",
        ] {
            assert_eq!(check(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn loops_stop_at_the_iteration_limit() {
        let body = "{% for a in items %}{% for b in items %}{% endfor %}{% endfor %}";
        let err = render(body, &ctx_with_items(200));
        assert!(
            err.as_ref()
                .is_err_and(|e| e.contains("more than 10000 times")),
            "{err:?}"
        );
        assert_eq!(render(body, &ctx_with_items(50)), Ok(String::new()));
    }

    #[test]
    fn output_stops_at_its_limit() {
        let body = format!(
            "{{% for a in items %}}{{% for b in items %}}{}{{% endfor %}}{{% endfor %}}",
            "x".repeat(1_000)
        );
        let err = render(&body, &ctx_with_items(50));
        assert!(
            err.as_ref().is_err_and(|e| e.contains("longer than")),
            "{err:?}"
        );
    }

    #[test]
    fn the_tick_keeps_the_loops_whitespace() {
        let ctx = ctx_with_items(2);
        assert_eq!(
            render("{% for a in items -%}\n  {{ a }}\n{% endfor %}", &ctx).as_deref(),
            Ok("item\nitem\n")
        );
        assert_eq!(
            render("{% for a in items %} {{ a }}{% endfor %}", &ctx).as_deref(),
            Ok(" item item")
        );
    }
}
