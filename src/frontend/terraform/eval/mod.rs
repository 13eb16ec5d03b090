//! Evaluates Terraform expressions as far as the configuration alone allows: variables with
//! defaults, locals, `count` / `for_each` instances, resource references, the functions that
//! matter. Everything else is `Val::Unknown` with a reason; evaluation never fails.
//!
//! Recursion is bounded: each nested evaluation (sub-expression, local, resource attribute)
//! counts against [`MAX_DEPTH`], and locals / `count` being evaluated are marked so a cycle
//! yields `Unknown("cycle")` instead of looping.

pub mod budget;
mod data_sources;
mod ec2_filter;
mod expr;
mod functions;
mod module_calls;
mod not_null;
mod numbers;
mod snapshot_data;
mod types;
mod user_span;
pub mod value;
mod zones;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;

use super::modules::Node;
use super::parse::{span_of, Decls, Resource};
pub use super::vars::RootVar;
use crate::source::{FileId, Span};
pub use functions::from_json_text;
pub use value::{fmt_num, instance_address, respan, InstKey, Item, Ref, Val, HOLE};

/// Nesting allowed across expressions, locals and resource attributes. Terraform itself has no
/// such limit; real configurations stay far below it.
const MAX_DEPTH: u32 = 48;

/// Resources larger than this `count` are not expanded.
const MAX_INSTANCES: usize = 1024;

/// What names mean where an expression is evaluated.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The file of the expressions, for spans.
    pub file: FileId,
    /// The module instance the expressions belong to (0: the root module).
    pub module: usize,
    pub count_index: Option<Val>,
    pub each: Option<(Val, Val)>,
    /// `for` expression variables and `dynamic` block iterators, innermost last.
    pub vars: Vec<(String, Val)>,
}

impl Scope {
    /// A scope in the root module.
    pub fn new(file: FileId) -> Self {
        Scope::at(file, 0)
    }
    pub fn at(file: FileId, module: usize) -> Self {
        Scope {
            file,
            module,
            count_index: None,
            each: None,
            vars: Vec::new(),
        }
    }
    pub fn with_var(&self, name: &str, val: Val) -> Scope {
        let mut s = self.clone();
        s.vars.push((name.to_string(), val));
        s
    }
}

/// How many instances a resource has.
#[derive(Debug, Clone)]
pub enum Instances {
    Single,
    Count(usize),
    /// `for_each` keys with their `each.value`.
    ForEach(Vec<(String, Val)>),
    Unknown(crate::model::Reason),
}

enum Slot<T> {
    InProgress,
    Done(T),
}

/// One instance of a module: the root, or one `count` / `for_each` instance of a `module`
/// block (in every instance of its caller).
pub struct ModInst {
    /// Index into the static module tree's nodes.
    pub node: usize,
    /// Address prefix of its resources: `""`, `module.net.`, `module.net["a"].module.sub.`.
    pub prefix: String,
    pub parent: Option<ParentLink>,
}

/// Where a module instance's inputs come from: its `module` block, evaluated in the caller.
pub struct ParentLink {
    /// The calling module instance and the name of its `module` block.
    pub caller: usize,
    pub name: String,
    /// The caller's scope for this instance (`count.index`, `each.*` set).
    pub scope: Scope,
}

/// The instances of a `module` block.
#[derive(Debug, Clone)]
pub enum Calls {
    Single(usize),
    Count(Vec<usize>),
    ForEach(Vec<(String, usize)>),
    Unknown(crate::model::Reason),
}

pub struct Evaluator<'a> {
    /// The root module's declarations.
    pub decls: &'a Decls<'a>,
    /// Declarations per module directory, and the static module tree.
    all: &'a [Decls<'a>],
    nodes: &'a [Node],
    /// Root variable values from tfvars files, the command line and the environment.
    root_vars: &'a HashMap<String, RootVar>,
    insts: RefCell<Vec<Rc<ModInst>>>,
    calls: RefCell<HashMap<(usize, String), Slot<Calls>>>,
    /// Locals, variables (`var.x`) and module outputs (`output.x`) per module instance.
    locals: RefCell<HashMap<(usize, String), Slot<Val>>>,
    instances: RefCell<HashMap<(usize, String, String), Slot<Instances>>>,
    depth: Cell<u32>,
    /// Bytes of values and evaluation steps this unit may still spend (`eval/budget.rs`).
    pub budget: budget::Budget,
    /// For `file()`, `templatefile()`, `fileexists()` and `path.*`: none in plan files.
    pub(super) files: Option<FileAccess<'a>>,
    /// `--aws-snapshot`: the data sources that read existing infrastructure are read from it.
    pub(super) snapshot: Option<&'a crate::frontend::snapshot::Snapshot>,
}

/// What the file functions may read: paths are resolved like Terraform's (relative to the root
/// module, `path.module` absolute), canonicalised, and read only inside `roots`.
pub struct FileAccess<'a> {
    pub sources: &'a crate::source::SourceMap,
    pub roots: &'a crate::paths::Roots,
    /// The root module's directory, canonical: Terraform's working directory.
    pub root_dir: std::path::PathBuf,
}

impl<'a> Evaluator<'a> {
    /// `all[nodes[0].dir]` is the root module.
    pub fn new(
        all: &'a [Decls<'a>],
        nodes: &'a [Node],
        root_vars: &'a HashMap<String, RootVar>,
        empty: &'a Decls<'a>,
    ) -> Self {
        let root = nodes.first().and_then(|n| all.get(n.dir)).unwrap_or(empty);
        Evaluator {
            decls: root,
            all,
            nodes,
            root_vars,
            insts: RefCell::new(vec![Rc::new(ModInst {
                node: 0,
                prefix: String::new(),
                parent: None,
            })]),
            calls: RefCell::default(),
            locals: RefCell::default(),
            instances: RefCell::default(),
            depth: Cell::new(0),
            budget: budget::Budget::default(),
            files: None,
            snapshot: None,
        }
    }

    /// A module instance (the root when out of range, which does not happen).
    pub fn inst(&self, m: usize) -> Rc<ModInst> {
        let insts = self.insts.borrow();
        match insts.get(m).or_else(|| insts.first()) {
            Some(i) => i.clone(),
            None => Rc::new(ModInst {
                node: 0,
                prefix: String::new(),
                parent: None,
            }),
        }
    }

    /// The declarations of a module instance.
    pub fn decls_at(&self, m: usize) -> &'a Decls<'a> {
        let node = self.inst(m).node;
        self.nodes
            .get(node)
            .and_then(|n| self.all.get(n.dir))
            .unwrap_or(self.decls)
    }

    /// A cached value per module instance, with cycle detection (`compute` runs once).
    fn memo(&self, m: usize, key: String, compute: impl FnOnce() -> Val) -> Val {
        let k = (m, key);
        match self.locals.borrow().get(&k) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::InProgress) => return Val::unknown("cycle"),
            None => {}
        }
        self.locals.borrow_mut().insert(k.clone(), Slot::InProgress);
        let v = compute();
        // A value cut short by a cycle depends on where evaluation started: do not cache.
        if !matches!(&v, Val::Unknown(r) if r.0 == "cycle") {
            self.locals.borrow_mut().insert(k, Slot::Done(v.clone()));
        } else {
            self.locals.borrow_mut().remove(&k);
        }
        v
    }

    /// Evaluates an expression; the entry point for the lowering.
    pub fn eval(&self, e: &Expression, scope: &Scope) -> Val {
        let d = self.depth.get();
        if d >= MAX_DEPTH {
            return Val::unknown("expression nested too deeply to evaluate");
        }
        let span = self.span(scope, e);
        if !self.budget.step(span) {
            return self.over_budget(span);
        }
        self.depth.set(d + 1);
        let v = self.eval_inner(e, scope);
        self.depth.set(d);
        // Collections and `for` charge their elements as they are built; a reference, a call
        // or a template is a new value (a copy, for a reference) and is charged whole.
        let charged = matches!(
            e,
            Expression::Traversal(_)
                | Expression::Variable(_)
                | Expression::FuncCall(_)
                | Expression::String(_)
                | Expression::StringTemplate(_)
                | Expression::HeredocTemplate(_)
        );
        if charged && !self.budget.charge_val(&v, span) {
            return self.over_budget(span);
        }
        v
    }

    /// The unknown value of an expression the budget has no room for, naming the place that
    /// exhausted it (the same for every later value of the unit).
    pub(super) fn over_budget(&self, span: Span) -> Val {
        let at = self.budget.exhausted().unwrap_or(span);
        Val::unknown(format!(
            "evaluation budget exceeded{} ({} MiB of values or {} steps per module)",
            self.located(at),
            budget::UNIT_BYTES >> 20,
            budget::UNIT_STEPS
        ))
    }

    /// ` at file:line:column` for a reason's text, or nothing when the sources are not at hand.
    pub(super) fn located(&self, span: Span) -> String {
        match &self.files {
            Some(f) if (span.file.0 as usize) < f.sources.len() => {
                let file = f.sources.get(span.file);
                let p = file.position(span.start);
                format!(" at {}:{}:{}", file.display, p.line, p.column)
            }
            _ => String::new(),
        }
    }

    pub fn span(&self, scope: &Scope, node: &impl hcl_edit::Span) -> Span {
        span_of(scope.file, node)
    }

    fn variable(&self, m: usize, name: &str) -> Val {
        let Some((file, block)) = self.decls_at(m).variables.get(name) else {
            return Val::unknown(format!("variable `{name}` is not declared"));
        };
        self.memo(m, format!("var.{name}"), || {
            let inst = self.inst(m);
            let given = match &inst.parent {
                None => self
                    .root_vars
                    .get(name)
                    .map(|v| self.root_var_value(v, *file, block)),
                Some(link) => self
                    .decls_at(link.caller)
                    .module(&link.name)
                    .and_then(|call| call.block.body.get_attribute(name))
                    .map(|a| self.eval(&a.value, &link.scope)),
            };
            let non_nullable = block.body.get_attribute("nullable").is_some_and(
                |a| matches!(&a.value, hcl_edit::expr::Expression::Bool(b) if !*b.value()),
            );
            let v = match given {
                Some(Val::Null) if non_nullable => None,
                other => other,
            };
            let v = match v {
                Some(v) => v,
                None => match block.body.get_attribute("default") {
                    Some(attr) => self.eval(&attr.value, &Scope::at(*file, m)),
                    None => match &inst.parent {
                        Some(link) => {
                            return Val::unknown(format!(
                                "module `{}` does not set input `{name}`, which has no default",
                                link.name
                            ))
                        }
                        None => return Val::unknown(format!("variable `{name}` has no default")),
                    },
                },
            };
            match block.body.get_attribute("type") {
                Some(t) => types::convert(self, v, &t.value, &Scope::at(*file, m)),
                None => v,
            }
        })
    }

    fn local(&self, m: usize, name: &str) -> Val {
        let Some((file, attr)) = self.decls_at(m).locals.get(name) else {
            return Val::unknown(format!("local `{name}` is not declared"));
        };
        self.memo(m, name.to_string(), || {
            self.eval(&attr.value, &Scope::at(*file, m))
        })
    }

    /// An output of a module instance.
    pub fn output(&self, m: usize, name: &str) -> Val {
        let Some((file, block)) = self.decls_at(m).output_index.get(name) else {
            return Val::unknown(format!("the module has no output `{name}`"));
        };
        self.memo(m, format!("output.{name}"), || {
            match block.body.get_attribute("value") {
                Some(a) => self.eval(&a.value, &Scope::at(*file, m)),
                None => Val::unknown(format!("output `{name}` has no value")),
            }
        })
    }

    /// The instances of a managed resource, from its `count` or `for_each`.
    pub fn instances(&self, res: &Resource<'_>, m: usize) -> Instances {
        self.instances_of(res, m, false)
    }

    /// The instances of a managed resource or (`data`) a data source: both kinds share the
    /// cache, so a data source's key is prefixed (`data "aws_iam_policy"` and `resource
    /// "aws_iam_policy"` may have the same name).
    fn instances_of(&self, res: &Resource<'_>, m: usize, data: bool) -> Instances {
        let kind = if data {
            format!("data.{}", res.kind)
        } else {
            res.kind.to_string()
        };
        let key = (m, kind, res.name.to_string());
        match self.instances.borrow().get(&key) {
            Some(Slot::Done(i)) => return i.clone(),
            Some(Slot::InProgress) => {
                return Instances::Unknown(crate::model::Reason::new("cycle"));
            }
            None => {}
        }
        self.instances
            .borrow_mut()
            .insert(key.clone(), Slot::InProgress);
        let i = self.compute_instances(res, m);
        self.instances
            .borrow_mut()
            .insert(key, Slot::Done(i.clone()));
        i
    }

    fn compute_instances(&self, res: &Resource<'_>, m: usize) -> Instances {
        let scope = Scope::at(res.file, m);
        let what = format!("{}{}", self.inst(m).prefix, res.address());
        if let Some(count) = res.body().get_attribute("count") {
            return match self.eval(&count.value, &scope) {
                Val::Num(n) if n >= 0.0 && n.fract() == 0.0 && (n as usize) <= MAX_INSTANCES => {
                    Instances::Count(n as usize)
                }
                Val::Num(n) => Instances::Unknown(crate::model::Reason::new(format!(
                    "`count` of `{what}` is {} (not expanded)",
                    fmt_num(n)
                ))),
                v => Instances::Unknown(reason_or(
                    &v,
                    format!("`count` of `{what}` is not a number"),
                )),
            };
        }
        if let Some(fe) = res.body().get_attribute("for_each") {
            return match for_each_entries(self.eval(&fe.value, &scope)) {
                Ok(entries) => Instances::ForEach(entries),
                Err(r) => Instances::Unknown(crate::model::Reason::new(format!(
                    "`for_each` of `{what}`: {r}"
                ))),
            };
        }
        Instances::Single
    }

    /// The scope in which a resource instance's own arguments are evaluated.
    pub fn instance_scope(
        &self,
        res: &Resource<'_>,
        m: usize,
        key: Option<&InstKey>,
        uncertain: bool,
    ) -> Scope {
        self.instance_scope_of(res, m, key, uncertain, false)
    }

    fn instance_scope_of(
        &self,
        res: &Resource<'_>,
        m: usize,
        key: Option<&InstKey>,
        uncertain: bool,
        data: bool,
    ) -> Scope {
        let mut scope = Scope::at(res.file, m);
        if uncertain {
            let r = match self.instances_of(res, m, data) {
                Instances::Unknown(r) => r.0,
                _ => "the number of instances is unknown".to_string(),
            };
            scope.count_index = Some(Val::unknown(r.clone()));
            scope.each = Some((Val::unknown(r.clone()), Val::unknown(r)));
            return scope;
        }
        match key {
            Some(InstKey::Index(i)) => scope.count_index = Some(Val::Num(*i as f64)),
            Some(InstKey::Key(k)) => {
                let value = match self.instances_of(res, m, data) {
                    Instances::ForEach(entries) => entries
                        .into_iter()
                        .find(|(ek, _)| ek == k)
                        .map(|(_, v)| v)
                        .unwrap_or_else(|| Val::unknown("no such instance")),
                    _ => Val::unknown("no such instance"),
                };
                scope.each = Some((Val::Str(k.clone()), value));
            }
            None => {}
        }
        scope
    }

    /// `aws_x.name` as a value: one reference, a list (`count`), a map (`for_each`).
    fn resource_value(&self, res: &Resource<'_>, m: usize, span: Span) -> Val {
        let prefix = self.inst(m).prefix.clone();
        let r = |key: Option<InstKey>, uncertain: bool| {
            Val::Ref(Ref {
                module: m,
                prefix: prefix.clone(),
                kind: res.kind.to_string(),
                name: res.name.to_string(),
                key,
                uncertain,
                attr: None,
            })
        };
        match self.instances(res, m) {
            Instances::Single => r(None, false),
            Instances::Count(n) => Val::List(
                (0..n)
                    .map(|i| Item {
                        val: r(Some(InstKey::Index(i)), false),
                        span,
                    })
                    .collect(),
            ),
            Instances::ForEach(entries) => Val::Map(
                entries
                    .into_iter()
                    .map(|(k, _)| {
                        let item = Item {
                            val: r(Some(InstKey::Key(k.clone())), false),
                            span,
                        };
                        (k, item)
                    })
                    .collect(),
            ),
            Instances::Unknown(_) => r(None, true),
        }
    }

    /// An attribute of a resource instance: the argument's value when the configuration sets
    /// it, else a reference that the lowering maps to the entity (`id`, `arn`, ...).
    fn resource_attr(&self, r: &Ref, attr: &str) -> Val {
        if r.kind == "aws_vpc" && attr == "default_security_group_id" {
            return self.default_security_group(r);
        }
        let keeps_identity = matches!(
            attr,
            "id" | "arn" | "name" | "function_name" | "stream_arn" | "url" | "bucket"
        );
        if !keeps_identity {
            if let Some(res) = self.decls_at(r.module).resource(&r.kind, &r.name) {
                if let Some(a) = res.body().get_attribute(attr) {
                    let scope = self.instance_scope(res, r.module, r.key.as_ref(), r.uncertain);
                    return self.eval(&a.value, &scope);
                }
            }
        }
        let mut out = r.clone();
        out.attr = Some(attr.to_string());
        Val::Ref(out)
    }

    /// `aws_vpc.x.default_security_group_id`: the `aws_default_security_group` of that VPC in
    /// the same module (which manages its rules: with none declared, it has none), else unknown,
    /// since AWS's default rules may have been changed outside the configuration.
    fn default_security_group(&self, vpc: &Ref) -> Val {
        let decls = self.decls_at(vpc.module);
        for res in decls
            .resources
            .iter()
            .filter(|r| r.kind == "aws_default_security_group")
        {
            let keys: Vec<(Option<InstKey>, bool)> = match self.instances(res, vpc.module) {
                Instances::Single => vec![(None, false)],
                Instances::Count(n) => (0..n).map(|i| (Some(InstKey::Index(i)), false)).collect(),
                Instances::ForEach(e) => e
                    .into_iter()
                    .map(|(k, _)| (Some(InstKey::Key(k)), false))
                    .collect(),
                Instances::Unknown(_) => vec![(None, true)],
            };
            for (key, uncertain) in keys {
                let scope = self.instance_scope(res, vpc.module, key.as_ref(), uncertain);
                let Some(a) = res.body().get_attribute("vpc_id") else {
                    continue;
                };
                if let Val::Ref(v) = self.eval(&a.value, &scope) {
                    if v.address() == vpc.address()
                        && matches!(v.attr.as_deref(), None | Some("id"))
                    {
                        return Val::Ref(Ref {
                            module: vpc.module,
                            prefix: vpc.prefix.clone(),
                            kind: res.kind.to_string(),
                            name: res.name.to_string(),
                            key,
                            uncertain,
                            attr: Some("id".into()),
                        });
                    }
                }
            }
        }
        Val::unknown(format!(
            "the default security group of `{}` is not managed here (`aws_default_security_group`): its rules may have been changed outside the configuration",
            vpc.address()
        ))
    }

    /// Resolves `data.<type>.<name>...`: consumes the type and name operators. The data sources
    /// that can be known from the files are evaluated per instance (`count` / `for_each` give a
    /// list / map of instances like a resource's); the others read existing infrastructure.
    fn data_value(&self, m: usize, kind: &str, name: &str) -> Val {
        let Some(res) = self.decls_at(m).data.get(&(kind, name)) else {
            return Val::unknown(format!("data source `data.{kind}.{name}` is not declared"));
        };
        let counted = res.body().has_attribute("count") || res.body().has_attribute("for_each");
        let address = format!("{}data.{kind}.{name}", self.inst(m).prefix);
        if let Some(v) = zones::data_value(kind, &address, counted, span_of(res.file, res.block)) {
            return v;
        }
        if self.evaluates_data(kind) {
            return match self.instances_of(res, m, true) {
                Instances::Single => self.data_instance(res, m, None),
                Instances::Count(n) => Val::List(
                    (0..n)
                        .map(|i| Item {
                            val: self.data_instance(res, m, Some(InstKey::Index(i))),
                            span: span_of(res.file, res.block),
                        })
                        .collect(),
                ),
                Instances::ForEach(entries) => Val::Map(
                    entries
                        .into_iter()
                        .map(|(k, _)| {
                            let val = self.data_instance(res, m, Some(InstKey::Key(k.clone())));
                            let span = span_of(res.file, res.block);
                            (k, Item { val, span })
                        })
                        .collect(),
                ),
                Instances::Unknown(r) => Val::Unknown(r),
            };
        }
        Val::unknown(format!(
            "data source `data.{kind}.{name}` (existing infrastructure)"
        ))
    }

    /// One instance of a data source that can be known from the files, evaluated once.
    fn data_instance(&self, res: &Resource<'_>, m: usize, key: Option<InstKey>) -> Val {
        let memo_key = format!(
            "data.{}",
            instance_address(res.kind, res.name, key.as_ref())
        );
        self.memo(m, memo_key, || {
            let scope = self.instance_scope_of(res, m, key.as_ref(), false, true);
            data_sources::instance(self, res, &scope)
        })
    }

    /// The blocks named `name` in `body`, with `dynamic "<name>"` blocks expanded. Each comes
    /// with the scope its content is evaluated in. `Err`: a `dynamic` block's `for_each` is
    /// unknown, so how many blocks there are is unknown.
    pub fn blocks<'b>(
        &self,
        body: &'b Body,
        name: &str,
        scope: &Scope,
    ) -> Result<Vec<(&'b Body, Span, Scope)>, crate::model::Reason> {
        let mut out = Vec::new();
        for block in body.blocks() {
            if block.ident.as_str() == name && block.labels.is_empty() {
                out.push((&block.body, span_of(scope.file, block), scope.clone()));
                continue;
            }
            let is_dynamic = block.ident.as_str() == "dynamic"
                && block.labels.len() == 1
                && block.labels.first().map(|l| l.as_str()) == Some(name);
            if !is_dynamic {
                continue;
            }
            let iterator = block
                .body
                .get_attribute("iterator")
                .and_then(|a| a.value.as_variable().map(|v| v.as_str().to_string()))
                .unwrap_or_else(|| name.to_string());
            let Some(content) = block.body.get_blocks("content").next() else {
                continue;
            };
            let collection = block
                .body
                .get_attribute("for_each")
                .map(|fe| self.eval(&fe.value, scope));
            let span = span_of(scope.file, block);
            // In a downloaded module, each block points at the entry of the collection the user
            // wrote, when it comes from outside the module (`policy_statements = { ... }`).
            let item_spans: Vec<Span> = match &collection {
                Some(Val::Map(m)) => m.values().map(|i| i.span).collect(),
                Some(Val::List(l)) => l.iter().map(|i| i.span).collect(),
                _ => Vec::new(),
            };
            let entries = match collection {
                Some(v) => for_each_entries(v),
                None => Err("no `for_each`".to_string()),
            };
            let entries = entries
                .map_err(|r| crate::model::Reason::new(format!("dynamic block `{name}`: {r}")))?;
            let in_download = self.downloaded(span.file);
            for (i, (k, v)) in entries.into_iter().enumerate() {
                let span = match item_spans.get(i) {
                    Some(s) if in_download && !self.downloaded(s.file) => *s,
                    _ => span,
                };
                let mut m = BTreeMap::new();
                m.insert(
                    "key".to_string(),
                    Item {
                        val: Val::Str(k),
                        span,
                    },
                );
                m.insert("value".to_string(), Item { val: v, span });
                out.push((&content.body, span, scope.with_var(&iterator, Val::Map(m))));
            }
        }
        Ok(out)
    }
}

/// `for_each` / `dynamic` collection entries: map entries, or set/list elements (key = value).
fn for_each_entries(v: Val) -> Result<Vec<(String, Val)>, String> {
    match v {
        Val::Map(m) => Ok(m.into_iter().map(|(k, i)| (k, i.val)).collect()),
        Val::List(items) => {
            let mut out = Vec::new();
            for (i, item) in items.into_iter().enumerate() {
                match item.val.as_str() {
                    Some(s) => out.push((s, item.val)),
                    // Dynamic blocks iterate lists of anything; the key is the index.
                    None => match item.val.unknown_reason() {
                        Some(r) => return Err(r.0),
                        None => out.push((i.to_string(), item.val)),
                    },
                }
            }
            Ok(out)
        }
        Val::Null => Ok(Vec::new()),
        other => Err(reason_or(
            &other,
            format!("a {} cannot be iterated", other.type_name()),
        )
        .0),
    }
}

/// The value's own unknown reason, or `fallback`.
pub fn reason_or(v: &Val, fallback: String) -> crate::model::Reason {
    v.unknown_reason()
        .unwrap_or_else(|| crate::model::Reason::new(fallback))
}
