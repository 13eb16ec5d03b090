//! Evaluation of property values: literals, intrinsic functions in their long (`{"Fn::Sub": …}`)
//! and short (`!Sub …`) forms, parameters, mappings and conditions. What cannot be known offline
//! becomes [`Ev::Unknown`] with a reason; strings with unknown pieces become [`Ev::Partial`].

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use super::parameters;
use super::template::{full_span, Template};
use crate::model::{Pattern, Reason, Value};
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

/// Intrinsics nest shallowly in real templates; the cap bounds hostile input.
const MAX_DEPTH: usize = 48;

/// Evaluation steps allowed for one value: `Fn::If` on an unknown condition evaluates both
/// branches, so nested ones could otherwise take exponential time.
const MAX_STEPS: usize = 100_000;

/// A reference to a resource of the template (`Ref X`, `Fn::GetAtt X.Attr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResRef {
    pub logical: String,
    /// `None` for `Ref`; the attribute for `Fn::GetAtt` (`"?"` when it is itself unknown).
    pub attr: Option<String>,
}

impl ResRef {
    pub fn describe(&self) -> String {
        match &self.attr {
            None => format!("`{}`", self.logical),
            Some(a) => format!("`{}.{}`", self.logical, a),
        }
    }

    /// Why the value is not known offline.
    pub fn deploy_time(&self) -> Reason {
        match &self.attr {
            None => Reason::new(format!(
                "the id of `{}` is only known after deployment",
                self.logical
            )),
            Some(_) => Reason::new(format!(
                "{} is only known after deployment",
                self.describe()
            )),
        }
    }
}

/// A string with unknown pieces, written as `*` in `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Partial {
    pub text: String,
    /// Why the first unknown piece is unknown.
    pub reason: Reason,
    /// Resources referenced inside the string.
    pub refs: Vec<ResRef>,
}

/// An evaluated value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ev<'a> {
    /// Any scalar (numbers and booleans as their text).
    Str(String),
    List(Vec<Item<'a>>),
    /// A mapping; its values are evaluated when read.
    Map(&'a Node),
    Res(ResRef),
    Partial(Partial),
    Unknown(Reason),
    /// `AWS::NoValue`, or an explicit null: the property is absent.
    NoValue,
}

/// A list element with the span to report it at.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item<'a> {
    pub value: Ev<'a>,
    pub span: Span,
}

impl<'a> Ev<'a> {
    pub fn unknown(reason: impl Into<String>) -> Self {
        Ev::Unknown(Reason::new(reason))
    }

    /// The value as a plain string; references and partial strings are unknown.
    pub fn as_string(&self) -> Value<String> {
        match self {
            Ev::Str(s) => Value::Known(s.clone()),
            Ev::Partial(p) => Value::Unknown(p.reason.clone()),
            Ev::Res(r) => Value::Unknown(r.deploy_time()),
            Ev::Unknown(r) => Value::Unknown(r.clone()),
            Ev::List(_) | Ev::Map(_) => {
                Value::unknown("expected a string, found a list or mapping")
            }
            Ev::NoValue => Value::unknown("no value"),
        }
    }

    /// The value as a pattern: unknown pieces become `*`.
    pub fn as_pattern(&self) -> Value<Pattern> {
        match self {
            Ev::Str(s) => Value::Known(Pattern::exact(s.clone())),
            Ev::Partial(p) => Value::Known(Pattern {
                text: p.text.clone(),
                exact: false,
            }),
            other => other.as_string().map(Pattern::exact),
        }
    }

    /// The value as a boolean (CloudFormation accepts `true`/`false` in any case, quoted or not).
    pub fn as_bool(&self) -> Value<bool> {
        match self.as_string() {
            Value::Known(s) if s.eq_ignore_ascii_case("true") => Value::Known(true),
            Value::Known(s) if s.eq_ignore_ascii_case("false") => Value::Known(false),
            Value::Known(s) => Value::unknown(format!("`{s}` is not a boolean")),
            Value::Unknown(r) => Value::Unknown(r),
        }
    }

    /// The resources a value references, directly or inside a string.
    pub fn refs(&self) -> Vec<&ResRef> {
        match self {
            Ev::Res(r) => vec![r],
            Ev::Partial(p) => p.refs.iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// The evaluator of one template. Conditions are memoised, so shared sub-conditions are
/// evaluated once and cycles end as unknown.
pub(crate) struct Eval<'t, 'a> {
    pub tpl: &'t Template<'a>,
    conditions: RefCell<HashMap<String, Option<Value<bool>>>>,
    /// Resources whose `Condition` is false: they do not exist.
    absent: HashMap<&'a str, &'a str>,
    /// Logical ids the SAM transform adds (`<Function>Role`), which templates may reference.
    implied: Vec<String>,
    /// Steps taken by the current top-level evaluation (see [`MAX_STEPS`]).
    steps: Cell<usize>,
    /// Named conditions being evaluated right now: a chain of conditions referring to the next
    /// would otherwise recurse once per condition.
    cond_depth: Cell<usize>,
}

/// Builds the string of `Fn::Sub` / `Fn::Join` piece by piece.
#[derive(Default)]
struct Pieces {
    text: String,
    reason: Option<Reason>,
    refs: Vec<ResRef>,
}

impl Pieces {
    fn push(&mut self, ev: Ev<'_>) {
        match ev {
            Ev::Str(s) => self.text.push_str(&s),
            Ev::Partial(p) => {
                self.text.push_str(&p.text);
                self.reason.get_or_insert(p.reason);
                self.refs.extend(p.refs);
            }
            Ev::Res(r) => {
                self.text.push('*');
                self.reason.get_or_insert_with(|| r.deploy_time());
                self.refs.push(r);
            }
            Ev::Unknown(r) => {
                self.text.push('*');
                self.reason.get_or_insert(r);
            }
            Ev::NoValue => {}
            Ev::List(_) | Ev::Map(_) => {
                self.text.push('*');
                self.reason
                    .get_or_insert_with(|| Reason::new("a list or mapping inside a string"));
            }
        }
    }
    fn finish<'a>(self) -> Ev<'a> {
        match self.reason {
            None => Ev::Str(self.text),
            Some(reason) => Ev::Partial(Partial {
                text: self.text,
                reason,
                refs: self.refs,
            }),
        }
    }
}

/// The intrinsic a map key or YAML tag names (`!GetAtt` → `Fn::GetAtt`).
fn intrinsic_name(tag: &str) -> Option<String> {
    let t = tag.strip_prefix('!')?;
    if t.starts_with('!') || t.is_empty() {
        return None; // a standard YAML tag such as `!!str`
    }
    Some(match t {
        "Ref" | "Condition" => t.to_string(),
        _ => format!("Fn::{t}"),
    })
}

fn is_intrinsic_key(k: &str) -> bool {
    k == "Ref" || k == "Condition" || k.starts_with("Fn::")
}

fn is_null(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar { text, quoted: false } if text.is_empty() || text == "null" || text == "~")
}

impl<'t, 'a> Eval<'t, 'a> {
    pub fn new(tpl: &'t Template<'a>) -> Self {
        let mut ev = Eval {
            tpl,
            conditions: RefCell::new(HashMap::new()),
            absent: HashMap::new(),
            implied: Vec::new(),
            steps: Cell::new(0),
            cond_depth: Cell::new(0),
        };
        let mut absent = HashMap::new();
        for r in &tpl.resources {
            // A resource whose condition is unknown is kept: it may exist, and whatever refers to
            // it sees it as it would be if it did (dropping it would hide real problems).
            if let Some(c) = r.condition {
                if ev.condition(c) == Value::Known(false) {
                    absent.insert(r.id, c);
                }
            }
        }
        ev.absent = absent;
        ev.implied = tpl
            .resources
            .iter()
            .filter(|r| r.kind == "AWS::Serverless::Function" && ev.exists(r.id))
            .filter(|r| r.prop("Role").is_none_or(|n| ev.ev(n) == Ev::NoValue))
            .map(|r| format!("{}Role", r.id))
            .filter(|id| tpl.resource(id).is_none())
            .collect();
        ev
    }

    /// Logical ids of the roles SAM creates for functions without `Role`.
    pub fn implied_roles(&self) -> &[String] {
        &self.implied
    }

    /// False when the resource's condition is false (it is not created).
    pub fn exists(&self, id: &str) -> bool {
        !self.absent.contains_key(id)
    }

    pub fn ev(&self, node: &'a Node) -> Ev<'a> {
        self.steps.set(0);
        self.ev_d(node, 0)
    }

    /// Evaluates a node as a list; a single value is not a list.
    pub fn list(&self, node: &'a Node) -> Value<Vec<Item<'a>>> {
        match self.ev(node) {
            Ev::List(items) => Value::Known(items),
            Ev::Unknown(r) => Value::Unknown(r),
            Ev::Partial(p) => Value::Unknown(p.reason),
            Ev::NoValue => Value::Known(Vec::new()),
            Ev::Res(r) => Value::Unknown(r.deploy_time()),
            Ev::Str(_) | Ev::Map(_) => Value::unknown("expected a list"),
        }
    }

    /// Evaluates a node that may be a single value or a list of values (IAM `Action`,
    /// `Resource`): a single value becomes a one-element list spanning the node.
    pub fn one_or_many(&self, node: &'a Node) -> Value<Vec<Item<'a>>> {
        match self.ev(node) {
            Ev::List(items) => Value::Known(items),
            Ev::Unknown(r) => Value::Unknown(r),
            Ev::NoValue => Value::Known(Vec::new()),
            other => Value::Known(vec![Item {
                value: other,
                span: full_span(node),
            }]),
        }
    }

    fn ev_d(&self, node: &'a Node, depth: usize) -> Ev<'a> {
        if depth > MAX_DEPTH {
            return Ev::unknown("expression nested too deeply");
        }
        self.steps.set(self.steps.get() + 1);
        if self.steps.get() > MAX_STEPS {
            return Ev::unknown("expression too large to evaluate");
        }
        if let Some((tag, _)) = &node.tag {
            if let Some(name) = intrinsic_name(tag) {
                return self.intrinsic(&name, node, false, depth);
            }
        }
        self.ev_plain(node, depth)
    }

    /// Evaluates a node ignoring its tag.
    fn ev_plain(&self, node: &'a Node, depth: usize) -> Ev<'a> {
        match &node.kind {
            NodeKind::Scalar { text, .. } => {
                if is_null(node) {
                    Ev::NoValue
                } else {
                    Ev::Str(text.clone())
                }
            }
            NodeKind::Seq(items) => Ev::List(
                items
                    .iter()
                    .filter_map(|item| match self.ev_d(item, depth + 1) {
                        Ev::NoValue => None,
                        value => Some(Item {
                            value,
                            span: full_span(item),
                        }),
                    })
                    .collect(),
            ),
            NodeKind::Map(entries) => match entries.as_slice() {
                [(key, arg)] if is_intrinsic_key(&key.text) => {
                    self.intrinsic(&key.text, arg, true, depth)
                }
                _ => Ev::Map(node),
            },
        }
    }

    /// The argument of an intrinsic: with its own tag honoured (long form) or not (the tag was
    /// the intrinsic itself).
    fn arg(&self, arg: &'a Node, honour_tag: bool, depth: usize) -> Ev<'a> {
        if honour_tag {
            self.ev_d(arg, depth + 1)
        } else {
            self.ev_plain(arg, depth + 1)
        }
    }

    /// The literal items of an argument written as a list (`[a, b]`).
    fn arg_items(arg: &'a Node, honour_tag: bool) -> Option<&'a [Node]> {
        if honour_tag
            && arg
                .tag
                .as_ref()
                .is_some_and(|(t, _)| intrinsic_name(t).is_some())
        {
            return None;
        }
        match &arg.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    fn str_arg(&self, arg: &'a Node, honour_tag: bool, depth: usize) -> Value<String> {
        self.arg(arg, honour_tag, depth).as_string()
    }

    fn intrinsic(&self, name: &str, arg: &'a Node, honour_tag: bool, depth: usize) -> Ev<'a> {
        match name {
            "Ref" => match self.str_arg(arg, honour_tag, depth) {
                Value::Known(target) => self.reference(&target, full_span(arg)),
                Value::Unknown(r) => Ev::Unknown(r),
            },
            "Fn::GetAtt" => self.get_att(arg, honour_tag, depth),
            "Fn::Sub" => self.sub(arg, honour_tag, depth),
            "Fn::Join" => self.join(arg, honour_tag, depth),
            "Fn::Select" => self.select(arg, honour_tag, depth),
            "Fn::Split" => self.split(arg, honour_tag, depth),
            "Fn::If" => self.if_(arg, honour_tag, depth),
            "Fn::FindInMap" => self.find_in_map(arg, honour_tag, depth),
            "Fn::GetAZs" => {
                Ev::unknown("Fn::GetAZs (the region's availability zones are not known offline)")
            }
            "Fn::ImportValue" => match self.str_arg(arg, honour_tag, depth) {
                Value::Known(x) => {
                    Ev::unknown(format!("Fn::ImportValue `{x}` (stack not in this run)"))
                }
                Value::Unknown(_) => Ev::unknown("Fn::ImportValue (stack not in this run)"),
            },
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" | "Condition" => {
                match self.cond_call(name, arg, honour_tag, depth) {
                    Value::Known(b) => Ev::Str(b.to_string()),
                    Value::Unknown(r) => Ev::Unknown(r),
                }
            }
            other => Ev::unknown(format!("{other} is not evaluated")),
        }
    }

    fn reference(&self, target: &str, use_span: Span) -> Ev<'a> {
        match target {
            "AWS::NoValue" => return Ev::NoValue,
            "AWS::Partition"
            | "AWS::Region"
            | "AWS::AccountId"
            | "AWS::StackName"
            | "AWS::StackId"
            | "AWS::URLSuffix"
            | "AWS::NotificationARNs" => {
                return Ev::unknown(format!("`{target}` is only known at deployment"));
            }
            _ => {}
        }
        if let Some(decl) = self.tpl.parameters.get(target) {
            return parameters::value(target, decl, use_span);
        }
        self.resource_ref(target, None)
    }

    fn resource_ref(&self, logical: &str, attr: Option<String>) -> Ev<'a> {
        let kind = self.tpl.resource(logical).map(|r| r.kind);
        if kind.is_none() && !self.implied.iter().any(|i| i == logical) {
            return Ev::unknown(format!(
                "`{logical}` is not a parameter or resource of this template"
            ));
        }
        if let (Some("AWS::CloudFormation::Stack" | "AWS::Serverless::Application"), Some(output)) = (
            kind,
            attr.as_deref().and_then(|a| a.strip_prefix("Outputs.")),
        ) {
            return Ev::unknown(format!(
                "output `{output}` of nested stack `{logical}` (not in this run)"
            ));
        }
        if let Some(c) = self.absent.get(logical) {
            return Ev::unknown(format!(
                "resource `{logical}` is not created (condition `{c}` is false)"
            ));
        }
        Ev::Res(ResRef {
            logical: logical.to_string(),
            attr,
        })
    }

    fn get_att(&self, arg: &'a Node, honour_tag: bool, depth: usize) -> Ev<'a> {
        if let Some(items) = Self::arg_items(arg, honour_tag) {
            let [res, attr] = items else {
                return Ev::unknown("Fn::GetAtt takes a resource and an attribute");
            };
            let Some(logical) = res.as_str() else {
                return Ev::unknown("Fn::GetAtt with a computed resource name");
            };
            let attr = match self.ev_d(attr, depth + 1).as_string() {
                Value::Known(a) => a,
                Value::Unknown(_) => "?".to_string(),
            };
            return self.resource_ref(logical, Some(attr));
        }
        match self.str_arg(arg, honour_tag, depth) {
            Value::Known(s) => match s.split_once('.') {
                Some((logical, attr)) => self.resource_ref(logical, Some(attr.to_string())),
                None => Ev::unknown(format!("Fn::GetAtt `{s}` names no attribute")),
            },
            Value::Unknown(r) => Ev::Unknown(r),
        }
    }

    fn sub(&self, arg: &'a Node, honour_tag: bool, depth: usize) -> Ev<'a> {
        let (template, vars) = match Self::arg_items(arg, honour_tag) {
            Some([t, vars]) => (t, Some(vars)),
            Some(_) => return Ev::unknown("Fn::Sub takes a string and a mapping of variables"),
            None => (arg, None),
        };
        let Some(text) = template.as_str() else {
            return Ev::unknown("Fn::Sub with a computed template string");
        };
        let mut out = Pieces::default();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.text.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.text.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let var = &after[..end];
            if let Some(literal) = var.strip_prefix('!') {
                out.text.push_str("${");
                out.text.push_str(literal);
                out.text.push('}');
            } else {
                let var = var.trim();
                let local = vars.and_then(|v| v.get(var));
                let value = match local {
                    Some(node) => self.ev_d(node, depth + 1),
                    None => match var.split_once('.') {
                        Some((logical, attr)) if !self.tpl.parameters.contains_key(var) => {
                            self.resource_ref(logical, Some(attr.to_string()))
                        }
                        _ => self.reference(var, full_span(template)),
                    },
                };
                out.push(value);
            }
            rest = &after[end + 1..];
        }
        out.text.push_str(rest);
        out.finish()
    }

    fn join(&self, arg: &'a Node, honour_tag: bool, depth: usize) -> Ev<'a> {
        let Some([delim, list]) = Self::arg_items(arg, honour_tag) else {
            return Ev::unknown("Fn::Join takes a delimiter and a list");
        };
        let delim = match self.ev_d(delim, depth + 1).as_string() {
            Value::Known(d) => d,
            Value::Unknown(r) => return Ev::Unknown(r),
        };
        let items = match self.ev_d(list, depth + 1) {
            Ev::List(items) => items,
            Ev::Unknown(r) => return Ev::Unknown(r),
            Ev::Partial(p) => return Ev::Unknown(p.reason),
            _ => return Ev::unknown("Fn::Join of something that is not a list"),
        };
        let mut out = Pieces::default();
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                out.text.push_str(&delim);
            }
            out.push(item.value);
        }
        out.finish()
    }

    fn select(&self, arg: &'a Node, honour_tag: bool, depth: usize) -> Ev<'a> {
        let Some([index, list]) = Self::arg_items(arg, honour_tag) else {
            return Ev::unknown("Fn::Select takes an index and a list");
        };
        let index = match self.ev_d(index, depth + 1).as_string() {
            Value::Known(i) => match i.trim().parse::<usize>() {
                Ok(i) => i,
                Err(_) => return Ev::unknown(format!("Fn::Select index `{i}` is not a number")),
            },
            Value::Unknown(r) => return Ev::Unknown(r),
        };
        match self.ev_d(list, depth + 1) {
            Ev::List(items) => match items.into_iter().nth(index) {
                Some(item) => item.value,
                None => Ev::unknown(format!(
                    "Fn::Select index {index} is past the end of the list"
                )),
            },
            Ev::Unknown(r) => Ev::Unknown(r),
            Ev::Partial(p) => Ev::Unknown(p.reason),
            _ => Ev::unknown("Fn::Select from something that is not a list"),
        }
    }

    fn split(&self, arg: &'a Node, honour_tag: bool, depth: usize) -> Ev<'a> {
        let Some([delim, source]) = Self::arg_items(arg, honour_tag) else {
            return Ev::unknown("Fn::Split takes a delimiter and a string");
        };
        let delim = match self.ev_d(delim, depth + 1).as_string() {
            Value::Known(d) if !d.is_empty() => d,
            Value::Known(_) => return Ev::unknown("Fn::Split with an empty delimiter"),
            Value::Unknown(r) => return Ev::Unknown(r),
        };
        let span = full_span(source);
        match self.ev_d(source, depth + 1).as_string() {
            Value::Known(s) => Ev::List(
                s.split(delim.as_str())
                    .map(|part| Item {
                        value: Ev::Str(part.to_string()),
                        span,
                    })
                    .collect(),
            ),
            Value::Unknown(r) => Ev::Unknown(r),
        }
    }

    fn if_(&self, arg: &'a Node, honour_tag: bool, depth: usize) -> Ev<'a> {
        let Some([cond, then, otherwise]) = Self::arg_items(arg, honour_tag) else {
            return Ev::unknown("Fn::If takes a condition and two values");
        };
        let Some(name) = cond.as_str() else {
            return Ev::unknown("Fn::If with a computed condition name");
        };
        match self.condition(name) {
            Value::Known(true) => self.ev_d(then, depth + 1),
            Value::Known(false) => self.ev_d(otherwise, depth + 1),
            Value::Unknown(r) => {
                let a = self.ev_d(then, depth + 1);
                let b = self.ev_d(otherwise, depth + 1);
                let same = match (&a, &b) {
                    (Ev::Str(x), Ev::Str(y)) => x == y,
                    (Ev::Res(x), Ev::Res(y)) => x == y,
                    (Ev::NoValue, Ev::NoValue) => true,
                    _ => false,
                };
                if same {
                    a
                } else {
                    Ev::unknown(format!("condition `{name}` is unknown: {r}"))
                }
            }
        }
    }

    fn find_in_map(&self, arg: &'a Node, honour_tag: bool, depth: usize) -> Ev<'a> {
        let Some(items) = Self::arg_items(arg, honour_tag) else {
            return Ev::unknown("Fn::FindInMap takes a map name and two keys");
        };
        let [map, top, second, ..] = items else {
            return Ev::unknown("Fn::FindInMap takes a map name and two keys");
        };
        let mut keys = Vec::with_capacity(3);
        for k in [map, top, second] {
            match self.ev_d(k, depth + 1).as_string() {
                Value::Known(s) => keys.push(s),
                Value::Unknown(r) => {
                    return Ev::unknown(format!("Fn::FindInMap key is unknown: {r}"))
                }
            }
        }
        let found = self
            .tpl
            .mappings
            .and_then(|m| m.get(&keys[0]))
            .and_then(|m| m.get(&keys[1]))
            .and_then(|m| m.get(&keys[2]));
        match found {
            Some(node) => self.ev_d(node, depth + 1),
            None => Ev::unknown(format!(
                "mapping `{}` has no entry `{}`/`{}`",
                keys[0], keys[1], keys[2]
            )),
        }
    }

    /// The value of a named condition of the `Conditions` section.
    pub fn condition(&self, name: &str) -> Value<bool> {
        if let Some(state) = self.conditions.borrow().get(name) {
            return match state {
                Some(v) => v.clone(),
                None => Value::unknown(format!("condition `{name}` refers to itself")),
            };
        }
        let Some(node) = self.tpl.conditions.get(name).copied() else {
            return Value::unknown(format!("`{name}` is not a condition of this template"));
        };
        if self.cond_depth.get() >= MAX_DEPTH {
            // Not memoised: evaluated from a shallower point, the condition may be decidable.
            return Value::unknown("conditions nested too deeply");
        }
        self.conditions.borrow_mut().insert(name.to_string(), None);
        self.cond_depth.set(self.cond_depth.get() + 1);
        let v = self.cond_expr(node, 0);
        self.cond_depth.set(self.cond_depth.get() - 1);
        self.conditions
            .borrow_mut()
            .insert(name.to_string(), Some(v.clone()));
        v
    }

    fn cond_expr(&self, node: &'a Node, depth: usize) -> Value<bool> {
        if depth > MAX_DEPTH {
            return Value::unknown("condition nested too deeply");
        }
        if let Some((tag, _)) = &node.tag {
            if let Some(name) = intrinsic_name(tag) {
                return self.cond_call(&name, node, false, depth);
            }
        }
        match &node.kind {
            NodeKind::Map(entries) => match entries.as_slice() {
                [(key, arg)] => self.cond_call(&key.text, arg, true, depth),
                _ => Value::unknown("a condition must be a single condition function"),
            },
            _ => self.ev_d(node, depth + 1).as_bool(),
        }
    }

    fn cond_call(&self, name: &str, arg: &'a Node, honour_tag: bool, depth: usize) -> Value<bool> {
        match name {
            "Condition" => match self.str_arg(arg, honour_tag, depth) {
                Value::Known(c) => self.condition(&c),
                Value::Unknown(r) => Value::Unknown(r),
            },
            "Fn::Equals" => {
                let Some([a, b]) = Self::arg_items(arg, honour_tag) else {
                    return Value::unknown("Fn::Equals takes two values");
                };
                let (a, b) = (self.ev_d(a, depth + 1), self.ev_d(b, depth + 1));
                match (&a, &b) {
                    (Ev::Str(x), Ev::Str(y)) => Value::Known(x == y),
                    (Ev::Res(x), Ev::Res(y)) if x == y => Value::Known(true),
                    _ => {
                        let reason = [&a, &b]
                            .iter()
                            .find_map(|e| e.as_string().reason().cloned())
                            .unwrap_or_else(|| {
                                Reason::new("Fn::Equals of values that cannot be compared")
                            });
                        Value::Unknown(reason)
                    }
                }
            }
            "Fn::Not" => {
                let inner = match Self::arg_items(arg, honour_tag) {
                    Some([x]) => self.cond_expr(x, depth + 1),
                    _ => return Value::unknown("Fn::Not takes one condition"),
                };
                inner.map(|b| !b)
            }
            "Fn::And" | "Fn::Or" => {
                let Some(items) = Self::arg_items(arg, honour_tag) else {
                    return Value::unknown(format!("{name} takes a list of conditions"));
                };
                let is_and = name == "Fn::And";
                let mut unknown = None;
                for item in items {
                    match self.cond_expr(item, depth + 1) {
                        // And: one false decides; Or: one true decides.
                        Value::Known(b) if b != is_and => return Value::Known(b),
                        Value::Known(_) => {}
                        Value::Unknown(r) => {
                            unknown.get_or_insert(r);
                        }
                    }
                }
                match unknown {
                    Some(r) => Value::Unknown(r),
                    None => Value::Known(is_and),
                }
            }
            other => Value::unknown(format!("{other} is not a condition function")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use crate::syntax::{yaml, Document, Limits};

    fn doc(text: &str) -> Document {
        yaml::parse(FileId(0), text, &Limits::default()).expect("valid YAML")
    }

    fn value_of<'a>(tpl: &Template<'a>, ev: &Eval<'_, 'a>, id: &str) -> Ev<'a> {
        let node = tpl
            .resource(id)
            .and_then(|r| r.prop("Value"))
            .expect("Value property");
        ev.ev(node)
    }

    #[test]
    fn long_condition_chains_end_as_unknown() {
        let mut text = String::from("Parameters:\n  P: {Type: String}\nConditions:\n");
        for i in 0..2000 {
            text.push_str(&format!("  C{i}: !Condition C{}\n", i + 1));
        }
        text.push_str("  C2000: !Equals [!Ref P, x]\nResources:\n  R:\n    Type: AWS::X::Y\n    Properties:\n      Value: !If [C0, a, b]\n");
        let d = doc(&text);
        let tpl = Template::read(&d, &mut Vec::new());
        let ev = Eval::new(&tpl);
        assert!(matches!(value_of(&tpl, &ev, "R"), Ev::Unknown(_)));
    }

    #[test]
    fn mappings_that_double_at_each_level_stay_bounded() {
        // Each mapping value refers twice to the next mapping: 2^40 lookups without the budget.
        let mut text = String::from("Mappings:\n");
        for i in 0..40 {
            let next = format!("!FindInMap [M{}, k, v]", i + 1);
            text.push_str(&format!("  M{i}:\n    k:\n      v: [{next}, {next}]\n"));
        }
        text.push_str("  M40:\n    k:\n      v: end\nResources:\n  R:\n    Type: AWS::X::Y\n    Properties:\n      Value: !FindInMap [M0, k, v]\n");
        let d = doc(&text);
        let tpl = Template::read(&d, &mut Vec::new());
        let ev = Eval::new(&tpl);
        let started = std::time::Instant::now();
        let _ = value_of(&tpl, &ev, "R");
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn sub_handles_literals_attributes_and_variables() {
        let d = doc(concat!(
            "Resources:\n  B: {Type: AWS::S3::Bucket}\n  R:\n    Type: AWS::X::Y\n    Properties:\n",
            "      Value: !Sub ['${!Lit}-${B.Arn}-${V}', {V: v}]\n"
        ));
        let tpl = Template::read(&d, &mut Vec::new());
        let ev = Eval::new(&tpl);
        match value_of(&tpl, &ev, "R") {
            Ev::Partial(p) => {
                assert_eq!(p.text, "${Lit}-*-v");
                assert_eq!(p.refs.len(), 1);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
