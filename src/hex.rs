//! Lowercase hex, for session ids, key hashes and request ids.

pub fn encode(bytes: &[u8]) -> String {
    let digit = |n: u8| char::from_digit(u32::from(n), 16).unwrap_or('0');
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        text.push(digit(b >> 4));
        text.push(digit(b & 0xf));
    }
    text
}

/// The bytes of an even-length ASCII hex string; `None` for anything else.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips() {
        assert_eq!(super::encode(&[0, 15, 255]), "000fff");
        assert_eq!(super::decode("000fff"), Some(vec![0, 15, 255]));
        for bad in ["0", "zz", "é0"] {
            assert_eq!(super::decode(bad), None, "{bad}");
        }
    }
}
