//! Whether an expression whose value is unknown is certainly not null. Modules test optional
//! inputs with `var.x != null` (the lambda module's `dynamic "vpc_config"` does), and callers
//! often pass values that are unknown but never null: a data source's identity attributes,
//! the ids of resources whose number is unknown (`aws_subnet.x[*].id`, a list whatever its
//! length), lists built from them. The answer follows the expression back to where the value
//! comes from (module inputs, locals, module outputs), so the value itself needs no new form.

use hcl_edit::expr::{Expression, TraversalOperator};

use super::{data_sources, Calls, Evaluator, Scope, Val};

/// Steps followed back through variables, locals and outputs; real modules need a few.
const MAX_STEPS: u32 = 16;

impl Evaluator<'_> {
    /// `true` only when `e` certainly does not evaluate to null (`false` means "not known").
    pub(super) fn certainly_not_null(&self, e: &Expression, scope: &Scope) -> bool {
        self.not_null_at(e, scope, 0)
    }

    fn not_null_at(&self, e: &Expression, scope: &Scope, steps: u32) -> bool {
        if steps > MAX_STEPS {
            return false;
        }
        match self.eval(e, scope) {
            Val::Null => return false,
            Val::Unknown(_) => {}
            // A resource's identity, once it exists (an optional attribute may be null).
            Val::Ref(r) => return matches!(r.attr.as_deref(), None | Some("id" | "arn")),
            // Known values, strings with unknown pieces: not null.
            _ => return true,
        }
        let next = steps + 1;
        match e {
            Expression::Array(_)
            | Expression::Object(_)
            | Expression::StringTemplate(_)
            | Expression::HeredocTemplate(_)
            | Expression::ForExpr(_) => true,
            Expression::Parenthesis(p) => self.not_null_at(p.inner(), scope, next),
            Expression::Conditional(c) => {
                self.not_null_at(&c.true_expr, scope, next)
                    && self.not_null_at(&c.false_expr, scope, next)
            }
            Expression::FuncCall(f) => {
                let name = f.name.name.as_str();
                let mut args = f.args.iter();
                if f.name.is_namespaced() {
                    false
                } else if name == "coalesce" {
                    // The first argument that is neither null nor "": one that is not null makes
                    // the result not null (Terraform fails when every argument is null).
                    true
                } else if name == "try" {
                    args.all(|a| self.not_null_at(a, scope, next))
                } else {
                    never_null_function(name)
                }
            }
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                // A splat is a list (of what it finds, possibly none), never null.
                if ops.iter().any(|o| {
                    matches!(
                        o,
                        TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_)
                    )
                }) {
                    return true;
                }
                let Expression::Variable(root) = &t.expr else {
                    return false;
                };
                let attr = |i: usize| match ops.get(i) {
                    Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
                    _ => None,
                };
                match (root.as_str(), attr(0)) {
                    ("var", Some(v)) if ops.len() == 1 => self.variable_not_null(scope, v, next),
                    ("local", Some(l)) if ops.len() == 1 => {
                        match self.decls_at(scope.module).locals.get(l) {
                            Some((file, a)) => {
                                self.not_null_at(&a.value, &Scope::at(*file, scope.module), next)
                            }
                            None => false,
                        }
                    }
                    ("module", Some(m)) if ops.len() == 2 => {
                        match (self.module_calls(scope.module, m), attr(1)) {
                            (Calls::Single(c), Some(o)) => self.output_not_null(c, o, next),
                            _ => false,
                        }
                    }
                    ("data", Some(kind)) => {
                        let Some(name) = attr(1) else {
                            return false;
                        };
                        self.data_not_null(scope, kind, name, ops.get(2..).unwrap_or(&[]))
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// A module input: the caller's expression (or the default); a variable declared
    /// `nullable = false` with a default that is not null is never null.
    fn variable_not_null(&self, scope: &Scope, name: &str, steps: u32) -> bool {
        let m = scope.module;
        let Some((file, block)) = self.decls_at(m).variables.get(name) else {
            return false;
        };
        let default = block.body.get_attribute("default");
        let default_not_null =
            || default.is_some_and(|d| self.not_null_at(&d.value, &Scope::at(*file, m), steps));
        let non_nullable = block
            .body
            .get_attribute("nullable")
            .is_some_and(|a| matches!(&a.value, Expression::Bool(b) if !*b.value()));
        if non_nullable && default_not_null() {
            return true;
        }
        let inst = self.inst(m);
        let Some(link) = &inst.parent else {
            // A root module variable whose value is unknown has no default and no value.
            return false;
        };
        match self
            .decls_at(link.caller)
            .module(&link.name)
            .and_then(|call| call.block.body.get_attribute(name))
        {
            Some(a) => self.not_null_at(&a.value, &link.scope, steps),
            None => default_not_null(),
        }
    }

    fn output_not_null(&self, m: usize, name: &str, steps: u32) -> bool {
        let Some((file, block)) = self.decls_at(m).output_index.get(name) else {
            return false;
        };
        block
            .body
            .get_attribute("value")
            .is_some_and(|a| self.not_null_at(&a.value, &Scope::at(*file, m), steps))
    }

    /// `data.<kind>.<name>[i].<attr>` of a data source that reads existing infrastructure: its
    /// identity attributes are always set.
    fn data_not_null(
        &self,
        scope: &Scope,
        kind: &str,
        name: &str,
        rest: &[&TraversalOperator],
    ) -> bool {
        let Some(res) = self.decls_at(scope.module).data.get(&(kind, name)) else {
            return false;
        };
        // Region and partition are always set, even when the files do not say which.
        if data_sources::evaluated(kind) && !matches!(kind, "aws_region" | "aws_partition") {
            return false;
        }
        let counted = res.body().has_attribute("count") || res.body().has_attribute("for_each");
        let rest = match (counted, rest.first()) {
            (true, Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_))) => {
                rest.get(1..).unwrap_or(&[])
            }
            (true, _) => return rest.is_empty(),
            (false, _) => rest,
        };
        match rest {
            [] => true,
            [TraversalOperator::GetAttr(a)] => always_set_attribute(a.as_str()),
            _ => false,
        }
    }
}

/// Functions whose result is never null when they succeed (collections, strings, numbers). The
/// type conversions (`tolist(null)` is a null list) are not among them.
fn never_null_function(name: &str) -> bool {
    matches!(
        name,
        "concat"
            | "flatten"
            | "distinct"
            | "compact"
            | "keys"
            | "values"
            | "merge"
            | "sort"
            | "slice"
            | "reverse"
            | "setunion"
            | "setintersection"
            | "setsubtract"
            | "setproduct"
            | "zipmap"
            | "range"
            | "chunklist"
            | "formatlist"
            | "length"
            | "format"
            | "join"
            | "split"
            | "jsonencode"
            | "lower"
            | "upper"
            | "replace"
            | "trimspace"
            | "cidrsubnet"
            | "cidrsubnets"
            | "cidrhost"
    )
}

/// Attributes that every data source that has them always sets: identities, the names of
/// what was found, where it lives. Optional attributes (a VPC's IPv6 block, tags) may be null.
fn always_set_attribute(name: &str) -> bool {
    matches!(
        name,
        "id" | "arn"
            | "arns"
            | "ids"
            | "name"
            | "names"
            | "zone_ids"
            | "account_id"
            | "partition"
            | "dns_suffix"
            | "region"
            | "service_name"
            | "vpc_id"
            | "cidr_block"
            | "owner_id"
    )
}
