//! A result's JSON text, written into the response as it is.
//!
//! `RawValue` checks its text as JSON when made. A tools/list page is assembled from
//! entries that are JSON by construction (serialized at build time, or by serde), and
//! checking the page again cost as much as writing it (`make profile`: 8% of the
//! shipped listing of 39 tools, more of a page of 1,000). So results are kept as text
//! made only by serde, from such parts, or written byte for byte as serde writes them
//! (`ResultText`: a tool's result, its texts escaped by `escape`), and never re-checked
//! on the way out.

use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

#[derive(Debug, Clone, PartialEq)]
pub struct JsonText(String);

impl JsonText {
    /// What serde writes of `value`.
    pub fn serialize<T: Serialize>(value: &T) -> serde_json::Result<JsonText> {
        serde_json::to_string(value).map(JsonText)
    }

    /// Text assembled from parts that are each JSON by construction. Every caller has a
    /// unit test comparing what it assembles with what serde writes.
    pub(crate) fn assembled(text: String) -> JsonText {
        JsonText(text)
    }

    /// A buffer for text to be `assembled`, with room for `result_len` bytes and the
    /// response's envelope around them (`Output::into_bytes` writes it in place).
    pub(crate) fn buffer(result_len: usize) -> String {
        String::with_capacity(result_len + super::ENVELOPE_ROOM)
    }

    pub fn get(&self) -> &str {
        &self.0
    }

    /// The text's own buffer, for a writer that puts the envelope around it in place.
    pub(crate) fn into_string(self) -> String {
        self.0
    }
}

/// A result as JSON text: what serde writes, unless the type writes the same bytes
/// itself, faster (its unit tests compare the two).
pub trait ResultText: Serialize + Sized {
    fn json_text(&self) -> serde_json::Result<JsonText> {
        JsonText::serialize(self)
    }
}

/// For serde's own writers (tests, a legacy batch): the text goes through `RawValue`,
/// checked there. `Output::to_bytes` writes it without that check.
impl Serialize for JsonText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(self.0.clone()).map_err(S::Error::custom)?;
        raw.serialize(serializer)
    }
}
