//! `rasad export`: stored events as ACLED CSV, GeoJSON, JSONL, Parquet, or per-article
//! mentions with their merged ids (what `score_merge.py` reads).

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use rasad_export::Format;

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
    let n = match &args.out {
        Some(path) => {
            // Write beside the target and rename, so a failed export never leaves half a file.
            let tmp = path.with_extension("rasad-tmp");
            let file = std::fs::File::create(&tmp)
                .with_context(|| format!("creating {}", tmp.display()))?;
            let mut w = BufWriter::new(file);
            let n = store.export(format, &filter, &mut w).inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })?;
            w.flush()?;
            drop(w);
            std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
            n
        }
        None => {
            anyhow::ensure!(
                format != Format::Parquet || !std::io::IsTerminal::is_terminal(&std::io::stdout()),
                "refusing to write Parquet to a terminal; pass --out FILE"
            );
            let mut w = BufWriter::new(std::io::stdout());
            let n = store.export(format, &filter, &mut w)?;
            w.flush()?;
            n
        }
    };
    let what = if format == Format::MentionsJsonl {
        "articles"
    } else {
        "events"
    };
    eprintln!("exported {n} {what} as {}", args.format);
    Ok(0)
}
