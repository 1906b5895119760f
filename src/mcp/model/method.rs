//! The request methods this server answers, by their wire names: dispatch matches on
//! this enum, never on strings.

/// A request method of MCP 2024-11-05 .. 2026-07-28 that this server knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// 2026-07-28 only.
    ServerDiscover,
    Initialize,
    Ping,
    ToolsList,
    ToolsCall,
    ResourcesList,
    ResourceTemplatesList,
    ResourcesRead,
    ResourcesSubscribe,
    ResourcesUnsubscribe,
    PromptsList,
    PromptsGet,
    LoggingSetLevel,
    CompletionComplete,
}

impl Method {
    /// The method a wire name stands for; `None` for any other name (-32601).
    pub fn parse(name: &str) -> Option<Method> {
        Some(match name {
            "server/discover" => Method::ServerDiscover,
            "initialize" => Method::Initialize,
            "ping" => Method::Ping,
            "tools/list" => Method::ToolsList,
            "tools/call" => Method::ToolsCall,
            "resources/list" => Method::ResourcesList,
            "resources/templates/list" => Method::ResourceTemplatesList,
            "resources/read" => Method::ResourcesRead,
            "resources/subscribe" => Method::ResourcesSubscribe,
            "resources/unsubscribe" => Method::ResourcesUnsubscribe,
            "prompts/list" => Method::PromptsList,
            "prompts/get" => Method::PromptsGet,
            "logging/setLevel" => Method::LoggingSetLevel,
            "completion/complete" => Method::CompletionComplete,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Method::ServerDiscover => "server/discover",
            Method::Initialize => "initialize",
            Method::Ping => "ping",
            Method::ToolsList => "tools/list",
            Method::ToolsCall => "tools/call",
            Method::ResourcesList => "resources/list",
            Method::ResourceTemplatesList => "resources/templates/list",
            Method::ResourcesRead => "resources/read",
            Method::ResourcesSubscribe => "resources/subscribe",
            Method::ResourcesUnsubscribe => "resources/unsubscribe",
            Method::PromptsList => "prompts/list",
            Method::PromptsGet => "prompts/get",
            Method::LoggingSetLevel => "logging/setLevel",
            Method::CompletionComplete => "completion/complete",
        }
    }

    /// Whether 2026-07-28 has this method: it removed the handshake, ping, logging/setLevel
    /// and resource subscriptions (a request for them with modern `_meta` is 404/-32601),
    /// and only it has server/discover.
    pub fn in_modern(self) -> bool {
        !matches!(
            self,
            Method::Initialize
                | Method::Ping
                | Method::LoggingSetLevel
                | Method::ResourcesSubscribe
                | Method::ResourcesUnsubscribe
        )
    }

    /// Whether 2024-11-05 .. 2025-11-25 have this method.
    pub fn in_legacy(self) -> bool {
        self != Method::ServerDiscover
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let all = [
            Method::ServerDiscover,
            Method::Initialize,
            Method::Ping,
            Method::ToolsList,
            Method::ToolsCall,
            Method::ResourcesList,
            Method::ResourceTemplatesList,
            Method::ResourcesRead,
            Method::ResourcesSubscribe,
            Method::ResourcesUnsubscribe,
            Method::PromptsList,
            Method::PromptsGet,
            Method::LoggingSetLevel,
            Method::CompletionComplete,
        ];
        for method in all {
            assert_eq!(Method::parse(method.name()), Some(method));
        }
        assert_eq!(Method::parse("tools/CALL"), None);
        assert_eq!(Method::parse("notifications/initialized"), None);
    }
}
