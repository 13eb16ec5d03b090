//! Evaluation of property values: literals, intrinsic functions in their long (`{"Fn::Sub": …}`)
//! and short (`!Sub …`) forms, parameters, mappings and conditions. What cannot be known offline
//! becomes [`Ev::Unknown`] with a reason; strings with unknown pieces become [`Ev::Partial`].

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use super::link::Links;
use super::parameters::{self, Given};
use super::template::{full_span, Template};
use crate::model::{Pattern, Reason, Value};
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

/// Intrinsics nest shallowly in real templates; the cap bounds hostile input.
const MAX_DEPTH: usize = 48;

/// Evaluation steps allowed for one value: `Fn::If` on an unknown condition evaluates both
/// branches, so nested ones could otherwise take exponential time.
const MAX_STEPS: usize = 100_000;

/// Bytes of strings that `Fn::Sub` and `Fn::Join` may build per template, counted before they
/// are allocated. A `!Sub` repeating `${P}` 200,000 times with a 100 kB default, or nested
/// joins, would otherwise ask for gigabytes and abort the whole run; past the budget the value
/// is unknown and the template goes on. Real templates build kilobytes.
pub(crate) const MAX_BUILT_BYTES: usize = 32 << 20;

/// The reason a string over [`MAX_BUILT_BYTES`] is unknown.
const OVER_BUDGET: &str =
    "evaluation budget exceeded (32 MiB of strings built by Fn::Sub, Fn::Join and Fn::Base64 per template)";

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
    /// For a `Fn::Join` of ids and references: the delimiter and the pieces, so that splitting
    /// the string again (`Fn::Split`, a list parameter of a nested stack, an imported list)
    /// gives the references back.
    pub joined: Option<(String, Vec<Result<String, ResRef>>)>,
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
}

/// The evaluator of one template (one *instance* of it: a nested template gets one evaluator
/// per parent stack, with the parameters that stack passes).
///
/// # Conditions
///
/// A parameter takes, in this order: the value its parent stack passes (nested stacks), the value
/// of a `--parameters` file, its `Default`; with none of these it is unknown, and so is every
/// condition that depends on it. `Fn::And`/`Fn::Or` decide as soon as one known operand decides
/// (`false`/`true`), whatever the unknown ones. `Fn::If` on an unknown condition evaluates both
/// branches and keeps the value only when they agree; otherwise the value is unknown, so a rule
/// can only report what holds in every branch the known values allow. A resource whose
/// `Condition` is false does not exist; one whose condition is unknown is kept (it may exist).
///
/// Cost: every named condition is evaluated once, in dependency order (an explicit post-order
/// walk, no recursion along chains), and memoised; nothing enumerates combinations. The total is
/// linear in the size of the `Conditions` section plus the values read; [`Eval::steps_taken`]
/// counts it.
pub(crate) struct Eval<'t, 'a> {
    pub tpl: &'t Template<'a>,
    conditions: RefCell<HashMap<String, Option<Value<bool>>>>,
    /// Resources whose `Condition` is false: they do not exist.
    absent: OnceCell<HashMap<&'a str, &'a str>>,
    /// Logical ids the SAM transform adds (`<Function>Role`), which templates may reference.
    implied: OnceCell<Vec<String>>,
    /// Parameters that a `SubnetRouteTableAssociation` of this template names as its subnet:
    /// each stands for one subnet entity of the model (see [`Eval::subnet_parameters`]).
    subnet_params: OnceCell<Vec<String>>,
    /// Steps taken by the current top-level evaluation (see [`MAX_STEPS`]); shared by the
    /// evaluators of one run, since a value may be evaluated partly in another template.
    steps: Rc<Cell<usize>>,
    /// All steps ever taken by this evaluator (for the cost tests).
    total_steps: Cell<usize>,
    /// Bytes of strings built so far in this template (see [`MAX_BUILT_BYTES`]).
    built: Cell<usize>,
    /// Named conditions being evaluated right now: a chain of conditions referring to the next
    /// would otherwise recurse once per condition.
    cond_depth: Cell<usize>,
    /// Parameter values given on the command line (`--parameters`).
    given: HashMap<String, Given>,
    /// The other templates of the run, for `Fn::ImportValue` and nested stacks.
    links: OnceCell<&'t Links<'t, 'a>>,
    /// This evaluator's index in `links`.
    me: usize,
}

/// Builds the string of `Fn::Sub` / `Fn::Join` piece by piece, within what is left of the
/// template's budget ([`MAX_BUILT_BYTES`]): a piece that would go over is not copied.
struct Pieces {
    text: String,
    reason: Option<Reason>,
    refs: Vec<ResRef>,
    /// Bytes this string may still grow to.
    room: usize,
    over: bool,
}

impl Pieces {
    fn new(eval: &Eval<'_, '_>) -> Self {
        Pieces {
            text: String::new(),
            reason: None,
            refs: Vec::new(),
            room: MAX_BUILT_BYTES.saturating_sub(eval.built.get()),
            over: false,
        }
    }
    fn push_str(&mut self, s: &str) {
        if self.over || self.text.len().saturating_add(s.len()) > self.room {
            self.over = true;
            return;
        }
        self.text.push_str(s);
    }
    fn push(&mut self, ev: Ev<'_>) {
        match ev {
            Ev::Str(s) => self.push_str(&s),
            Ev::Partial(p) => {
                self.push_str(&p.text);
                self.reason.get_or_insert(p.reason);
                self.refs.extend(p.refs);
            }
            Ev::Res(r) => {
                self.push_str("*");
                self.reason.get_or_insert_with(|| r.deploy_time());
                self.refs.push(r);
            }
            Ev::Unknown(r) => {
                self.push_str("*");
                self.reason.get_or_insert(r);
            }
            Ev::NoValue => {}
            Ev::List(_) | Ev::Map(_) => {
                self.push_str("*");
                self.reason
                    .get_or_insert_with(|| Reason::new("a list or mapping inside a string"));
            }
        }
    }
    /// The string, its bytes charged to the template's budget; unknown if it went over.
    fn finish<'a>(self, eval: &Eval<'_, '_>) -> Ev<'a> {
        eval.built
            .set(eval.built.get().saturating_add(self.text.len()));
        if self.over {
            return Ev::unknown(OVER_BUDGET);
        }
        match self.reason {
            None => Ev::Str(self.text),
            Some(reason) => Ev::Partial(Partial {
                text: self.text,
                reason,
                refs: self.refs,
                joined: None,
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

/// The intrinsic a node calls, its argument, and whether the argument's own tag counts (long
/// form) or is the call itself (short form: `!Select [...]` is its own argument). With
/// `honour_tag` false the node is such an argument: its tag is not read again.
fn call_of(node: &Node, honour_tag: bool) -> Option<(&str, &Node, bool)> {
    if let (Some((tag, _)), true) = (&node.tag, honour_tag) {
        let name = match tag.strip_prefix('!')? {
            "Ref" => "Ref",
            "Select" => "Fn::Select",
            "GetAZs" => "Fn::GetAZs",
            "GetStackOutput" => "Fn::GetStackOutput",
            _ => return None,
        };
        return Some((name, node, false));
    }
    match node.entries() {
        [(key, arg)] if is_intrinsic_key(&key.text) => Some((key.text.as_str(), arg, true)),
        _ => None,
    }
}

fn is_intrinsic_key(k: &str) -> bool {
    k == "Ref" || k == "Condition" || k.starts_with("Fn::")
}

fn is_null(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar { text, quoted: false } if text.is_empty() || text == "null" || text == "~")
}

impl<'t, 'a> Eval<'t, 'a> {
    /// The evaluator of a template on its own, with its defaults.
    #[cfg(test)]
    pub fn new(tpl: &'t Template<'a>) -> Self {
        let ev = Self::unprepared(tpl, 0, HashMap::new(), Rc::default());
        ev.prepare();
        ev
    }

    /// An evaluator that [`Eval::prepare`] must complete once its links are set.
    pub fn unprepared(
        tpl: &'t Template<'a>,
        me: usize,
        given: HashMap<String, Given>,
        steps: Rc<Cell<usize>>,
    ) -> Self {
        Eval {
            tpl,
            conditions: RefCell::new(HashMap::new()),
            absent: OnceCell::new(),
            implied: OnceCell::new(),
            subnet_params: OnceCell::new(),
            steps,
            total_steps: Cell::new(0),
            built: Cell::new(0),
            cond_depth: Cell::new(0),
            given,
            links: OnceCell::new(),
            me,
        }
    }

    /// Connects the evaluator to the other templates of its run.
    pub fn link(&self, links: &'t Links<'t, 'a>) {
        let _ = self.links.set(links);
    }

    /// Evaluates the conditions (in dependency order), then which resources exist.
    pub fn prepare(&self) {
        for name in condition_order(self.tpl) {
            self.steps.set(0);
            let _ = self.condition(name);
        }
        let tpl = self.tpl;
        let mut absent = HashMap::new();
        for r in &tpl.resources {
            // A resource whose condition is unknown is kept: it may exist, and whatever refers to
            // it sees it as it would be if it did (dropping it would hide real problems).
            if let Some(c) = r.condition {
                if self.condition(c) == Value::Known(false) {
                    absent.insert(r.id, c);
                }
            }
        }
        let _ = self.absent.set(absent);
        let implied = tpl
            .resources
            .iter()
            .filter(|r| r.kind == "AWS::Serverless::Function" && self.exists(r.id))
            .filter(|r| r.prop("Role").is_none_or(|n| self.ev(n) == Ev::NoValue))
            .map(|r| format!("{}Role", r.id))
            .filter(|id| tpl.resource(id).is_none())
            .collect();
        let _ = self.implied.set(implied);
        let mut subnet_params: Vec<String> = tpl
            .resources
            .iter()
            .filter(|r| r.kind == "AWS::EC2::SubnetRouteTableAssociation" && self.exists(r.id))
            .filter_map(|r| match call_of(r.prop("SubnetId")?, true)? {
                ("Ref", p, _) => p.as_str(),
                _ => None,
            })
            // One subnet: a list parameter is not one (and not valid here).
            .filter(|p| {
                tpl.parameters.get(p).is_some_and(|decl| {
                    !decl
                        .get("Type")
                        .and_then(Node::as_str)
                        .is_some_and(|t| t.contains("List"))
                })
            })
            .map(str::to_string)
            .collect();
        subnet_params.sort();
        subnet_params.dedup();
        let _ = self.subnet_params.set(subnet_params);
    }

    /// Parameters given as the subnet of a route table association of this template. The
    /// association is known even when the subnet's id is not, so `Ref` of such a parameter is a
    /// reference to one subnet entity (named after the parameter), unless the parameter's value
    /// is something else (a subnet of the parent stack, a value that is not a subnet id).
    pub fn subnet_parameters(&self) -> &[String] {
        self.subnet_params.get().map_or(&[], Vec::as_slice)
    }

    /// Logical ids of the roles SAM creates for functions without `Role`.
    pub fn implied_roles(&self) -> &[String] {
        self.implied.get().map_or(&[], Vec::as_slice)
    }

    /// False when the resource's condition is false (it is not created).
    pub fn exists(&self, id: &str) -> bool {
        self.absent.get().is_none_or(|a| !a.contains_key(id))
    }

    /// Every evaluation step this evaluator took (a measure of cost for tests).
    #[cfg(test)]
    pub fn steps_taken(&self) -> usize {
        self.total_steps.get()
    }

    pub fn ev(&self, node: &'a Node) -> Ev<'a> {
        self.steps.set(0);
        self.ev_d(node, 0)
    }

    /// Evaluates an intrinsic's argument: in the short form (`!ImportValue x`) the node is its
    /// own argument, read without its tag.
    pub fn ev_arg(&self, node: &'a Node, short: bool) -> Ev<'a> {
        self.steps.set(0);
        if short {
            self.ev_plain(node, 0)
        } else {
            self.ev_d(node, 0)
        }
    }

    /// Evaluates a node for another template of the run (no reset of the shared step budget).
    pub(crate) fn ev_nested(&self, node: &'a Node, depth: usize) -> Ev<'a> {
        self.ev_d(node, depth)
    }

    /// A zone written as `Fn::Select [i, Fn::GetAZs region]` (long or short form): the list's
    /// name and the index. `Fn::GetAZs` lists each zone of the region once, so distinct indices
    /// of one list are distinct zones; the list of the stack's own region (`''`,
    /// `Ref AWS::Region`) is `Fn::GetAZs`, another region's `Fn::GetAZs(<region>)`.
    /// A parameter of a nested stack is read where its parent stack writes it.
    pub fn zone_position(&self, node: &'a Node) -> Option<(String, usize)> {
        if let Some(("Ref", p, _)) = call_of(node, true) {
            let name = p.as_str().filter(|n| self.tpl.parameters.contains_key(n))?;
            let links = self.links.get()?;
            let (parent, passed) = links.passed_node(self.me, name)?;
            // The parent is a shallower instance: this ends within the nesting limit.
            return links.evals.get(parent)?.zone_position(passed);
        }
        let ("Fn::Select", arg, honour_tag) = call_of(node, true)? else {
            return None;
        };
        let [index, list] = Self::arg_items(arg, honour_tag)? else {
            return None;
        };
        let index = self.ev(index).as_string().known()?.trim().parse().ok()?;
        let ("Fn::GetAZs", region, honour_tag) = call_of(list, true)? else {
            return None;
        };
        let own_region = matches!(
            call_of(region, honour_tag),
            Some(("Ref", r, _)) if r.as_str() == Some("AWS::Region")
        );
        let region = if own_region {
            String::new()
        } else {
            self.ev_arg(region, !honour_tag)
                .as_string()
                .known()?
                .clone()
        };
        let list = if region.is_empty() {
            "Fn::GetAZs".to_string()
        } else {
            format!("Fn::GetAZs({region})")
        };
        Some((list, index))
    }

    fn ev_d(&self, node: &'a Node, depth: usize) -> Ev<'a> {
        if let Some(stop) = self.enter(depth) {
            return stop;
        }
        if let Some((tag, _)) = &node.tag {
            if let Some(name) = intrinsic_name(tag) {
                return self.intrinsic(&name, node, false, depth);
            }
        }
        self.ev_plain(node, depth)
    }

    /// Counts one evaluation step at `depth`; the unknown value when a limit is reached.
    fn enter(&self, depth: usize) -> Option<Ev<'a>> {
        if depth > MAX_DEPTH {
            return Some(Ev::unknown("expression nested too deeply"));
        }
        self.steps.set(self.steps.get() + 1);
        self.total_steps.set(self.total_steps.get() + 1);
        if self.steps.get() > MAX_STEPS {
            return Some(Ev::unknown("expression too large to evaluate"));
        }
        None
    }

    /// The argument of `node` when [`Self::ev_d`] would evaluate it as `Fn::Cidr` (short or
    /// long form), with whether its own tag counts.
    fn cidr_call(node: &'a Node) -> Option<(&'a Node, bool)> {
        if let Some((tag, _)) = &node.tag {
            if intrinsic_name(tag).is_some() {
                return (tag == "!Cidr").then_some((node, false));
            }
        }
        match &node.kind {
            NodeKind::Map(entries) => match entries.as_slice() {
                [(key, arg)] if key.text == "Fn::Cidr" && is_intrinsic_key(&key.text) => {
                    Some((arg, true))
                }
                _ => None,
            },
            _ => None,
        }
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
                Value::Known(target) => self.reference(&target, full_span(arg), depth),
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
            "Fn::ImportValue" => {
                let name = self.arg(arg, honour_tag, depth);
                let use_span = full_span(arg);
                match self.links.get() {
                    Some(links) => links.import(self.me, &name, use_span, depth + 1),
                    None => super::link::not_in_run(&name),
                }
            }
            "Fn::GetStackOutput" => self.get_stack_output(arg, honour_tag, depth),
            "Fn::Cidr" => self.cidr(arg, honour_tag, depth),
            "Fn::Length" => match self.arg(arg, honour_tag, depth) {
                Ev::List(items) => Ev::Str(items.len().to_string()),
                Ev::Unknown(r) => Ev::Unknown(r),
                other => match other.as_string() {
                    Value::Unknown(r) => Ev::Unknown(r),
                    Value::Known(_) => Ev::unknown("Fn::Length of something that is not a list"),
                },
            },
            "Fn::ToJsonString" => {
                let value = self.arg(arg, honour_tag, depth);
                match self.to_json(&value, depth + 1) {
                    Ok(json) => Ev::Str(json.to_string()),
                    Err(r) => Ev::Unknown(r),
                }
            }
            "Fn::Base64" => match self.str_arg(arg, honour_tag, depth) {
                // Nested, each level is a third longer: charged to the same budget as
                // `Fn::Sub`/`Fn::Join`, before encoding.
                Value::Known(s) => {
                    let len = s.len().div_ceil(3).saturating_mul(4);
                    if self.built.get().saturating_add(len) > MAX_BUILT_BYTES {
                        Ev::unknown(OVER_BUDGET)
                    } else {
                        self.built.set(self.built.get() + len);
                        Ev::Str(base64(s.as_bytes()))
                    }
                }
                Value::Unknown(r) => Ev::Unknown(r),
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

    /// `Fn::GetStackOutput {StackName, OutputName, Region, RoleArn}`: an output of another stack
    /// of the run, read like `Fn::ImportValue` (CDK's weak cross-stack references). A stack in
    /// another region is not followed; `RoleArn` (another account) changes nothing offline.
    fn get_stack_output(&self, arg: &'a Node, honour_tag: bool, depth: usize) -> Ev<'a> {
        if honour_tag && arg.tag.is_some() {
            return Ev::unknown("Fn::GetStackOutput of a computed argument");
        }
        let field = |key: &str| match arg.get(key) {
            Some(node) => self.ev_d(node, depth + 1).as_string(),
            None => Value::unknown(format!("Fn::GetStackOutput without `{key}`")),
        };
        let (stack, output) = match (field("StackName"), field("OutputName")) {
            (Value::Known(s), Value::Known(o)) => (s, o),
            (Value::Unknown(r), _) | (_, Value::Unknown(r)) => {
                return Ev::unknown(format!("Fn::GetStackOutput: {r}"))
            }
        };
        if let Some(region) = arg.get("Region") {
            let own = matches!(
                call_of(region, true),
                Some(("Ref", r, _)) if r.as_str() == Some("AWS::Region")
            );
            if !own {
                return Ev::unknown(format!(
                    "Fn::GetStackOutput of output `{output}` of stack `{stack}` in another region"
                ));
            }
        }
        match self.links.get() {
            Some(links) => {
                links.named_stack_output(self.me, &stack, &output, full_span(arg), depth + 1)
            }
            None => Ev::unknown(format!(
                "Fn::GetStackOutput of output `{output}` of stack `{stack}` (not a template of this run)"
            )),
        }
    }

    fn reference(&self, target: &str, use_span: Span, depth: usize) -> Ev<'a> {
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
        if self.subnet_parameters().iter().any(|p| p == target) {
            return match self.parameter_or_resource(target, use_span, depth) {
                Ev::Unknown(_) => Ev::Res(ResRef {
                    logical: target.to_string(),
                    attr: None,
                }),
                Ev::Str(id) if id.starts_with("subnet-") => Ev::Res(ResRef {
                    logical: target.to_string(),
                    attr: None,
                }),
                other => other,
            };
        }
        self.parameter_or_resource(target, use_span, depth)
    }

    /// A parameter's value (passed by the parent stack, given, or its default), or else the
    /// resource `target`.
    fn parameter_or_resource(&self, target: &str, use_span: Span, depth: usize) -> Ev<'a> {
        if let Some(decl) = self.tpl.parameters.get(target) {
            if let Some(passed) = self
                .links
                .get()
                .and_then(|l| l.passed_parameter(self.me, target, use_span, depth))
            {
                return parameters::typed(target, decl, passed, use_span);
            }
            if let Some(given) = self.given.get(target) {
                return parameters::given_value(target, decl, given, use_span);
            }
            return parameters::value(target, decl, use_span);
        }
        self.resource_ref(target, None, use_span, depth)
    }

    fn resource_ref(
        &self,
        logical: &str,
        attr: Option<String>,
        use_span: Span,
        depth: usize,
    ) -> Ev<'a> {
        let kind = self.tpl.resource(logical).map(|r| r.kind);
        if kind.is_none() && !self.implied_roles().iter().any(|i| i == logical) {
            return Ev::unknown(format!(
                "`{logical}` is not a parameter or resource of this template"
            ));
        }
        if let Some(c) = self.absent.get().and_then(|a| a.get(logical)) {
            return Ev::unknown(format!(
                "resource `{logical}` is not created (condition `{c}` is false)"
            ));
        }
        if let (Some("AWS::CloudFormation::Stack" | "AWS::Serverless::Application"), Some(output)) = (
            kind,
            attr.as_deref().and_then(|a| a.strip_prefix("Outputs.")),
        ) {
            return match self.links.get() {
                Some(links) => links.stack_output(self.me, logical, output, use_span, depth + 1),
                None => Ev::unknown(format!(
                    "output `{output}` of nested stack `{logical}` (its template is not in this run)"
                )),
            };
        }
        // Attributes that echo a property of the resource.
        if let (Some("AWS::EC2::VPC"), Some("CidrBlock")) = (kind, attr.as_deref()) {
            if let Some(node) = self.tpl.resource(logical).and_then(|r| r.prop("CidrBlock")) {
                return self.ev_d(node, depth + 1);
            }
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
            return self.resource_ref(logical, Some(attr), full_span(arg), depth);
        }
        match self.str_arg(arg, honour_tag, depth) {
            Value::Known(s) => match s.split_once('.') {
                Some((logical, attr)) => {
                    self.resource_ref(logical, Some(attr.to_string()), full_span(arg), depth)
                }
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
        let mut out = Pieces::new(self);
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            if out.over {
                break;
            }
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let var = &after[..end];
            if let Some(literal) = var.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push_str("}");
            } else {
                let var = var.trim();
                let local = vars.and_then(|v| v.get(var));
                let value = match local {
                    Some(node) => self.ev_d(node, depth + 1),
                    None => match var.split_once('.') {
                        Some((logical, attr)) if !self.tpl.parameters.contains_key(var) => self
                            .resource_ref(
                                logical,
                                Some(attr.to_string()),
                                full_span(template),
                                depth,
                            ),
                        _ => self.reference(var, full_span(template), depth),
                    },
                };
                out.push(value);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out.finish(self)
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
        let pieces: Option<Vec<Result<String, ResRef>>> = items
            .iter()
            .map(|i| match &i.value {
                Ev::Str(s) if !s.contains(delim.as_str()) => Some(Ok(s.clone())),
                Ev::Res(r) => Some(Err(r.clone())),
                _ => None,
            })
            .collect();
        let mut out = Pieces::new(self);
        for (i, item) in items.into_iter().enumerate() {
            if out.over {
                break;
            }
            if i > 0 {
                out.push_str(&delim);
            }
            out.push(item.value);
        }
        match (out.finish(self), pieces) {
            (Ev::Partial(mut p), Some(pieces)) if !delim.is_empty() => {
                p.joined = Some((delim, pieces));
                Ev::Partial(p)
            }
            (other, _) => other,
        }
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
        // `!Select [i, !Cidr [...]]` (one per subnet) formats only the selected block, not all
        // of them (32 blocks per subnet in the generated templates): the same value or reason
        // as selecting from the whole list, after the same evaluation steps as `ev_d`.
        if let Some((arg, honour)) = Self::cidr_call(list) {
            if let Some(stop) = self.enter(depth + 1) {
                return stop;
            }
            return self.cidr_select(arg, honour, depth + 1, Some(index));
        }
        match self.ev_d(list, depth + 1) {
            Ev::List(items) => match items.into_iter().nth(index) {
                Some(item) => item.value,
                None => Ev::unknown(format!(
                    "Fn::Select index {index} is past the end of the list"
                )),
            },
            Ev::Unknown(r) => Ev::Unknown(r),
            Ev::Partial(p) => Ev::Unknown(p.reason),
            Ev::Res(r) => Ev::Unknown(r.deploy_time()),
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
        split_value(&delim, self.ev_d(source, depth + 1), full_span(source))
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

    /// `Fn::Cidr [block, count, bits]`: `count` blocks with `bits` host bits each, carved in
    /// order from `block`, as CloudFormation computes them.
    fn cidr(&self, arg: &'a Node, honour_tag: bool, depth: usize) -> Ev<'a> {
        self.cidr_select(arg, honour_tag, depth, None)
    }

    /// `Fn::Cidr`, or with `only` what `Fn::Select` takes from it: that block alone.
    fn cidr_select(
        &self,
        arg: &'a Node,
        honour_tag: bool,
        depth: usize,
        only: Option<usize>,
    ) -> Ev<'a> {
        let Some([block, count, bits]) = Self::arg_items(arg, honour_tag) else {
            return Ev::unknown("Fn::Cidr takes an address block, a count and a number of bits");
        };
        let mut known = Vec::with_capacity(3);
        for n in [block, count, bits] {
            match self.ev_d(n, depth + 1).as_string() {
                Value::Known(s) => known.push(s.trim().to_string()),
                Value::Unknown(r) => return Ev::Unknown(r),
            }
        }
        let (block, count, bits) = (&known[0], &known[1], &known[2]);
        let Ok(count) = count.parse::<usize>() else {
            return Ev::unknown(format!("Fn::Cidr count `{count}` is not a number"));
        };
        let Ok(bits) = bits.parse::<u8>() else {
            return Ev::unknown(format!("Fn::Cidr bits `{bits}` is not a number"));
        };
        if !(1..=256).contains(&count) {
            return Ev::unknown(format!("Fn::Cidr count {count} is not between 1 and 256"));
        }
        let blocks: Option<Carved> = match block.parse::<ipnet::IpNet>() {
            Ok(ipnet::IpNet::V4(net)) => 32u8.checked_sub(bits).and_then(|p| {
                let subnets = net.trunc().subnets(p).ok()?;
                Some(carve(subnets, count, only))
            }),
            Ok(ipnet::IpNet::V6(net)) => 128u8.checked_sub(bits).and_then(|p| {
                let subnets = net.trunc().subnets(p).ok()?;
                Some(carve(subnets, count, only))
            }),
            Err(_) => return Ev::unknown(format!("Fn::Cidr block `{block}` is not a CIDR block")),
        };
        let span = full_span(arg);
        match blocks {
            Some(Carved::All(b)) if b.len() == count => Ev::List(
                b.into_iter()
                    .map(|text| Item {
                        value: Ev::Str(text),
                        span,
                    })
                    .collect(),
            ),
            Some(Carved::One {
                fits: true,
                index,
                block,
            }) => match block {
                Some(text) => Ev::Str(text),
                None => Ev::unknown(format!(
                    "Fn::Select index {index} is past the end of the list"
                )),
            },
            _ => Ev::unknown(format!(
                "Fn::Cidr cannot carve {count} blocks of {bits} host bits from `{block}`"
            )),
        }
    }

    /// The JSON a value stands for (`Fn::ToJsonString`); unquoted YAML scalars that read as
    /// numbers or booleans stay numbers and booleans, as in CloudFormation.
    fn to_json(&self, ev: &Ev<'a>, depth: usize) -> Result<serde_json::Value, Reason> {
        if depth > MAX_DEPTH {
            return Err(Reason::new("expression nested too deeply"));
        }
        match ev {
            Ev::Str(s) => Ok(serde_json::Value::String(s.clone())),
            Ev::List(items) => items
                .iter()
                .map(|i| self.to_json(&i.value, depth + 1))
                .collect::<Result<Vec<_>, _>>()
                .map(serde_json::Value::Array),
            Ev::Map(node) => {
                let mut obj = serde_json::Map::new();
                for (k, v) in node.entries() {
                    let value = match &v.kind {
                        NodeKind::Scalar {
                            text,
                            quoted: false,
                        } if v.tag.is_none() => plain_json(text),
                        _ => match self.ev_d(v, depth + 1) {
                            Ev::NoValue => continue,
                            other => self.to_json(&other, depth + 1)?,
                        },
                    };
                    obj.insert(k.text.clone(), value);
                }
                Ok(serde_json::Value::Object(obj))
            }
            Ev::NoValue => Ok(serde_json::Value::Null),
            other => match other.as_string() {
                Value::Unknown(r) => Err(r),
                Value::Known(s) => Ok(serde_json::Value::String(s)),
            },
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

/// Splits a string value into list items reported at `span`. A `Fn::Join` of references split by
/// its own delimiter gives the references back; a single resource id is one item (ids and ARNs
/// contain no comma).
pub(crate) fn split_value<'a>(delim: &str, value: Ev<'a>, span: Span) -> Ev<'a> {
    let item = |value| Item { value, span };
    match value {
        Ev::Partial(Partial {
            joined: Some((d, pieces)),
            ..
        }) if d == delim => Ev::List(
            pieces
                .into_iter()
                .map(|p| item(p.map_or_else(Ev::Res, Ev::Str)))
                .collect(),
        ),
        Ev::Res(r) if delim == "," => Ev::List(vec![item(Ev::Res(r))]),
        other => match other.as_string() {
            Value::Known(s) => Ev::List(
                s.split(delim)
                    .map(|part| item(Ev::Str(part.to_string())))
                    .collect(),
            ),
            Value::Unknown(r) => Ev::Unknown(r),
        },
    }
}

/// An unquoted YAML scalar as JSON: numbers and booleans keep their type.
fn plain_json(text: &str) -> serde_json::Value {
    match text {
        "true" | "True" | "TRUE" => serde_json::Value::Bool(true),
        "false" | "False" | "FALSE" => serde_json::Value::Bool(false),
        "" | "null" | "~" => serde_json::Value::Null,
        _ => match serde_json::from_str::<serde_json::Number>(text) {
            Ok(n) => serde_json::Value::Number(n),
            Err(_) => serde_json::Value::String(text.to_string()),
        },
    }
}

/// Standard base64 with padding (`Fn::Base64`).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The named conditions in dependency order (each after the conditions it refers to), by an
/// explicit post-order walk: evaluating them in this order keeps every evaluation shallow, however
/// long the chains. Names are visited in sorted order so cyclic input evaluates the same way on
/// every run.
fn condition_order<'a>(tpl: &Template<'a>) -> Vec<&'a str> {
    fn deps(node: &Node) -> Vec<&str> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if let (Some((tag, _)), Some(name)) = (&n.tag, n.as_str()) {
                if tag == "!Condition" {
                    out.push(name);
                }
            }
            match &n.kind {
                NodeKind::Map(entries) => {
                    for (k, v) in entries {
                        match v.as_str() {
                            Some(name) if k.text == "Condition" => out.push(name),
                            _ => stack.push(v),
                        }
                    }
                }
                NodeKind::Seq(items) => stack.extend(items),
                NodeKind::Scalar { .. } => {}
            }
        }
        out
    }
    let mut names: Vec<&'a str> = tpl.conditions.keys().copied().collect();
    names.sort_unstable();
    let mut seen: std::collections::HashSet<&'a str> = Default::default();
    let mut order = Vec::with_capacity(names.len());
    for root in names {
        if !seen.insert(root) {
            continue;
        }
        let Some(node) = tpl.conditions.get(root).copied() else {
            continue;
        };
        let mut stack: Vec<(&'a str, Vec<&'a str>, usize)> = vec![(root, deps(node), 0)];
        while let Some((name, ds, next)) = stack.last_mut() {
            if let Some(&d) = ds.get(*next) {
                *next += 1;
                if let Some(dn) = tpl.conditions.get(d).copied() {
                    if seen.insert(d) {
                        stack.push((d, deps(dn), 0));
                    }
                }
            } else {
                order.push(*name);
                stack.pop();
            }
        }
    }
    order
}

/// The blocks `Fn::Cidr` carves: the first `count` (fewer when they do not fit), or the one
/// `Fn::Select` takes, with whether all `count` fit (else the whole call is unknown).
enum Carved {
    All(Vec<String>),
    One {
        fits: bool,
        index: usize,
        block: Option<String>,
    },
}

fn carve<N: ToString>(
    mut subnets: impl Iterator<Item = N> + Clone,
    count: usize,
    only: Option<usize>,
) -> Carved {
    match only {
        None => Carved::All(subnets.take(count).map(|n| n.to_string()).collect()),
        Some(i) => Carved::One {
            fits: subnets.clone().take(count).count() == count,
            index: i,
            block: if i < count {
                subnets.nth(i).map(|n| n.to_string())
            } else {
                None
            },
        },
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

    #[test]
    fn two_hundred_chained_conditions_cost_linear_steps() {
        // 50 parameters with defaults; condition i depends on condition i-1 and one parameter.
        let mut text = String::from("Parameters:\n");
        for p in 0..50 {
            text.push_str(&format!("  P{p}: {{Type: String, Default: v{p}}}\n"));
        }
        text.push_str("Conditions:\n  C0: !Equals [!Ref P0, v0]\n");
        for i in 1..200 {
            let p = i % 50;
            let op = if i % 2 == 0 { "And" } else { "Or" };
            text.push_str(&format!(
                "  C{i}: !{op} [!Condition C{}, !Equals [!Ref P{p}, v{p}], !Not [!Equals [!Ref P{p}, x]]]\n",
                i - 1
            ));
        }
        text.push_str("Resources:\n");
        for i in 0..200 {
            text.push_str(&format!(
                "  R{i}:\n    Type: AWS::X::Y\n    Condition: C{i}\n    Properties:\n      Value: !If [C{i}, a, b]\n"
            ));
        }
        let d = doc(&text);
        let tpl = Template::read(&d, &mut Vec::new());
        let started = std::time::Instant::now();
        let ev = Eval::new(&tpl);
        for i in 0..200 {
            assert_eq!(value_of(&tpl, &ev, &format!("R{i}")), Ev::Str("a".into()));
        }
        println!(
            "200 conditions, 50 parameters: {} steps, {:?}",
            ev.steps_taken(),
            started.elapsed()
        );
        // Each condition is evaluated once (about 10 steps), each value once (about 2).
        assert!(ev.steps_taken() < 200 * 20, "{} steps", ev.steps_taken());
        assert_eq!(ev.condition("C199"), Value::Known(true));
    }

    fn value_in(text: &str) -> Ev<'static> {
        let d: &'static Document = Box::leak(Box::new(doc(text)));
        let tpl: &'static Template<'static> =
            Box::leak(Box::new(Template::read(d, &mut Vec::new())));
        let ev: &'static Eval<'static, 'static> = Box::leak(Box::new(Eval::new(tpl)));
        value_of(tpl, ev, "R")
    }

    fn strings(ev: &Ev<'_>) -> Vec<String> {
        match ev {
            Ev::List(items) => items
                .iter()
                .map(|i| i.value.as_string().known().cloned().unwrap_or_default())
                .collect(),
            other => panic!("not a list: {other:?}"),
        }
    }

    #[test]
    fn select_from_cidr_carves_only_the_selected_block_with_the_same_result() {
        let at = |value: &str| {
            value_in(&format!(
                "Resources:\n  R:\n    Type: X\n    Properties:\n      Value: {value}\n"
            ))
        };
        // The direct path (`Fn::Select` over `Fn::Cidr`, short and long forms) against the
        // general one (the same list through `Fn::Split`/`Fn::Join`, which formats every block).
        for (block, count, bits) in [("10.0.0.0/16", 32, 8), ("10.1.0.0/20", 16, 4)] {
            for i in [0, 1, count / 2, count - 1] {
                let general = at(&format!(
                    "!Select [{i}, !Split [\",\", !Join [\",\", !Cidr [{block}, {count}, {bits}]]]]"
                ));
                assert!(matches!(general, Ev::Str(_)), "{general:?}");
                assert_eq!(
                    at(&format!("!Select [{i}, !Cidr [{block}, {count}, {bits}]]")),
                    general
                );
                let long = format!(
                    "{{\"Fn::Select\": [{i}, {{\"Fn::Cidr\": [\"{block}\", {count}, {bits}]}}]}}"
                );
                assert_eq!(at(&long), general);
            }
        }
        assert_eq!(
            at("!Select [1, !Cidr [\"2001:db8::/56\", 2, 64]]"),
            Ev::Str("2001:db8:0:1::/64".into())
        );
        // Past the end, and blocks that do not fit: the reasons of selecting from the list.
        assert_eq!(
            at("!Select [3, !Cidr [10.0.0.0/16, 3, 8]]"),
            Ev::unknown("Fn::Select index 3 is past the end of the list")
        );
        assert_eq!(
            at("!Select [0, !Cidr [10.0.0.0/24, 3, 7]]"),
            Ev::unknown("Fn::Cidr cannot carve 3 blocks of 7 host bits from `10.0.0.0/24`")
        );
        assert_eq!(
            at("!Select [5, !Cidr [10.0.0.0/24, 1, 9]]"),
            Ev::unknown("Fn::Cidr cannot carve 1 blocks of 9 host bits from `10.0.0.0/24`")
        );
        assert_eq!(
            at("!Select [0, !Cidr [10.0.0.0/16, 300, 8]]"),
            Ev::unknown("Fn::Cidr count 300 is not between 1 and 256")
        );
    }

    #[test]
    fn cidr_carves_blocks_in_order() {
        let v = value_in("Resources:\n  R:\n    Type: X\n    Properties:\n      Value: !Cidr [10.0.0.0/16, 3, 8]\n");
        assert_eq!(strings(&v), ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]);
        let v = value_in("Resources:\n  R:\n    Type: X\n    Properties:\n      Value: {\"Fn::Cidr\": [\"2001:db8::/56\", 2, 64]}\n");
        assert_eq!(strings(&v), ["2001:db8::/64", "2001:db8:0:1::/64"]);
        // More blocks than fit, and bits larger than the block: unknown, never a guess.
        let v = value_in("Resources:\n  R:\n    Type: X\n    Properties:\n      Value: !Cidr [10.0.0.0/24, 3, 7]\n");
        assert!(matches!(v, Ev::Unknown(_)), "{v:?}");
        let v = value_in("Resources:\n  R:\n    Type: X\n    Properties:\n      Value: !Cidr [10.0.0.0/24, 1, 9]\n");
        assert!(matches!(v, Ev::Unknown(_)), "{v:?}");
    }

    #[test]
    fn length_json_and_base64() {
        let v = value_in(
            "Resources:\n  R:\n    Type: X\n    Properties:\n      Value: !Length [a, b, c]\n",
        );
        assert_eq!(v, Ev::Str("3".into()));
        let v = value_in("Resources:\n  R:\n    Type: X\n    Properties:\n      Value: !ToJsonString {a: 1, b: [x, y], c: \"2\"}\n");
        assert_eq!(v, Ev::Str(r#"{"a":1,"b":["x","y"],"c":"2"}"#.into()));
        let v = value_in(
            "Resources:\n  R:\n    Type: X\n    Properties:\n      Value: !Base64 hello\n",
        );
        assert_eq!(v, Ev::Str("aGVsbG8=".into()));
        let v = value_in("Resources:\n  R:\n    Type: X\n    Properties:\n      Value: !Base64 {Ref: AWS::Region}\n");
        assert!(matches!(v, Ev::Unknown(_)));
        let v = value_in("Resources:\n  R:\n    Type: X\n    Properties:\n      Value: !Select [0, !GetAZs \"\"]\n");
        assert!(matches!(v, Ev::Unknown(_)));
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn split_gives_joined_references_back() {
        let v = value_in(concat!(
            "Resources:\n  A: {Type: AWS::EC2::Subnet}\n  B: {Type: AWS::EC2::Subnet}\n",
            "  R:\n    Type: X\n    Properties:\n      Value: !Split [\",\", !Join [\",\", [!Ref A, !Ref B]]]\n"
        ));
        let Ev::List(items) = v else {
            panic!("not a list")
        };
        let names: Vec<String> = items
            .iter()
            .map(|i| match &i.value {
                Ev::Res(r) => r.logical.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(names, ["A", "B"]);
    }
}
