//! `module` blocks: their instances (`count` / `for_each`), and `module.<name>...` references,
//! which evaluate only the outputs they name so that a module's unrelated outputs never drag
//! in cycles.

use std::collections::BTreeMap;
use std::rc::Rc;

use hcl_edit::expr::TraversalOperator;
use hcl_edit::Decorated;

use super::{fmt_num, respan, Val, MAX_INSTANCES};
use super::{
    for_each_entries, reason_or, Calls, Evaluator, Item, ModInst, ParentLink, Scope, Slot,
};
use crate::frontend::terraform::modules::Target;
use crate::model::Reason;
use crate::source::Span;

impl<'a> Evaluator<'a> {
    /// The instances of module block `name` in module instance `m`.
    pub fn module_calls(&self, m: usize, name: &str) -> Calls {
        let key = (m, name.to_string());
        match self.calls.borrow().get(&key) {
            Some(Slot::Done(c)) => return c.clone(),
            Some(Slot::InProgress) => return Calls::Unknown(Reason::new("cycle")),
            None => {}
        }
        self.calls
            .borrow_mut()
            .insert(key.clone(), Slot::InProgress);
        let c = self.compute_calls(m, name);
        self.calls.borrow_mut().insert(key, Slot::Done(c.clone()));
        c
    }

    fn compute_calls(&self, m: usize, name: &str) -> Calls {
        let Some(call) = self.decls_at(m).module(name) else {
            return Calls::Unknown(Reason::new(format!(
                "module `{name}` is not declared in this module"
            )));
        };
        let parent = self.inst(m);
        let target = self
            .nodes
            .get(parent.node)
            .and_then(|n| n.calls.get(name))
            .cloned()
            .unwrap_or_else(|| {
                Target::Unknown(Reason::new(format!("module `{name}` is not loaded")))
            });
        let node = match target {
            Target::Node(n) => n,
            Target::Unknown(r) => return Calls::Unknown(r),
        };
        let scope = Scope::at(call.file, m);
        let body = &call.block.body;
        let new_inst = |suffix: String, scope: Scope| -> usize {
            let inst = ModInst {
                node,
                prefix: format!("{}module.{name}{suffix}.", parent.prefix),
                parent: Some(ParentLink {
                    caller: m,
                    name: name.to_string(),
                    scope,
                }),
            };
            let mut insts = self.insts.borrow_mut();
            insts.push(Rc::new(inst));
            insts.len() - 1
        };
        if let Some(count) = body.get_attribute("count") {
            return match self.eval(&count.value, &scope) {
                Val::Num(n) if n >= 0.0 && n.fract() == 0.0 && (n as usize) <= MAX_INSTANCES => {
                    Calls::Count(
                        (0..n as usize)
                            .map(|i| {
                                let mut s = scope.clone();
                                s.count_index = Some(Val::Num(i as f64));
                                new_inst(format!("[{i}]"), s)
                            })
                            .collect(),
                    )
                }
                Val::Num(n) => Calls::Unknown(Reason::new(format!(
                    "`count` of module `{name}` is {} (not expanded)",
                    fmt_num(n)
                ))),
                v => Calls::Unknown(reason_or(
                    &v,
                    format!("`count` of module `{name}` is not a number"),
                )),
            };
        }
        if let Some(fe) = body.get_attribute("for_each") {
            return match for_each_entries(self.eval(&fe.value, &scope)) {
                Ok(entries) => Calls::ForEach(
                    entries
                        .into_iter()
                        .map(|(k, v)| {
                            let mut s = scope.clone();
                            s.each = Some((Val::Str(k.clone()), v));
                            let i = new_inst(format!("[{k:?}]"), s);
                            (k, i)
                        })
                        .collect(),
                ),
                Err(r) => {
                    Calls::Unknown(Reason::new(format!("`for_each` of module `{name}`: {r}")))
                }
            };
        }
        Calls::Single(new_inst(String::new(), scope))
    }

    /// Every module instance, callers before callees, in declaration order.
    pub fn module_instances(&self) -> Vec<usize> {
        let mut out = Vec::new();
        // Explicit stack: the static tree bounds the depth, the order stays depth-first.
        let mut stack = vec![0usize];
        while let Some(m) = stack.pop() {
            out.push(m);
            let mut children = Vec::new();
            for call in &self.decls_at(m).modules {
                match self.module_calls(m, call.name) {
                    Calls::Single(i) => children.push(i),
                    Calls::Count(v) => children.extend(v),
                    Calls::ForEach(v) => children.extend(v.into_iter().map(|(_, i)| i)),
                    Calls::Unknown(_) => {}
                }
            }
            stack.extend(children.into_iter().rev());
        }
        out
    }

    /// `module.<name>...`: consumes the name and, when they pick one output, the instance key
    /// and output name.
    pub(super) fn module_value(
        &self,
        name: &str,
        ops: &[Decorated<TraversalOperator>],
        scope: &Scope,
        span: Span,
    ) -> (Val, usize) {
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        let index = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::Index(ix)) => Some(self.eval(ix, scope)),
            Some(TraversalOperator::LegacyIndex(n)) => Some(Val::Num(*n.value() as f64)),
            _ => None,
        };
        // Findings point at the caller's reference, not into the module (which may be a
        // downloaded copy the user does not edit).
        let (v, used) = self.module_value_at(name, ops, scope, span, attr, index);
        (respan(v, span), used)
    }

    #[allow(clippy::too_many_arguments)]
    fn module_value_at<'o>(
        &self,
        name: &str,
        ops: &'o [Decorated<TraversalOperator>],
        scope: &Scope,
        span: Span,
        attr: impl Fn(usize) -> Option<&'o str>,
        index: impl Fn(usize) -> Option<Val>,
    ) -> (Val, usize) {
        match self.module_calls(scope.module, name) {
            Calls::Unknown(r) => (Val::Unknown(r), ops.len()),
            Calls::Single(c) => match attr(1) {
                Some(o) => (self.output(c, o), 2),
                None => (self.outputs_object(c, span), 1),
            },
            Calls::Count(v) => match (index(1), attr(2)) {
                (Some(k), Some(o)) => {
                    let picked = match &k {
                        Val::Num(n) if *n >= 0.0 && n.fract() == 0.0 => v.get(*n as usize).copied(),
                        _ => None,
                    };
                    match picked {
                        Some(c) => (self.output(c, o), 3),
                        None => (
                            Val::Unknown(reason_or(
                                &k,
                                format!("no instance of module `{name}` at this index"),
                            )),
                            ops.len(),
                        ),
                    }
                }
                _ => (
                    Val::List(
                        v.into_iter()
                            .map(|c| Item {
                                val: self.outputs_object(c, span),
                                span,
                            })
                            .collect(),
                    ),
                    1,
                ),
            },
            Calls::ForEach(v) => match (index(1), attr(2)) {
                (Some(k), Some(o)) => {
                    let picked = k
                        .as_str()
                        .and_then(|k| v.iter().find(|(key, _)| *key == k).map(|(_, c)| *c));
                    match picked {
                        Some(c) => (self.output(c, o), 3),
                        None => (
                            Val::Unknown(reason_or(
                                &k,
                                format!("no instance of module `{name}` with this key"),
                            )),
                            ops.len(),
                        ),
                    }
                }
                _ => (
                    Val::Map(
                        v.into_iter()
                            .map(|(k, c)| {
                                let item = Item {
                                    val: self.outputs_object(c, span),
                                    span,
                                };
                                (k, item)
                            })
                            .collect::<BTreeMap<_, _>>(),
                    ),
                    1,
                ),
            },
        }
    }

    /// All outputs of a module instance, as an object.
    fn outputs_object(&self, m: usize, span: Span) -> Val {
        let decls = self.decls_at(m);
        let mut out = BTreeMap::new();
        for (name, block) in &decls.outputs {
            let span = block
                .body
                .get_attribute("value")
                .and_then(|a| {
                    decls
                        .output_index
                        .get(name)
                        .map(|(f, _)| self.span(&Scope::at(*f, m), &a.value))
                })
                .unwrap_or(span);
            out.insert(
                name.to_string(),
                Item {
                    val: self.output(m, name),
                    span,
                },
            );
        }
        Val::Map(out)
    }
}
