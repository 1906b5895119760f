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

/// A value computed on first use, at most once per request, that can always be had: what
/// a method needs of the catalog (a ping never builds it, a tools/call builds it once).
pub struct Deferred<'a, T> {
    cell: OnceCell<T>,
    make: Box<dyn Fn() -> T + 'a>,
}

impl<'a, T> Deferred<'a, T> {
    pub fn new(make: impl Fn() -> T + 'a) -> Self {
        Deferred {
            cell: OnceCell::new(),
            make: Box::new(make),
        }
    }

    pub fn get(&self) -> &T {
        self.cell.get_or_init(|| (self.make)())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_deferred_value_is_made_once_and_only_when_asked() {
        let made = Cell::new(0);
        let value = Deferred::new(|| {
            made.set(made.get() + 1);
            vec![1, 2]
        });
        assert_eq!(made.get(), 0);
        assert_eq!(value.get(), &[1, 2]);
        assert_eq!(value.get(), &[1, 2]);
        assert_eq!(made.get(), 1);
    }
}
