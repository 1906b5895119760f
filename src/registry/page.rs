//! Cursor pagination for the list methods. A cursor is opaque to clients; here it is the
//! offset of the next item, which any instance can resume from without stored state.

use crate::jsonrpc::{invalid_params, Error};
use std::ops::Range;

const PREFIX: &str = "offset:";

/// One page of `items` starting at `cursor`, and the cursor of the next page if any.
pub fn page<'a, T>(
    items: &'a [T],
    cursor: Option<&str>,
    size: usize,
) -> Result<(&'a [T], Option<String>), Error> {
    let (range, next) = page_range(items.len(), cursor, size)?;
    Ok((items.get(range).unwrap_or_default(), next))
}

/// Which of `len` items a page starting at `cursor` holds, and the next page's cursor:
/// for lists that are never built whole.
pub fn page_range(
    len: usize,
    cursor: Option<&str>,
    size: usize,
) -> Result<(Range<usize>, Option<String>), Error> {
    let start = match cursor {
        None => 0,
        Some(cursor) => cursor
            .strip_prefix(PREFIX)
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n > 0 && n < len)
            .ok_or_else(|| invalid_params("unknown or expired cursor"))?,
    };
    let end = start.saturating_add(size.max(1)).min(len);
    let next = (end < len).then(|| format!("{PREFIX}{end}"));
    Ok((start..end, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_pages_to_the_end() {
        let items: Vec<u32> = (0..5).collect();
        let (first, next) = page(&items, None, 2).unwrap();
        assert_eq!(first, &[0, 1]);
        let (second, next) = page(&items, next.as_deref(), 2).unwrap();
        assert_eq!(second, &[2, 3]);
        let (last, next) = page(&items, next.as_deref(), 2).unwrap();
        assert_eq!((last, next), (&[4][..], None));
    }

    #[test]
    fn rejects_foreign_cursors() {
        let items = [1, 2, 3];
        for bad in ["", "7", "offset:x", "offset:0", "offset:3", "offset:-1"] {
            assert_eq!(
                page(&items, Some(bad), 2).unwrap_err().code.code(),
                -32602,
                "{bad}"
            );
        }
    }

    #[test]
    fn empty_lists_have_one_empty_page() {
        let items: [u8; 0] = [];
        assert_eq!(page(&items, None, 10).unwrap(), (&items[..], None));
    }
}
