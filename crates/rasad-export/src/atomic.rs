//! Atomic file output: an export is written to a temporary file in the target's own
//! directory and renamed over the target only once complete and flushed to disk.
//!
//! A rename within one directory is atomic on POSIX file systems, so a reader (or a
//! pipeline polling for the file) sees either the previous file, no file, or the whole
//! new one — never half an export, even when the exporting process is killed (`kill -9`,
//! out of memory, power cut after the sync). A killed export may leave its temporary file
//! behind (a hidden `.NAME.PID.rasad-tmp`); it is never mistaken for the export.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rasad_store::{EventFilter, Store};

use crate::{export, ExportError, ExportSummary, Format, Result};

/// The temporary file an export of `target` is written to before the rename: hidden, in
/// the same directory (a rename across file systems would not be atomic), unique per
/// process so two exports of one target never write into each other.
pub fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let tmp = format!(".{name}.{}.rasad-tmp", std::process::id());
    match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(tmp),
        _ => PathBuf::from(tmp),
    }
}

/// Run `write` on a buffered temporary file beside `target`, then sync and rename it
/// over `target`. On any error the temporary file is removed and `target` is untouched.
pub fn write_atomically<T>(
    target: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<T>,
) -> Result<T> {
    let tmp = temp_path(target);
    let result = (|| {
        let mut w = BufWriter::new(File::create(&tmp)?);
        let v = write(&mut w)?;
        w.flush()?;
        let file = w.into_inner().map_err(|e| ExportError::Io(e.into_error()))?;
        // On disk before the rename, so a crash after it cannot leave an empty target.
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, target)?;
        Ok(v)
    })();
    match result {
        Ok(v) => {
            // Make the rename itself durable; a directory that cannot be opened (some
            // platforms) only loses that last guarantee.
            if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                if let Ok(d) = File::open(dir) {
                    let _ = d.sync_all();
                }
            }
            Ok(v)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// [`export`] into the file `target`, atomically.
pub fn export_to_path(
    store: &Store,
    format: Format,
    filter: &EventFilter,
    target: &Path,
) -> Result<ExportSummary> {
    write_atomically(target, |w| export(store, format, filter, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("events.csv");
        std::fs::write(&target, "old").unwrap();
        let r: Result<()> = write_atomically(&target, |w| {
            w.write_all(b"half of a new fi")?;
            Err(ExportError::Format("boom".into()))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "temporary file removed");
        write_atomically(&target, |w| Ok(w.write_all(b"new")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temporary_file_is_a_hidden_sibling() {
        let t = temp_path(Path::new("/data/out/events.csv"));
        assert_eq!(t.parent(), Some(Path::new("/data/out")));
        let name = t.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(".events.csv.") && name.ends_with(".rasad-tmp"), "{name}");
        assert_eq!(temp_path(Path::new("x.csv")).parent(), Some(Path::new("")));
    }
}
