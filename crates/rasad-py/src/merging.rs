//! The cross-outlet merge on an event table: [`rasad_merge::cluster`], [`cluster_uid`] and
//! [`merge`] — the functions the store's ingest runs — on the mentions of a table.
//!
//! Mentions are keyed as the store keys them: article id and the event's position in its
//! article (`event_index`, from 0). [`cluster`] depends only on the set of mentions, and
//! its clusters never join mentions that cannot be compatible (same event type, day
//! ranges within a day of each other), so running it on each group of a partition of the
//! mentions gives the same clusters as one run on all of them whenever every group is a
//! union of such compatibility components. That is what lets Spark merge group by group
//! (`rasad.spark.merge_events` groups by event type and by runs of days separated by
//! gaps of two days or more).

use crate::table::{event_schema, read_events, EventTable};
use crate::Result;
use arrow_array::builder::{Int32Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use rasad_merge::{cluster, cluster_uid, merge, Mention};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// What [`merge_batches`] found.
#[derive(Debug)]
pub struct Merged {
    /// For each input row (in order), the id of its merged event; `None` for error rows.
    pub cluster_ids: Vec<Option<String>>,
    /// One row per merged event, in the order of their smallest mention key
    /// ([`merged_schema`]).
    pub records: RecordBatch,
}

/// The schema of merged records: the event columns, where `article_id`/`event_index` name
/// the cluster's smallest mention and `event_id` is the merged event's id, plus `mentions`
/// (how many reports) and `mention_keys` (`article_id#event_index` of each).
pub fn merged_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        let mut fields: Vec<Field> = event_schema().fields().iter().map(|f| f.as_ref().clone()).collect();
        fields.push(Field::new("mentions", DataType::Int32, false));
        fields.push(Field::new(
            "mention_keys",
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            false,
        ));
        Arc::new(Schema::new(fields))
    })
    .clone()
}

/// Cluster the mentions of `batches` (event tables) and build the merged records.
pub fn merge_batches(batches: &[RecordBatch]) -> Result<Merged> {
    let mut mentions: Vec<Mention> = Vec::new();
    let mut row_mention: Vec<Option<usize>> = Vec::new();
    for b in batches {
        for r in read_events(b)? {
            match (r.event, r.index) {
                (Ok(event), Some(index)) => {
                    row_mention.push(Some(mentions.len()));
                    mentions.push(Mention { article_id: r.article_id, index, event });
                }
                _ => row_mention.push(None),
            }
        }
    }
    let labels = cluster(&mentions);
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &l) in labels.iter().enumerate() {
        groups.entry(l).or_default().push(i);
    }
    let mut uid_of = vec![String::new(); mentions.len()];
    let mut ordered: Vec<(String, u32, Vec<usize>)> = Vec::with_capacity(groups.len());
    for (rep, members) in groups {
        let ms: Vec<&Mention> = members.iter().map(|&i| &mentions[i]).collect();
        let uid = cluster_uid(&ms);
        for &i in &members {
            uid_of[i] = uid.clone();
        }
        ordered.push((mentions[rep].article_id.clone(), mentions[rep].index, members));
    }
    ordered.sort_by(|a, b| (a.0.as_str(), a.1).cmp(&(b.0.as_str(), b.1)));

    let mut table = EventTable::new();
    let mut counts = Int32Builder::new();
    let mut keys = ListBuilder::new(StringBuilder::new());
    for (article, index, members) in &ordered {
        let ms: Vec<&Mention> = members.iter().map(|&i| &mentions[i]).collect();
        let mut event = merge(&ms);
        event.event_id = uid_of[members[0]].clone();
        table.push_event(article, None, None, None, *index as usize, &event);
        counts.append_value(members.len().min(i32::MAX as usize) as i32);
        let mut ks: Vec<String> = ms.iter().map(|m| m.key()).collect();
        ks.sort();
        for k in ks {
            keys.values().append_value(k);
        }
        keys.append(true);
    }
    let events = table.finish()?;
    let mut columns: Vec<ArrayRef> = events.columns().to_vec();
    columns.push(Arc::new(counts.finish()));
    columns.push(Arc::new(keys.finish()));
    let records = RecordBatch::try_new(merged_schema(), columns)?;
    let cluster_ids = row_mention.into_iter().map(|m| m.map(|i| uid_of[i].clone())).collect();
    Ok(Merged { cluster_ids, records })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::articles::Row;
    use arrow_array::{Array, Int32Array, StringArray};
    use rasad_model::Event;
    use rasad_model::ArticleResult;

    fn ev(event_type: &str, date: &str, place: &str) -> Event {
        serde_json::from_value(serde_json::json!({
            "event_id": "x", "event_type": event_type, "sub_event_type": "Shelling/artillery/missile attack",
            "date": date, "country": "Syria", "admin1": "Idlib",
            "location": {"name_ar": place, "admin1": "Idlib", "geo_precision": 1},
            "actor1": {"name": "Military Forces of Syria", "name_ar": "الجيش السوري", "inter": 1},
            "fatalities": 2, "status": "current", "notes": "", "confidence": 0.6
        }))
        .unwrap()
    }

    fn table(rows: &[(&str, Vec<Event>)]) -> RecordBatch {
        let mut t = EventTable::new();
        for (id, events) in rows {
            let r = Row { id: id.to_string(), ..Default::default() };
            t.push_result(&r, &ArticleResult::Ok { id: id.to_string(), events: events.clone() });
        }
        t.push_error("bad", &Row::default(), "article has no text");
        t.finish().unwrap()
    }

    #[test]
    fn same_event_from_two_outlets_merges_and_others_do_not() {
        let shelling = "Explosions/Remote violence";
        let b = table(&[
            ("a", vec![ev(shelling, "2024-03-05", "كفرنبل"), ev(shelling, "2024-03-01", "معرة النعمان")]),
            ("b", vec![ev(shelling, "2024-03-05", "كفرنبل")]),
            ("c", vec![ev(shelling, "2024-03-20", "كفرنبل")]),
        ]);
        let m = merge_batches(&[b]).unwrap();
        let ids = &m.cluster_ids;
        assert_eq!(ids.len(), 5);
        assert_eq!(ids[0], ids[2], "same village, same day, two outlets: {ids:?}");
        assert_ne!(ids[0], ids[1]);
        assert_ne!(ids[0], ids[3]);
        assert_eq!(ids[4], None, "the error row has no cluster");
        assert_eq!(m.records.num_rows(), 3);
        let n = m.records.column_by_name("mentions").unwrap().as_any().downcast_ref::<Int32Array>().unwrap();
        assert_eq!(n.iter().flatten().sum::<i32>(), 4);
        // The merged event's id is the store's id of the cluster.
        let eid = m.records.column_by_name("event_id").unwrap().as_any().downcast_ref::<StringArray>().unwrap();
        assert!(eid.iter().flatten().any(|e| Some(e.to_string()) == ids[0]));
    }

    #[test]
    fn clusters_do_not_depend_on_row_order_or_batching() {
        let t = "Explosions/Remote violence";
        let rows: Vec<(String, Vec<Event>)> = (0..12)
            .map(|k| (format!("art{k:02}"), vec![ev(t, &format!("2024-03-{:02}", 1 + k % 4), if k % 3 == 0 { "كفرنبل" } else { "سراقب" })]))
            .collect();
        let as_ref: Vec<(&str, Vec<Event>)> = rows.iter().map(|(a, e)| (a.as_str(), e.clone())).collect();
        let one = merge_batches(&[table(&as_ref)]).unwrap();
        let mut rev = as_ref.clone();
        rev.reverse();
        let (x, y) = rev.split_at(5);
        let two = merge_batches(&[table(x), table(y)]).unwrap();
        let key = |m: &Merged, rows: &[(&str, Vec<Event>)]| -> BTreeMap<String, String> {
            rows.iter().zip(&m.cluster_ids).map(|((a, _), c)| (a.to_string(), c.clone().unwrap())).collect()
        };
        // Each table has an error row at its end; the rows before it are the articles.
        let a = key(&one, &as_ref);
        let mut b = key(&Merged { cluster_ids: two.cluster_ids[..5].to_vec(), records: two.records.clone() }, x);
        b.extend(key(&Merged { cluster_ids: two.cluster_ids[6..].to_vec(), records: two.records.clone() }, y));
        assert_eq!(a, b);
    }

    #[test]
    fn wrong_tables_are_errors() {
        use crate::PyError;
        use arrow_array::{Int64Array, StringArray};
        let b = RecordBatch::try_from_iter([("article_id", Arc::new(StringArray::from(vec!["a"])) as ArrayRef)]).unwrap();
        assert!(merge_batches(&[b]).unwrap_err().to_string().contains("not a table of rasad events"));
        let mut t = EventTable::new();
        t.push_event("a", None, None, None, 0, &ev("Battles", "2024-01-01", "x"));
        let good = t.finish().unwrap();
        let mut cols = good.columns().to_vec();
        let pos = good.schema().index_of("spans").unwrap();
        cols[pos] = Arc::new(StringArray::from(vec!["{not json"]));
        let bad = RecordBatch::try_new(good.schema(), cols).unwrap();
        assert!(matches!(merge_batches(&[bad]), Err(PyError::Column { .. })));
        // A column of another type is named in the error.
        let mut cols = good.columns().to_vec();
        let pos = good.schema().index_of("event_index").unwrap();
        cols[pos] = Arc::new(Int64Array::from(vec![0]));
        let fields: Vec<_> = good.schema().fields().iter().enumerate()
            .map(|(k, f)| if k == pos { Arc::new(arrow_schema::Field::new("event_index", arrow_schema::DataType::Int64, true)) } else { f.clone() })
            .collect();
        let bad = RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), cols).unwrap();
        let e = merge_batches(&[bad]).unwrap_err().to_string();
        assert!(e.contains("event_index") && e.contains("Int64"), "{e}");
    }
}
