//! Conformance prompts: plain, with arguments, with an embedded resource, with an image.

use super::PNG;
use crate::mcp::model::content::{embedded, image, text, text_contents};
use crate::mcp::model::prompt::{user, GetPromptResult};
use crate::registry::prompt::{PromptArg, PromptArgs, PromptDef};

fn arg<'a>(args: &'a PromptArgs, name: &str) -> &'a str {
    args.get(name).and_then(|v| v.as_str()).unwrap_or("")
}

pub static PROMPTS: [PromptDef; 4] = [
    PromptDef {
        name: "test_simple_prompt",
        title: Some("Simple prompt"),
        description: "A prompt without arguments.",
        arguments: &[],
        get: |_, _| {
            GetPromptResult::messages(vec![user(text("This is a simple prompt for testing."))])
                .into()
        },
        complete: None,
    },
    PromptDef {
        name: "test_prompt_with_arguments",
        title: Some("Prompt with arguments"),
        description: "A prompt that weaves in two arguments.",
        arguments: &[
            PromptArg {
                name: "arg1",
                description: "First argument",
                required: true,
            },
            PromptArg {
                name: "arg2",
                description: "Second argument",
                required: true,
            },
        ],
        get: |args, _| {
            let body = format!(
                "Prompt with arguments: arg1='{}', arg2='{}'",
                arg(args, "arg1"),
                arg(args, "arg2")
            );
            GetPromptResult::messages(vec![user(text(body))]).into()
        },
        complete: Some(|_, typed| {
            ["alpha", "beta", "gamma", "test", "testValue1", "testValue2"]
                .iter()
                .filter(|v| v.starts_with(typed))
                .map(|v| v.to_string())
                .collect()
        }),
    },
    PromptDef {
        name: "test_prompt_with_embedded_resource",
        title: Some("Prompt with a resource"),
        description: "A prompt that embeds the resource named by its argument.",
        arguments: &[PromptArg {
            name: "resourceUri",
            description: "URI of the resource to embed",
            required: true,
        }],
        get: |args, _| {
            let resource = text_contents(
                arg(args, "resourceUri"),
                "text/plain",
                "Embedded resource content for testing.",
            );
            GetPromptResult::messages(vec![
                user(embedded(resource)),
                user(text("Please process the embedded resource above.")),
            ])
            .into()
        },
        complete: None,
    },
    PromptDef {
        name: "test_prompt_with_image",
        title: Some("Prompt with an image"),
        description: "A prompt that carries an image.",
        arguments: &[],
        get: |_, _| {
            GetPromptResult::messages(vec![
                user(image(PNG, "image/png")),
                user(text("Please analyze the image above.")),
            ])
            .into()
        },
        complete: None,
    },
];
