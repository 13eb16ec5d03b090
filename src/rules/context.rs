//! What a rule sees: the model, the facts derived from it, and the sources (for names only).

use crate::analysis::Facts;
use crate::fix::{FixIntent, Rendered};
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

    /// A fix in the unit's own language: rules describe it, the front end's renderer prints it.
    pub fn fix(&self, intent: &FixIntent) -> Rendered {
        crate::fix::render(self.model, self.sources, intent)
    }

    /// A reference to a resource's id in the unit's language (for the rule language's `ref`).
    pub fn reference(&self, name: &str) -> String {
        crate::fix::reference(self.model, name)
    }
}
