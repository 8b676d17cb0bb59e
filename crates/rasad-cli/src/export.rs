//! `rasad export`: stored events as ACLED CSV, GeoJSON, JSONL, Parquet, or per-article
//! mentions with their merged ids (what `score_merge.py` reads).
//!
//! With `--out`, the file is written atomically (temporary file, then rename: see
//! `rasad_export::atomic`). Events an ACLED file leaves out because nothing dates them
//! (`rasad_export::dating`) are counted on stderr and, with `--out`, listed one id a line
//! in the sidecar `OUT.left-out.txt` (removed when an export leaves nothing out, so a
//! stale list never outlives its export).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use rasad_export::{write_atomically, ExportSummary, Format};

use crate::query::{open_existing, FilterArgs};

#[derive(clap::Args)]
pub struct Args {
    /// acled-csv, geojson, jsonl, parquet or mentions-jsonl.
    #[arg(long, default_value = "acled-csv")]
    pub format: String,
    /// The store.
    #[arg(long, default_value = "rasad.db")]
    pub db: PathBuf,
    /// Output file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub filter: FilterArgs,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let format: Format = args.format.parse()?;
    let filter = args.filter.to_filter()?;
    let mut store = open_existing(&args.db)?;
    let summary = match &args.out {
        Some(path) => {
            // written beside the target and renamed: a failed or killed export never
            // leaves half a file (`rasad_export::atomic`)
            let summary = write_atomically(path, |w| store.export(format, &filter, w).map_err(|e| rasad_export::ExportError::Io(std::io::Error::other(e.to_string()))))
                .with_context(|| format!("writing {}", path.display()))?;
            record_left_out(path, &summary)?;
            summary
        }
        None => {
            anyhow::ensure!(
                format != Format::Parquet || !std::io::IsTerminal::is_terminal(&std::io::stdout()),
                "refusing to write Parquet to a terminal; pass --out FILE"
            );
            let mut w = BufWriter::new(std::io::stdout());
            let summary = store.export(format, &filter, &mut w)?;
            w.flush()?;
            summary
        }
    };
    let n = summary.written;
    let what = if format == Format::MentionsJsonl {
        "articles"
    } else {
        "events"
    };
    eprintln!("exported {n} {what} as {}", args.format);
    let left = summary.undated.count();
    if left > 0 {
        let listed = match &args.out {
            Some(p) => format!("; their ids are in {}", sidecar(p).display()),
            None => String::new(),
        };
        eprintln!("left out {left} events with no date (neither their own nor a report's){listed}");
    }
    Ok(0)
}

/// The file listing the events an export of `out` left out.
fn sidecar(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".left-out.txt");
    out.with_file_name(name)
}

fn record_left_out(out: &Path, summary: &ExportSummary) -> anyhow::Result<()> {
    let side = sidecar(out);
    if summary.undated.ids.is_empty() {
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing stale {}", side.display()))
            }
            _ => return Ok(()),
        }
    }
    write_atomically(&side, |w| {
        for id in &summary.undated.ids {
            writeln!(w, "{id}")?;
        }
        Ok(())
    })
    .with_context(|| format!("writing {}", side.display()))
}
