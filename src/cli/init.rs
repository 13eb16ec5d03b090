//! `lambda-vpc-lint init`: writes a commented starter `.lambda-vpc-lint.toml`, never over an
//! existing file.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::config::{FILE_NAME, STARTER};

pub fn init(dir: &Path) -> ExitCode {
    let path = dir.join(FILE_NAME);
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| f.write_all(STARTER.as_bytes()));
    match created {
        Ok(()) => {
            super::stderr::note(format_args!("wrote {}", path.display()));
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            super::stderr::error(format_args!(
                "{} already exists; not overwriting it",
                path.display()
            ));
            ExitCode::from(2)
        }
        Err(e) => {
            super::stderr::error(format_args!("{}: {e}", path.display()));
            ExitCode::from(2)
        }
    }
}
