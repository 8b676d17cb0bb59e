//! Article rows from Arrow: the input side of `extract_arrow` and of Spark's `mapInArrow`.
//!
//! The columns are `text` (required) and `id`, `published`, `outlet`, `url` (optional),
//! each `utf8` or `large_utf8`; the Python side renames the caller's columns and casts
//! dates and timestamps to strings before the table crosses. A missing or mistyped column
//! is an error of the call (the caller's table is wrong); a null or bad cell is an error
//! of that article only (one row with an `error`), as in `rasad extract`.

use crate::{PyError, Result};
use arrow_array::{Array, LargeStringArray, RecordBatch, StringArray, StringViewArray};
use arrow_schema::DataType;
use std::io::Cursor;

/// One article row as read: `text` is `None` when the cell is null.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub id: String,
    pub text: Option<String>,
    pub published: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
}

/// Read the record batches of an Arrow IPC stream.
pub fn read_ipc(bytes: &[u8]) -> Result<Vec<RecordBatch>> {
    let reader = arrow_ipc::reader::StreamReader::try_new(Cursor::new(bytes), None)?;
    let mut out = Vec::new();
    for b in reader {
        out.push(b?);
    }
    Ok(out)
}

/// Write record batches (all of `schema`) as an Arrow IPC stream.
pub fn write_ipc(schema: &arrow_schema::Schema, batches: &[RecordBatch]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = arrow_ipc::writer::StreamWriter::try_new(&mut out, schema)?;
        for b in batches {
            w.write(b)?;
        }
        w.finish()?;
    }
    Ok(out)
}

/// A string column of either width, or of the view layout.
enum Strings<'a> {
    Small(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

impl Strings<'_> {
    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Strings::Small(a) => (!a.is_null(i)).then(|| a.value(i)),
            Strings::Large(a) => (!a.is_null(i)).then(|| a.value(i)),
            Strings::View(a) => (!a.is_null(i)).then(|| a.value(i)),
        }
    }
}

/// The string column `name` of `batch`: `Ok(None)` when absent, an error when it is
/// there but holds something else than strings.
fn strings<'a>(batch: &'a RecordBatch, name: &str) -> Result<Option<Strings<'a>>> {
    let Some(col) = batch.column_by_name(name) else {
        return Ok(None);
    };
    let wrong = || PyError::Column {
        name: name.into(),
        msg: format!("expected strings, found {}", col.data_type()),
    };
    Ok(Some(match col.data_type() {
        DataType::Utf8 => Strings::Small(col.as_any().downcast_ref().ok_or_else(wrong)?),
        DataType::LargeUtf8 => Strings::Large(col.as_any().downcast_ref().ok_or_else(wrong)?),
        DataType::Utf8View => Strings::View(col.as_any().downcast_ref().ok_or_else(wrong)?),
        DataType::Null => return Ok(None),
        _ => return Err(wrong()),
    }))
}

/// The article rows of `batch`. Rows without an id are named `row N`, N counting from
/// `first_row` (give ids: they name the events and key the merge).
pub fn rows(batch: &RecordBatch, first_row: usize) -> Result<Vec<Row>> {
    let text = strings(batch, "text")?.ok_or_else(|| PyError::Column {
        name: "text".into(),
        msg: "the table has no text column".into(),
    })?;
    let id = strings(batch, "id")?;
    let published = strings(batch, "published")?;
    let outlet = strings(batch, "outlet")?;
    let url = strings(batch, "url")?;
    let opt = |c: &Option<Strings>, i: usize| c.as_ref().and_then(|c| c.get(i)).map(str::to_string);
    Ok((0..batch.num_rows())
        .map(|i| Row {
            id: opt(&id, i).unwrap_or_else(|| format!("row {}", first_row + i)),
            text: text.get(i).map(str::to_string),
            published: opt(&published, i),
            outlet: opt(&outlet, i),
            url: opt(&url, i),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{ArrayRef, Int64Array};
    use std::sync::Arc;

    #[test]
    fn reads_both_string_widths_and_nulls() {
        let batch = RecordBatch::try_from_iter([
            ("id", Arc::new(StringArray::from(vec![Some("a"), None])) as ArrayRef),
            ("text", Arc::new(LargeStringArray::from(vec![Some("نص"), None])) as ArrayRef),
            ("outlet", Arc::new(StringArray::from(vec![Some("سانا"), Some("x")])) as ArrayRef),
        ])
        .unwrap();
        let r = rows(&batch, 10).unwrap();
        assert_eq!(r[0], Row { id: "a".into(), text: Some("نص".into()), outlet: Some("سانا".into()), ..Default::default() });
        assert_eq!(r[1].id, "row 11");
        assert_eq!(r[1].text, None);
        let bytes = write_ipc(&batch.schema(), &[batch.clone()]).unwrap();
        assert_eq!(read_ipc(&bytes).unwrap(), vec![batch]);
    }

    #[test]
    fn wrong_or_missing_text_column_is_an_error() {
        let batch = RecordBatch::try_from_iter([("text", Arc::new(Int64Array::from(vec![1])) as ArrayRef)]).unwrap();
        let e = rows(&batch, 0).unwrap_err().to_string();
        assert!(e.contains("\"text\"") && e.contains("Int64"), "{e}");
        let batch = RecordBatch::try_from_iter([("body", Arc::new(StringArray::from(vec!["x"])) as ArrayRef)]).unwrap();
        assert!(rows(&batch, 0).unwrap_err().to_string().contains("no text column"));
    }

    #[test]
    fn garbage_ipc_is_an_error_not_a_panic() {
        for bytes in [&b""[..], b"\xff\xff\xff\xff\x10\x00\x00\x00garbage", &[0u8; 64]] {
            let _ = read_ipc(bytes);
        }
        assert!(read_ipc(b"not arrow at all").is_err());
    }
}
