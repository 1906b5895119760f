//! A value loaded on first use, at most once per request: most requests need no signing
//! key, so they never read one (a Secret Store read) or draw random bits.

use std::cell::OnceCell;

pub struct Lazy<'a, T> {
    cell: OnceCell<Option<T>>,
    load: Box<dyn Fn() -> Option<T> + 'a>,
}

impl<'a, T> Lazy<'a, T> {
    pub fn new(load: impl Fn() -> Option<T> + 'a) -> Self {
        Lazy {
            cell: OnceCell::new(),
            load: Box::new(load),
        }
    }

    /// The value; `None` when it cannot be had (e.g. no key is configured).
    pub fn get(&self) -> Option<&T> {
        self.cell.get_or_init(|| (self.load)()).as_ref()
    }
}
