//! Tools: the trait every tool implements and a zero-cost static definition for tools
//! written in Rust (their descriptor and result are the wire model's, re-exported here).
//!
//! A tool's schemas are kept as JSON text: tools/list writes them out unparsed, and only a
//! call parses its own tool's input schema, so a request pays nothing for the other tools
//! (every request starts a fresh instance).

use crate::mcp::context::RequestContext;
pub use crate::mcp::input::{InputRequest, InputRequired, Outcome};
pub use crate::mcp::model::tool::{Arguments, CallToolResult, ToolAnnotations, ToolDescriptor};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// Anything the server can offer as a tool.
pub trait Tool: Sync {
    fn name(&self) -> &str;
    /// The tools/list entry.
    fn describe(&self) -> ToolDescriptor<'_>;
    /// The tools/list entry already serialized as JSON, when the tool has one (catalog
    /// tools indexed at build time): copied into the page as is.
    fn listing(&self) -> Option<&str> {
        None
    }
    /// About how many bytes `write_listing` writes, to size a page's buffer up front.
    fn listing_len(&self) -> usize {
        self.listing().map_or(512, str::len)
    }
    /// Writes the tools/list entry into `out`: the build-time entry when there is one,
    /// else what `describe` serializes to.
    fn write_listing(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        match self.listing() {
            Some(entry) => {
                out.extend_from_slice(entry.as_bytes());
                Ok(())
            }
            None => serde_json::to_writer(out, &self.describe()),
        }
    }
    /// Runs the tool: its result, or what it needs to ask the client first (`mcp::input`).
    fn call(&self, arguments: Arguments, ctx: &mut RequestContext) -> ToolOutcome;
}

/// What a tool call comes to.
pub type ToolOutcome = Outcome<CallToolResult>;

/// A tool written in Rust; `const`-constructible so a tool set is a static slice.
pub struct ToolDef {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: &'static str,
    /// JSON Schema (an object schema) as JSON text; unit tests check that it parses.
    pub input_schema: &'static str,
    pub output_schema: Option<&'static str>,
    pub annotations: ToolAnnotations,
    pub run: fn(&Map<String, Value>, &mut RequestContext) -> ToolOutcome,
}

impl Tool for ToolDef {
    fn name(&self) -> &str {
        self.name
    }

    fn describe(&self) -> ToolDescriptor<'_> {
        ToolDescriptor {
            name: self.name,
            title: self.title,
            description: self.description,
            input_schema: raw_schema(self.input_schema),
            output_schema: self.output_schema.map(raw_schema),
            annotations: self.annotations,
        }
    }

    /// Its texts, and room for the field names, annotations and escapes around them.
    fn listing_len(&self) -> usize {
        let texts = [self.name, self.title.unwrap_or(""), self.description];
        let schemas = [self.input_schema, self.output_schema.unwrap_or("")];
        texts.iter().chain(&schemas).map(|t| t.len()).sum::<usize>() + 256
    }

    /// What `describe` serializes to, byte for byte, written field by field: the schema
    /// constants go out as written (trimmed) instead of being checked as JSON on every
    /// listing; the unit tests parse every one of them.
    fn write_listing(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(br#"{"name":"#);
        serde_json::to_writer(&mut *out, self.name)?;
        if let Some(title) = self.title {
            out.extend_from_slice(br#","title":"#);
            serde_json::to_writer(&mut *out, title)?;
        }
        out.extend_from_slice(br#","description":"#);
        serde_json::to_writer(&mut *out, self.description)?;
        out.extend_from_slice(br#","inputSchema":"#);
        out.extend_from_slice(self.input_schema.trim().as_bytes());
        if let Some(schema) = self.output_schema {
            out.extend_from_slice(br#","outputSchema":"#);
            out.extend_from_slice(schema.trim().as_bytes());
        }
        if !self.annotations.is_empty() {
            out.extend_from_slice(br#","annotations":"#);
            serde_json::to_writer(&mut *out, &self.annotations)?;
        }
        out.push(b'}');
        Ok(())
    }

    /// Arguments are held to the input schema first, with the same refusal as the
    /// declarative tools give; `run` only sees arguments that conform.
    fn call(&self, arguments: Arguments, ctx: &mut RequestContext) -> ToolOutcome {
        // From bytes, like the request body: the same reader's code, already run by this
        // request (a request pays for each line of code it runs: bench/README.md). The
        // schema is dropped once checked, before the tool runs: its result then takes the
        // heap the schema held instead of fresh pages (a 1 KB payload call: 11 -> 10
        // page faults).
        let checked = {
            let schema: Value =
                serde_json::from_slice(self.input_schema.as_bytes()).unwrap_or(Value::Null);
            super::schema::check(&schema, arguments.value())
        };
        if let Err(problems) = checked {
            return CallToolResult::error(format!("Invalid arguments: {problems}")).into();
        }
        (self.run)(arguments.map(), ctx)
    }
}

/// A schema's JSON text as it goes out, unparsed. Schemas are compile-time constants that
/// unit tests parse; an unparsable one would go out as `null` rather than panic.
fn raw_schema(text: &str) -> &RawValue {
    serde_json::from_slice(text.as_bytes()).unwrap_or(RawValue::NULL)
}

/// Deserializes a tool's arguments into its typed form; the error names what is wrong so
/// the model can correct the call.
pub fn arguments<T: DeserializeOwned>(arguments: &Map<String, Value>) -> Result<T, CallToolResult> {
    T::deserialize(arguments).map_err(|e| CallToolResult::error(format!("Invalid arguments: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Rust tool's entry, written field by field, is what serde writes of its
    /// descriptor (whose schemas must parse: an unparsable one would be `null` there).
    #[test]
    fn written_entries_are_the_described_ones() {
        let sets = [
            &crate::conformance::SET,
            &crate::conformance::ASKING,
            &crate::tools::diagnostics::SET,
        ];
        for tool in sets.iter().flat_map(|s| s.tools) {
            let mut written = Vec::new();
            tool.write_listing(&mut written).unwrap();
            // A page sized by the hints never grows on the way.
            let hint = (tool.listing_len(), written.len());
            assert!(hint.0 >= hint.1, "{}: {hint:?}", tool.name);
            let described = serde_json::to_vec(&tool.describe()).unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(described).unwrap(),
                "{}",
                tool.name
            );
            let schemas = [Some(tool.input_schema), tool.output_schema];
            for schema in schemas.into_iter().flatten() {
                assert!(serde_json::from_str::<Value>(schema).unwrap().is_object());
            }
        }
    }

    #[test]
    fn typed_arguments_report_what_is_wrong() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Args {
            n: u32,
        }
        let bad = serde_json::json!({ "n": "x" });
        let err = arguments::<Args>(bad.as_object().unwrap()).unwrap_err();
        assert!(err.is_error);
        assert!(err.text_of().contains("invalid type"));
    }
}
