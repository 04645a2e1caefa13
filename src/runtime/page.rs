/// One page of a keyset-paginated listing: up to `limit` rows in primary-key order,
/// starting after a key (or at the beginning).
///
/// ```
/// use storegen::Page;
/// let first: Page<i64> = Page::first(50);
/// let next = Page::after(1234_i64, 50);
/// assert_eq!(first.after_key(), None);
/// assert_eq!(next.after_key(), Some(&1234));
/// assert_eq!(next.limit(), 50);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page<K> {
    after: Option<K>,
    limit: u32,
}

impl<K> Page<K> {
    /// The first `limit` rows.
    pub fn first(limit: u32) -> Self {
        Page { after: None, limit }
    }

    /// The `limit` rows whose keys come after `key`.
    pub fn after(key: K, limit: u32) -> Self {
        Page {
            after: Some(key),
            limit,
        }
    }

    /// The most rows the page holds.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The key the page starts after; `None` for the first page.
    pub fn after_key(&self) -> Option<&K> {
        self.after.as_ref()
    }

    /// The key to start after and the limit, taken apart.
    pub fn into_parts(self) -> (Option<K>, u32) {
        (self.after, self.limit)
    }
}
