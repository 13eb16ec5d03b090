use crate::diagnostic::Diagnostic;
use crate::rules::RuleContext;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let _ = (ctx, out);
}
