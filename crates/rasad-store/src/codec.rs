//! Stored JSON, deflated.
//!
//! Why: a mention's JSON (every span and field confidence, the notes sentence) and each
//! merged event's were two thirds of the store, about 7 KB per article beside 2 KB of
//! article text. Deflate (level 1: the writer is the ingest's bottleneck) shrinks them
//! to about a third. Rows written before schema v5 hold plain JSON text; readers take
//! either, so no migration rewrites old rows.

use std::cell::RefCell;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};

thread_local! {
    // One (de)compressor per thread, reset between documents: a fresh miniz state
    // zeroes ~300 KB of hash tables, which cost more than compressing a 1 KB document.
    static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
    static INFLATE: RefCell<Decompress> = RefCell::new(Decompress::new(false));
}

/// Deflate a JSON document for storage (a BLOB).
pub(crate) fn pack(json: &str) -> Vec<u8> {
    DEFLATE.with(|c| {
        let mut c = c.borrow_mut();
        c.reset();
        let mut out = Vec::with_capacity(json.len() / 2 + 64);
        let input = json.as_bytes();
        loop {
            let done = c.total_in() as usize;
            match c.compress_vec(&input[done.min(input.len())..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return out,
                Ok(_) => out.reserve(out.capacity().max(256)),
                // Cannot happen with a Vec that grows; fall back to storing nothing
                // compressible rather than panicking.
                Err(_) => return Vec::new(),
            }
        }
    })
}

/// Inflate a stored document, at most `MAX_JSON` bytes.
fn unpack(b: &[u8]) -> Result<String, String> {
    INFLATE.with(|d| {
        let mut d = d.borrow_mut();
        d.reset(false);
        let mut out: Vec<u8> = Vec::with_capacity(b.len() * 3 + 64);
        loop {
            let done = d.total_in() as usize;
            let before = (d.total_in(), d.total_out());
            match d.decompress_vec(&b[done.min(b.len())..], &mut out, FlushDecompress::None) {
                Ok(Status::StreamEnd) => break,
                Ok(_) => {
                    if out.len() as u64 >= MAX_JSON {
                        return Err("stored document too large".into());
                    }
                    if (d.total_in(), d.total_out()) == before && out.len() < out.capacity() {
                        return Err("truncated stored document".into());
                    }
                    out.reserve(out.capacity().max(1024));
                }
                Err(e) => return Err(e.to_string()),
            }
        }
        String::from_utf8(out).map_err(|e| e.to_string())
    })
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
            ValueRef::Blob(b) => unpack(b)
                .map(Json)
                .map_err(|e| FromSqlError::Other(e.into())),
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
        assert!(Json::column_result(ValueRef::Blob(&packed[..packed.len() / 2])).is_err());
        assert!(Json::column_result(ValueRef::Blob(&[])).is_err());
        // The thread's compressor is reused: a second document comes out whole too.
        let other = pack("{}");
        assert_eq!(Json::column_result(ValueRef::Blob(&other)).unwrap().0, "{}");
        assert_eq!(Json::column_result(ValueRef::Blob(&packed)).unwrap().0, *doc);
        assert!(Json::column_result(ValueRef::Integer(3)).is_err());
    }
}
