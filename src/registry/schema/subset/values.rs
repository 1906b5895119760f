//! JSON values as JSON Schema compares them, and the crate's wording for them.

use serde_json::Value;
use std::cmp::Ordering;

/// Two JSON numbers in order: exactly when both are integers, else as floats.
pub(super) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    let (Value::Number(a), Value::Number(b)) = (a, b) else {
        return None;
    };
    let int = |n: &serde_json::Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (int(a), int(b)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// JSON equality as JSON Schema has it: numbers by value (1 equals 1.0).
pub(super) fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => compare(a, b) == Some(Ordering::Equal),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| equal(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

/// The crate's wording: up to three options as "a, b or c", else the first two and
/// "or N other candidates".
pub(super) fn enum_message(instance: &Value, options: &[Value]) -> String {
    let text: Vec<String> = options.iter().map(Value::to_string).collect();
    let listed = match text.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] if text.len() <= 3 => format!("{} or {last}", init.join(", ")),
        all => {
            let first: Vec<&str> = all.iter().take(2).map(String::as_str).collect();
            format!("{} or {} other candidates", first.join(", "), all.len() - 2)
        }
    };
    format!("{instance} is not one of {listed}")
}

/// RFC 3339 `full-date`, as the crate checks it.
pub(super) fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = bytes.get(range)?;
        part.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// A property name as a JSON pointer token.
pub(super) fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
