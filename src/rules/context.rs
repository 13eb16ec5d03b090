//! What a rule sees: the model, the facts derived from it, and the sources (for names only).

use crate::analysis::Facts;
use crate::model::Model;
use crate::source::SourceMap;

pub struct RuleContext<'a> {
    pub model: &'a Model,
    pub facts: &'a Facts<'a>,
    pub sources: &'a SourceMap,
}

impl RuleContext<'_> {
    /// The displayed path of the file a span is in (for fingerprints).
    pub fn file_of(&self, span: crate::source::Span) -> &str {
        &self.sources.get(span.file).display
    }
}
