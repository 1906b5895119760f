//! The tools/list result, written into one buffer of its final size.
//!
//! A page of 1,000 catalog tools is ~1 MB of JSON. Serialized through serde's growing
//! buffer it was reallocated a dozen times on the way (30% of the request's guest time
//! in `make profile`), and every compiled entry was checked on its own before that. Here
//! the entries serialized at build time are copied once, the others written in place,
//! and the page, JSON by construction, is not parsed again (`jsonrpc::JsonText`).

use super::serialize_failed;
use crate::jsonrpc::{Error, JsonText, ENVELOPE_ROOM};
use crate::registry::tool::Tool;

/// `{"tools":[...],"nextCursor":...}` for one page of tools.
pub(super) fn tools_page(
    items: &[&dyn Tool],
    next_cursor: Option<&str>,
) -> Result<JsonText, Error> {
    let entries: usize = items.iter().map(|t| t.listing_len() + 1).sum();
    let cursor = next_cursor.map_or(0, |c| c.len() + 16);
    // Room for the JSON-RPC envelope too: the response is written around the page in
    // this buffer (`Output::into_bytes`).
    let mut out = Vec::with_capacity(entries + cursor + 16 + ENVELOPE_ROOM);
    out.extend_from_slice(br#"{"tools":["#);
    for (i, tool) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        tool.write_listing(&mut out).map_err(serialize_failed)?;
    }
    out.push(b']');
    if let Some(cursor) = next_cursor {
        out.extend_from_slice(br#","nextCursor":"#);
        serde_json::to_writer(&mut out, cursor).map_err(serialize_failed)?;
    }
    out.push(b'}');
    // Every part is JSON by construction: entries serialized at build time (the catalog's
    // unit test compares each with serde's) or by serde, Rust tools' entries written
    // field by field (`ToolDef::write_listing`, tested the same way), the cursor by serde.
    let text = String::from_utf8(out).map_err(serialize_failed)?;
    Ok(JsonText::assembled(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_tools::{compiled::COMPILED, compiled_set};
    use serde_json::{json, Value};

    /// Compiled entries copied and Rust tools described make the page serde would write.
    #[test]
    fn the_page_is_what_serde_writes() {
        let catalog = COMPILED.iter().find(|c| c.tool_set == "fastly").unwrap();
        let set = compiled_set(catalog, 3);
        let mut items: Vec<&dyn Tool> = set.tools.iter().map(|t| t as &dyn Tool).collect();
        items.insert(1, &crate::tools::diagnostics::SET.tools[0]);
        let described: Vec<Value> = items
            .iter()
            .map(|t| serde_json::to_value(t.describe()).unwrap())
            .collect();
        let page =
            |cursor| serde_json::from_str::<Value>(tools_page(&items, cursor).unwrap().get());
        assert_eq!(page(None).unwrap(), json!({ "tools": described }));
        assert_eq!(
            page(Some("offset:4")).unwrap(),
            json!({ "tools": described, "nextCursor": "offset:4" })
        );
        assert_eq!(tools_page(&[], None).unwrap().get(), r#"{"tools":[]}"#);
    }
}
