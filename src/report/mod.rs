//! Reporters: one module per output format (being written).
use std::io::{self, Write};

use crate::engine::Report;
use crate::source::SourceMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// ANSI colours in text output.
    pub color: bool,
}

pub fn render(report: &Report, sources: &SourceMap, format: Format, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let _ = (sources, format, options);
    for d in &report.diagnostics {
        writeln!(out, "{} {}", d.code, d.message)?;
    }
    Ok(())
}
