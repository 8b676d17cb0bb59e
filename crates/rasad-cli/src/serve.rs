//! `rasad serve` (not built yet).

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_: Args) -> anyhow::Result<i32> {
    anyhow::bail!("`rasad serve` is not built yet")
}
