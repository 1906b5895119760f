//! Conformance resources: static text and binary, a watched resource and a template.

use super::PNG;
use crate::mcp::model::content::{blob_contents, text_contents};
use crate::registry::resource::{ResourceDef, TemplateDef};
use serde_json::json;

pub static RESOURCES: [ResourceDef; 3] = [
    ResourceDef {
        uri: "test://static-text",
        name: "static-text",
        title: Some("Static text"),
        description: "A fixed text resource.",
        mime_type: "text/plain",
        read: |uri| {
            vec![text_contents(
                uri,
                "text/plain",
                "This is the content of the static text resource.",
            )]
        },
    },
    ResourceDef {
        uri: "test://static-binary",
        name: "static-binary",
        title: Some("Static binary"),
        description: "A fixed binary resource (a 1x1 PNG).",
        mime_type: "image/png",
        read: |uri| vec![blob_contents(uri, "image/png", PNG)],
    },
    ResourceDef {
        uri: "test://watched-resource",
        name: "watched-resource",
        title: Some("Watched resource"),
        description: "A resource clients may subscribe to.",
        mime_type: "text/plain",
        read: |uri| vec![text_contents(uri, "text/plain", "Watched resource content")],
    },
];

pub static TEMPLATES: [TemplateDef; 1] = [TemplateDef {
    uri_template: "test://template/{id}/data",
    name: "template-data",
    title: Some("Data by id"),
    description: "JSON data for any id.",
    mime_type: "application/json",
    read: |uri, vars| {
        let id = vars
            .iter()
            .find(|(name, _)| *name == "id")
            .map_or("", |(_, v)| *v);
        let data = json!({ "id": id, "templateTest": true, "data": format!("Data for ID: {id}") });
        vec![text_contents(uri, "application/json", &data.to_string())]
    },
    complete: Some(|_, typed| {
        ["1", "2", "3", "123"]
            .iter()
            .filter(|id| id.starts_with(typed))
            .map(|id| id.to_string())
            .collect()
    }),
}];
