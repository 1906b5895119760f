//! Content blocks (tool results, prompt messages) and resource contents.

use serde::Serialize;

/// A content block.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Content {
    Text {
        text: String,
    },
    /// `data` is base64.
    Image {
        data: String,
        #[serde(rename = "mimeType")]
        mime_type: String,
    },
    /// `data` is base64.
    Audio {
        data: String,
        #[serde(rename = "mimeType")]
        mime_type: String,
    },
    /// An embedded resource.
    Resource {
        resource: ResourceContents,
    },
}

impl Content {
    /// The text of a text block.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Content::Text { text } => Some(text),
            _ => None,
        }
    }
}

/// What resources/read returns for one resource, and what an embedded resource holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged, rename_all_fields = "camelCase")]
pub enum ResourceContents {
    Text {
        uri: String,
        mime_type: String,
        text: String,
    },
    /// `blob` is base64.
    Blob {
        uri: String,
        mime_type: String,
        blob: String,
    },
}

pub fn text(text: impl Into<String>) -> Content {
    Content::Text { text: text.into() }
}

pub fn image(data: &str, mime_type: &str) -> Content {
    Content::Image {
        data: data.into(),
        mime_type: mime_type.into(),
    }
}

pub fn audio(data: &str, mime_type: &str) -> Content {
    Content::Audio {
        data: data.into(),
        mime_type: mime_type.into(),
    }
}

pub fn embedded(resource: ResourceContents) -> Content {
    Content::Resource { resource }
}

pub fn text_contents(uri: &str, mime_type: &str, text: &str) -> ResourceContents {
    ResourceContents::Text {
        uri: uri.into(),
        mime_type: mime_type.into(),
        text: text.into(),
    }
}

pub fn blob_contents(uri: &str, mime_type: &str, blob: &str) -> ResourceContents {
    ResourceContents::Blob {
        uri: uri.into(),
        mime_type: mime_type.into(),
        blob: blob.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, to_value};

    #[test]
    fn blocks_serialize_per_spec() {
        assert_eq!(
            to_value(text("hi")).unwrap(),
            json!({ "type": "text", "text": "hi" })
        );
        assert_eq!(
            to_value(image("AA==", "image/png")).unwrap(),
            json!({ "type": "image", "data": "AA==", "mimeType": "image/png" })
        );
        assert_eq!(
            to_value(audio("AA==", "audio/wav")).unwrap(),
            json!({ "type": "audio", "data": "AA==", "mimeType": "audio/wav" })
        );
        assert_eq!(
            to_value(embedded(text_contents("u://x", "text/plain", "t"))).unwrap(),
            json!({ "type": "resource", "resource": { "uri": "u://x", "mimeType": "text/plain", "text": "t" } })
        );
        assert_eq!(
            to_value(blob_contents("u://b", "image/png", "AA==")).unwrap(),
            json!({ "uri": "u://b", "mimeType": "image/png", "blob": "AA==" })
        );
    }
}
