//! Type checking: the untyped expression tree becomes a typed tree whose paths are resolved
//! against the schema, and a `check` block (from the rule file's syntax tree, with positions)
//! becomes a [`Check`]. Every error carries the byte position in the rule file.

use ipnet::{Ipv4Net, Ipv6Net};

use super::expr::{self, CmpOp, Expr, ExprError, Lit, Path, Quant};
use super::schema::{self, Field, Kind, Scalar, Ty};
use super::value::{num, V};
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

/// A path resolved against the schema: a variable and the fields read from it.
#[derive(Debug, Clone, PartialEq)]
pub struct TPath {
    pub var: usize,
    pub steps: Vec<Field>,
    pub ty: Ty,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TExpr {
    Const(V),
    List(Vec<V>),
    Path(TPath),
    Not(Box<TExpr>),
    And(Box<TExpr>, Box<TExpr>),
    Or(Box<TExpr>, Box<TExpr>),
    Cmp(CmpOp, Box<TExpr>, Box<TExpr>),
    Matches(Box<TExpr>, String),
    Exists(TPath),
    Count(TPath),
    Distinct(TPath),
    /// Binds the next variable (index = number of variables in scope) to each entry of `over`.
    Quant {
        q: Quant,
        over: TPath,
        body: Box<TExpr>,
    },
}

/// Where a finding or a proof step is reported.
#[derive(Debug, Clone, PartialEq)]
pub enum At {
    /// Where the variable's entity was reached: the list entry that named it, or the entity's
    /// declaration for the root.
    Var(usize),
    /// The attribute a path ends at.
    Path(TPath),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    Expr(TExpr),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Template {
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProofStep {
    /// `for_each: s in function.subnets`: one step per entry (bound as the next variable).
    pub over: Option<TPath>,
    pub at: At,
    pub text: Template,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub root: Kind,
    /// The fields followed from the root; each binds the next variable.
    pub steps: Vec<Field>,
    pub condition: TExpr,
    pub report_at: At,
    pub message: Template,
    pub proof: Vec<ProofStep>,
    /// (Terraform, CloudFormation)
    pub fix: Option<(Template, Template)>,
    /// Findings whose `one_per` renders the same are one finding (one per function and cause,
    /// not one per subnet): the first names the others' places (the last variable bound).
    pub one_per: Option<Template>,
}

/// An error at a byte range of the rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub span: Span,
    pub message: String,
}

/// Variables in scope: name, type, and the canonical route from the check's root (for
/// matching `report_at` paths with the list a variable was taken from).
#[derive(Clone, Default)]
struct Scope {
    vars: Vec<(String, Scalar, Option<Vec<Field>>)>,
}

fn canonical(steps: &[Field]) -> Vec<Field> {
    steps
        .iter()
        .copied()
        .filter(|f| *f != Field::VpcConfig)
        .collect()
}

fn e<T>(at: usize, message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError {
        at,
        message: message.into(),
    })
}

impl Scope {
    fn path(&self, p: &Path) -> Result<TPath, ExprError> {
        let Some((first, at)) = p.segs.first() else {
            return e(0, "empty path");
        };
        let Some(var) = self.vars.iter().rposition(|(n, _, _)| n == first) else {
            let names: Vec<&str> = self.vars.iter().map(|v| v.0.as_str()).collect();
            return e(
                *at,
                format!("unknown name `{first}`; in scope: {}", names.join(", ")),
            );
        };
        let mut ty = Ty::One(self.vars[var].1);
        let mut steps = Vec::new();
        for (seg, at) in &p.segs[1..] {
            let Scalar::Ent(kind) = ty.scalar() else {
                return e(*at, format!("a {} has no field `{seg}`", ty.describe()));
            };
            let Some(def) = schema::field(kind, seg) else {
                return e(
                    *at,
                    format!(
                        "{} has no field `{seg}`; its fields are: {}",
                        kind.name(),
                        schema::names(kind).join(", ")
                    ),
                );
            };
            ty = match (ty, def.ty) {
                (Ty::One(_), t) => t,
                (Ty::Many(_), t) => Ty::Many(t.scalar()),
            };
            steps.push(def.field);
        }
        Ok(TPath { var, steps, ty })
    }

    /// The canonical route of a path from the root, when its variable has one.
    fn route(&self, p: &TPath) -> Option<Vec<Field>> {
        let mut r = self.vars.get(p.var)?.2.clone()?;
        r.extend(canonical(&p.steps));
        Some(r)
    }

    fn at(&self, p: &TPath) -> At {
        if p.steps.is_empty() {
            return At::Var(p.var);
        }
        // A path to the list a variable was taken from reports that variable's entry.
        let route = self.route(p);
        if let Some(i) = self
            .vars
            .iter()
            .position(|v| v.2.is_some() && v.2 == route && !v.2.as_ref().is_some_and(Vec::is_empty))
        {
            return At::Var(i);
        }
        At::Path(p.clone())
    }

    fn push(&mut self, name: &str, ty: Scalar, route: Option<Vec<Field>>) {
        self.vars.push((name.to_string(), ty, route));
    }

    fn cond(&mut self, x: &Expr) -> Result<TExpr, ExprError> {
        let (t, ty) = self.expr(x)?;
        if ty != Some(Ty::One(Scalar::Bool)) {
            return e(
                x.at(),
                format!("expected a condition, found a {}", describe(ty)),
            );
        }
        Ok(t)
    }

    fn expr(&mut self, x: &Expr) -> Result<(TExpr, Option<Ty>), ExprError> {
        Ok(match x {
            Expr::Lit(l, _) => lit(l),
            Expr::List(items, at) => {
                let mut vals = Vec::new();
                let mut elem: Option<Ty> = None;
                for (l, a) in items {
                    let (v, t) = lit(l);
                    if t.is_none() || (elem.is_some() && elem != t) {
                        return e(*a, "list entries must be literals of one type");
                    }
                    elem = t;
                    if let TExpr::Const(v) = v {
                        vals.push(v);
                    }
                }
                let Some(t) = elem else {
                    return e(
                        *at,
                        "an empty list is always false with `in`; remove the test",
                    );
                };
                (TExpr::List(vals), Some(Ty::Many(t.scalar())))
            }
            Expr::Path(p) => {
                let tp = self.path(p)?;
                let ty = tp.ty;
                (TExpr::Path(tp), Some(ty))
            }
            Expr::Not(inner, _) => (
                TExpr::Not(Box::new(self.cond(inner)?)),
                Some(Ty::One(Scalar::Bool)),
            ),
            Expr::And(a, b) => (
                TExpr::And(Box::new(self.cond(a)?), Box::new(self.cond(b)?)),
                Some(Ty::One(Scalar::Bool)),
            ),
            Expr::Or(a, b) => (
                TExpr::Or(Box::new(self.cond(a)?), Box::new(self.cond(b)?)),
                Some(Ty::One(Scalar::Bool)),
            ),
            Expr::Exists(p, _) => (TExpr::Exists(self.path(p)?), Some(Ty::One(Scalar::Bool))),
            Expr::Count(p, _) => (TExpr::Count(self.list(p)?), Some(Ty::One(Scalar::Int))),
            Expr::Distinct(p, _) => (TExpr::Distinct(self.list(p)?), Some(Ty::One(Scalar::Int))),
            Expr::Quant {
                q, var, over, body, ..
            } => {
                let over = self.list(over)?;
                if self.vars.iter().any(|v| v.0 == var.0) {
                    return e(var.1, format!("`{}` is already bound", var.0));
                }
                self.push(&var.0, over.ty.scalar(), None);
                let body = self.cond(body);
                self.vars.pop();
                let ty = match q {
                    Quant::Count => Ty::One(Scalar::Int),
                    _ => Ty::One(Scalar::Bool),
                };
                (
                    TExpr::Quant {
                        q: *q,
                        over,
                        body: Box::new(body?),
                    },
                    Some(ty),
                )
            }
            Expr::Cmp(op, a, b, at) => (self.compare(*op, a, b, *at)?, Some(Ty::One(Scalar::Bool))),
        })
    }

    fn list(&self, p: &Path) -> Result<TPath, ExprError> {
        let tp = self.path(p)?;
        if !matches!(tp.ty, Ty::Many(_)) {
            return e(
                p.at(),
                format!("`{}` is a {}, not a list", p.text(), tp.ty.describe()),
            );
        }
        Ok(tp)
    }

    fn compare(&mut self, op: CmpOp, a: &Expr, b: &Expr, at: usize) -> Result<TExpr, ExprError> {
        let (ta, tya) = self.expr(a)?;
        let (tb, tyb) = self.expr(b)?;
        let mismatch = || {
            e(
                at,
                format!(
                    "`{}` cannot compare a {} with a {}",
                    op.text(),
                    describe(tya),
                    describe(tyb)
                ),
            )
        };
        match op {
            CmpOp::Eq | CmpOp::Ne => {
                let tb = match (tya, tyb, tb) {
                    (Some(Ty::One(x)), Some(Ty::One(y)), tb) if x == y => tb,
                    (Some(Ty::One(_)), None, tb) | (None, Some(Ty::One(_)), tb) => tb,
                    (
                        Some(Ty::One(c @ (Scalar::Cidr4 | Scalar::Cidr6))),
                        Some(Ty::One(Scalar::Str)),
                        TExpr::Const(V::Str(s)),
                    ) => TExpr::Const(cidr(c, &s, b.at())?),
                    _ => return mismatch(),
                };
                Ok(TExpr::Cmp(op, Box::new(ta), Box::new(tb)))
            }
            CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
                if tya != Some(Ty::One(Scalar::Int)) || tyb != Some(Ty::One(Scalar::Int)) {
                    return mismatch();
                }
                Ok(TExpr::Cmp(op, Box::new(ta), Box::new(tb)))
            }
            CmpOp::In => match (tya, tyb) {
                (Some(Ty::One(x)), Some(Ty::Many(y))) if x == y => {
                    Ok(TExpr::Cmp(op, Box::new(ta), Box::new(tb)))
                }
                _ => mismatch(),
            },
            CmpOp::Matches => match (tya, tb) {
                (Some(Ty::One(Scalar::Str)), TExpr::Const(V::Str(glob))) => {
                    Ok(TExpr::Matches(Box::new(ta), glob))
                }
                (Some(Ty::One(Scalar::Str)), _) => {
                    e(b.at(), "`matches` takes a glob pattern in quotes: \"eu-*\"")
                }
                _ => mismatch(),
            },
            CmpOp::Within => {
                let tb = match (tya, tyb, tb) {
                    (Some(Ty::One(x @ (Scalar::Cidr4 | Scalar::Cidr6))), Some(Ty::One(y)), tb)
                        if x == y =>
                    {
                        tb
                    }
                    (
                        Some(Ty::One(c @ (Scalar::Cidr4 | Scalar::Cidr6))),
                        Some(Ty::One(Scalar::Str)),
                        TExpr::Const(V::Str(s)),
                    ) => TExpr::Const(cidr(c, &s, b.at())?),
                    _ => return mismatch(),
                };
                Ok(TExpr::Cmp(op, Box::new(ta), Box::new(tb)))
            }
        }
    }
}

fn describe(ty: Option<Ty>) -> String {
    ty.map_or_else(|| "null".to_string(), Ty::describe)
}

fn lit(l: &Lit) -> (TExpr, Option<Ty>) {
    match l {
        Lit::Str(s) => (TExpr::Const(V::Str(s.clone())), Some(Ty::One(Scalar::Str))),
        Lit::Int(n) => (TExpr::Const(num(*n)), Some(Ty::One(Scalar::Int))),
        Lit::Bool(b) => (TExpr::Const(V::Bool(*b)), Some(Ty::One(Scalar::Bool))),
        Lit::Null => (TExpr::Const(V::Null), None),
    }
}

fn cidr(kind: Scalar, s: &str, at: usize) -> Result<V, ExprError> {
    match kind {
        Scalar::Cidr6 => s
            .parse::<Ipv6Net>()
            .map(V::Cidr6)
            .or_else(|_| e(at, format!("`{s}` is not an IPv6 CIDR block"))),
        _ => s
            .parse::<Ipv4Net>()
            .map(V::Cidr4)
            .or_else(|_| e(at, format!("`{s}` is not an IPv4 CIDR block"))),
    }
}

// ---------------------------------------------------------------- the `check` block

/// Reads the `check` block (one check, or a list of checks).
pub fn checks(node: &Node, text: &str) -> Result<Vec<Check>, Error> {
    match &node.kind {
        NodeKind::Seq(items) if !items.is_empty() => items.iter().map(|n| check(n, text)).collect(),
        NodeKind::Map(_) => Ok(vec![check(node, text)?]),
        _ => Err(Error {
            span: node.span,
            message: "`check` is a mapping (for_each, where, report_at, message, ...) or a non-empty list of them".into(),
        }),
    }
}

struct Fields<'a> {
    node: &'a Node,
}

impl<'a> Fields<'a> {
    fn new(node: &'a Node, allowed: &[&str]) -> Result<Self, Error> {
        let NodeKind::Map(entries) = &node.kind else {
            return Err(Error {
                span: node.span,
                message: format!("expected a mapping with {}", allowed.join(", ")),
            });
        };
        for (k, _) in entries {
            if !allowed.contains(&k.text.as_str()) {
                return Err(Error {
                    span: k.span,
                    message: format!(
                        "unknown key `{}`, expected one of {}",
                        k.text,
                        allowed.join(", ")
                    ),
                });
            }
        }
        Ok(Fields { node })
    }
    fn opt(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }
    fn req(&self, key: &str) -> Result<&'a Node, Error> {
        self.opt(key).ok_or_else(|| Error {
            span: Span {
                end: self.node.span.start,
                ..self.node.span
            },
            message: format!("missing `{key}`"),
        })
    }
}

/// A scalar's text, and a function from offsets in that text to offsets in the file.
fn scalar<'a>(
    node: &'a Node,
    file: &'a str,
    what: &str,
) -> Result<(&'a str, impl Fn(usize) -> Span + 'a), Error> {
    let Some(s) = node.as_str() else {
        return Err(Error {
            span: node.span,
            message: format!("`{what}` must be a string"),
        });
    };
    let map = offset_map(node, s, file);
    let span = node.span;
    Ok((s, move |at: usize| {
        let o = map(at);
        Span {
            start: o,
            end: o.saturating_add(1).min(span.end.max(o)),
            ..span
        }
    }))
}

/// Maps an offset in a scalar's (unescaped) text to a file offset. The text is walked
/// alongside the source: a run of whitespace matches any run (block and folded scalars break
/// and indent lines), and a backslash escape matches the character it stands for. When the walk
/// fails, the scalar's start.
fn offset_map<'a>(node: &'a Node, text: &'a str, file: &'a str) -> impl Fn(usize) -> u32 + 'a {
    let start = node.span.start as usize;
    let src = file.get(node.span.range()).unwrap_or("");
    move |at: usize| {
        let at = at.min(text.len());
        if let Some(i) = src.find(text) {
            return (start + i + at) as u32;
        }
        walk(text, src, at).map_or(start as u32, |j| (start + j) as u32)
    }
}

fn walk(text: &str, src: &str, at: usize) -> Option<usize> {
    let first = text.split_whitespace().next()?;
    let t = text.as_bytes();
    let s = src.as_bytes();
    let mut i = text.find(first)?;
    let mut j = src.find(first)?;
    while i < at {
        let (a, b) = (t[i], *s.get(j)?);
        if a.is_ascii_whitespace() {
            while i < t.len() && t[i].is_ascii_whitespace() {
                i += 1;
            }
            while j < s.len() && s[j].is_ascii_whitespace() {
                j += 1;
            }
        } else if a == b {
            i += 1;
            j += 1;
        } else if b == b'\\' && s.get(j + 1) == Some(&a) {
            i += 1;
            j += 2;
        } else {
            return None;
        }
    }
    Some(j)
}

fn check(node: &Node, file: &str) -> Result<Check, Error> {
    let f = Fields::new(
        node,
        &[
            "for_each",
            "where",
            "report_at",
            "message",
            "proof",
            "fix",
            "one_per",
        ],
    )?;
    let wrap = |map: &dyn Fn(usize) -> Span, r: ExprError| Error {
        span: map(r.at),
        message: r.message,
    };

    // for_each: root kind and the followed fields, each binding a variable.
    let fe = f.req("for_each")?;
    let (text, map) = scalar(fe, file, "for_each")?;
    let path = expr::parse_path(text).map_err(|r| wrap(&map, r))?;
    let (root_name, root_at) = path.segs[0].clone();
    let Some(root) = Kind::root(&root_name) else {
        let roots: Vec<&str> = Kind::ROOTS.iter().map(|k| k.name()).collect();
        return Err(wrap(
            &map,
            ExprError {
                at: root_at,
                message: format!(
                    "`for_each` starts at one of {}, not `{root_name}`",
                    roots.join(", ")
                ),
            },
        ));
    };
    let mut scope = Scope::default();
    scope.push(root.name(), Scalar::Ent(root), Some(Vec::new()));
    let mut steps = Vec::new();
    let mut kind = root;
    for (seg, at) in &path.segs[1..] {
        let err = |m: String| {
            wrap(
                &map,
                ExprError {
                    at: *at,
                    message: m,
                },
            )
        };
        let Some(def) = schema::field(kind, seg) else {
            return Err(err(format!(
                "{} has no field `{seg}`; its fields are: {}",
                kind.name(),
                schema::names(kind).join(", ")
            )));
        };
        let Scalar::Ent(next) = def.ty.scalar() else {
            return Err(err(format!(
                "`for_each` follows entities; `{seg}` is a {}",
                def.ty.describe()
            )));
        };
        if scope.vars.iter().any(|v| v.0 == next.name()) {
            return Err(err(format!("`{}` would be bound twice", next.name())));
        }
        steps.push(def.field);
        scope.push(next.name(), Scalar::Ent(next), Some(canonical(&steps)));
        kind = next;
    }

    let w = f.req("where")?;
    let (text, map) = scalar(w, file, "where")?;
    let condition = expr::parse(text)
        .and_then(|x| scope.cond(&x))
        .map_err(|r| wrap(&map, r))?;

    let report_at = at(&scope, f.req("report_at")?, file, "report_at")?;
    let message = template(&mut scope, f.req("message")?, file)?;

    let mut proof = Vec::new();
    if let Some(p) = f.opt("proof") {
        let NodeKind::Seq(items) = &p.kind else {
            return Err(Error {
                span: p.span,
                message: "`proof` is a list of steps (at, text, optional for_each)".into(),
            });
        };
        for item in items {
            let pf = Fields::new(item, &["for_each", "at", "text"])?;
            let mut inner = scope.clone();
            let over = match pf.opt("for_each") {
                Some(n) => {
                    let (text, map) = scalar(n, file, "for_each")?;
                    let ((var, vat), path) =
                        expr::parse_binding(text).map_err(|r| wrap(&map, r))?;
                    let over = scope.list(&path).map_err(|r| wrap(&map, r))?;
                    if inner.vars.iter().any(|v| v.0 == var) {
                        return Err(wrap(
                            &map,
                            ExprError {
                                at: vat,
                                message: format!("`{var}` is already bound"),
                            },
                        ));
                    }
                    inner.push(&var, over.ty.scalar(), None);
                    Some(over)
                }
                None => None,
            };
            proof.push(ProofStep {
                over,
                at: at(&inner, pf.req("at")?, file, "at")?,
                text: template(&mut inner, pf.req("text")?, file)?,
            });
        }
    }

    let fix = match f.opt("fix") {
        Some(n) => {
            let ff = Fields::new(n, &["terraform", "cloudformation"])?;
            Some((
                template(&mut scope, ff.req("terraform")?, file)?,
                template(&mut scope, ff.req("cloudformation")?, file)?,
            ))
        }
        None => None,
    };

    let one_per = match f.opt("one_per") {
        Some(n) => Some(template(&mut scope, n, file)?),
        None => None,
    };

    Ok(Check {
        root,
        steps,
        condition,
        report_at,
        message,
        proof,
        fix,
        one_per,
    })
}

fn at(scope: &Scope, node: &Node, file: &str, what: &str) -> Result<At, Error> {
    let (text, map) = scalar(node, file, what)?;
    let path = expr::parse_path(text)
        .and_then(|p| scope.path(&p))
        .map_err(|r| Error {
            span: map(r.at),
            message: r.message,
        })?;
    Ok(scope.at(&path))
}

/// `text {{ expression }} text`: the expressions are typed like conditions' operands.
fn template(scope: &mut Scope, node: &Node, file: &str) -> Result<Template, Error> {
    let (text, map) = scalar(node, file, "text")?;
    let mut parts = Vec::new();
    let mut rest = 0;
    while let Some(open) = text[rest..].find("{{").map(|i| rest + i) {
        if open > rest {
            parts.push(Part::Text(text[rest..open].to_string()));
        }
        let Some(close) = text[open + 2..].find("}}").map(|i| open + 2 + i) else {
            return Err(Error {
                span: map(open),
                message: "`{{` without its `}}`".into(),
            });
        };
        let inner = &text[open + 2..close];
        let x = expr::parse(inner)
            .and_then(|x| scope.expr(&x))
            .map_err(|r| Error {
                span: map(open + 2 + r.at),
                message: r.message,
            })?;
        parts.push(Part::Expr(x.0));
        rest = close + 2;
    }
    if rest < text.len() {
        parts.push(Part::Text(text[rest..].to_string()));
    }
    Ok(Template { parts })
}
