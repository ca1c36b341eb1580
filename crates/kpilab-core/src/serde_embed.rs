//! Reading one JSON object into an embedded struct plus a few fields of its own
//! (`FixedSizeInput` = `PlanInput`'s fields + `usersPerVariant`), without
//! `#[serde(flatten)]`: flatten first copies every value into serde's `Content`
//! tree, which cost about 8 KB gzipped in the SDK's wasm. Here the embedded
//! struct's own derived `Deserialize` reads the object, and the outer fields are
//! picked off the stream on the way. The JSON shapes stay those of SDK.md (the
//! types keep `flatten` for serializing and for their TypeScript declarations).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};

/// The outer struct's own fields, collected while the embedded struct reads the rest.
pub(crate) trait OwnFields<'de>: Default {
    /// The JSON keys of the outer struct's own fields.
    const KEYS: &'static [&'static str];
    /// Reads the value of `key` from `map` when it is one of ours; `false` otherwise.
    fn take<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;
}

/// Deserializes the object as `Inner`, handing the keys `Own` knows to `Own`.
pub(crate) fn split<'de, D, Inner, Own>(deserializer: D) -> Result<(Inner, Own), D::Error>
where
    D: Deserializer<'de>,
    Inner: Derived<'de>,
    Own: OwnFields<'de>,
{
    deserializer.deserialize_map(SplitVisitor(PhantomData))
}

struct SplitVisitor<Inner, Own>(PhantomData<(Inner, Own)>);

impl<'de, Inner: Derived<'de>, Own: OwnFields<'de>> Visitor<'de> for SplitVisitor<Inner, Own> {
    type Value = (Inner, Own);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut own = Own::default();
        let inner = Inner::derived(Rest { map, own: &mut own, fields: None })?;
        Ok((inner, own))
    }
}

/// The object minus the outer fields, as the embedded struct sees it.
struct Rest<'o, A, Own> {
    map: A,
    own: &'o mut Own,
    /// The embedded struct's keys, as its derive names them; a key in neither list is an error.
    fields: Option<&'static [&'static str]>,
}

impl<'de, A: MapAccess<'de>, Own: OwnFields<'de>> Deserializer<'de> for Rest<'_, A, Own> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        mut self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.fields = Some(fields);
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>, Own: OwnFields<'de>> MapAccess<'de> for Rest<'_, A, Own> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key::<String>()? {
            if !self.own.take(&key, &mut self.map)? {
                if let Some(fields) = self.fields.filter(|f| !f.contains(&key.as_str())) {
                    return Err(unknown_field::<A::Error>(&key, fields, Own::KEYS));
                }
                return seed.deserialize(key.into_deserializer()).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// serde's "unknown field" error over the embedded struct's and the outer struct's keys together.
#[inline(never)]
fn unknown_field<E: serde::de::Error>(key: &str, fields: &[&str], own: &[&str]) -> E {
    let known: Vec<String> = fields.iter().chain(own).map(|k| format!("`{k}`")).collect();
    E::custom(format_args!("unknown field `{key}`, expected one of {}", known.join(", ")))
}

/// A struct's derived `Deserialize` (serde's `remote = "Self"` makes it an inherent function).
pub(crate) trait Derived<'de>: Sized {
    fn derived<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// Deserializes `T` from the object's entries (`deserialize_map`) rather than by
/// `deserialize_struct`: serde-wasm-bindgen reads a struct by looking up its known
/// keys only, so an unknown key would go unseen; read as a map, every key reaches
/// the derive and `deny_unknown_fields` rejects the unknown ones.
pub(crate) fn via_map<'de, D: Deserializer<'de>, T: Derived<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(MapVisitor(PhantomData))
}

struct MapVisitor<T>(PhantomData<T>);

impl<'de, T: Derived<'de>> Visitor<'de> for MapVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::derived(serde::de::value::MapAccessDeserializer::new(map))
    }
}

/// `Deserialize` (through [`via_map`]) and, with `+ Serialize`, `Serialize` for types
/// whose derives carry `#[serde(remote = "Self")]`.
macro_rules! strict {
    ($($ty:ty),* $(,)?) => {
        $(
            impl<'de> $crate::serde_embed::Derived<'de> for $ty {
                fn derived<D: serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    <$ty>::deserialize(deserializer)
                }
            }

            impl<'de> serde::Deserialize<'de> for $ty {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    $crate::serde_embed::via_map(deserializer)
                }
            }
        )*
    };
    ($($ty:ty),* $(,)? ; Serialize) => {
        $crate::serde_embed::strict!($($ty),*);
        $(
            impl serde::Serialize for $ty {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    <$ty>::serialize(self, serializer)
                }
            }
        )*
    };
}
pub(crate) use strict;

/// `Deserialize` for a struct holding an embedded struct and its own fields:
/// `deserialize_embedded!(Outer { inner: Inner } + { field: Type = "jsonKey", other: Type = "key" or default_fn })`.
/// A field without `or` is required.
macro_rules! deserialize_embedded {
    ($outer:ident { $embedded:ident: $inner:ty } + { $($field:ident: $ty:ty = $key:literal $(or $default:path)?),* $(,)? }) => {
        const _: () = {
            use serde::de::{Deserialize, Deserializer, MapAccess};
            use $crate::serde_embed::{split, OwnFields};

            #[derive(Default)]
            struct Own {
                $($field: Option<$ty>,)*
            }

            impl<'de> OwnFields<'de> for Own {
                const KEYS: &'static [&'static str] = &[$($key),*];

                fn take<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
                    match key {
                        $($key => self.$field = Some(map.next_value()?),)*
                        _ => return Ok(false),
                    }
                    Ok(true)
                }
            }

            impl<'de> Deserialize<'de> for $outer {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let ($embedded, own) = split::<_, $inner, Own>(deserializer)?;
                    Ok($outer { $embedded, $($field: own.$field.map_or_else(|| $crate::serde_embed::required!($key $(, $default)?), Ok)?,)* })
                }
            }
        };
    };
}
pub(crate) use deserialize_embedded;

/// A missing field: its default, or serde's "missing field" error.
macro_rules! required {
    ($key:literal, $default:path) => {
        Ok($default())
    };
    ($key:literal) => {
        Err(serde::de::Error::missing_field($key))
    };
}
pub(crate) use required;

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase", remote = "Self", deny_unknown_fields)]
    struct Inner {
        alpha: f64,
        #[serde(default)]
        name_of_arm: Option<String>,
    }

    strict!(Inner);

    #[derive(Debug, PartialEq)]
    struct Outer {
        inner: Inner,
        users: f64,
        label: String,
    }

    fn unlabelled() -> String {
        "none".into()
    }

    deserialize_embedded!(Outer { inner: Inner } + { users: f64 = "users", label: String = "label" or unlabelled });

    #[test]
    fn outer_and_embedded_fields_come_from_one_object_in_any_order() {
        let want =
            Outer { inner: Inner { alpha: 0.05, name_of_arm: Some("b".into()) }, users: 10.0, label: "none".into() };
        for json in [
            r#"{"users": 10, "alpha": 0.05, "nameOfArm": "b"}"#,
            r#"{"alpha": 0.05, "users": 10, "nameOfArm": "b"}"#,
            r#"{"nameOfArm": "b", "alpha": 0.05, "users": 10}"#,
        ] {
            assert_eq!(serde_json::from_str::<Outer>(json).unwrap(), want, "{json}");
        }
        let labelled = serde_json::from_str::<Outer>(r#"{"alpha": 1, "label": "x", "users": 2}"#).unwrap();
        assert_eq!(labelled.label, "x");
    }

    #[test]
    fn errors_name_the_field_as_the_derive_would() {
        let missing = serde_json::from_str::<Outer>(r#"{"alpha": 0.05}"#).unwrap_err().to_string();
        assert!(missing.contains("missing field `users`"), "{missing}");
        let inner = serde_json::from_str::<Outer>(r#"{"users": 1}"#).unwrap_err().to_string();
        assert!(inner.contains("missing field `alpha`"), "{inner}");
        let wrong = serde_json::from_str::<Outer>(r#"{"alpha": 0.05, "users": "many"}"#).unwrap_err().to_string();
        assert!(wrong.contains("invalid type: string \"many\", expected f64"), "{wrong}");
        let unknown = serde_json::from_str::<Outer>(r#"{"alpha": 1, "users": 2, "usres": 3}"#).unwrap_err().to_string();
        assert!(
            unknown.contains("unknown field `usres`, expected one of `alpha`, `nameOfArm`, `users`, `label`"),
            "{unknown}"
        );
        let not_object = serde_json::from_str::<Outer>("[1]").unwrap_err().to_string();
        assert!(not_object.contains("expected an object"), "{not_object}");
    }
}
