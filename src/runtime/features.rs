//! What a generated module says when it needs one of storegen's type features that the
//! runtime was built without: one `compile_error!` naming the feature, instead of paths
//! that don't resolve. Each macro exists in two forms, chosen by the feature: empty when
//! it is on, the error when it is off. Generated code calls them through `__private`.

#[cfg(feature = "chrono")]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_chrono {
    () => {};
}

#[cfg(not(feature = "chrono"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_chrono {
    () => {
        ::core::compile_error!(
            "this store module has date or time fields (chrono's types): add \"chrono\" to storegen's features in [dependencies]"
        );
    };
}

#[cfg(feature = "time")]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_time {
    () => {};
}

#[cfg(not(feature = "time"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_time {
    () => {
        ::core::compile_error!(
            "this store module has date or time fields (the time crate's types, `[rust] datetime = \"time\"`): add \"time\" to storegen's features in [dependencies]"
        );
    };
}

#[cfg(feature = "uuid")]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_uuid {
    () => {};
}

#[cfg(not(feature = "uuid"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_uuid {
    () => {
        ::core::compile_error!(
            "this store module has uuid fields: add \"uuid\" to storegen's features in [dependencies]"
        );
    };
}

#[cfg(feature = "json")]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_json {
    () => {};
}

#[cfg(not(feature = "json"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_json {
    () => {
        ::core::compile_error!(
            "this store module has json fields: add \"json\" to storegen's features in [dependencies]"
        );
    };
}

#[cfg(feature = "decimal")]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_decimal {
    () => {};
}

#[cfg(not(feature = "decimal"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __storegen_requires_decimal {
    () => {
        ::core::compile_error!(
            "this store module has decimal fields: add \"decimal\" to storegen's features in [dependencies]"
        );
    };
}
