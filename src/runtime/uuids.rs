//! Uuids kept as text (`storage = "text"`): the hyphenated lower-case form, which sorts
//! as the 16 bytes do, so keys page in the same order as binary uuids.

use uuid::Uuid;

/// A uuid field's value, present or not.
#[doc(hidden)]
pub trait AsUuid {
    fn as_uuid(&self) -> Option<Uuid>;
}

impl AsUuid for Uuid {
    fn as_uuid(&self) -> Option<Uuid> {
        Some(*self)
    }
}

impl AsUuid for Option<Uuid> {
    fn as_uuid(&self) -> Option<Uuid> {
        *self
    }
}

impl<T: AsUuid + ?Sized> AsUuid for &T {
    fn as_uuid(&self) -> Option<Uuid> {
        (**self).as_uuid()
    }
}

/// The text a uuid is stored as.
#[cfg_attr(not(any(feature = "sqlite", feature = "mysql")), allow(dead_code))]
pub(crate) fn text(value: impl AsUuid) -> Option<String> {
    value.as_uuid().map(|u| u.hyphenated().to_string())
}

/// A uuid read from text another program may have written in any of the usual forms
/// (hyphenated or not, any case, braced, `urn:uuid:`).
#[cfg_attr(not(any(feature = "sqlite", feature = "mysql")), allow(dead_code))]
pub(crate) fn parse(text: &[u8]) -> Result<Uuid, String> {
    std::str::from_utf8(text)
        .ok()
        .and_then(|t| Uuid::parse_str(t.trim()).ok())
        .ok_or_else(|| format!("`{}` is not a uuid", String::from_utf8_lossy(text)))
}
