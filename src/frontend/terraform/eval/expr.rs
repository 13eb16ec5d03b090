//! Expression forms: literals, collections, templates, operators, conditionals, `for`
//! expressions and traversals (references, attribute access, indexes, splats).

use std::collections::BTreeMap;

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Decorated;

use super::budget::{weight, NODE};
use super::value::ref_text;
use super::{reason_or, Evaluator, Item, Scope, Val, HOLE};
use crate::model::Reason;
use crate::source::Span;

impl Evaluator<'_> {
    pub(super) fn eval_inner(&self, e: &Expression, scope: &Scope) -> Val {
        match e {
            Expression::Null(_) => Val::Null,
            Expression::Bool(b) => Val::Bool(*b.value()),
            Expression::Number(n) => number_literal(n),
            Expression::String(s) => Val::Str(s.value().to_string()),
            Expression::Array(a) => self.array(a, scope),
            Expression::Object(o) => {
                let mut m = BTreeMap::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(Expression::Variable(id)) => id.as_str().to_string(),
                        ObjectKey::Expression(x) => match self.eval(x, scope) {
                            v @ (Val::Str(_) | Val::Num(_) | Val::Bool(_)) => {
                                v.as_str().unwrap_or_default()
                            }
                            other => {
                                return Val::Unknown(reason_or(
                                    &other,
                                    "an object key is not a string".into(),
                                ))
                            }
                        },
                    };
                    let span = self.span(scope, v.expr());
                    if !self.budget.charge(NODE + key.len(), span) {
                        return self.over_budget(span);
                    }
                    let item = Item {
                        val: self.eval(v.expr(), scope),
                        span,
                    };
                    m.insert(key, item);
                }
                Val::Map(m)
            }
            Expression::StringTemplate(t) => self.template(t, scope),
            Expression::HeredocTemplate(h) => self.template(&h.template, scope),
            Expression::Parenthesis(p) => self.eval(p.inner(), scope),
            Expression::Variable(v) => self.bare_name(v, scope),
            Expression::Conditional(c) => match self.eval(&c.cond_expr, scope) {
                Val::Bool(true) => self.eval(&c.true_expr, scope),
                Val::Bool(false) => self.eval(&c.false_expr, scope),
                other => Val::Unknown(reason_or(&other, "condition is not a bool".into())),
            },
            Expression::FuncCall(f) => self.call(f, scope),
            Expression::Traversal(t) => {
                let span = self.span(scope, t.as_ref());
                self.traversal(&t.expr, &t.operators, scope, span)
            }
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr, scope);
                match (u.operator.value(), v) {
                    (UnaryOperator::Not, Val::Bool(b)) => Val::Bool(!b),
                    (UnaryOperator::Neg, Val::Num(n)) => Val::Num(-n),
                    (_, other) => Val::Unknown(reason_or(&other, "invalid operand".into())),
                }
            }
            Expression::BinaryOp(b) => {
                self.binary(b.operator.value(), &b.lhs_expr, &b.rhs_expr, scope)
            }
            Expression::ForExpr(f) => self.for_expr(f, scope),
        }
    }

    /// A list literal. An element written as a lone interpolation (`"${x}"`, Terraform 0.11
    /// style) is the value of `x` itself, and Terraform 0.11 spliced it in when that value is
    /// a list (`subnet_ids = ["${module.net.subnet_ids}"]`): a known list is flattened, and
    /// an unknown value (which may be a list of any length) makes the length of the whole
    /// list unknown. Keeping it as one element would invent a count ("a single subnet").
    fn array(&self, a: &hcl_edit::expr::Array, scope: &Scope) -> Val {
        let mut items = Vec::new();
        for x in a.iter() {
            let span = self.span(scope, x);
            // The element itself is charged by its own evaluation; the list holds one more item.
            if !self.budget.charge(NODE, span) {
                return self.over_budget(span);
            }
            let val = self.eval(x, scope);
            if lone_interpolation(x) {
                match val {
                    Val::List(inner) => {
                        if !self.budget.charge(NODE.saturating_mul(inner.len()), span) {
                            return self.over_budget(span);
                        }
                        items.extend(inner);
                        continue;
                    }
                    Val::Unknown(r) => {
                        return Val::Unknown(Reason::new(format!(
                            "the number of elements is unknown: an element may be a list ({r})"
                        )))
                    }
                    v @ Val::AwsZones { index: None, .. } => {
                        let r = v
                            .unknown_reason()
                            .map(|r| r.to_string())
                            .unwrap_or_default();
                        return Val::Unknown(Reason::new(format!(
                            "the number of elements is unknown: an element is a list ({r})"
                        )));
                    }
                    val => items.push(Item { val, span }),
                }
            } else {
                items.push(Item { val, span });
            }
        }
        Val::List(items)
    }

    fn bare_name(&self, v: &Decorated<hcl_edit::Ident>, scope: &Scope) -> Val {
        let name = v.as_str();
        if let Some((_, val)) = scope.vars.iter().rev().find(|(n, _)| n == name) {
            return val.clone();
        }
        Val::unknown(format!("`{name}` cannot be used as a value here"))
    }

    fn binary(
        &self,
        op: &BinaryOperator,
        lhs: &Expression,
        rhs: &Expression,
        scope: &Scope,
    ) -> Val {
        use BinaryOperator as B;
        let l = self.eval(lhs, scope);
        // `false && x` and `true || x` are decided whatever `x` is.
        match (op, &l) {
            (B::And, Val::Bool(false)) => return Val::Bool(false),
            (B::Or, Val::Bool(true)) => return Val::Bool(true),
            _ => {}
        }
        let r = self.eval(rhs, scope);
        match op {
            B::Eq | B::NotEq => match l.equals(&r) {
                Some(eq) => Val::Bool(eq == matches!(op, B::Eq)),
                // `x != null` where `x` is unknown but certainly not null.
                None if (r.is_null() && self.certainly_not_null(lhs, scope))
                    || (l.is_null() && self.certainly_not_null(rhs, scope)) =>
                {
                    Val::Bool(matches!(op, B::NotEq))
                }
                None => Val::Unknown(first_reason(&l, &r, "comparison of unknown values")),
            },
            B::And | B::Or => match (&l, &r) {
                (Val::Bool(a), Val::Bool(b)) => Val::Bool(if matches!(op, B::And) {
                    *a && *b
                } else {
                    *a || *b
                }),
                (_, Val::Bool(false)) if matches!(op, B::And) => Val::Bool(false),
                (_, Val::Bool(true)) if matches!(op, B::Or) => Val::Bool(true),
                _ => Val::Unknown(first_reason(&l, &r, "logical operator on non-bool values")),
            },
            _ => {
                let (Some(a), Some(b)) = (number(&l), number(&r)) else {
                    return Val::Unknown(first_reason(&l, &r, "arithmetic on non-numbers"));
                };
                let exact = |op: char| match super::numbers::arith(op, a, b) {
                    Some(r) => Val::Num(r),
                    None => Val::unknown(format!(
                        "`{} {op} {}` is not exact in 64-bit floating point (Terraform's \
                         numbers are arbitrary-precision)",
                        super::fmt_num(a),
                        super::fmt_num(b)
                    )),
                };
                match op {
                    B::Plus => exact('+'),
                    B::Minus => exact('-'),
                    B::Mul => exact('*'),
                    B::Div if b != 0.0 => exact('/'),
                    B::Mod if b != 0.0 => Val::Num(a % b),
                    B::Less => Val::Bool(a < b),
                    B::LessEq => Val::Bool(a <= b),
                    B::Greater => Val::Bool(a > b),
                    B::GreaterEq => Val::Bool(a >= b),
                    _ => Val::unknown("division by zero"),
                }
            }
        }
    }

    fn for_expr(&self, f: &hcl_edit::expr::ForExpr, scope: &Scope) -> Val {
        let span = self.span(scope, f);
        let entries: Vec<(Val, Val)> = match self.eval(&f.intro.collection_expr, scope) {
            Val::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, it)| (Val::Num(i as f64), it.val))
                .collect(),
            Val::Map(m) => m.into_iter().map(|(k, it)| (Val::Str(k), it.val)).collect(),
            Val::Null => return Val::unknown("`for` over null"),
            other => {
                return Val::Unknown(reason_or(
                    &other,
                    format!("`for` over a {}", other.type_name()),
                ))
            }
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Item> = BTreeMap::new();
        // One copy of the scope for the whole loop (its variables may be large), charged.
        if !self
            .budget
            .charge(vars_weight(scope, self.budget.remaining()), span)
        {
            return self.over_budget(span);
        }
        let mut s = scope.clone();
        let outer = s.vars.len();
        for (k, v) in entries {
            s.vars.truncate(outer);
            if let Some(kv) = &f.intro.key_var {
                s.vars.push((kv.as_str().to_string(), k));
            }
            s.vars.push((f.intro.value_var.as_str().to_string(), v));
            if let Some(cond) = &f.cond {
                match self.eval(&cond.expr, &s) {
                    Val::Bool(true) => {}
                    Val::Bool(false) => continue,
                    other => {
                        return Val::Unknown(reason_or(
                            &other,
                            "`for` condition is not a bool".into(),
                        ))
                    }
                }
            }
            if !self.budget.charge(NODE, span) {
                return self.over_budget(span);
            }
            let val = self.eval(&f.value_expr, &s);
            match &f.key_expr {
                None => list.push(Item { val, span }),
                Some(kx) => {
                    let key = match self.eval(kx, &s).as_str() {
                        Some(k) => k,
                        None => return Val::unknown("a `for` key cannot be resolved"),
                    };
                    if f.grouping {
                        let entry = map.entry(key).or_insert(Item {
                            val: Val::List(Vec::new()),
                            span,
                        });
                        if let Val::List(l) = &mut entry.val {
                            l.push(Item { val, span });
                        }
                    } else if map.insert(key.clone(), Item { val, span }).is_some() {
                        return Val::unknown(format!(
                            "duplicate key `{key}` in a `for` expression"
                        ));
                    }
                }
            }
        }
        if f.key_expr.is_some() {
            Val::Map(map)
        } else {
            Val::List(list)
        }
    }

    /// A string template; unknown interpolations become holes.
    pub(super) fn template(&self, t: &Template, scope: &Scope) -> Val {
        // HCL unwraps a template that is a single interpolation: `"${aws_iam_role.r.arn}"` is
        // the reference itself, not a string built from it.
        if let Some(Element::Interpolation(i)) = t.as_single_element() {
            return self.eval(&i.expr, scope);
        }
        let mut text = String::new();
        let mut reason: Option<Reason> = None;
        let at = self.span(scope, t);
        self.template_into(t, scope, &mut text, &mut reason, 0, at);
        match reason {
            None => Val::Str(text),
            // Cut short by the budget: the text would be a run of holes; the reason matters.
            Some(reason) if reason.0.starts_with(super::functions::BUDGET) => Val::Unknown(reason),
            Some(reason) => Val::Partial { text, reason },
        }
    }

    fn template_into(
        &self,
        t: &Template,
        scope: &Scope,
        text: &mut String,
        reason: &mut Option<Reason>,
        depth: u32,
        at: Span,
    ) {
        let hole = |text: &mut String, r: Reason, reason: &mut Option<Reason>| {
            text.push(HOLE);
            reason.get_or_insert(r);
        };
        if depth > 8 {
            hole(
                text,
                Reason::new("template directives nested too deeply"),
                reason,
            );
            return;
        }
        for el in t.iter() {
            match el {
                Element::Literal(s) => {
                    if !self.room_for(text, s.value().len(), at) {
                        return hole(text, self.over_budget_reason(at), reason);
                    }
                    text.push_str(s.value())
                }
                Element::Interpolation(i) => match self.eval(&i.expr, scope) {
                    Val::Partial {
                        text: t2,
                        reason: r,
                    } => {
                        if !self.room_for(text, t2.len(), at) {
                            return hole(text, self.over_budget_reason(at), reason);
                        }
                        text.push_str(&t2);
                        reason.get_or_insert(r);
                    }
                    v => match v.as_str().or_else(|| json_text(&v)) {
                        Some(s) if !self.room_for(text, s.len(), at) => {
                            return hole(text, self.over_budget_reason(at), reason);
                        }
                        Some(s) => text.push_str(&s),
                        None => hole(
                            text,
                            reason_or(&v, format!("a {} inside a string", v.type_name())),
                            reason,
                        ),
                    },
                },
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => match self.eval(&ifd.if_expr.cond_expr, scope) {
                        Val::Bool(true) => self.template_into(
                            &ifd.if_expr.template,
                            scope,
                            text,
                            reason,
                            depth + 1,
                            at,
                        ),
                        Val::Bool(false) => {
                            if let Some(e) = &ifd.else_expr {
                                self.template_into(&e.template, scope, text, reason, depth + 1, at);
                            }
                        }
                        other => hole(
                            text,
                            reason_or(&other, "template condition is not a bool".into()),
                            reason,
                        ),
                    },
                    Directive::For(fd) => {
                        let fe = &fd.for_expr;
                        let entries: Vec<(Val, Val)> = match self.eval(&fe.collection_expr, scope) {
                            Val::List(items) => items
                                .into_iter()
                                .enumerate()
                                .map(|(i, it)| (Val::Num(i as f64), it.val))
                                .collect(),
                            Val::Map(m) => {
                                m.into_iter().map(|(k, it)| (Val::Str(k), it.val)).collect()
                            }
                            other => {
                                hole(
                                    text,
                                    reason_or(
                                        &other,
                                        "template `for` over a non-collection".into(),
                                    ),
                                    reason,
                                );
                                continue;
                            }
                        };
                        if !self
                            .budget
                            .charge(vars_weight(scope, self.budget.remaining()), at)
                        {
                            return hole(text, self.over_budget_reason(at), reason);
                        }
                        let mut s = scope.clone();
                        let outer = s.vars.len();
                        for (k, v) in entries {
                            s.vars.truncate(outer);
                            if let Some(kv) = &fe.key_var {
                                s.vars.push((kv.as_str().to_string(), k));
                            }
                            s.vars.push((fe.value_var.as_str().to_string(), v));
                            self.template_into(&fe.template, &s, text, reason, depth + 1, at);
                            if self.budget.exhausted().is_some() {
                                return;
                            }
                        }
                    }
                },
            }
        }
    }

    /// A traversal: resolves the root name (consuming the operators that belong to it, such as
    /// `var.x` or `aws_subnet.a`), then applies the remaining operators.
    pub(super) fn traversal(
        &self,
        root: &Expression,
        ops: &[Decorated<TraversalOperator>],
        scope: &Scope,
        span: Span,
    ) -> Val {
        let (val, used) = match root {
            Expression::Variable(v) => self.root(v.as_str(), ops, scope, span),
            other => (self.eval(other, scope), 0),
        };
        self.apply_ops(val, ops.get(used..).unwrap_or(&[]), scope, span)
    }

    fn root(
        &self,
        name: &str,
        ops: &[Decorated<TraversalOperator>],
        scope: &Scope,
        span: Span,
    ) -> (Val, usize) {
        if let Some((_, v)) = scope.vars.iter().rev().find(|(n, _)| n == name) {
            return (v.clone(), 0);
        }
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        match (name, attr(0)) {
            ("var", Some(v)) => (self.variable(scope.module, v), 1),
            ("local", Some(l)) => (self.local(scope.module, l), 1),
            ("count", Some("index")) => (
                scope
                    .count_index
                    .clone()
                    .unwrap_or_else(|| Val::unknown("`count.index` outside a counted resource")),
                1,
            ),
            ("each", Some(k @ ("key" | "value"))) => (
                match &scope.each {
                    Some((key, value)) => {
                        if k == "key" {
                            key.clone()
                        } else {
                            value.clone()
                        }
                    }
                    None => Val::unknown("`each` outside a resource with `for_each`"),
                },
                1,
            ),
            ("path", Some(which)) => (self.path_value(which, scope), 1),
            ("terraform", Some(_)) => (
                Val::unknown("`terraform.workspace` is chosen at run time"),
                1,
            ),
            ("module", Some(m)) => self.module_value(m, ops, scope, span),
            ("self", _) => (Val::unknown("`self` is known only after apply"), ops.len()),
            ("data", Some(kind)) => match attr(1) {
                Some(n) => (self.data_value(scope.module, kind, n), 2),
                None => (Val::unknown("incomplete data source reference"), ops.len()),
            },
            (kind, Some(n)) => match self.decls_at(scope.module).resource(kind, n) {
                Some(res) => (self.resource_value(res, scope.module, span), 1),
                None => (
                    Val::unknown(format!("`{kind}.{n}` is not declared in this module")),
                    ops.len(),
                ),
            },
            (other, None) => (
                Val::unknown(format!("`{other}` cannot be used as a value here")),
                ops.len(),
            ),
        }
    }

    fn apply_ops(
        &self,
        mut val: Val,
        ops: &[Decorated<TraversalOperator>],
        scope: &Scope,
        span: Span,
    ) -> Val {
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            if let Val::Unknown(_) = val {
                return val;
            }
            match op.value() {
                TraversalOperator::GetAttr(a) => val = get_attr(self, val, a.as_str()),
                TraversalOperator::Index(ix) => {
                    let k = self.eval(ix, scope);
                    val = index(self, val, &k);
                }
                TraversalOperator::LegacyIndex(n) => {
                    val = index(self, val, &Val::Num(*n.value() as f64))
                }
                TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_) => {
                    // `[*]` applies every following operator to each element; `.*` only the
                    // attribute accesses right after it.
                    let rest = ops.get(i + 1..).unwrap_or(&[]);
                    let n = if matches!(op.value(), TraversalOperator::FullSplat(_)) {
                        rest.len()
                    } else {
                        rest.iter()
                            .take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_)))
                            .count()
                    };
                    let each = rest.get(..n).unwrap_or(&[]);
                    let elements = match val {
                        Val::List(items) => items,
                        Val::Null => Vec::new(),
                        Val::Ref(r) if r.uncertain => {
                            return Val::unknown(format!(
                                "the number of instances of `{}` is unknown",
                                ref_text(&r)
                            ))
                        }
                        v @ Val::Unknown(_) => return v,
                        Val::Map(_) => return Val::unknown("splat over a map"),
                        other => vec![Item { val: other, span }],
                    };
                    val = Val::List(
                        elements
                            .into_iter()
                            .map(|it| Item {
                                val: self.apply_ops(it.val, each, scope, span),
                                span,
                            })
                            .collect(),
                    );
                    i += n;
                }
            }
            i += 1;
        }
        val
    }
}

fn get_attr(ev: &Evaluator<'_>, val: Val, name: &str) -> Val {
    match val {
        Val::Map(mut m) => match m.remove(name) {
            Some(item) => item.val,
            None => Val::unknown(format!("no attribute `{name}`")),
        },
        Val::Ref(r) if r.attr.is_none() => ev.resource_attr(&r, name),
        Val::Ref(r) => Val::unknown(format!(
            "`{}.{name}` is known only after apply",
            ref_text(&r)
        )),
        Val::Unknown(r) => Val::Unknown(r),
        other => Val::unknown(format!("a {} has no attribute `{name}`", other.type_name())),
    }
}

fn index(ev: &Evaluator<'_>, val: Val, key: &Val) -> Val {
    if let Some(v) = super::zones::index(&val, key) {
        return v;
    }
    match (val, key) {
        (v @ Val::Unknown(_), _) => v,
        (_, k @ (Val::Unknown(_) | Val::Partial { .. } | Val::Ref(_))) => {
            Val::Unknown(reason_or(k, "index cannot be resolved".into()))
        }
        (Val::List(items), Val::Num(n)) if *n >= 0.0 && n.fract() == 0.0 => {
            match items.into_iter().nth(*n as usize) {
                Some(it) => it.val,
                None => Val::unknown("index out of range"),
            }
        }
        (Val::Map(mut m), k) => match k.as_str().and_then(|k| m.remove(&k)) {
            Some(it) => it.val,
            None => Val::unknown("no such key"),
        },
        // `aws_vpc_endpoint.e["prefix_list_id"]`: an object's attribute by name.
        (Val::Ref(r), Val::Str(k)) if r.attr.is_none() && !r.uncertain => {
            get_attr(ev, Val::Ref(r), k)
        }
        // Every instance of a resource with an unknown count is the same modelled entity.
        (Val::Ref(r), _) if r.uncertain => Val::Ref(r),
        (other, _) => Val::unknown(format!("cannot index a {}", other.type_name())),
    }
}

impl Evaluator<'_> {
    /// Whether a template's text may grow by `more` bytes: within the longest string a function
    /// may build and the unit's budget (charged here, before the text grows).
    fn room_for(&self, text: &str, more: usize, at: Span) -> bool {
        text.len().saturating_add(more) <= super::functions::MAX_STRING
            && self.budget.charge(more, at)
    }

    fn over_budget_reason(&self, at: Span) -> Reason {
        match self.over_budget(at) {
            Val::Unknown(r) => r,
            _ => Reason::new("evaluation budget exceeded"),
        }
    }
}

/// What copying a scope's variables costs (up to `cap`).
fn vars_weight(scope: &Scope, cap: usize) -> usize {
    let mut total = 0usize;
    for (name, v) in &scope.vars {
        total = total.saturating_add(name.len() + weight(v, cap));
        if total > cap {
            break;
        }
    }
    total
}

/// `"${x}"`: a string template that is one interpolation and nothing else.
fn lone_interpolation(e: &Expression) -> bool {
    matches!(e, Expression::StringTemplate(t)
        if matches!(t.as_single_element(), Some(Element::Interpolation(_))))
}

fn number(v: &Val) -> Option<f64> {
    match v {
        Val::Num(n) => Some(*n),
        Val::Str(s) => super::numbers::exact(s),
        _ => None,
    }
}

/// A number literal, when `f64` holds it exactly (`9007199254740993` and `1e23` would be
/// rounded: unknown, never a wrong number).
fn number_literal(lit: &hcl_edit::Formatted<hcl_edit::Number>) -> Val {
    if let Some(text) = crate::syntax::hcl::wide_literal(lit) {
        // A literal of digits, sign, point and exponent (ASCII): long ones are cut.
        let shown = match text.get(..40) {
            Some(head) if text.len() > 40 => format!("{head}…"),
            _ => text.to_string(),
        };
        return Val::unknown(format!(
            "the number `{shown}` is beyond 64-bit floating point (Terraform's numbers are \
             arbitrary-precision)"
        ));
    }
    let n: &hcl_edit::Number = lit;
    let inexact = |text: &str| {
        Val::unknown(format!(
            "the number `{text}` is not exact in 64-bit floating point (Terraform's numbers are \
             arbitrary-precision)"
        ))
    };
    // The text decides when the parser kept it: the parsed value may be rounded, even to an
    // integer (`1e-400` parses as 0). Negative literals: `-`, spaces, then the number.
    if let Some(text) = lit.as_repr().map(|r| r.replace(char::is_whitespace, "")) {
        if !text.is_empty() {
            return super::numbers::exact(&text).map_or_else(|| inexact(&text), Val::Num);
        }
    }
    if let Some(u) = n.as_u64() {
        let f = u as f64;
        return if f < 18_446_744_073_709_551_616.0 && f as u64 == u {
            Val::Num(f)
        } else {
            inexact(&n.to_string())
        };
    }
    if let Some(i) = n.as_i64() {
        let f = i as f64;
        return if f >= -9_223_372_036_854_775_808.0 && f as i64 == i {
            Val::Num(f)
        } else {
            inexact(&n.to_string())
        };
    }
    // Else its shortest text is what was written when the value was exact and short.
    match n.as_f64() {
        Some(f)
            if super::numbers::exact(&f.to_string()) == Some(f)
                && f.abs() <= super::numbers::EXACT =>
        {
            Val::Num(f)
        }
        _ => inexact(&n.to_string()),
    }
}

fn first_reason(a: &Val, b: &Val, fallback: &str) -> Reason {
    a.unknown_reason()
        .or_else(|| b.unknown_reason())
        .unwrap_or_else(|| Reason::new(fallback))
}

/// The text of a `jsonencode(...)` value inside a template (as Terraform writes it: compact),
/// when everything in it is known. Depth-capped like the evaluator.
fn json_text(v: &Val) -> Option<String> {
    fn to_json(v: &Val, depth: u32) -> Option<serde_json::Value> {
        if depth > 64 {
            return None;
        }
        Some(match v {
            Val::Null => serde_json::Value::Null,
            Val::Bool(b) => serde_json::Value::Bool(*b),
            Val::Num(n) => serde_json::Number::from_f64(*n)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Val::Str(s) => serde_json::Value::String(s.clone()),
            Val::List(items) => serde_json::Value::Array(
                items
                    .iter()
                    .map(|i| to_json(&i.val, depth + 1))
                    .collect::<Option<_>>()?,
            ),
            Val::Map(map) => serde_json::Value::Object(
                map.iter()
                    .map(|(k, i)| Some((k.clone(), to_json(&i.val, depth + 1)?)))
                    .collect::<Option<_>>()?,
            ),
            Val::Json(inner) => to_json(inner, depth + 1)?,
            Val::Partial { .. } | Val::Ref(_) | Val::Unknown(_) | Val::AwsZones { .. } => {
                return None
            }
        })
    }
    match v {
        Val::Json(inner) => to_json(inner, 0).map(|j| j.to_string()),
        _ => None,
    }
}
