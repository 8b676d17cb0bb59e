//! `rasad ingest`, `rasad watch`, `rasad errors` (not built yet).

#[derive(clap::Args)]
pub struct Args {}
#[derive(clap::Args)]
pub struct WatchArgs {}
#[derive(clap::Args)]
pub struct ErrorsArgs {}

pub fn run(_: Args) -> anyhow::Result<i32> {
    anyhow::bail!("`rasad ingest` is not built yet")
}
pub fn watch(_: WatchArgs) -> anyhow::Result<i32> {
    anyhow::bail!("`rasad watch` is not built yet")
}
pub fn errors(_: ErrorsArgs) -> anyhow::Result<i32> {
    anyhow::bail!("`rasad errors` is not built yet")
}
