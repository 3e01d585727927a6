//! Typed access to the fields of one JSON record, with errors that name the
//! record and the field.

use super::error::Malformed;
use serde_json::{Map, Value};

/// A JSON object seen as a record of a given kind (the kind is only used in
/// error messages).
#[derive(Copy, Clone)]
pub(crate) struct Obj<'a> {
    pub(crate) map: &'a Map<String, Value>,
    pub(crate) record: &'static str,
}

pub(crate) type Res<T> = Result<T, Malformed>;

impl<'a> Obj<'a> {
    /// `v` as an object; `field` names it in errors.
    pub(crate) fn of(v: &'a Value, record: &'static str, field: &'static str) -> Res<Obj<'a>> {
        match v {
            Value::Object(map) => Ok(Obj { map, record }),
            _ => Err(Malformed::WrongType {
                record,
                field,
                expected: "an object",
            }),
        }
    }

    pub(crate) fn has(&self, field: &str) -> bool {
        self.map.contains_key(field)
    }

    pub(crate) fn field(&self, field: &'static str) -> Res<&'a Value> {
        self.map.get(field).ok_or(Malformed::MissingField {
            record: self.record,
            field,
        })
    }

    fn wrong(&self, field: &'static str, expected: &'static str) -> Malformed {
        Malformed::WrongType {
            record: self.record,
            field,
            expected,
        }
    }

    pub(crate) fn u64(&self, field: &'static str) -> Res<u64> {
        as_u64(self.field(field)?).ok_or_else(|| self.wrong(field, "a natural number"))
    }

    pub(crate) fn u32(&self, field: &'static str) -> Res<u32> {
        let v = self.u64(field)?;
        u32::try_from(v).map_err(|_| Malformed::TooLarge {
            what: field,
            value: v.to_string(),
            limit: u32::MAX.to_string(),
        })
    }

    pub(crate) fn bool(&self, field: &'static str) -> Res<bool> {
        self.field(field)?
            .as_bool()
            .ok_or_else(|| self.wrong(field, "a boolean"))
    }

    /// A boolean that older exports may leave out.
    pub(crate) fn bool_or(&self, field: &'static str, default: bool) -> Res<bool> {
        if self.has(field) {
            self.bool(field)
        } else {
            Ok(default)
        }
    }

    pub(crate) fn str(&self, field: &'static str) -> Res<&'a str> {
        self.field(field)?
            .as_str()
            .ok_or_else(|| self.wrong(field, "a string"))
    }

    pub(crate) fn array(&self, field: &'static str) -> Res<&'a Vec<Value>> {
        self.field(field)?
            .as_array()
            .ok_or_else(|| self.wrong(field, "an array"))
    }

    pub(crate) fn obj(&self, field: &'static str, record: &'static str) -> Res<Obj<'a>> {
        Obj::of(self.field(field)?, record, field)
    }

    /// An array of indices.
    pub(crate) fn u64_list(&self, field: &'static str) -> Res<Vec<u64>> {
        self.array(field)?
            .iter()
            .map(|v| as_u64(v).ok_or_else(|| self.wrong(field, "an array of natural numbers")))
            .collect()
    }

    /// A pair of indices (`max`/`imax` levels).
    pub(crate) fn u64_pair(&self, field: &'static str) -> Res<(u64, u64)> {
        match self.u64_list(field)?.as_slice() {
            [a, b] => Ok((*a, *b)),
            _ => Err(self.wrong(field, "an array of two natural numbers")),
        }
    }

    /// Array elements as records of kind `record`.
    pub(crate) fn objs(&self, field: &'static str, record: &'static str) -> Res<Vec<Obj<'a>>> {
        self.array(field)?
            .iter()
            .map(|v| Obj::of(v, record, field))
            .collect()
    }
}

fn as_u64(v: &Value) -> Option<u64> {
    v.as_u64()
}
