//! One name per concept: every public unit enum of the core reads and writes as
//! its serde name (`"two-sided"`, `"INVALID_INPUT"`), so `as_str()`, `Display`
//! and `FromStr` are derived from serde here rather than kept in hand-written
//! tables that could drift from the JSON contract.

use std::fmt;

use serde::de::value::StrDeserializer;
use serde::de::{Deserialize, Deserializer, Visitor};
use serde::ser::{Impossible, Serialize, Serializer};

use crate::analyze::{AnalysisMethod, ChosenBy, Correction, MetricKind, RelativeInterval, Verdict, WarningCode};
use crate::common::Alternative;
use crate::error::{ErrorCode, KpilabError};
use crate::evaluate::{DecisionVerdict, KpiKind, KpiRole, OnBadRow};
use crate::plan::{MdeType, PlanCorrection, PlanMethod};
use crate::survival::TimeUnit;

/// The serde name of a unit variant: what `serde_json` writes, without the quotes.
pub(crate) fn name_of<T: Serialize>(value: &T) -> &'static str {
    // Only unit enums are listed in `serde_names!`; the test below checks every variant.
    value.serialize(UnitVariantName).unwrap_or_default()
}

/// Every name `T` accepts, in declaration order (serde's own variant list).
pub(crate) fn names_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut names: &'static [&'static str] = &[];
    let _ = T::deserialize(VariantList(&mut names));
    names
}

/// `T` from its serde name; an unknown name is `INVALID_INPUT` listing the allowed ones.
pub(crate) fn parse<'a, T: Deserialize<'a>>(type_name: &str, s: &'a str) -> Result<T, KpilabError> {
    T::deserialize(StrDeserializer::<serde::de::value::Error>::new(s)).map_err(|_| {
        let allowed: Vec<String> = names_of::<T>().iter().map(|n| format!("\"{n}\"")).collect();
        KpilabError::invalid("", format!("unknown {type_name} \"{s}\": use one of {}", allowed.join(", ")))
    })
}

/// `as_str()`, `names()`, `Display` and `FromStr` from the serde names of each listed enum.
macro_rules! serde_names {
    ($($ty:ident),+ $(,)?) => {$(
        impl $ty {
            /// The serde name, as in the JSON contract.
            pub fn as_str(self) -> &'static str {
                name_of(&self)
            }

            /// Every serde name, in declaration order (e.g. the options of a `<select>`).
            pub fn names() -> &'static [&'static str] {
                names_of::<$ty>()
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = KpilabError;
            fn from_str(s: &str) -> Result<Self, KpilabError> {
                parse(stringify!($ty), s)
            }
        }
    )+};
}

serde_names!(
    Alternative,
    ErrorCode,
    MetricKind,
    AnalysisMethod,
    RelativeInterval,
    Correction,
    Verdict,
    WarningCode,
    ChosenBy,
    MdeType,
    PlanCorrection,
    PlanMethod,
    KpiRole,
    KpiKind,
    OnBadRow,
    DecisionVerdict,
    TimeUnit,
);

/// Serializing anything but a unit variant (never the case for the listed enums).
#[derive(Debug)]
pub(crate) struct NotUnitVariant;

impl fmt::Display for NotUnitVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a unit variant")
    }
}

impl std::error::Error for NotUnitVariant {}

impl serde::ser::Error for NotUnitVariant {
    fn custom<M: fmt::Display>(_: M) -> Self {
        NotUnitVariant
    }
}

impl serde::de::Error for NotUnitVariant {
    fn custom<M: fmt::Display>(_: M) -> Self {
        NotUnitVariant
    }
}

/// A serializer that accepts only `serialize_unit_variant` and returns its name.
struct UnitVariantName;

macro_rules! refuse {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<$ret, NotUnitVariant> {
            Err(NotUnitVariant)
        }
    )*};
}

impl Serializer for UnitVariantName {
    type Ok = &'static str;
    type Error = NotUnitVariant;
    type SerializeSeq = Impossible<&'static str, NotUnitVariant>;
    type SerializeTuple = Impossible<&'static str, NotUnitVariant>;
    type SerializeTupleStruct = Impossible<&'static str, NotUnitVariant>;
    type SerializeTupleVariant = Impossible<&'static str, NotUnitVariant>;
    type SerializeMap = Impossible<&'static str, NotUnitVariant>;
    type SerializeStruct = Impossible<&'static str, NotUnitVariant>;
    type SerializeStructVariant = Impossible<&'static str, NotUnitVariant>;

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<&'static str, NotUnitVariant> {
        Ok(variant)
    }

    refuse! {
        serialize_bool(bool) -> &'static str;
        serialize_i8(i8) -> &'static str;
        serialize_i16(i16) -> &'static str;
        serialize_i32(i32) -> &'static str;
        serialize_i64(i64) -> &'static str;
        serialize_u8(u8) -> &'static str;
        serialize_u16(u16) -> &'static str;
        serialize_u32(u32) -> &'static str;
        serialize_u64(u64) -> &'static str;
        serialize_f32(f32) -> &'static str;
        serialize_f64(f64) -> &'static str;
        serialize_char(char) -> &'static str;
        serialize_str(&str) -> &'static str;
        serialize_bytes(&[u8]) -> &'static str;
        serialize_none() -> &'static str;
        serialize_unit() -> &'static str;
        serialize_unit_struct(&'static str) -> &'static str;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<&'static str, NotUnitVariant> {
        Err(NotUnitVariant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotUnitVariant> {
        Err(NotUnitVariant)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotUnitVariant> {
        Err(NotUnitVariant)
    }
}

/// A deserializer that records the variant names a derived enum passes to
/// `deserialize_enum`, then stops.
struct VariantList<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for VariantList<'_> {
    type Error = NotUnitVariant;

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, NotUnitVariant> {
        *self.0 = variants;
        Err(NotUnitVariant)
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, NotUnitVariant> {
        Err(NotUnitVariant)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use super::names_of;
    use crate::analyze::*;
    use crate::common::Alternative;
    use crate::error::ErrorCode;
    use crate::evaluate::{DecisionVerdict, KpiKind, KpiRole, OnBadRow};
    use crate::plan::{MdeType, PlanCorrection, PlanMethod};
    use crate::survival::TimeUnit;

    /// Every name serde accepts parses, prints back as itself, and is what serde_json writes.
    fn round_trips<T>(expected_count: usize)
    where
        T: Copy
            + Serialize
            + DeserializeOwned
            + FromStr<Err = crate::KpilabError>
            + Display
            + PartialEq
            + std::fmt::Debug,
        T: AsStr,
    {
        let names = names_of::<T>();
        assert_eq!(names.len(), expected_count, "{names:?}");
        assert_eq!(T::all_names(), names);
        for &name in names {
            let value = T::from_str(name).unwrap();
            assert_eq!(value.name(), name);
            assert_eq!(value.to_string(), name);
            assert_eq!(serde_json::to_value(value).unwrap(), serde_json::json!(name));
            assert_eq!(serde_json::from_value::<T>(serde_json::json!(name)).unwrap(), value);
        }
    }

    trait AsStr {
        fn name(self) -> &'static str;
        fn all_names() -> &'static [&'static str];
    }

    macro_rules! check {
        ($($ty:ty: $count:expr),+ $(,)?) => {
            $(impl AsStr for $ty {
                fn name(self) -> &'static str {
                    self.as_str()
                }
                fn all_names() -> &'static [&'static str] {
                    <$ty>::names()
                }
            })+
            #[test]
            fn every_variant_round_trips_through_its_serde_name() {
                $(round_trips::<$ty>($count);)+
            }
        };
    }

    // The counts pin that every variant is listed by serde (none skipped).
    check!(
        Alternative: 3,
        ErrorCode: 4,
        MetricKind: 3,
        AnalysisMethod: 3,
        RelativeInterval: 2,
        Correction: 4,
        Verdict: 3,
        WarningCode: 14,
        ChosenBy: 3,
        MdeType: 2,
        PlanCorrection: 2,
        PlanMethod: 5,
        KpiRole: 3,
        KpiKind: 5,
        OnBadRow: 2,
        DecisionVerdict: 4,
        TimeUnit: 2,
    );

    #[test]
    fn known_names() {
        assert_eq!(Alternative::TwoSided.as_str(), "two-sided");
        assert_eq!(ErrorCode::InvalidInput.as_str(), "INVALID_INPUT");
        assert_eq!(WarningCode::RelativeCiUnbounded.as_str(), "RELATIVE_CI_UNBOUNDED");
        assert_eq!(PlanMethod::EvanMiller.as_str(), "evan-miller");
        assert_eq!(KpiKind::names(), ["conversion", "mean", "ratio", "funnel", "timeToEvent"]);
        assert_eq!(DecisionVerdict::DoNotShip.to_string(), "do-not-ship");
        assert_eq!("benjamini-hochberg".parse::<Correction>().unwrap(), Correction::BenjaminiHochberg);
    }

    #[test]
    fn an_unknown_name_is_invalid_input_listing_the_names() {
        let e = "weekly".parse::<TimeUnit>().unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert_eq!(e.message, "unknown TimeUnit \"weekly\": use one of \"days\", \"hours\"");
        let e = "Two-Sided".parse::<Alternative>().unwrap_err();
        assert_eq!(e.message, "unknown Alternative \"Two-Sided\": use one of \"two-sided\", \"greater\", \"less\"");
    }
}
