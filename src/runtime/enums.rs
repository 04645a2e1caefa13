//! The trait every generated enum implements, and what the drivers' conversions for
//! generated enums share.

/// A generated enum: a field's list of values as a Rust type. Each backend's driver
/// converts it to and from the value's text.
pub trait Enum: Copy + Sized + 'static {
    /// The Rust type's name.
    const NAME: &'static str;
    /// Every value as the database stores it, in blueprint order.
    const VALUES: &'static [&'static str];
    /// Every variant, in the same order.
    const ALL: &'static [Self];

    /// The variant's position in [`Enum::VALUES`] and [`Enum::ALL`].
    fn index(self) -> usize;

    /// The value as the database stores it.
    fn as_str(self) -> &'static str {
        Self::VALUES[self.index()]
    }

    /// The variant stored as `text`, if it is one of the enum's values (compared
    /// exactly, case included).
    fn from_value(text: &str) -> Option<Self> {
        Self::VALUES
            .iter()
            .position(|v| *v == text)
            .map(|i| Self::ALL[i])
    }
}

/// Why stored text is no value of `T`.
#[cfg(feature = "__backend")]
pub(crate) fn not_a_value<T: Enum>(text: &[u8]) -> String {
    format!(
        "`{}` is not a value of {} ({})",
        String::from_utf8_lossy(text),
        T::NAME,
        T::VALUES.join(", ")
    )
}

/// The variant stored as these bytes.
#[cfg(feature = "__backend")]
pub(crate) fn parse<T: Enum>(text: &[u8]) -> Result<T, String> {
    std::str::from_utf8(text)
        .ok()
        .and_then(T::from_value)
        .ok_or_else(|| not_a_value::<T>(text))
}
