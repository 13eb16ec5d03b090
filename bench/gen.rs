//! Generates synthetic Terraform modules and CloudFormation/SAM/CDK templates for benchmarks.
//!
//! ```sh
//! cargo run --release --example gen -- --out /tmp/lvl-bench/1000 --files 1000 --seed 1 --mistakes 0.2
//! cargo run --release --example gen -- --out DIR --modules 10 --templates 20
//! ```
//!
//! Writes the files and `expected.txt` (the findings per rule that lambda-vpc-lint must report,
//! with the whole rule catalog on).

#[path = "synth/mod.rs"]
mod synth;

use std::process::ExitCode;

const USAGE: &str = "usage: gen --out DIR [--files N | --modules N --templates N] [--functions N] [--seed S] [--mistakes 0.2]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut out = None;
    let mut files = None;
    let mut cfg = synth::Config::for_files(0, 1, 0.2);
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let num = |v: String| v.parse::<usize>().map_err(|e| format!("{v}: {e}"));
        match flag.as_str() {
            "--out" => out = Some(std::path::PathBuf::from(value()?)),
            "--files" => files = Some(num(value()?)?),
            "--modules" => cfg.modules = num(value()?)?,
            "--templates" => cfg.templates = num(value()?)?,
            "--functions" => cfg.functions = num(value()?)?,
            "--seed" => cfg.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--mistakes" => {
                let v = value()?;
                cfg.mistakes = v.parse().map_err(|e| format!("--mistakes {v}: {e}"))?;
                if !(0.0..=1.0).contains(&cfg.mistakes) {
                    return Err("--mistakes must be between 0 and 1".into());
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let out = out.ok_or("--out is required")?;
    if cfg.functions > synth::MAX_FUNCTIONS {
        return Err(format!(
            "--functions must be at most {}",
            synth::MAX_FUNCTIONS
        ));
    }
    if let Some(n) = files {
        let functions = cfg.functions;
        cfg = synth::Config {
            functions,
            ..synth::Config::for_files(n, cfg.seed, cfg.mistakes)
        };
    }
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let (set, expected) = synth::generate(&cfg);
    synth::write(&out, &set, &expected).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!(
        "gen: {} files ({} modules, {} templates), {} bytes, {} functions into {}",
        set.len(),
        cfg.modules,
        cfg.templates,
        expected.bytes,
        expected.functions,
        out.display()
    );
    print!("{}", expected.render());
    Ok(())
}
