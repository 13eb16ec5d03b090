//! Where findings about a resource of a downloaded module should point. `terraform init` copies
//! registry modules under `.terraform/modules/`, which users neither edit nor commit: a finding
//! located there cannot be fixed there, and CI annotations on it show nowhere. An argument of
//! such a resource that is one of the module's inputs points at the caller's argument (followed
//! up through nested modules); anything else points at the `module` block in the first module
//! the user wrote.

use hcl_edit::expr::{Expression, TraversalOperator};

use super::{Evaluator, Scope};
use crate::frontend::terraform::parse::{header_span, span_of};
use crate::source::{FileId, Span};

/// Inputs followed up through nested modules; real trees are a few levels deep.
const MAX_STEPS: u32 = 16;

impl Evaluator<'_> {
    /// `span` (of `e`, evaluated in `scope`), or where the user wrote what decides it when it
    /// lies in a downloaded module.
    pub fn user_span(&self, e: &Expression, scope: &Scope, span: Span) -> Span {
        let mut e = e;
        let mut scope = scope.clone();
        let mut span = span;
        for _ in 0..MAX_STEPS {
            if !self.downloaded(span.file) {
                return span;
            }
            let inst = self.inst(scope.module);
            let Some(link) = &inst.parent else {
                return span;
            };
            let input = match e {
                Expression::Traversal(t) => match (&t.expr, t.operators.as_slice()) {
                    (Expression::Variable(v), [op]) if v.as_str() == "var" => match op.value() {
                        TraversalOperator::GetAttr(a) => Some(a.as_str()),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            };
            let call = self.decls_at(link.caller).module(&link.name);
            match (input, call) {
                (Some(name), Some(call)) => match call.block.body.get_attribute(name) {
                    Some(a) => {
                        e = &a.value;
                        span = span_of(call.file, &a.value);
                    }
                    None => return self.caller_block_span(scope.module, span),
                },
                _ => return self.caller_block_span(scope.module, span),
            }
            scope = link.scope.clone();
        }
        span
    }

    /// The `module` block, in the first module up the call chain that is not downloaded, that
    /// leads to module instance `m`; `span` when there is none.
    pub fn caller_block_span(&self, m: usize, span: Span) -> Span {
        let mut m = m;
        let mut span = span;
        for _ in 0..64 {
            if !self.downloaded(span.file) {
                return span;
            }
            let inst = self.inst(m);
            let Some(link) = &inst.parent else {
                return span;
            };
            if let Some(call) = self.decls_at(link.caller).module(&link.name) {
                span = header_span(call.file, call.block);
            }
            m = link.caller;
        }
        span
    }

    /// Whether a file is part of a module `terraform init` downloaded.
    pub(super) fn downloaded(&self, file: FileId) -> bool {
        self.files.as_ref().is_some_and(|f| {
            f.sources
                .get(file)
                .path
                .components()
                .any(|c| c.as_os_str() == ".terraform")
        })
    }
}
