//! Templates of one run that refer to each other: `Fn::ImportValue` of a name another template
//! exports in its `Outputs`, `Fn::GetStackOutput` of another template's output (the template
//! whose file name is the stack name, as CDK writes them), and nested stacks (`AWS::CloudFormation::Stack`,
//! `AWS::Serverless::Application`) whose template is a local file of the run.
//!
//! A linked group is lowered into one model. Each template *instance* (a root template, or a
//! nested template under one parent stack) has its own evaluator and namespace; a value that
//! crosses from one instance to another has its references qualified as `<namespace>::<logical
//! id>`, so it names the same model entity in every template and never a same-named resource of
//! the template that reads it.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::intrinsics::{Ev, Eval, Item, Partial, ResRef};
use super::parameters::{absolute, Given};
use super::template::{full_span, Template};
use crate::model::{Reason, Value};
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

/// Nested stacks deeper than this are not followed (CloudFormation allows 5 levels in practice).
const MAX_NESTING: usize = 8;
/// Template instances per group: a template nested many times is still bounded.
const MAX_INSTANCES: usize = 64;
/// Cross-template evaluations in progress at once (output of output of …).
const MAX_HOPS: usize = 16;

pub(crate) const STACK_TYPES: &[&str] =
    &["AWS::CloudFormation::Stack", "AWS::Serverless::Application"];

/// Why an import cannot be resolved when no other template is linked.
pub(crate) fn not_in_run<'a>(name: &Ev<'a>) -> Ev<'a> {
    match name.as_pattern().known() {
        Some(p) => Ev::unknown(format!(
            "Fn::ImportValue `{}` (no template of this run exports it)",
            p.text
        )),
        None => Ev::unknown("Fn::ImportValue of an unknown name"),
    }
}

/// One template as the run gives it.
pub(crate) struct Input<'t, 'a> {
    pub tpl: &'t Template<'a>,
    /// The file as discovered (for nested-stack paths).
    pub path: PathBuf,
    /// As displayed: the namespace of a root instance.
    pub display: String,
}

/// A problem with the links themselves (reported as unsupported input).
pub(crate) struct LinkProblem {
    pub message: String,
    pub span: Span,
}

/// A nested stack's template: a template of the run, or why not.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Template(usize),
    Unknown(Reason),
}

/// Where a nested stack's template is, from `TemplateURL` / `Location` evaluated with the parent's
/// defaults. Only files of the run inside the linted roots are used; nothing is read.
pub(crate) fn nested_target<'a>(
    eval: &Eval<'_, 'a>,
    node: Option<&'a Node>,
    parent: &Path,
    inputs: &[PathBuf],
    roots: &crate::paths::Roots,
    problems: &mut Vec<LinkProblem>,
) -> Target {
    let Some(node) = node else {
        return Target::Unknown(Reason::new("nested stack without a template location"));
    };
    let text = match eval.ev(node).as_string() {
        Value::Known(t) => t,
        Value::Unknown(r) => return Target::Unknown(r),
    };
    if text.contains("://") || text.starts_with("arn:") {
        return Target::Unknown(Reason::new(format!(
            "nested stack template `{text}` is remote (not in this run)"
        )));
    }
    let base = parent.parent().unwrap_or(Path::new(""));
    let path = absolute(&base.join(&text));
    if !roots.contains(&path) {
        problems.push(LinkProblem {
            message: format!(
                "nested stack template `{text}` is outside the linted directories: not read"
            ),
            span: full_span(node),
        });
        return Target::Unknown(Reason::new(format!(
            "nested stack template `{text}` is outside the linted directories"
        )));
    }
    match inputs.iter().position(|p| *p == path) {
        Some(i) => Target::Template(i),
        None => Target::Unknown(Reason::new(format!(
            "nested stack template `{text}` is not a template of this run"
        ))),
    }
}

/// A template instance.
pub(crate) struct Instance<'a> {
    /// Index into the run's templates.
    pub tpl: usize,
    /// Prefix of qualified logical ids (`network.yaml`, `root.yaml/NetworkStack`).
    pub ns: String,
    pub parent: Option<ParentLink<'a>>,
    /// Nested stack logical id → child instance, or why its outputs are unknown.
    pub children: HashMap<&'a str, Result<usize, Reason>>,
}

pub(crate) struct ParentLink<'a> {
    pub instance: usize,
    /// The stack resource's `Parameters`.
    pub params: Option<&'a Node>,
}

/// An export: `Outputs.<key>.Export.Name`.
struct Export<'a> {
    name: Pattern,
    instance: usize,
    key: &'a str,
    output: &'a Node,
}

/// An export name or import name: exact, or known only in parts (`*-PublicSubnet`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    text: String,
    exact: bool,
}

impl Pattern {
    fn of(ev: &Ev<'_>) -> Option<Pattern> {
        match ev {
            Ev::Str(s) => Some(Pattern {
                text: s.clone(),
                exact: true,
            }),
            // A pattern needs a known part to match on.
            Ev::Partial(p) if p.text.chars().any(|c| c != '*') => Some(Pattern {
                text: p.text.clone(),
                exact: false,
            }),
            _ => None,
        }
    }

    /// Can the two names be the same string?
    fn may_equal(&self, other: &Pattern) -> bool {
        match (self.exact, other.exact) {
            (true, true) => self.text == other.text,
            (true, false) => glob(&other.text, &self.text),
            (false, true) => glob(&self.text, &other.text),
            (false, false) => {
                // Compare the known prefix and suffix; a middle known part is not compared.
                let (ap, as_) = ends(&self.text);
                let (bp, bs) = ends(&other.text);
                (ap.starts_with(bp) || bp.starts_with(ap))
                    && (as_.ends_with(bs) || bs.ends_with(as_))
                    && !(ap.is_empty() && bp.is_empty() && as_.is_empty() && bs.is_empty())
            }
        }
    }
}

fn ends(p: &str) -> (&str, &str) {
    let pre = p.split('*').next().unwrap_or_default();
    let suf = p.rsplit('*').next().unwrap_or_default();
    (pre, suf)
}

/// Matches `text` against `pattern` where `*` is any string (linear, no backtracking blow-up).
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == text;
    };
    if !text.starts_with(first) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    if !text.ends_with(last) {
        return false;
    }
    for m in middle {
        match rest.find(m) {
            Some(i) => rest = &rest[i + m.len()..],
            None => return false,
        }
    }
    true
}

/// The evaluators of a linked group and what connects them.
pub(crate) struct Links<'t, 'a> {
    pub evals: Vec<Eval<'t, 'a>>,
    pub instances: Vec<Instance<'a>>,
    /// The stack name each root instance is deployed as, when its file name says it.
    stack_names: Vec<Option<String>>,
    /// The directory of each instance's template (a `cdk.out` holds one app's stacks).
    dirs: Vec<PathBuf>,
    exports: OnceCell<Vec<Export<'a>>>,
    /// (instance, what) evaluations in progress, to end cycles between templates.
    active: RefCell<Vec<(usize, String)>>,
    hops: Cell<usize>,
}

/// Builds the instances of a group: roots are the templates no other template nests; nested
/// stacks are followed depth-first with their parameters, refusing cycles and escapes.
pub(crate) fn instances<'a>(
    inputs: &[Input<'_, 'a>],
    targets: &[Vec<(&'a str, Option<&'a Node>, Target)>],
    problems: &mut Vec<LinkProblem>,
) -> Vec<Instance<'a>> {
    let nested: BTreeSet<usize> = targets
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            t.iter().filter_map(move |(_, _, target)| match target {
                Target::Template(c) if *c != i => Some(*c),
                _ => None,
            })
        })
        .collect();
    let mut out: Vec<Instance<'a>> = Vec::new();
    let mut instantiated = vec![false; inputs.len()];
    // Roots first; then any template left over (only nested inside a cycle) as a root too.
    let mut roots: Vec<usize> = (0..inputs.len()).filter(|i| !nested.contains(i)).collect();
    roots.extend(nested.iter().copied());
    for root in roots {
        if instantiated[root] {
            continue;
        }
        // (instance index, ancestors' template indices)
        let mut stack: Vec<(usize, Vec<usize>)> = Vec::new();
        out.push(Instance {
            tpl: root,
            ns: inputs[root].display.clone(),
            parent: None,
            children: HashMap::new(),
        });
        instantiated[root] = true;
        stack.push((out.len() - 1, vec![root]));
        while let Some((inst, ancestors)) = stack.pop() {
            let tpl = out[inst].tpl;
            for (stack_id, params, target) in &targets[tpl] {
                let child = match target {
                    Target::Unknown(r) => Err(r.clone()),
                    Target::Template(c) if ancestors.contains(c) => {
                        problems.push(LinkProblem {
                            message: format!(
                                "nested stack `{stack_id}` includes `{}`, which already includes it: not followed",
                                inputs[*c].display
                            ),
                            span: inputs[tpl]
                                .tpl
                                .resource(stack_id)
                                .map_or(Span::new(crate::source::FileId(0), 0..0), |r| r.key_span),
                        });
                        Err(Reason::new(format!(
                            "nested stack `{stack_id}` includes its own ancestor `{}`",
                            inputs[*c].display
                        )))
                    }
                    Target::Template(_) if ancestors.len() >= MAX_NESTING => Err(Reason::new(
                        format!("nested stack `{stack_id}` is nested more than {MAX_NESTING} levels deep"),
                    )),
                    Target::Template(_) if out.len() >= MAX_INSTANCES => Err(Reason::new(format!(
                        "nested stack `{stack_id}`: more than {MAX_INSTANCES} nested stacks in one run"
                    ))),
                    Target::Template(c) => {
                        out.push(Instance {
                            tpl: *c,
                            ns: format!("{}/{stack_id}", out[inst].ns),
                            parent: Some(ParentLink {
                                instance: inst,
                                params: *params,
                            }),
                            children: HashMap::new(),
                        });
                        instantiated[*c] = true;
                        let mut a = ancestors.clone();
                        a.push(*c);
                        stack.push((out.len() - 1, a));
                        Ok(out.len() - 1)
                    }
                };
                out[inst].children.insert(stack_id, child);
            }
        }
    }
    out
}

impl<'t, 'a> Links<'t, 'a> {
    /// Creates the evaluators of `instances`; `given` gives the `--parameters` values of each
    /// template (root instances only: nested stacks get theirs from the parent).
    pub fn new(
        inputs: &[Input<'t, 'a>],
        instances: Vec<Instance<'a>>,
        given: &dyn Fn(usize) -> HashMap<String, Given>,
    ) -> Self {
        let steps = Rc::new(Cell::new(0));
        let evals = instances
            .iter()
            .enumerate()
            .map(|(i, inst)| {
                let g = if inst.parent.is_none() {
                    given(inst.tpl)
                } else {
                    HashMap::new()
                };
                Eval::unprepared(inputs[inst.tpl].tpl, i, g, steps.clone())
            })
            .collect();
        let stack_names = instances
            .iter()
            .map(|i| match i.parent {
                None => inputs.get(i.tpl).and_then(|input| stack_name(&input.path)),
                Some(_) => None,
            })
            .collect();
        let dirs = instances
            .iter()
            .map(|i| {
                inputs
                    .get(i.tpl)
                    .and_then(|input| input.path.parent())
                    .map(Path::to_path_buf)
                    .unwrap_or_default()
            })
            .collect();
        Links {
            evals,
            instances,
            stack_names,
            dirs,
            exports: OnceCell::new(),
            active: RefCell::new(Vec::new()),
            hops: Cell::new(0),
        }
    }

    /// Links every evaluator to the group, evaluates conditions (parents before children), then
    /// reads the exports.
    pub fn connect(&'t self) {
        for e in &self.evals {
            e.link(self);
        }
        for e in &self.evals {
            e.prepare();
        }
        let mut exports = Vec::new();
        for (i, e) in self.evals.iter().enumerate() {
            let Some(outputs) = e.tpl.outputs else {
                continue;
            };
            for (key, output) in outputs.entries() {
                let Some(name) = output.get("Export").and_then(|x| x.get("Name")) else {
                    continue;
                };
                if let Some(c) = output.get("Condition").and_then(Node::as_str) {
                    if e.condition(c) == Value::Known(false) {
                        continue;
                    }
                }
                if let Some(name) = Pattern::of(&e.ev(name)) {
                    exports.push(Export {
                        name,
                        instance: i,
                        key: &key.text,
                        output,
                    });
                }
            }
        }
        let _ = self.exports.set(exports);
    }

    pub fn ns(&self, instance: usize) -> &str {
        self.instances.get(instance).map_or("", |i| i.ns.as_str())
    }

    /// `Fn::ImportValue name` read in instance `me`.
    pub fn import(&self, me: usize, name: &Ev<'a>, use_span: Span, depth: usize) -> Ev<'a> {
        let Some(wanted) = Pattern::of(name) else {
            return match name.as_string() {
                Value::Unknown(r) => {
                    Ev::unknown(format!("Fn::ImportValue of an unknown name: {r}"))
                }
                Value::Known(_) => Ev::unknown("Fn::ImportValue of an unknown name"),
            };
        };
        let Some(exports) = self.exports.get() else {
            return Ev::unknown("Fn::ImportValue read before the exports of the run");
        };
        let exact: Vec<&Export<'a>> = exports
            .iter()
            .filter(|e| wanted.exact && e.name.exact && e.name.text == wanted.text)
            .collect();
        // Export names are unique in a region: an exact match is the export.
        let matches = if exact.is_empty() {
            exports
                .iter()
                .filter(|e| e.name.may_equal(&wanted))
                .collect()
        } else {
            exact
        };
        match matches.as_slice() {
            [one] => match one.output.get("Value") {
                Some(value) => self.cross(
                    one.instance,
                    format!("output {}", one.key),
                    value,
                    me,
                    use_span,
                    depth,
                ),
                None => Ev::unknown(format!("output `{}` has no `Value`", one.key)),
            },
            [] => not_in_run(name),
            many => Ev::unknown(format!(
                "Fn::ImportValue `{}` may be any of {} exports of this run ({})",
                wanted.text,
                many.len(),
                many.iter()
                    .map(|e| format!("{} {}", self.ns(e.instance), e.key))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// `Fn::GetAtt Stack.Outputs.X` read in instance `me`.
    pub fn stack_output(
        &self,
        me: usize,
        stack: &str,
        output: &str,
        use_span: Span,
        depth: usize,
    ) -> Ev<'a> {
        let child = match self.instances.get(me).and_then(|i| i.children.get(stack)) {
            Some(Ok(c)) => *c,
            Some(Err(r)) => {
                return Ev::unknown(format!("output `{output}` of nested stack `{stack}`: {r}"))
            }
            None => {
                return Ev::unknown(format!(
                    "output `{output}` of nested stack `{stack}` (its template is not in this run)"
                ))
            }
        };
        self.output_of(
            child,
            &format!("nested stack `{stack}`"),
            output,
            me,
            use_span,
            depth,
        )
    }

    /// `Fn::GetStackOutput` of output `output` of the stack named `stack`, read in instance
    /// `me`: the root template of the run deployed under that name. Only CDK's convention says
    /// a template's stack name (stack `X` is synthesized to `X.template.json`), so the file
    /// name is the stack name; several candidates or none: unknown.
    pub fn named_stack_output(
        &self,
        me: usize,
        stack: &str,
        output: &str,
        use_span: Span,
        depth: usize,
    ) -> Ev<'a> {
        match self.stack_named(stack, me).as_slice() {
            [one] if *one != me => self.output_of(*one, &format!("stack `{stack}`"), output, me, use_span, depth),
            [_] => Ev::unknown(format!("stack `{stack}` reads its own output `{output}`")),
            [] => Ev::unknown(format!(
                "Fn::GetStackOutput of output `{output}` of stack `{stack}` (no template of this run is named `{stack}.template.json` or `{stack}.yaml`)"
            )),
            many => Ev::unknown(format!(
                "Fn::GetStackOutput: {} templates of this run may be stack `{stack}`",
                many.len()
            )),
        }
    }

    /// The root instances whose file name says they are stack `name`, as read from instance
    /// `me`: those beside `me`'s template if any (one CDK app's `cdk.out`), else all.
    fn stack_named(&self, name: &str, me: usize) -> Vec<usize> {
        let all: Vec<usize> = (0..self.stack_names.len())
            .filter(|&i| self.stack_names[i].as_deref() == Some(name))
            .collect();
        let here: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| self.dirs.get(i).is_some() && self.dirs.get(i) == self.dirs.get(me))
            .collect();
        if here.is_empty() {
            all
        } else {
            here
        }
    }

    /// The value of output `output` of instance `from` (`whose` names it in reasons), as seen
    /// from instance `me`.
    fn output_of(
        &self,
        from: usize,
        whose: &str,
        output: &str,
        me: usize,
        use_span: Span,
        depth: usize,
    ) -> Ev<'a> {
        let Some(eval) = self.evals.get(from) else {
            return Ev::unknown("nested stack without an evaluator");
        };
        let Some(node) = eval.tpl.outputs.and_then(|o| o.get(output)) else {
            return Ev::unknown(format!("{whose} has no output `{output}`"));
        };
        if let Some(c) = node.get("Condition").and_then(Node::as_str) {
            if eval.condition(c) == Value::Known(false) {
                return Ev::unknown(format!(
                    "output `{output}` of {whose} is not created (condition `{c}` is false)"
                ));
            }
        }
        match node.get("Value") {
            Some(value) => self.cross(from, format!("output {output}"), value, me, use_span, depth),
            None => Ev::unknown(format!("output `{output}` has no `Value`")),
        }
    }

    /// The value the parent stack passes for parameter `name` of instance `me`, if any.
    pub fn passed_parameter(
        &self,
        me: usize,
        name: &str,
        use_span: Span,
        depth: usize,
    ) -> Option<Ev<'a>> {
        let parent = self.instances.get(me)?.parent.as_ref()?;
        let node = parent.params?.get(name)?;
        Some(self.cross(
            parent.instance,
            format!("parameter {name} of {}", self.ns(me)),
            node,
            me,
            use_span,
            depth,
        ))
    }

    /// The node the parent stack writes for parameter `name` of instance `me`, with the parent.
    pub fn passed_node(&self, me: usize, name: &str) -> Option<(usize, &'a Node)> {
        let parent = self.instances.get(me)?.parent.as_ref()?;
        Some((parent.instance, parent.params?.get(name)?))
    }

    /// Evaluates `node` in instance `from` for instance `into`.
    fn cross(
        &self,
        from: usize,
        what: String,
        node: &'a Node,
        into: usize,
        use_span: Span,
        depth: usize,
    ) -> Ev<'a> {
        let key = (from, what);
        if self.active.borrow().contains(&key) {
            return Ev::unknown(format!(
                "{} of `{}` depends on itself through other templates",
                key.1,
                self.ns(from)
            ));
        }
        if self.hops.get() >= MAX_HOPS {
            return Ev::unknown("too many templates chained through imports and nested stacks");
        }
        let Some(eval) = self.evals.get(from) else {
            return Ev::unknown("unknown template instance");
        };
        self.active.borrow_mut().push(key);
        self.hops.set(self.hops.get() + 1);
        let value = eval.ev_nested(node, depth);
        self.hops.set(self.hops.get() - 1);
        self.active.borrow_mut().pop();
        adopt(value, self.ns(from), self.ns(into), use_span)
    }

    /// The order in which to lower the instances: each after the instances whose entities it
    /// refers to, where the references go one way; in a cycle, in instance order (references
    /// to an instance lowered later stay unknown).
    pub fn lowering_order(&self) -> Vec<usize> {
        let n = self.instances.len();
        if n <= 1 {
            // One template on its own, the usual unit: nothing to order, no references to walk.
            return (0..n).collect();
        }
        let deps = self.dependencies(false);
        let mut done = vec![false; n];
        let mut order = Vec::with_capacity(n);
        while order.len() < n {
            let ready = (0..n).find(|&i| !done[i] && deps[i].iter().all(|&d| d == i || done[d]));
            let next = ready.or_else(|| (0..n).find(|&i| !done[i]));
            let Some(next) = next else { break };
            done[next] = true;
            order.push(next);
        }
        order
    }

    /// For each instance, the instances it refers to. With `all`, an import that several
    /// exports may satisfy depends on all of them (grouping keeps the ambiguity visible);
    /// otherwise only on a unique exporter.
    pub fn dependencies(&self, all: bool) -> Vec<BTreeSet<usize>> {
        let n = self.instances.len();
        let mut deps: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
        for (i, eval) in self.evals.iter().enumerate() {
            for r in &eval.tpl.resources {
                let child = match self.instances[i].children.get(r.id) {
                    Some(Ok(c)) => Some(*c),
                    _ => None,
                };
                if let (Some(c), Some(p)) = (child, r.prop("Parameters")) {
                    self.collect_deps(c, i, p, all, &mut deps[c]);
                }
                if let Some(props) = r.props {
                    for (k, v) in props.entries() {
                        if child.is_none() || k.text != "Parameters" {
                            self.collect_deps(i, i, v, all, &mut deps[i]);
                        }
                    }
                }
            }
            // Outputs matter to the instances that read them: followed from there.
            if all {
                if let Some(outputs) = eval.tpl.outputs {
                    self.collect_deps(i, i, outputs, all, &mut deps[i]);
                }
            }
        }
        deps
    }

    /// The instances whose entities `node` (in instance `at`) refers to, as read by instance
    /// `owner`: resources of other instances, followed through imports, nested stack outputs and
    /// parameters passed by a parent. With `all`, every exporter an import may name counts.
    fn collect_deps(
        &self,
        owner: usize,
        at: usize,
        node: &'a Node,
        all: bool,
        out: &mut BTreeSet<usize>,
    ) {
        let mut work: Vec<(usize, &'a Node)> = vec![(at, node)];
        let mut visited: std::collections::HashSet<(usize, *const Node)> = Default::default();
        while let Some((at, node)) = work.pop() {
            if !visited.insert((at, node as *const Node)) {
                continue;
            }
            let Some(eval) = self.evals.get(at) else {
                continue;
            };
            let mut stack = vec![node];
            while let Some(n) = stack.pop() {
                // (intrinsic, argument, short form): `!X arg` is its own argument, read without
                // the tag; `{X: arg}` has one key.
                let mut calls: Vec<(String, &'a Node, bool)> = Vec::new();
                if let Some(name) = n.tag.as_ref().and_then(|(t, _)| tag_intrinsic(t)) {
                    calls.push((name, n, true));
                }
                match &n.kind {
                    NodeKind::Map(entries) => match entries.as_slice() {
                        [(k, v)] if k.text == "Ref" || k.text.starts_with("Fn::") => {
                            calls.push((k.text.clone(), v, false));
                            stack.push(v);
                        }
                        _ => stack.extend(entries.iter().map(|(_, v)| v)),
                    },
                    NodeKind::Seq(items) => stack.extend(items),
                    NodeKind::Scalar { .. } => {}
                }
                for (name, arg, short) in calls {
                    if name == "Fn::GetStackOutput" {
                        if let Some((producer, value)) = self.producer_of(at, eval, arg) {
                            if all {
                                out.insert(producer);
                            }
                            work.push((producer, value));
                        }
                        continue;
                    }
                    if name == "Fn::ImportValue" {
                        for (exporter, value) in self.exporters_of(eval, arg, short, all) {
                            if all {
                                out.insert(exporter);
                            }
                            work.push((exporter, value));
                        }
                        continue;
                    }
                    for (logical, attr) in referenced(&name, arg) {
                        self.ref_dep(owner, at, &logical, attr.as_deref(), out, &mut work);
                    }
                }
            }
        }
    }

    /// The exports an `Fn::ImportValue` argument names, as (instance, output value): the one
    /// that does, or with `all` every one that may.
    fn exporters_of(
        &self,
        eval: &Eval<'t, 'a>,
        arg: &'a Node,
        short: bool,
        all: bool,
    ) -> Vec<(usize, &'a Node)> {
        let name = eval.ev_arg(arg, short);
        let (Some(wanted), Some(exports)) = (Pattern::of(&name), self.exports.get()) else {
            return Vec::new();
        };
        let exact: Vec<&Export<'a>> = exports
            .iter()
            .filter(|e| wanted.exact && e.name.exact && e.name.text == wanted.text)
            .collect();
        let found: Vec<&Export<'a>> = if exact.is_empty() {
            exports
                .iter()
                .filter(|e| e.name.may_equal(&wanted))
                .collect()
        } else {
            exact
        };
        if !all && found.len() != 1 {
            return Vec::new();
        }
        found
            .into_iter()
            .filter_map(|e| e.output.get("Value").map(|v| (e.instance, v)))
            .collect()
    }

    /// The stack and output value a `Fn::GetStackOutput` argument names, when one template of
    /// the run is that stack.
    fn producer_of(
        &self,
        at: usize,
        eval: &Eval<'t, 'a>,
        arg: &'a Node,
    ) -> Option<(usize, &'a Node)> {
        let name = |key: &str| eval.ev(arg.get(key)?).as_string().known().cloned();
        let (stack, output) = (name("StackName")?, name("OutputName")?);
        let [producer] = self.stack_named(&stack, at)[..] else {
            return None;
        };
        let value = self
            .evals
            .get(producer)?
            .tpl
            .outputs?
            .get(&output)?
            .get("Value")?;
        Some((producer, value))
    }

    /// A reference to `logical` inside instance `at`, read by `owner`.
    fn ref_dep(
        &self,
        owner: usize,
        at: usize,
        logical: &str,
        attr: Option<&str>,
        out: &mut BTreeSet<usize>,
        work: &mut Vec<(usize, &'a Node)>,
    ) {
        let (Some(inst), Some(eval)) = (self.instances.get(at), self.evals.get(at)) else {
            return;
        };
        if let Some(child) = inst.children.get(logical) {
            let output = attr.and_then(|a| a.strip_prefix("Outputs."));
            if let (Ok(c), Some(output)) = (child, output) {
                let value = self
                    .evals
                    .get(*c)
                    .and_then(|e| e.tpl.outputs)
                    .and_then(|o| o.get(output))
                    .and_then(|o| o.get("Value"));
                if let Some(value) = value {
                    work.push((*c, value));
                }
            }
            return;
        }
        if eval.tpl.resource(logical).is_some() {
            if at != owner {
                out.insert(at);
            }
            return;
        }
        if eval.tpl.parameters.contains_key(logical) {
            if let Some(parent) = &inst.parent {
                if let Some(node) = parent.params.and_then(|p| p.get(logical)) {
                    work.push((parent.instance, node));
                }
            }
        }
    }
}

/// The stack name CDK gives a template's file (`Network.template.json` is stack `Network`); for
/// other templates, the file name without its extension.
fn stack_name(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?;
    [
        ".template.json",
        ".template.yaml",
        ".template.yml",
        ".json",
        ".yaml",
        ".yml",
        ".template",
    ]
    .iter()
    .find_map(|ext| file.strip_suffix(ext))
    .filter(|stem| !stem.is_empty())
    .map(str::to_string)
}

/// The intrinsic a short-form tag names (`!GetAtt` → `Fn::GetAtt`).
fn tag_intrinsic(tag: &str) -> Option<String> {
    let t = tag
        .strip_prefix('!')
        .filter(|t| !t.starts_with('!') && !t.is_empty())?;
    Some(match t {
        "Ref" | "Condition" => t.to_string(),
        _ => format!("Fn::{t}"),
    })
}

/// (logical id, attribute) pairs a `Ref` / `Fn::GetAtt` / `Fn::Sub` argument names literally.
fn referenced(name: &str, arg: &Node) -> Vec<(String, Option<String>)> {
    match (name, &arg.kind) {
        ("Ref", NodeKind::Scalar { text, .. }) => vec![(text.clone(), None)],
        ("Fn::GetAtt", NodeKind::Scalar { text, .. }) => match text.split_once('.') {
            Some((l, a)) => vec![(l.to_string(), Some(a.to_string()))],
            None => vec![(text.clone(), None)],
        },
        ("Fn::GetAtt", NodeKind::Seq(items)) => match items.as_slice() {
            [l, a, ..] => vec![(
                l.as_str().unwrap_or_default().to_string(),
                a.as_str().map(str::to_string),
            )],
            _ => Vec::new(),
        },
        ("Fn::Sub", NodeKind::Scalar { text, .. }) => sub_vars(text),
        ("Fn::Sub", NodeKind::Seq(items)) => items
            .first()
            .and_then(Node::as_str)
            .map(sub_vars)
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn sub_vars(text: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let var = after[..end].trim();
        if !var.starts_with('!') {
            match var.split_once('.') {
                Some((l, a)) => out.push((l.to_string(), Some(a.to_string()))),
                None => out.push((var.to_string(), None)),
            }
        }
        rest = &after[end + 1..];
    }
    out
}

/// A value evaluated in instance `from`, as seen from instance `into`: references qualified with
/// `from`'s namespace (or unqualified when they come back home), list items reported at the use.
fn adopt<'a>(value: Ev<'a>, from: &str, into: &str, use_span: Span) -> Ev<'a> {
    let qualify = |r: ResRef| -> ResRef {
        let logical = if r.logical.contains("::") {
            r.logical
        } else {
            format!("{from}::{}", r.logical)
        };
        let home = format!("{into}::");
        let logical = match logical.strip_prefix(&home) {
            Some(local) if !local.contains("::") => local.to_string(),
            _ => logical,
        };
        ResRef {
            logical,
            attr: r.attr,
        }
    };
    match value {
        Ev::Res(r) => Ev::Res(qualify(r)),
        Ev::Partial(p) => Ev::Partial(Partial {
            text: p.text,
            reason: p.reason,
            refs: p.refs.into_iter().map(qualify).collect(),
            joined: p.joined.map(|(d, pieces)| {
                (
                    d,
                    pieces
                        .into_iter()
                        .map(|piece| piece.map_err(qualify))
                        .collect(),
                )
            }),
        }),
        Ev::List(items) => Ev::List(
            items
                .into_iter()
                .map(|i| Item {
                    value: adopt(i.value, from, into, use_span),
                    span: use_span,
                })
                .collect(),
        ),
        Ev::Map(_) => Ev::unknown(format!("a mapping passed from `{from}`")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_known_parts_only() {
        assert!(glob("*-PublicSubnet", "network-PublicSubnet"));
        assert!(!glob("*-PublicSubnet", "network-PrivateSubnet"));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "ac"));
        assert!(glob("exact", "exact"));
    }

    #[test]
    fn patterns_need_compatible_ends() {
        let p = |t: &str, exact| Pattern {
            text: t.into(),
            exact,
        };
        assert!(p("*-PublicSubnet", false).may_equal(&p("*-PublicSubnet", false)));
        assert!(p("net-*", false).may_equal(&p("*-Subnet", false)));
        assert!(!p("*-PublicSubnet", false).may_equal(&p("*-PrivateSubnet", false)));
        assert!(p("*", false).may_equal(&p("x", true)));
    }
}
