//! JSON Schema's `pattern`: ECMA-262 regular expressions, run by the `regex` crate where
//! the translation is exact.

/// A pattern in ECMA-262 syntax (what JSON Schema specifies) as a `regex` one with the
/// same meaning: the ECMA classes `\d \w \s` and `.` spelled out (the crate's are Unicode
/// and its `.` matches `\r`), `\b` ASCII. `None` for what has no exact translation
/// (back-references, lookaround, `\p`, control escapes) or does not compile.
pub(super) fn compile(pattern: &str) -> Option<regex::Regex> {
    const SPACE: &str = "\\t\\n\\x0B\\x0C\\r \\u{A0}\\u{1680}\\u{2000}-\\u{200A}\\u{2028}\\u{2029}\\u{202F}\\u{205F}\\u{3000}\\u{FEFF}";
    let (mut out, mut chars, mut in_class) = (String::new(), pattern.chars(), false);
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let escaped = chars.next()?;
                let (set, negated) = match escaped {
                    'd' | 'D' => ("0-9", escaped == 'D'),
                    'w' | 'W' => ("A-Za-z0-9_", escaped == 'W'),
                    's' | 'S' => (SPACE, escaped == 'S'),
                    'b' | 'B' if !in_class => {
                        out.push_str(if escaped == 'b' {
                            "(?-u:\\b)"
                        } else {
                            "(?-u:\\B)"
                        });
                        continue;
                    }
                    'n' | 'r' | 't' | 'f' | 'v' => {
                        out.push('\\');
                        out.push(escaped);
                        continue;
                    }
                    e if e.is_ascii_punctuation() => {
                        out.push('\\');
                        out.push(e);
                        continue;
                    }
                    _ => return None,
                };
                // Inside a class a negated set is a nested class, which `regex` allows.
                match (in_class, negated) {
                    (true, false) => out.push_str(set),
                    _ => out.push_str(&format!("[{}{set}]", if negated { "^" } else { "" })),
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A literal `[` inside a class is escaped for `regex`, which reads it as
                // a nested class.
                let mut rest = chars.clone();
                if rest.next() == Some('^') {
                    out.push('^');
                    chars.next();
                }
                // ECMA's `[]` matches nothing and `[^]` anything; `regex` reads on.
                if chars.clone().next() == Some(']') {
                    return None;
                }
            }
            '[' => out.push_str("\\["),
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '.' if !in_class => out.push_str("[^\\n\\r\\u{2028}\\u{2029}]"),
            '(' if chars.clone().next() == Some('?') => {
                // Only non-capturing groups: lookaround and named groups differ.
                let mut rest = chars.clone();
                rest.next();
                if rest.next() != Some(':') {
                    return None;
                }
                out.push('(');
            }
            '&' | '~' if in_class => {
                // `regex` reads `&&` and `~~` in a class as set operations.
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    regex::Regex::new(&out).ok()
}
