//! What `edge::request` reads through the ABI, kept apart from the SDK's types so that
//! `make bench`'s floor-hostcalls (bench/floor/src/bin/floor-hostcalls.rs) includes this
//! very file and does the same work: a host value read into a buffer, again at the length
//! the host asks for when it did not fit, and the target of the request URL.

use std::borrow::Cow;

/// Room first offered for the URL or a header's values: more than a typical MCP
/// request sends; a longer one is read again at the length the host asks for.
const FIRST_READ: usize = 512;

/// `FastlyStatus::OK` and `FastlyStatus::BUFLEN` (fastly-shared): the buffer was too
/// small, and `written` holds the length needed.
const OK: i32 = 0;
const BUFLEN: i32 = 4;

/// Fills `buffer` through `call` (the buffer, its room, where the host says how much it
/// wrote; the status code back): `FIRST_READ` bytes of room, then once more with the
/// room the host asks for if that is at most `max`. `None` when the host refused or
/// wanted more than `max`.
pub fn read_sized(
    buffer: &mut Vec<u8>,
    max: usize,
    mut call: impl FnMut(*mut u8, usize, *mut usize) -> i32,
) -> Option<()> {
    buffer.clear();
    buffer.reserve(FIRST_READ);
    let mut written = 0usize;
    let mut status = call(buffer.as_mut_ptr(), buffer.capacity(), &mut written);
    if status == BUFLEN && written > buffer.capacity() && written <= max {
        buffer.reserve(written);
        status = call(buffer.as_mut_ptr(), buffer.capacity(), &mut written);
    }
    if status != OK || written > buffer.capacity() {
        return None;
    }
    // SAFETY: the host initialized the first `written` bytes (within the capacity,
    // checked above).
    unsafe { buffer.set_len(written) };
    Some(())
}

/// The request target of an absolute URL: its path and query (`/` before a bare query);
/// empty when it has none, which does not parse. Taken from the text: parsing the whole
/// URL as an `http::Uri` (scheme and authority too, then the path cloned out of it) is
/// work no route needs; the host is parsed only for a request without Host.
pub fn target(url: &str) -> Cow<'_, str> {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let rest = url.get(after_scheme..).unwrap_or("");
    match rest.find(['/', '?']).map(|i| rest.split_at(i).1) {
        Some(query) if query.starts_with('?') => Cow::Owned(format!("/{query}")),
        Some(path) => Cow::Borrowed(path),
        None => Cow::Borrowed(""),
    }
}
