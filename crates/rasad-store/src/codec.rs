//! Stored JSON, deflated.
//!
//! Why: a mention's JSON (every span and field confidence, the notes sentence) and each
//! merged event's were two thirds of the store, about 7 KB per article beside 2 KB of
//! article text. Deflate (level 1: the writer is the ingest's bottleneck) shrinks them
//! to about a third. Rows written before schema v5 hold plain JSON text; readers take
//! either, so no migration rewrites old rows.

use std::io::{Read, Write};

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};

/// Deflate a JSON document for storage (a BLOB).
pub(crate) fn pack(json: &str) -> Vec<u8> {
    let mut enc = DeflateEncoder::new(Vec::with_capacity(json.len() / 2), Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(json.as_bytes());
    enc.finish().unwrap_or_default()
}

/// A stored JSON document: TEXT (rows from before v5) or a deflated BLOB.
pub(crate) struct Json(pub String);

/// Largest document inflated (a mention or event is a few KB; a corrupt or hostile BLOB
/// must not expand without bound).
const MAX_JSON: u64 = 16 << 20;

impl FromSql for Json {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        match v {
            ValueRef::Text(t) => std::str::from_utf8(t)
                .map(|s| Json(s.to_string()))
                .map_err(|e| FromSqlError::Other(Box::new(e))),
            ValueRef::Blob(b) => {
                let mut s = String::with_capacity(b.len() * 3);
                DeflateDecoder::new(b)
                    .take(MAX_JSON)
                    .read_to_string(&mut s)
                    .map_err(|e| FromSqlError::Other(Box::new(e)))?;
                Ok(Json(s))
            }
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_text_and_garbage() {
        let one = r#"{"event_type":"Battles","notes":"اشتباكات في ريف إدلب","spans":{"sentence":[0,40]}}"#;
        let doc = &format!("[{}]", vec![one; 20].join(","));
        let packed = pack(doc);
        assert!(packed.len() * 3 < doc.len(), "{} of {}", packed.len(), doc.len());
        let back = Json::column_result(ValueRef::Blob(&packed)).unwrap();
        assert_eq!(back.0, *doc);
        assert_eq!(Json::column_result(ValueRef::Text(doc.as_bytes())).unwrap().0, *doc);
        // A BLOB that is not deflate is an error, not a panic.
        assert!(Json::column_result(ValueRef::Blob(&[0xff, 0x00, 0x13])).is_err());
        assert!(Json::column_result(ValueRef::Integer(3)).is_err());
    }
}
