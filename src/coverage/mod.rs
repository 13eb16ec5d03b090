//! Coverage: what the run could not verify. For every VPC function (and capacity provider), each
//! aspect the rules judge — placement, routing and egress, security groups, services used, the
//! execution role and its policies — is *verified* or *unknown*, and every unknown keeps the
//! reason the front end recorded, where the unknown value is, what input would resolve it and
//! which rules could not decide because of it.
//!
//! Computed from the model and the facts only, after them and beside the rules: rules and front
//! ends know nothing of it. [`depends`] is the one table of which rules need which fact.

mod declared;
pub mod depends;
mod find;
mod hint;
mod strict;

use crate::analysis::Facts;
use crate::model::{Model, Reason};
use crate::source::{FileId, SourceMap, Span};

pub use depends::Need;
pub use hint::hint;
pub use strict::diagnostics;

/// What rules judge about a function, in the order the output lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Aspect {
    /// Subnets, their VPC (and its settings), zones, CIDRs.
    Placement,
    /// Route tables, internet egress, NAT gateways and endpoints per used service.
    Routing,
    SecurityGroups,
    /// The services the function uses.
    Services,
    /// The execution role and its policies.
    Role,
}

impl Aspect {
    pub const ALL: [Aspect; 5] = [
        Aspect::Placement,
        Aspect::Routing,
        Aspect::SecurityGroups,
        Aspect::Services,
        Aspect::Role,
    ];

    /// The name in every output (JSON `aspect`, LVL906 messages).
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Placement => "placement",
            Aspect::Routing => "routing",
            Aspect::SecurityGroups => "security-groups",
            Aspect::Services => "services",
            Aspect::Role => "role",
        }
    }

    /// In a sentence: "the placement of function `f`".
    pub fn noun(self) -> &'static str {
        match self {
            Aspect::Placement => "placement (subnets, VPC, zones)",
            Aspect::Routing => "routing and egress",
            Aspect::SecurityGroups => "security groups",
            Aspect::Services => "services used",
            Aspect::Role => "execution role and its policies",
        }
    }
}

/// One value that could not be known, and what it kept from being decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub need: Need,
    /// What is unknown, naming the resource: "availability zone of subnet `aws_subnet.a`".
    pub what: String,
    /// The reason the front end or the analysis recorded.
    pub reason: Reason,
    /// The unknown value (the `subnet_ids` entry, the `data` reference, the policy attachment).
    pub span: Span,
    /// The rules that could not decide because of it ([`depends::rules_for`]).
    pub rules: Vec<&'static str>,
    /// Where what the reason names is declared (the variable, parameter, data source or
    /// module call to give a value to), when that is elsewhere.
    pub declared: Option<Span>,
}

impl Unknown {
    pub fn aspect(&self) -> Aspect {
        self.need.aspect()
    }
    /// What input would resolve it, when the reason says.
    pub fn hint(&self) -> Option<&'static str> {
        hint(&self.reason.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Function,
    CapacityProvider,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Function => "function",
            Kind::CapacityProvider => "capacity provider",
        }
    }
}

/// The coverage of one VPC function or capacity provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub kind: Kind,
    /// The resource's declaration.
    pub span: Span,
    /// The aspects that apply (a capacity provider has no role or services of its own).
    pub aspects: Vec<Aspect>,
    /// In aspect order, then source order.
    pub unknowns: Vec<Unknown>,
}

impl Entry {
    pub fn verified(&self) -> bool {
        self.unknowns.is_empty()
    }
    /// The unknowns of one aspect (empty: verified).
    pub fn unknowns_of(&self, aspect: Aspect) -> impl Iterator<Item = &Unknown> {
        self.unknowns.iter().filter(move |u| u.aspect() == aspect)
    }
}

/// The coverage of a run: every entry, sorted by file and position.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub entries: Vec<Entry>,
    /// `--strict`: the unknowns are also listed as LVL906 diagnostics.
    pub strict: bool,
    /// The AWS snapshot files literal ids were resolved against (`--aws-snapshot`), as
    /// displayed: a snapshot is a moment, so reports say which one was used.
    pub snapshot_files: Vec<String>,
}

impl Coverage {
    pub fn verified(&self) -> usize {
        self.entries.iter().filter(|e| e.verified()).count()
    }
    pub fn not_verified(&self) -> usize {
        self.entries.len() - self.verified()
    }
    /// Deterministic order, whatever order the units finished in.
    pub fn sort(&mut self, sources: &SourceMap) {
        self.entries.sort_by(|a, b| {
            let fa = &sources.get(a.span.file).display;
            let fb = &sources.get(b.span.file).display;
            fa.cmp(fb)
                .then(a.span.start.cmp(&b.span.start))
                .then(a.name.cmp(&b.name))
        });
    }
    /// Reasons by the number of entries they leave unverified, most frequent first (ties by
    /// text): the corpus measure and the JSON/SARIF `top_reasons`.
    pub fn top_reasons(&self, n: usize) -> Vec<(String, usize)> {
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for e in &self.entries {
            let mut seen = std::collections::BTreeSet::new();
            for u in &e.unknowns {
                if seen.insert(general(&u.reason.0)) {
                    *counts.entry(general(&u.reason.0)).or_default() += 1;
                }
            }
        }
        let mut list: Vec<(String, usize)> = counts.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(n);
        list
    }
}

/// A reason with the user's names in backticks replaced by `…` and long parenthesised lists
/// cut, so reasons of the same kind count together ("parameter `…` has no default"). A
/// property or attribute the reason says is missing (`no `SubnetIds``, ``subnet_ids` is not
/// set`) is the kind itself and stays.
pub fn general(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut rest = reason;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else {
            break;
        };
        let name = &rest[open + 1..open + 1 + len];
        let after = &rest[open + len + 2..];
        out.push_str(&rest[..open]);
        let kind = out.ends_with("no ") || after.starts_with(" is not set");
        if kind {
            out.push('`');
            out.push_str(name);
            out.push('`');
        } else {
            out.push_str("`…`");
        }
        rest = after;
    }
    out.push_str(rest);
    // "(a.yml x, b.yml y, …)": the list of candidates, different every time.
    let mut cut = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(open) = rest.find(" (") {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        cut.push_str(&rest[..open]);
        if close > 50 && rest[open..open + close].contains(',') {
            cut.push_str(" (…)");
        } else {
            cut.push_str(&rest[open..open + close + 1]);
        }
        rest = &rest[open + close + 1..];
    }
    cut.push_str(rest);
    cut
}

/// The coverage of one unit (`files`: its files): its VPC functions, then its capacity
/// providers.
pub fn of_unit(
    model: &Model,
    facts: &Facts<'_>,
    files: &[FileId],
    sources: &SourceMap,
) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (id, f, ff) in facts.vpc_functions() {
        let mut found = find::Found::new(false);
        find::function(model, facts, id, f, ff, &mut found);
        entries.push(Entry {
            name: f.meta.name.clone(),
            kind: Kind::Function,
            span: f.meta.span,
            aspects: Aspect::ALL.to_vec(),
            unknowns: found.finish(),
        });
    }
    for p in &model.capacity_providers {
        let mut found = find::Found::new(true);
        find::provider(model, facts, p, &mut found);
        entries.push(Entry {
            name: p.meta.name.clone(),
            kind: Kind::CapacityProvider,
            span: p.meta.span,
            aspects: vec![Aspect::Placement, Aspect::Routing, Aspect::SecurityGroups],
            unknowns: found.finish(),
        });
    }
    for u in entries.iter_mut().flat_map(|e| e.unknowns.iter_mut()) {
        u.declared = declared::find(&u.reason.0, u.span, files, sources).filter(|d| *d != u.span);
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn general_reasons_drop_names() {
        assert_eq!(
            general("variable `subnet_ids` has no default"),
            "variable `…` has no default"
        );
        assert_eq!(general("no `SubnetIds`"), "no `SubnetIds`");
        assert_eq!(
            general("parameter `Subnets` has no default"),
            "parameter `…` has no default"
        );
        assert_eq!(
            general("Fn::ImportValue `x` may be any of 2 exports of this run (a/very/long/path.yml privateSubnetA, other/long/path.yml privateSubnetA)"),
            "Fn::ImportValue `…` may be any of 2 exports of this run (…)"
        );
        assert_eq!(
            general("reference `data.aws_subnets.x.ids` is not followed"),
            "reference `…` is not followed"
        );
        assert_eq!(general("plain"), "plain");
    }
}
