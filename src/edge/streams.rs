//! The KV Store that keeps held streams' event groups (`transport::held_stream`), and
//! Fanout's requests for what such a stream missed.

use super::client::Client;
use super::request::ClientRequest;
use fastly::kv_store::KVStore;
use mcp_edge::config::Config;
use mcp_edge::transport::connection::ClientConnection;
use mcp_edge::transport::held_stream::{self, StreamStore, KEEP_SECONDS, STORE};
use std::cell::OnceCell;
use std::time::Duration;

/// `mcp_streams`, opened when a held call first needs it (most requests never do). A
/// deployment without it still holds calls; a publish Fanout drops is then lost.
#[derive(Default)]
pub struct KvStreams {
    store: OnceCell<Option<KVStore>>,
}

impl KvStreams {
    fn store(&self) -> Option<&KVStore> {
        self.store
            .get_or_init(|| KVStore::open(STORE).ok().flatten())
            .as_ref()
    }
}

impl StreamStore for KvStreams {
    fn put(&self, key: &str, value: &[u8]) -> bool {
        let Some(store) = self.store() else {
            return false;
        };
        let insert = store
            .build_insert()
            .time_to_live(Duration::from_secs(KEEP_SECONDS));
        insert.execute(key, value.to_vec()).is_ok()
    }

    fn get(&self, key: &str) -> Option<Vec<u8>> {
        let mut found = self.store()?.lookup(key).ok()?;
        Some(found.take_body_bytes())
    }
}

/// Fanout's request of a held call's next link: answered only when its Grip-Sig
/// verifies (nobody else has a reason to ask, and a 404 tells them nothing).
pub fn next(request: &ClientRequest, config: &Config, client: &mut Client) {
    if !super::fanout::signed_by_fanout(config, request) {
        client.respond(held_stream::not_found());
        return;
    }
    let now = super::sessions::now();
    let keepalive = config.legacy_sse.keepalive_seconds;
    let store = KvStreams::default();
    client.respond(held_stream::next(&request.head, &store, now, keepalive));
}
