//! Resources and resource templates (RFC 6570 level 1: `{name}` expansions).

use crate::mcp::model::content::ResourceContents;
use crate::mcp::model::resource::{ResourceDescriptor, ResourceTemplateDescriptor};

/// A fixed resource. `read` returns its contents (see `mcp::model::content::*_contents`).
pub struct ResourceDef {
    pub uri: &'static str,
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: &'static str,
    pub mime_type: &'static str,
    pub read: fn(uri: &str) -> Vec<ResourceContents>,
}

impl ResourceDef {
    pub fn describe(&self) -> ResourceDescriptor<'_> {
        ResourceDescriptor {
            uri: self.uri,
            name: self.name,
            title: self.title,
            description: self.description,
            mime_type: self.mime_type,
        }
    }
}

/// Variables bound by matching a URI against a template, in template order.
pub type Bindings<'u> = Vec<(&'static str, &'u str)>;

/// A family of resources addressed by a URI template.
pub struct TemplateDef {
    pub uri_template: &'static str,
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: &'static str,
    pub mime_type: &'static str,
    pub read: fn(uri: &str, vars: &Bindings) -> Vec<ResourceContents>,
    /// Suggestions for a template variable given what the user typed so far.
    pub complete: Option<fn(variable: &str, typed: &str) -> Vec<String>>,
}

impl TemplateDef {
    pub fn describe(&self) -> ResourceTemplateDescriptor<'_> {
        ResourceTemplateDescriptor {
            uri_template: self.uri_template,
            name: self.name,
            title: self.title,
            description: self.description,
            mime_type: self.mime_type,
        }
    }

    /// Binds the template's variables if `uri` is one of its resources. A variable
    /// matches one or more characters other than `/`, up to the next literal part.
    pub fn matches<'u>(&self, uri: &'u str) -> Option<Bindings<'u>> {
        let mut rest = uri;
        let mut template = self.uri_template;
        let mut bindings = Vec::new();
        while !template.is_empty() {
            match template.find('{') {
                Some(0) => {
                    let close = template.find('}')?;
                    let name = &template[1..close];
                    template = &template[close + 1..];
                    let end = match template.find('{') {
                        Some(next) => rest.find(&template[..next]),
                        None if template.is_empty() => Some(rest.len()),
                        None => rest.rfind(template),
                    }?;
                    let value = &rest[..end];
                    if value.is_empty() || value.contains('/') {
                        return None;
                    }
                    bindings.push((static_name(self.uri_template, name), value));
                    rest = &rest[end..];
                }
                Some(literal_len) => {
                    rest = rest.strip_prefix(&template[..literal_len])?;
                    template = &template[literal_len..];
                }
                None => {
                    rest = rest.strip_prefix(template)?;
                    template = "";
                }
            }
        }
        rest.is_empty().then_some(bindings)
    }

    /// The names of the template's variables.
    pub fn variables(&self) -> impl Iterator<Item = &'static str> {
        self.uri_template
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
    }
}

/// Re-borrows a variable name from the `'static` template it came from.
fn static_name(template: &'static str, name: &str) -> &'static str {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(n, _)| n))
        .find(|n| *n == name)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(uri_template: &'static str) -> TemplateDef {
        TemplateDef {
            uri_template,
            name: "t",
            title: None,
            description: "d",
            mime_type: "text/plain",
            read: |_, _| Vec::new(),
            complete: None,
        }
    }

    #[test]
    fn binds_variables() {
        let t = template("test://template/{id}/data");
        assert_eq!(
            t.matches("test://template/42/data"),
            Some(vec![("id", "42")])
        );
        assert_eq!(t.matches("test://template//data"), None);
        assert_eq!(t.matches("test://template/a/b/data"), None);
        assert_eq!(t.matches("test://template/42/data/x"), None);
        assert_eq!(t.matches("other://x"), None);
        assert_eq!(t.variables().collect::<Vec<_>>(), vec!["id"]);
    }

    #[test]
    fn binds_several_and_trailing_variables() {
        let t = template("svc://{service}/v/{version}");
        assert_eq!(
            t.matches("svc://abc/v/7"),
            Some(vec![("service", "abc"), ("version", "7")])
        );
        assert_eq!(t.matches("svc://abc/v/"), None);
    }
}
