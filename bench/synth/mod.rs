//! Synthetic infrastructure for benchmarks and the generator test: Terraform modules and
//! CloudFormation / SAM / CDK templates that look like real VPC-Lambda stacks, with a controlled
//! share of the mistakes lambda-vpc-lint catches. Deterministic for a seed.
//!
//! Every unit (a Terraform module or a template) is a VPC laid out the way a careful team writes
//! it, so that the whole rule catalog finds nothing in it (`--mistakes 0` gives no finding):
//! - public, private and isolated subnets in three known AZs; an internet gateway; one NAT
//!   gateway per AZ, each in that AZ's public subnet, and one private route table per AZ whose
//!   default route targets the NAT gateway of the same AZ; the isolated subnets have no route out;
//! - S3 and DynamoDB gateway endpoints on every route table (public, private, isolated), an SQS
//!   interface endpoint with private DNS in the isolated subnets, admitted by its security group;
//! - a PostgreSQL database in the isolated subnets (its subnet group and security group), and the
//!   public-service stores the functions use (table, queue, bucket, secret, topic);
//! - a few functions, each with its own execution role that grants the ENI permissions, and the
//!   Deny AWS recommends on the ENI actions, conditioned on `ArnEquals`
//!   `lambda:SourceFunctionArn` = the function. The Deny sits in a policy resource of its own (a
//!   role cannot reference the functions that depend on it): one per function in Terraform
//!   (`aws_iam_role_policy` with `jsonencode` or an `aws_iam_policy_document`), one per stack
//!   listing all its functions' ARNs and attached to their roles in templates (AWS::IAM::Policy,
//!   or a customer managed policy in SAM). Roles written with `managed_policy_arns` and
//!   `inline_policy` own their inline policies, so their Deny is an inline policy that builds the
//!   function's ARN from its name, which the linter cannot match to the function (it stays
//!   silent, as documented for LVL104).
//!
//! A clean function is either in the private subnets, reaching the database named in its
//! environment (the reason it is in the VPC) and everything else through the NAT gateways or the
//! gateway endpoints, or in the isolated subnets using only S3, DynamoDB and SQS (all have
//! endpoints there).
//!
//! A function with a mistake has exactly one, and it yields exactly one finding, of its rule:
//! - LVL001: attached to a private and a public subnet;
//! - LVL002: in the isolated subnets, using one service with no endpoint there (Secrets Manager
//!   or SNS);
//! - LVL003: in the isolated subnets, calling Amazon Connect (no VPC endpoint exists);
//! - LVL005: besides the private subnets of the first two AZs, attached to a subnet of its own in
//!   the third AZ whose route table sends internet traffic to the NAT gateway of the first AZ;
//! - LVL007: likewise attached to a subnet of its own, whose route table (to the NAT gateway of
//!   its AZ) is left off the S3 gateway endpoint, while the function uses S3;
//! - LVL016: in the private subnets, referencing nothing inside the VPC (no database in its
//!   environment, only public-service stores) and granted only public-service actions;
//! - LVL017: in the private subnets, using DynamoDB in a unit that has no DynamoDB gateway
//!   endpoint (the team forgot it; the unit's other functions then use no DynamoDB);
//! - LVL101: its role lacks the ENI permissions (only basic logging);
//! - LVL104: its role has no Deny keeping the ENI permissions from the function's code (in
//!   templates: the function and its role are left out of the stack's Deny).
//!
//! The extra subnets of LVL005 and LVL007 are used by their function only, so each of these
//! mistakes stays one finding whatever else the unit holds. Each function carries a mistake with
//! probability `mistakes`; the kinds are dealt from a shuffled deck of all of them, so over a set
//! their counts differ by at most one. [`Expected`] records the findings per unit and rule.
//!
//! Terraform modules come in two network styles (`for_each` over the AZs with `cidrsubnet` and
//! inline routes, or one resource per AZ with `aws_route` resources) and four ways of writing a
//! role (`jsonencode` with a managed-policy attachment, `aws_iam_policy_document`,
//! `managed_policy_arns` with `inline_policy` blocks, a heredoc JSON policy); templates are plain
//! CloudFormation, SAM (implicit roles, policy templates, `Globals`) or CDK synth output (JSON
//! indented by one space, hashed logical ids, `Fn::Join` ARNs, separate AWS::IAM::Policy
//! resources). Templates name their AZs: plain and SAM through an `AvailabilityZones` parameter
//! with a default, CDK literally (a stack with an explicit environment). At most
//! [`MAX_FUNCTIONS`] functions per unit (their own subnets take the /24s from 10.x.32.0 up).

use std::fmt::Write as _;

/// Functions per unit at most: each may need a /24 of its own from 10.x.32.0 up.
pub const MAX_FUNCTIONS: usize = 200;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    pub modules: usize,
    pub templates: usize,
    /// Functions per unit.
    pub functions: usize,
    /// Share of functions with one mistake, 0.0..=1.0.
    pub mistakes: f64,
}

impl Config {
    /// Splits `files` between Terraform modules (two files each) and templates (one file each),
    /// about half the files each.
    pub fn for_files(files: usize, seed: u64, mistakes: f64) -> Config {
        let modules = files / 4;
        Config {
            seed,
            modules,
            templates: files - 2 * modules,
            functions: 4,
            mistakes,
        }
    }
}

/// One generated file, with a path relative to the output directory.
#[derive(Debug, Clone)]
pub struct GenFile {
    pub path: String,
    pub text: String,
}

/// The mistakes a function can carry, each yielding exactly one finding of its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mistake {
    PublicSubnet,
    NoEgress,
    NoEndpointService,
    NatCrossAz,
    GatewayEndpointNotRouted,
    UnneededVpc,
    NatForGatewayService,
    MissingEni,
    MissingCodeDeny,
}

impl Mistake {
    pub const ALL: [Mistake; 9] = [
        Mistake::PublicSubnet,
        Mistake::NoEgress,
        Mistake::NoEndpointService,
        Mistake::NatCrossAz,
        Mistake::GatewayEndpointNotRouted,
        Mistake::UnneededVpc,
        Mistake::NatForGatewayService,
        Mistake::MissingEni,
        Mistake::MissingCodeDeny,
    ];

    pub fn rule(self) -> &'static str {
        match self {
            Mistake::PublicSubnet => "LVL001",
            Mistake::NoEgress => "LVL002",
            Mistake::NoEndpointService => "LVL003",
            Mistake::NatCrossAz => "LVL005",
            Mistake::GatewayEndpointNotRouted => "LVL007",
            Mistake::UnneededVpc => "LVL016",
            Mistake::NatForGatewayService => "LVL017",
            Mistake::MissingEni => "LVL101",
            Mistake::MissingCodeDeny => "LVL104",
        }
    }

    fn index(self) -> usize {
        Mistake::ALL.iter().position(|m| *m == self).unwrap_or(0)
    }
}

/// A count per rule, indexed like [`Mistake::ALL`].
pub type Counts = [usize; Mistake::ALL.len()];

/// Findings the generated set must produce, per rule, and its size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// Indexed like [`Mistake::ALL`].
    pub findings: Counts,
    pub functions: usize,
    pub bytes: usize,
    /// Findings per unit (a module directory or a template file, relative path), per rule.
    pub by_unit: std::collections::BTreeMap<String, Counts>,
}

impl Expected {
    /// Records `n` findings of `m`'s rule in `unit`.
    fn add(&mut self, unit: &str, m: Mistake, n: usize) {
        self.findings[m.index()] += n;
        self.by_unit.entry(unit.to_string()).or_default()[m.index()] += n;
    }

    /// `LVL001 3` lines, then totals: what the generator writes to `expected.txt`.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for (m, n) in Mistake::ALL.iter().zip(self.findings) {
            let _ = writeln!(s, "{} {n}", m.rule());
        }
        let _ = writeln!(s, "functions {}", self.functions);
        let _ = writeln!(s, "bytes {}", self.bytes);
        s
    }
}

/// SplitMix64: small, fast, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Deals mistake kinds from a shuffled deck of all of them, refilled when empty: over the set,
/// the kinds' counts differ by at most one.
struct Deck(Vec<Mistake>);

impl Deck {
    fn deal(&mut self, rng: &mut Rng) -> Mistake {
        if self.0.is_empty() {
            self.0 = Mistake::ALL.to_vec();
            for i in (1..self.0.len()).rev() {
                let j = rng.below(i + 1);
                self.0.swap(i, j);
            }
        }
        self.0.pop().unwrap_or(Mistake::MissingCodeDeny)
    }
}

/// Where a function's network interfaces go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    /// The private subnets of the three AZs.
    Private,
    /// The isolated subnets of the three AZs.
    Isolated,
    /// The private subnet of AZ a and the public subnet of AZ b (LVL001).
    WithPublic,
    /// The private subnets of AZs a and b, and a subnet of its own in AZ c (LVL005, LVL007).
    Own,
}

/// What a function does, decided once and rendered by every flavour.
#[derive(Debug, Clone)]
struct Plan {
    name: String,
    /// Index in its unit: its own subnet's CIDR.
    index: usize,
    placement: Placement,
    mistake: Option<Mistake>,
    /// IAM actions the function's code calls.
    actions: Vec<&'static str>,
    /// Data stores named in its environment, by kind.
    env: Vec<Store>,
    runtime: &'static str,
    memory: u32,
}

impl Plan {
    fn has(&self, m: Mistake) -> bool {
        self.mistake == Some(m)
    }

    /// Its role grants the ENI permissions (not LVL101).
    fn eni(&self) -> bool {
        !self.has(Mistake::MissingEni)
    }

    /// Its role carries the Deny for its code (not LVL104).
    fn code_deny(&self) -> bool {
        !self.has(Mistake::MissingCodeDeny)
    }

    /// Its own subnet routes to the NAT gateway of this AZ index (LVL005: another AZ's).
    fn own_nat_az(&self) -> usize {
        if self.has(Mistake::NatCrossAz) {
            0
        } else {
            2
        }
    }

    /// Its own subnet's route table is on the S3 gateway endpoint (LVL007: it is not).
    fn own_on_s3(&self) -> bool {
        !self.has(Mistake::GatewayEndpointNotRouted)
    }
}

/// A unit's functions and what the unit's network must hold for them.
#[derive(Debug, Clone)]
struct Unit {
    plans: Vec<Plan>,
    /// The unit has a DynamoDB gateway endpoint (LVL017: it has none).
    dynamodb_endpoint: bool,
}

impl Unit {
    /// Some function of the unit names this store (the database is always there).
    fn uses(&self, store: Store) -> bool {
        store == Store::Database || self.plans.iter().any(|p| p.env.contains(&store))
    }

    fn own_subnets(&self) -> impl Iterator<Item = &Plan> {
        self.plans.iter().filter(|p| p.placement == Placement::Own)
    }
}

/// The stores of public services, in the order units declare them.
const PUBLIC_STORES: [Store; 5] = [
    Store::Table,
    Store::Queue,
    Store::Bucket,
    Store::Secret,
    Store::Topic,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Store {
    Table,
    Queue,
    Bucket,
    Secret,
    Topic,
    /// The PostgreSQL database in the isolated subnets: the one store inside the VPC.
    Database,
}

const NAMES: &[&str] = &[
    "orders",
    "billing",
    "ingest",
    "export",
    "notify",
    "audit",
    "search",
    "thumbnails",
    "payments",
    "webhooks",
    "reports",
    "sync",
    "users",
    "inventory",
    "shipping",
    "metrics",
];
const RUNTIMES: &[&str] = &["python3.12", "nodejs22.x", "java21", "provided.al2023"];

/// Actions on services that have an endpoint in the isolated subnets (S3 and DynamoDB gateways,
/// SQS interface).
const ISOLATED_OK: &[&[&str]] = &[
    &["s3:GetObject", "s3:PutObject"],
    &["sqs:SendMessage"],
    &["s3:GetObject", "sqs:SendMessage", "sqs:GetQueueUrl"],
    &["dynamodb:GetItem", "dynamodb:Query", "s3:GetObject"],
];
/// Actions on services reachable only through a NAT gateway; one of these in the isolated
/// subnets is LVL002.
const NAT_ONLY: &[(&str, Store)] = &[
    ("secretsmanager:GetSecretValue", Store::Secret),
    ("sns:Publish", Store::Topic),
];

/// The store an action's service keeps its data in.
fn store_of(action: &str) -> Option<Store> {
    Some(match action.split_once(':')?.0 {
        "dynamodb" => Store::Table,
        "sqs" => Store::Queue,
        "s3" => Store::Bucket,
        "secretsmanager" => Store::Secret,
        "sns" => Store::Topic,
        _ => return None,
    })
}

fn plan_unit(
    rng: &mut Rng,
    deck: &mut Deck,
    cfg: &Config,
    unit: usize,
    path: &str,
    expected: &mut Expected,
) -> Unit {
    let mistakes: Vec<Option<Mistake>> = (0..cfg.functions)
        .map(|_| rng.chance(cfg.mistakes).then(|| deck.deal(rng)))
        .collect();
    // A unit whose team forgot the DynamoDB gateway endpoint: only the function with the mistake
    // uses DynamoDB, so each such function is one LVL017 finding.
    let dynamodb_endpoint = !mistakes.contains(&Some(Mistake::NatForGatewayService));
    let plans = mistakes
        .into_iter()
        .enumerate()
        .map(|(k, mistake)| {
            if let Some(m) = mistake {
                expected.add(path, m, 1);
            }
            expected.functions += 1;
            let base = NAMES[(unit * 7 + k) % NAMES.len()];
            let mut actions: Vec<&'static str> = Vec::new();
            let mut env = Vec::new();
            let placement = match mistake {
                Some(Mistake::NoEgress) => {
                    let (action, store) = rng.pick(NAT_ONLY);
                    actions.push(action);
                    env.push(store);
                    if rng.chance(0.5) {
                        actions.push("s3:GetObject");
                    }
                    Placement::Isolated
                }
                Some(Mistake::NoEndpointService) => {
                    actions.push("connect:StartOutboundVoiceContact");
                    if rng.chance(0.5) {
                        actions.push("sqs:SendMessage");
                    }
                    Placement::Isolated
                }
                Some(Mistake::PublicSubnet) => Placement::WithPublic,
                Some(Mistake::NatCrossAz | Mistake::GatewayEndpointNotRouted) => Placement::Own,
                Some(Mistake::UnneededVpc | Mistake::NatForGatewayService) => Placement::Private,
                _ if rng.chance(0.4) => Placement::Isolated,
                _ => Placement::Private,
            };
            if placement == Placement::Isolated && actions.is_empty() {
                let mut choice = rng.pick(ISOLATED_OK);
                if !dynamodb_endpoint && choice.iter().any(|a| a.starts_with("dynamodb:")) {
                    choice = ISOLATED_OK[0];
                }
                actions.extend_from_slice(choice);
            }
            if placement != Placement::Isolated {
                // Through the NAT gateways (and the gateway endpoints for S3 and DynamoDB).
                let dynamodb = match mistake {
                    Some(Mistake::NatForGatewayService) => true,
                    _ => dynamodb_endpoint && rng.chance(0.5),
                };
                if dynamodb {
                    actions.push("dynamodb:PutItem");
                }
                for (action, _) in NAT_ONLY {
                    if rng.chance(0.5) {
                        actions.push(action);
                    }
                }
                actions.push("s3:PutObject");
            }
            for a in &actions {
                if let Some(store) = store_of(a) {
                    if !env.contains(&store) {
                        env.push(store);
                    }
                }
            }
            // The reason a function is in the VPC: the database. Every function in the private
            // subnets names it (but LVL016's), some in the isolated ones do.
            let database = match placement {
                Placement::Isolated => rng.chance(0.5),
                _ => mistake != Some(Mistake::UnneededVpc),
            };
            if database {
                env.insert(0, Store::Database);
            }
            Plan {
                name: format!("{base}{k}"),
                index: k,
                placement,
                mistake,
                actions,
                env,
                runtime: rng.pick(RUNTIMES),
                memory: rng.pick(&[128u32, 256, 512, 1024]),
            }
        })
        .collect();
    Unit {
        plans,
        dynamodb_endpoint,
    }
}

/// Generates the whole set. Files are sorted by path.
pub fn generate(cfg: &Config) -> (Vec<GenFile>, Expected) {
    let mut rng = Rng(cfg.seed);
    let mut deck = Deck(Vec::new());
    let mut expected = Expected::default();
    let mut files = Vec::new();
    for i in 0..cfg.modules {
        let dir = format!("terraform/m{i:05}");
        let unit = plan_unit(&mut rng, &mut deck, cfg, i, &dir, &mut expected);
        let style = rng.below(2);
        files.push(GenFile {
            path: format!("{dir}/network.tf"),
            text: terraform::network(i, style, &unit),
        });
        files.push(GenFile {
            path: format!("{dir}/app.tf"),
            text: terraform::app(i, style, &unit),
        });
    }
    for i in 0..cfg.templates {
        let ext = if i % 3 == 2 { "template.json" } else { "yaml" };
        let path = format!("cloudformation/t{i:05}.{ext}");
        let unit = plan_unit(
            &mut rng,
            &mut deck,
            cfg,
            cfg.modules + i,
            &path,
            &mut expected,
        );
        let text = match i % 3 {
            0 => cloudformation::plain(i, &unit),
            1 => cloudformation::sam(i, &unit),
            _ => cloudformation::cdk(i, &unit),
        };
        files.push(GenFile { path, text });
    }
    expected.bytes = files.iter().map(|f| f.text.len()).sum();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (files, expected)
}

/// Writes the set and `expected.txt` under `dir`.
pub fn write(dir: &std::path::Path, files: &[GenFile], expected: &Expected) -> std::io::Result<()> {
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &f.text)?;
    }
    std::fs::write(dir.join("expected.txt"), expected.render())
}

const AZS: [&str; 3] = ["a", "b", "c"];

/// The third octet of a function's own subnet (10.x.32.0/24 and up).
fn own_octet(p: &Plan) -> usize {
    32 + p.index
}

/// The ENI actions of the Deny AWS documents for the function's code.
const CODE_DENY_ACTIONS: &[&str] = &[
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DetachNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
];
/// The same, as two wildcards.
const CODE_DENY_WILDCARDS: &[&str] = &["ec2:*NetworkInterface*", "ec2:*PrivateIpAddresses"];

mod terraform {
    use super::{own_octet, Placement, Plan, Store, Unit, AZS, PUBLIC_STORES};
    use super::{CODE_DENY_ACTIONS, CODE_DENY_WILDCARDS};
    use std::fmt::Write as _;

    /// Subnet reference for tier `tier` in AZ index `az`, in the module's style.
    fn subnet(style: usize, tier: &str, az: usize) -> String {
        if style == 0 {
            format!("aws_subnet.{tier}[\"{}\"].id", AZS[az])
        } else {
            format!("aws_subnet.{tier}_{}.id", AZS[az])
        }
    }

    fn nat(style: usize, az: usize) -> String {
        if style == 0 {
            format!("aws_nat_gateway.main[\"{}\"].id", AZS[az])
        } else {
            format!("aws_nat_gateway.{}.id", AZS[az])
        }
    }

    pub fn network(i: usize, style: usize, unit: &Unit) -> String {
        let o = i % 250;
        let mut s = String::with_capacity(12 << 10);
        let _ = write!(
            s,
            r#"# Network for service {i}: public, private (one NAT gateway per AZ) and isolated subnets.

terraform {{
  required_providers {{
    aws = {{
      source = "hashicorp/aws"
    }}
  }}
}}

variable "name" {{
  type    = string
  default = "svc-{i:05}"
}}

variable "region" {{
  type    = string
  default = "eu-west-1"
}}

locals {{
  azs = {{ a = 0, b = 1, c = 2 }}
  tags = {{
    Service = var.name
    Owner   = "platform"
  }}
}}

data "aws_region" "current" {{}}

resource "aws_vpc" "main" {{
  cidr_block           = "10.{o}.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(local.tags, {{ Name = var.name }})
}}

resource "aws_internet_gateway" "main" {{
  vpc_id = aws_vpc.main.id
  tags   = local.tags
}}
"#
        );
        let tiers = [("public", 0), ("private", 10), ("isolated", 20)];
        if style == 0 {
            for (tier, base) in tiers {
                let table = if tier == "private" {
                    "aws_route_table.private[each.key].id"
                } else {
                    &format!("aws_route_table.{tier}.id")
                };
                let _ = write!(
                    s,
                    r#"
resource "aws_subnet" "{tier}" {{
  for_each          = local.azs
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, {base} + each.value)
  availability_zone = "${{var.region}}${{each.key}}"
  tags              = merge(local.tags, {{ Tier = "{tier}" }})
}}

resource "aws_route_table_association" "{tier}" {{
  for_each       = local.azs
  subnet_id      = aws_subnet.{tier}[each.key].id
  route_table_id = {table}
}}
"#
                );
            }
        } else {
            for (tier, base) in tiers {
                for (n, az) in AZS.iter().enumerate() {
                    let table = if tier == "private" {
                        format!("private_{az}")
                    } else {
                        tier.to_string()
                    };
                    let _ = write!(
                        s,
                        r#"
resource "aws_subnet" "{tier}_{az}" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.{o}.{}.0/24"
  availability_zone = "eu-west-1{az}"
  tags              = local.tags
}}

resource "aws_route_table_association" "{tier}_{az}" {{
  subnet_id      = aws_subnet.{tier}_{az}.id
  route_table_id = aws_route_table.{table}.id
}}
"#,
                        base + n
                    );
                }
            }
        }
        let _ = write!(
            s,
            r#"
resource "aws_route_table" "public" {{
  vpc_id = aws_vpc.main.id

  route {{
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }}
}}
"#
        );
        if style == 0 {
            let _ = write!(
                s,
                r#"
resource "aws_eip" "nat" {{
  for_each = local.azs
  domain   = "vpc"
}}

resource "aws_nat_gateway" "main" {{
  for_each      = local.azs
  subnet_id     = aws_subnet.public[each.key].id
  allocation_id = aws_eip.nat[each.key].id
  depends_on    = [aws_internet_gateway.main]
}}

# One private route table per AZ, to the NAT gateway of the same AZ.
resource "aws_route_table" "private" {{
  for_each = local.azs
  vpc_id   = aws_vpc.main.id

  route {{
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main[each.key].id
  }}
}}
"#
            );
        } else {
            for az in AZS {
                let _ = write!(
                    s,
                    r#"
resource "aws_eip" "nat_{az}" {{
  domain = "vpc"
}}

resource "aws_nat_gateway" "{az}" {{
  subnet_id     = aws_subnet.public_{az}.id
  allocation_id = aws_eip.nat_{az}.id
  depends_on    = [aws_internet_gateway.main]
}}

resource "aws_route_table" "private_{az}" {{
  vpc_id = aws_vpc.main.id
}}

resource "aws_route" "private_{az}" {{
  route_table_id         = aws_route_table.private_{az}.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.{az}.id
}}
"#
                );
            }
        }
        for p in unit.own_subnets() {
            let n = &p.name;
            let (cidr, az) = if style == 0 {
                (
                    format!("cidrsubnet(aws_vpc.main.cidr_block, 8, {})", own_octet(p)),
                    "\"${var.region}c\"".to_string(),
                )
            } else {
                (
                    format!("\"10.{o}.{}.0/24\"", own_octet(p)),
                    "\"eu-west-1c\"".to_string(),
                )
            };
            let _ = write!(
                s,
                r#"
# A subnet of its own for {n}.
resource "aws_subnet" "{n}" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = {cidr}
  availability_zone = {az}
  tags              = merge(local.tags, {{ Tier = "private" }})
}}

resource "aws_route_table" "{n}" {{
  vpc_id = aws_vpc.main.id

  route {{
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = {nat}
  }}
}}

resource "aws_route_table_association" "{n}" {{
  subnet_id      = aws_subnet.{n}.id
  route_table_id = aws_route_table.{n}.id
}}
"#,
                nat = nat(style, p.own_nat_az()),
            );
        }
        let region = if style == 0 {
            "${data.aws_region.current.name}"
        } else {
            "${var.region}"
        };
        // The gateway endpoints are on every route table (the function's own ones as planned).
        let tables = |s3: bool| {
            let own: Vec<String> = unit
                .own_subnets()
                .filter(|p| !s3 || p.own_on_s3())
                .map(|p| format!("aws_route_table.{}.id", p.name))
                .collect();
            let mut fixed = vec![
                "aws_route_table.public.id".to_string(),
                "aws_route_table.isolated.id".to_string(),
            ];
            if style == 0 {
                fixed.extend(own);
                format!(
                    "concat([{}], [for rt in aws_route_table.private : rt.id])",
                    fixed.join(", ")
                )
            } else {
                fixed.extend(
                    AZS.iter()
                        .map(|az| format!("aws_route_table.private_{az}.id")),
                );
                fixed.extend(own);
                format!("[{}]", fixed.join(", "))
            }
        };
        let _ = write!(
            s,
            r#"
# No route out: these subnets reach AWS services through endpoints only.
resource "aws_route_table" "isolated" {{
  vpc_id = aws_vpc.main.id
}}

resource "aws_vpc_endpoint" "s3" {{
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.{region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = {s3_tables}
}}
"#,
            s3_tables = tables(true),
        );
        if unit.dynamodb_endpoint {
            let _ = write!(
                s,
                r#"
resource "aws_vpc_endpoint" "dynamodb" {{
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.{region}.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = {tables}
}}
"#,
                tables = tables(false),
            );
        }
        let isolated: Vec<String> = (0..3).map(|az| subnet(style, "isolated", az)).collect();
        let _ = write!(
            s,
            r#"
resource "aws_vpc_endpoint" "sqs" {{
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.{region}.sqs"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [{isolated}]
  security_group_ids  = [aws_security_group.endpoints.id]
}}

resource "aws_security_group" "lambda" {{
  name   = "${{var.name}}-lambda"
  vpc_id = aws_vpc.main.id

  egress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}

  egress {{
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }}
}}

resource "aws_security_group" "endpoints" {{
  name   = "${{var.name}}-endpoints"
  vpc_id = aws_vpc.main.id

  ingress {{
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.lambda.id]
  }}
}}
"#,
            isolated = isolated.join(", ")
        );
        s
    }

    const VPC_ACCESS: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
    const BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    const ENI_ACTIONS: &[&str] = &[
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
    ];

    fn quoted(items: &[&str]) -> String {
        items
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn app(i: usize, style: usize, unit: &Unit) -> String {
        let isolated: Vec<String> = (0..3).map(|az| subnet(style, "isolated", az)).collect();
        let mut s = String::with_capacity(12 << 10);
        let _ = write!(
            s,
            r#"# Functions of service {i}, their roles, and the data they use.

data "aws_caller_identity" "current" {{}}

data "aws_iam_policy_document" "assume_lambda" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }}
  }}
}}

resource "aws_db_subnet_group" "main" {{
  name       = var.name
  subnet_ids = [{isolated}]
}}

resource "aws_security_group" "db" {{
  name   = "${{var.name}}-db"
  vpc_id = aws_vpc.main.id

  ingress {{
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.lambda.id]
  }}
}}

resource "aws_db_instance" "main" {{
  identifier                  = var.name
  engine                      = "postgres"
  instance_class              = "db.t4g.micro"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  db_subnet_group_name        = aws_db_subnet_group.main.name
  vpc_security_group_ids      = [aws_security_group.db.id]
  skip_final_snapshot         = true
}}
"#,
            isolated = isolated.join(", ")
        );
        for store in PUBLIC_STORES.into_iter().filter(|st| unit.uses(*st)) {
            s.push_str(match store {
                Store::Table => "\nresource \"aws_dynamodb_table\" \"main\" {\n  name         = \"${var.name}-items\"\n  billing_mode = \"PAY_PER_REQUEST\"\n  hash_key     = \"id\"\n\n  attribute {\n    name = \"id\"\n    type = \"S\"\n  }\n}\n",
                Store::Queue => "\nresource \"aws_sqs_queue\" \"jobs\" {\n  name = \"${var.name}-jobs\"\n}\n",
                Store::Bucket => "\nresource \"aws_s3_bucket\" \"data\" {\n  bucket = \"${var.name}-data\"\n}\n",
                Store::Secret => "\nresource \"aws_secretsmanager_secret\" \"api\" {\n  name = \"${var.name}/api\"\n}\n",
                Store::Topic => "\nresource \"aws_sns_topic\" \"events\" {\n  name = \"${var.name}-events\"\n}\n",
                // Declared above: every unit has its database.
                Store::Database => continue,
            });
        }
        for (k, p) in unit.plans.iter().enumerate() {
            role(&mut s, (i + k) % 4, p);
            function(&mut s, style, p);
        }
        s
    }

    /// The Deny for the function's code, as a `jsonencode` role policy of its own.
    fn deny_jsonencode(s: &mut String, n: &str, actions: &[&str]) {
        let _ = write!(
            s,
            r#"
resource "aws_iam_role_policy" "{n}_deny_code_eni" {{
  role = aws_iam_role.{n}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Deny"
      Action    = [{actions}]
      Resource  = "*"
      Condition = {{ ArnEquals = {{ "lambda:SourceFunctionArn" = aws_lambda_function.{n}.arn }} }}
    }}]
  }})
}}
"#,
            actions = quoted(actions),
        );
    }

    /// The function's role, in one of four common ways of writing it, with the Deny that keeps
    /// the ENI permissions from its code.
    fn role(s: &mut String, way: usize, p: &Plan) {
        let n = &p.name;
        let app = quoted(&p.actions);
        match way {
            // jsonencode inline policy + attachment of the AWS managed policy.
            0 => {
                let managed = if p.eni() { VPC_ACCESS } else { BASIC };
                let _ = write!(
                    s,
                    r#"
resource "aws_iam_role" "{n}" {{
  name               = "${{var.name}}-{n}"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}}

resource "aws_iam_role_policy_attachment" "{n}_vpc" {{
  role       = aws_iam_role.{n}.name
  policy_arn = "{managed}"
}}

resource "aws_iam_role_policy" "{n}" {{
  name = "app"
  role = aws_iam_role.{n}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = [{app}]
      Resource = "*"
    }}]
  }})
}}
"#
                );
                if p.code_deny() {
                    deny_jsonencode(s, n, CODE_DENY_ACTIONS);
                }
            }
            // aws_iam_policy_document with the ENI statement written out; the Deny in a
            // document of its own.
            1 => {
                let eni = if p.eni() {
                    quoted(ENI_ACTIONS)
                } else {
                    quoted(&[
                        "logs:CreateLogGroup",
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                    ])
                };
                let _ = write!(
                    s,
                    r#"
data "aws_iam_policy_document" "{n}" {{
  statement {{
    sid       = "Network"
    actions   = [{eni}]
    resources = ["*"]
  }}
  statement {{
    sid       = "App"
    actions   = [{app}]
    resources = ["*"]
  }}
}}

resource "aws_iam_role" "{n}" {{
  name               = "${{var.name}}-{n}"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}}

resource "aws_iam_role_policy" "{n}" {{
  role   = aws_iam_role.{n}.id
  policy = data.aws_iam_policy_document.{n}.json
}}
"#
                );
                if p.code_deny() {
                    let _ = write!(
                        s,
                        r#"
data "aws_iam_policy_document" "{n}_deny_code_eni" {{
  statement {{
    sid       = "DenyCodeEni"
    effect    = "Deny"
    actions   = [{actions}]
    resources = ["*"]
    condition {{
      test     = "ArnEquals"
      variable = "lambda:SourceFunctionArn"
      values   = [aws_lambda_function.{n}.arn]
    }}
  }}
}}

resource "aws_iam_role_policy" "{n}_deny_code_eni" {{
  role   = aws_iam_role.{n}.id
  policy = data.aws_iam_policy_document.{n}_deny_code_eni.json
}}
"#,
                        actions = quoted(CODE_DENY_WILDCARDS),
                    );
                }
            }
            // managed_policy_arns + inline_policy blocks on the role itself. The role cannot
            // reference the function (which depends on it), so the Deny builds the function's
            // ARN from its name.
            2 => {
                let managed = if p.eni() { VPC_ACCESS } else { BASIC };
                let _ = write!(
                    s,
                    r#"
resource "aws_iam_role" "{n}" {{
  name                = "${{var.name}}-{n}"
  assume_role_policy  = data.aws_iam_policy_document.assume_lambda.json
  managed_policy_arns = ["{managed}"]

  inline_policy {{
    name = "app"
    policy = jsonencode({{
      Version   = "2012-10-17"
      Statement = [{{ Effect = "Allow", Action = [{app}], Resource = ["*"] }}]
    }})
  }}
"#
                );
                if p.code_deny() {
                    let _ = write!(
                        s,
                        r#"
  inline_policy {{
    name = "deny-code-eni"
    policy = jsonencode({{
      Version = "2012-10-17"
      Statement = [{{
        Effect    = "Deny"
        Action    = [{actions}]
        Resource  = "*"
        Condition = {{ ArnEquals = {{ "lambda:SourceFunctionArn" = "arn:aws:lambda:${{var.region}}:${{data.aws_caller_identity.current.account_id}}:function:${{var.name}}-{n}" }} }}
      }}]
    }})
  }}
"#,
                        actions = quoted(CODE_DENY_WILDCARDS),
                    );
                }
                s.push_str("}\n");
            }
            // A heredoc JSON policy with a wildcard Describe; the Deny with jsonencode.
            _ => {
                let eni = if p.eni() {
                    "\"ec2:CreateNetworkInterface\", \"ec2:Describe*\", \"ec2:DeleteNetworkInterface\", \"ec2:AssignPrivateIpAddresses\", \"ec2:UnassignPrivateIpAddresses\""
                } else {
                    "\"logs:CreateLogStream\", \"logs:PutLogEvents\""
                };
                let _ = write!(
                    s,
                    r#"
resource "aws_iam_role" "{n}" {{
  name               = "${{var.name}}-{n}"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}}

resource "aws_iam_role_policy" "{n}" {{
  role   = aws_iam_role.{n}.id
  policy = <<-EOF
    {{
      "Version": "2012-10-17",
      "Statement": [
        {{ "Effect": "Allow", "Action": [{eni}], "Resource": "*" }},
        {{ "Effect": "Allow", "Action": [{app}], "Resource": "*" }}
      ]
    }}
  EOF
}}
"#
                );
                if p.code_deny() {
                    deny_jsonencode(s, n, CODE_DENY_WILDCARDS);
                }
            }
        }
    }

    fn store_ref(store: Store) -> (&'static str, &'static str) {
        match store {
            Store::Table => ("TABLE_NAME", "aws_dynamodb_table.main.name"),
            Store::Queue => ("QUEUE_URL", "aws_sqs_queue.jobs.url"),
            Store::Bucket => ("BUCKET", "aws_s3_bucket.data.bucket"),
            Store::Secret => ("SECRET_ARN", "aws_secretsmanager_secret.api.arn"),
            Store::Topic => ("TOPIC_ARN", "aws_sns_topic.events.arn"),
            Store::Database => ("DB_HOST", "aws_db_instance.main.address"),
        }
    }

    fn function(s: &mut String, style: usize, p: &Plan) {
        let n = &p.name;
        let subnets: Vec<String> = match p.placement {
            Placement::WithPublic => {
                vec![subnet(style, "private", 0), subnet(style, "public", 1)]
            }
            Placement::Own => vec![
                subnet(style, "private", 0),
                subnet(style, "private", 1),
                format!("aws_subnet.{n}.id"),
            ],
            Placement::Isolated => (0..3).map(|az| subnet(style, "isolated", az)).collect(),
            Placement::Private => (0..3).map(|az| subnet(style, "private", az)).collect(),
        };
        let mut env = String::new();
        for store in &p.env {
            let (k, v) = store_ref(*store);
            let _ = write!(env, "\n      {k} = {v}");
        }
        let _ = write!(
            s,
            r#"
resource "aws_lambda_function" "{n}" {{
  function_name = "${{var.name}}-{n}"
  role          = aws_iam_role.{n}.arn
  runtime       = "{runtime}"
  handler       = "app.handler"
  filename      = "build/{n}.zip"
  memory_size   = {memory}
  timeout       = 30

  environment {{
    variables = {{
      LOG_LEVEL = "info"{env}
    }}
  }}

  vpc_config {{
    subnet_ids         = [{subnets}]
    security_group_ids = [aws_security_group.lambda.id]
  }}

  tags = local.tags
}}
"#,
            runtime = p.runtime,
            memory = p.memory,
            subnets = subnets.join(", "),
        );
    }
}

mod cloudformation {
    use super::{own_octet, Mistake, Placement, Plan, Store, Unit, AZS, PUBLIC_STORES};
    use super::{CODE_DENY_ACTIONS, CODE_DENY_WILDCARDS};
    use std::fmt::Write as _;

    const TIERS: [(&str, usize); 3] = [("Public", 0), ("Private", 10), ("Isolated", 20)];

    fn subnet_ids(p: &Plan) -> Vec<String> {
        let n = camel(&p.name);
        match p.placement {
            Placement::WithPublic => vec!["PrivateSubnetA".into(), "PublicSubnetB".into()],
            Placement::Own => vec![
                "PrivateSubnetA".into(),
                "PrivateSubnetB".into(),
                format!("{n}Subnet"),
            ],
            Placement::Isolated | Placement::Private => {
                let tier = if p.placement == Placement::Isolated {
                    "Isolated"
                } else {
                    "Private"
                };
                AZS.iter()
                    .map(|az| format!("{tier}Subnet{}", az.to_uppercase()))
                    .collect()
            }
        }
    }

    fn camel(name: &str) -> String {
        let mut c = name.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => String::new(),
        }
    }

    fn store_ref(store: Store) -> (&'static str, &'static str) {
        match store {
            Store::Table => ("TABLE_NAME", "Table"),
            Store::Queue => ("QUEUE_URL", "Queue"),
            Store::Bucket => ("BUCKET", "Bucket"),
            Store::Secret => ("SECRET_ARN", "Secret"),
            Store::Topic => ("TOPIC_ARN", "Topic"),
            Store::Database => ("DB_HOST", "Database"),
        }
    }

    /// The route tables a gateway endpoint is on: all of them, but the own subnets' tables
    /// `skip` leaves out.
    fn endpoint_tables(unit: &Unit, skip: impl Fn(&Plan) -> bool) -> Vec<String> {
        let mut tables = vec!["PublicRouteTable".to_string()];
        tables.extend(
            AZS.iter()
                .map(|az| format!("PrivateRouteTable{}", az.to_uppercase())),
        );
        tables.push("IsolatedRouteTable".into());
        tables.extend(
            unit.own_subnets()
                .filter(|p| !skip(p))
                .map(|p| format!("{}RouteTable", camel(&p.name))),
        );
        tables
    }

    /// The VPC, its subnets, routes, endpoints, security groups and data stores, in YAML.
    fn network_yaml(s: &mut String, i: usize, unit: &Unit) {
        let o = i % 250;
        let _ = write!(
            s,
            r#"Parameters:
  AvailabilityZones:
    Type: List<AWS::EC2::AvailabilityZone::Name>
    Default: eu-west-1a,eu-west-1b,eu-west-1c

Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.{o}.0.0/16
      EnableDnsSupport: true
      EnableDnsHostnames: true
      Tags:
        - Key: Name
          Value: !Sub "${{AWS::StackName}}-vpc"

  InternetGateway:
    Type: AWS::EC2::InternetGateway

  GatewayAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref InternetGateway

"#
        );
        for (tier, base) in TIERS {
            for (n, az) in AZS.iter().enumerate() {
                let az_up = az.to_uppercase();
                let table = if tier == "Private" {
                    format!("PrivateRouteTable{az_up}")
                } else {
                    format!("{tier}RouteTable")
                };
                let _ = write!(
                    s,
                    r#"  {tier}Subnet{az_up}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [{idx}, !Cidr [!GetAtt Vpc.CidrBlock, 32, 8]]
      AvailabilityZone: !Select [{n}, !Ref AvailabilityZones]

  {tier}Subnet{az_up}Routes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref {tier}Subnet{az_up}
      RouteTableId: !Ref {table}

"#,
                    idx = base + n
                );
            }
            if tier != "Private" {
                let _ = write!(
                    s,
                    "  {tier}RouteTable:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n\n"
                );
            }
        }
        let _ = write!(
            s,
            r#"  PublicDefaultRoute:
    Type: AWS::EC2::Route
    DependsOn: GatewayAttachment
    Properties:
      RouteTableId: !Ref PublicRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref InternetGateway

"#
        );
        // A NAT gateway per AZ, and a private route table per AZ that uses it.
        for az in AZS {
            let az = az.to_uppercase();
            let _ = write!(
                s,
                r#"  NatAddress{az}:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc

  NatGateway{az}:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref PublicSubnet{az}
      AllocationId: !GetAtt NatAddress{az}.AllocationId

  PrivateRouteTable{az}:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc

  PrivateDefaultRoute{az}:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTable{az}
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway{az}

"#
            );
        }
        for p in unit.own_subnets() {
            let n = camel(&p.name);
            let _ = write!(
                s,
                r#"  # A subnet of its own for {name}.
  {n}Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.{o}.{octet}.0/24
      AvailabilityZone: !Select [2, !Ref AvailabilityZones]

  {n}RouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc

  {n}SubnetRoutes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref {n}Subnet
      RouteTableId: !Ref {n}RouteTable

  {n}DefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref {n}RouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway{nat}

"#,
                name = p.name,
                octet = own_octet(p),
                nat = AZS[p.own_nat_az()].to_uppercase(),
            );
        }
        let list = |tables: Vec<String>| {
            tables
                .iter()
                .map(|t| format!("!Ref {t}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = write!(
            s,
            r#"  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.s3
      VpcEndpointType: Gateway
      RouteTableIds: [{tables}]

"#,
            tables = list(endpoint_tables(unit, |p| !p.own_on_s3())),
        );
        if unit.dynamodb_endpoint {
            let _ = write!(
                s,
                r#"  DynamoDbEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.dynamodb
      VpcEndpointType: Gateway
      RouteTableIds: [{tables}]

"#,
                tables = list(endpoint_tables(unit, |_| false)),
            );
        }
        let _ = write!(
            s,
            r#"  SqsEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.sqs
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref IsolatedSubnetA, !Ref IsolatedSubnetB, !Ref IsolatedSubnetC]
      SecurityGroupIds: [!Ref EndpointSecurityGroup]

  FunctionSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Lambda functions
      VpcId: !Ref Vpc
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
        - IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          CidrIp: !GetAtt Vpc.CidrBlock

  EndpointSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Interface endpoints
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          SourceSecurityGroupId: !Ref FunctionSecurityGroup

  DatabaseSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Database
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          SourceSecurityGroupId: !Ref FunctionSecurityGroup

  DatabaseSubnets:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: Isolated subnets
      SubnetIds: [!Ref IsolatedSubnetA, !Ref IsolatedSubnetB, !Ref IsolatedSubnetC]

  Database:
    Type: AWS::RDS::DBInstance
    DeletionPolicy: Snapshot
    UpdateReplacePolicy: Snapshot
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      AllocatedStorage: "20"
      MasterUsername: app
      ManageMasterUserPassword: true
      DBSubnetGroupName: !Ref DatabaseSubnets
      VPCSecurityGroups: [!GetAtt DatabaseSecurityGroup.GroupId]

"#
        );
        for store in PUBLIC_STORES.into_iter().filter(|st| unit.uses(*st)) {
            s.push_str(match store {
                Store::Table => "  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions:\n        - AttributeName: id\n          AttributeType: S\n      KeySchema:\n        - AttributeName: id\n          KeyType: HASH\n\n",
                Store::Queue => "  Queue:\n    Type: AWS::SQS::Queue\n\n",
                Store::Bucket => "  Bucket:\n    Type: AWS::S3::Bucket\n\n",
                Store::Secret => "  Secret:\n    Type: AWS::SecretsManager::Secret\n\n",
                Store::Topic => "  Topic:\n    Type: AWS::SNS::Topic\n\n",
                // Declared above: every unit has its database.
                Store::Database => continue,
            });
        }
    }

    fn env_yaml(s: &mut String, p: &Plan, indent: &str) {
        let _ = write!(s, "{indent}Environment:\n{indent}  Variables:\n");
        let _ = writeln!(s, "{indent}    LOG_LEVEL: info");
        for store in &p.env {
            let (k, v) = store_ref(*store);
            if *store == Store::Database {
                let _ = writeln!(s, "{indent}    {k}: !GetAtt {v}.Endpoint.Address");
            } else {
                let _ = writeln!(s, "{indent}    {k}: !Ref {v}");
            }
        }
    }

    fn actions_yaml(actions: &[&str]) -> String {
        actions.join(", ")
    }

    /// One Deny for the stack's functions, attached to their roles: only the functions' own
    /// calls carry `lambda:SourceFunctionArn`, so the Lambda service keeps the ENI permissions.
    /// In a policy resource of its own: a role cannot reference the functions that depend on it.
    /// Plain templates write an AWS::IAM::Policy, SAM ones a customer managed policy (SAM names
    /// a function's implicit role `<Function>Role`).
    fn shared_deny_yaml(s: &mut String, unit: &Unit, sam: bool) {
        let mut roles = Vec::new();
        let mut functions = Vec::new();
        for p in unit.plans.iter().filter(|p| p.code_deny()) {
            let n = camel(&p.name);
            roles.push(if sam && p.eni() {
                format!("!Ref {n}FunctionRole")
            } else {
                format!("!Ref {n}Role")
            });
            functions.push(if sam {
                format!("!Sub \"${{{n}Function.Arn}}\"")
            } else {
                format!("!GetAtt {n}Function.Arn")
            });
        }
        if roles.is_empty() {
            return;
        }
        let (kind, name, actions) = if sam {
            (
                "ManagedPolicy",
                "Description: Keeps the ENI permissions for the Lambda service",
                CODE_DENY_WILDCARDS,
            )
        } else {
            ("Policy", "PolicyName: deny-code-eni", CODE_DENY_ACTIONS)
        };
        let _ = write!(
            s,
            r#"  DenyCodeEni:
    Type: AWS::IAM::{kind}
    Properties:
      {name}
      Roles: [{roles}]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Action: [{actions}]
            Resource: "*"
            Condition:
              ArnEquals:
                lambda:SourceFunctionArn: [{functions}]

"#,
            roles = roles.join(", "),
            functions = functions.join(", "),
            actions = actions_yaml(actions),
        );
    }

    /// Plain CloudFormation: AWS::Lambda::Function with an AWS::IAM::Role.
    pub fn plain(i: usize, unit: &Unit) -> String {
        let mut s = String::with_capacity(20 << 10);
        let _ = write!(
            s,
            "AWSTemplateFormatVersion: \"2010-09-09\"\nDescription: Service {i} - VPC functions (plain CloudFormation)\n\n"
        );
        network_yaml(&mut s, i, unit);
        shared_deny_yaml(&mut s, unit, false);
        for p in &unit.plans {
            let n = camel(&p.name);
            let managed = if p.eni() {
                "AWSLambdaVPCAccessExecutionRole"
            } else {
                "AWSLambdaBasicExecutionRole"
            };
            let _ = write!(
                s,
                r#"  {n}Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub arn:${{AWS::Partition}}:iam::aws:policy/service-role/{managed}
      Policies:
        - PolicyName: app
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [{actions}]
                Resource: "*"

"#,
                actions = actions_yaml(&p.actions),
            );
            let _ = write!(
                s,
                r#"  {n}Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: {runtime}
      Handler: app.handler
      Role: !GetAtt {n}Role.Arn
      MemorySize: {memory}
      Timeout: 30
      Code:
        S3Bucket: !Sub "artifacts-${{AWS::AccountId}}"
        S3Key: {name}.zip
"#,
                runtime = p.runtime,
                memory = p.memory,
                name = p.name,
            );
            env_yaml(&mut s, p, "      ");
            let _ = write!(
                s,
                "      VpcConfig:\n        SecurityGroupIds:\n          - !Ref FunctionSecurityGroup\n        SubnetIds:\n"
            );
            for id in subnet_ids(p) {
                let _ = writeln!(s, "          - !Ref {id}");
            }
            s.push('\n');
        }
        s
    }

    /// SAM: Globals, implicit roles with policy templates, explicit roles for the mistakes.
    pub fn sam(i: usize, unit: &Unit) -> String {
        let mut s = String::with_capacity(20 << 10);
        let _ = write!(
            s,
            r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: Service {i} - VPC functions (SAM)

Globals:
  Function:
    Handler: app.handler
    Timeout: 30
    CodeUri: src/
    VpcConfig:
      SecurityGroupIds:
        - !Ref FunctionSecurityGroup

"#
        );
        network_yaml(&mut s, i, unit);
        shared_deny_yaml(&mut s, unit, true);
        for p in &unit.plans {
            let n = camel(&p.name);
            let missing_eni = p.has(Mistake::MissingEni);
            if missing_eni {
                let _ = write!(
                    s,
                    r#"  {n}Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub arn:${{AWS::Partition}}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
      Policies:
        - PolicyName: app
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [{actions}]
                Resource: "*"

"#,
                    actions = actions_yaml(&p.actions),
                );
            }
            let _ = write!(
                s,
                "  {n}Function:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: {}\n      MemorySize: {}\n",
                p.runtime, p.memory
            );
            if missing_eni {
                let _ = writeln!(s, "      Role: !GetAtt {n}Role.Arn");
            } else {
                // The implicit role: SAM adds AWSLambdaVPCAccessExecutionRole for VpcConfig.
                let _ = writeln!(s, "      Policies:");
                let mut rest: Vec<&str> = Vec::new();
                for a in &p.actions {
                    match *a {
                        "sqs:SendMessage" => {
                            let _ = writeln!(s, "        - SQSSendMessagePolicy:\n            QueueName: !GetAtt Queue.QueueName");
                        }
                        "dynamodb:PutItem" => {
                            let _ = writeln!(
                                s,
                                "        - DynamoDBCrudPolicy:\n            TableName: !Ref Table"
                            );
                        }
                        other => rest.push(other),
                    }
                }
                if !rest.is_empty() {
                    let _ = write!(
                        s,
                        "        - Statement:\n            - Effect: Allow\n              Action: [{}]\n              Resource: \"*\"\n",
                        actions_yaml(&rest)
                    );
                }
            }
            env_yaml(&mut s, p, "      ");
            let _ = writeln!(s, "      VpcConfig:\n        SubnetIds:");
            for id in subnet_ids(p) {
                let _ = writeln!(s, "          - !Ref {id}");
            }
            s.push('\n');
        }
        s
    }

    /// CDK synth output: JSON indented by one space, `aws:cdk:path` metadata, `Fn::Join` ARNs
    /// over the partition, hashed logical ids, separate AWS::IAM::Policy resources.
    pub fn cdk(i: usize, unit: &Unit) -> String {
        use serde_json::json;
        let stack = format!("Service{i}Stack");
        let mut res: Vec<(String, serde_json::Value)> = Vec::new();
        let id = |name: &str| format!("{name}{:08X}", fnv(&format!("{stack}/{name}")));
        let r = |logical: &str| json!({ "Ref": logical });
        let o = i % 250;
        let vpc = id("Vpc");
        let meta = |path: &str| json!({ "aws:cdk:path": format!("{stack}/{path}/Resource") });
        res.push((
            vpc.clone(),
            json!({
                "Type": "AWS::EC2::VPC",
                "Properties": {
                    "CidrBlock": format!("10.{o}.0.0/16"),
                    "EnableDnsHostnames": true,
                    "EnableDnsSupport": true,
                    "InstanceTenancy": "default",
                    "Tags": [{ "Key": "Name", "Value": format!("{stack}/Vpc") }]
                },
                "Metadata": meta("Vpc")
            }),
        ));
        let igw = id("VpcIGW");
        res.push((
            igw.clone(),
            json!({"Type": "AWS::EC2::InternetGateway", "Metadata": meta("Vpc/IGW")}),
        ));
        res.push((
            id("VpcVPCGW"),
            json!({"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {"VpcId": r(&vpc), "InternetGatewayId": r(&igw)}}),
        ));
        let mut subnet_id = std::collections::HashMap::new();
        let mut tables = std::collections::HashMap::new();
        let table = |res: &mut Vec<(String, serde_json::Value)>, name: &str| {
            let t = id(&format!("Vpc{name}RouteTable"));
            res.push((
                t.clone(),
                json!({"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": r(&vpc)}, "Metadata": meta(&format!("Vpc/{name}/RouteTable"))}),
            ));
            t
        };
        for (tier, base) in TIERS {
            if tier != "Private" {
                tables.insert(tier.to_string(), table(&mut res, tier));
            }
            for (n, az) in AZS.iter().enumerate() {
                let name = format!("{tier}Subnet{}", az.to_uppercase());
                if tier == "Private" {
                    tables.insert(name.clone(), table(&mut res, &name));
                }
                let t = &tables[if tier == "Private" { &name } else { tier }];
                let sid = id(&format!("Vpc{name}Subnet"));
                res.push((
                    sid.clone(),
                    json!({
                        "Type": "AWS::EC2::Subnet",
                        "Properties": {
                            "VpcId": r(&vpc),
                            "CidrBlock": format!("10.{o}.{}.0/24", base + n),
                            "AvailabilityZone": format!("eu-west-1{az}"),
                            "MapPublicIpOnLaunch": tier == "Public"
                        },
                        "Metadata": meta(&format!("Vpc/{name}/Subnet"))
                    }),
                ));
                res.push((
                    id(&format!("Vpc{name}RouteTableAssociation")),
                    json!({"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {"SubnetId": r(&sid), "RouteTableId": r(t)}}),
                ));
                subnet_id.insert(name, sid);
            }
        }
        res.push((
            id("VpcPublicDefaultRoute"),
            json!({"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": r(&tables["Public"]), "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": r(&igw)}, "DependsOn": [id("VpcVPCGW")]}),
        ));
        // One NAT gateway per AZ, in its public subnet; each private subnet routes to its own.
        let mut nats = Vec::new();
        for az in AZS {
            let az = az.to_uppercase();
            let eip = id(&format!("VpcPublicSubnet{az}EIP"));
            let nat = id(&format!("VpcPublicSubnet{az}NATGateway"));
            res.push((
                eip.clone(),
                json!({"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}, "Metadata": meta(&format!("Vpc/PublicSubnet{az}/EIP"))}),
            ));
            res.push((
                nat.clone(),
                json!({"Type": "AWS::EC2::NatGateway", "Properties": {"SubnetId": r(&subnet_id[&format!("PublicSubnet{az}")]), "AllocationId": {"Fn::GetAtt": [eip, "AllocationId"]}}, "DependsOn": [id("VpcPublicDefaultRoute")], "Metadata": meta(&format!("Vpc/PublicSubnet{az}/NATGateway"))}),
            ));
            res.push((
                id(&format!("VpcPrivateSubnet{az}DefaultRoute")),
                json!({"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": r(&tables[&format!("PrivateSubnet{az}")]), "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": r(&nat)}}),
            ));
            nats.push(nat);
        }
        for p in unit.own_subnets() {
            let n = camel(&p.name);
            let name = format!("{n}Subnet");
            let t = table(&mut res, &name);
            let sid = id(&format!("Vpc{name}Subnet"));
            res.push((
                sid.clone(),
                json!({"Type": "AWS::EC2::Subnet", "Properties": {
                    "VpcId": r(&vpc), "CidrBlock": format!("10.{o}.{}.0/24", own_octet(p)),
                    "AvailabilityZone": "eu-west-1c", "MapPublicIpOnLaunch": false},
                    "Metadata": meta(&format!("Vpc/{name}/Subnet"))}),
            ));
            res.push((
                id(&format!("Vpc{name}RouteTableAssociation")),
                json!({"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {"SubnetId": r(&sid), "RouteTableId": r(&t)}}),
            ));
            res.push((
                id(&format!("Vpc{name}DefaultRoute")),
                json!({"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": r(&t), "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": r(&nats[p.own_nat_az()])}}),
            ));
            tables.insert(name.clone(), t);
            subnet_id.insert(name, sid);
        }
        let fn_sg = id("FunctionSecurityGroup");
        let ep_sg = id("EndpointSecurityGroup");
        let db_sg = id("DatabaseSecurityGroup");
        res.push((
            fn_sg.clone(),
            json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "Lambda functions", "VpcId": r(&vpc), "SecurityGroupEgress": [
                {"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443},
                {"CidrIp": {"Fn::GetAtt": [vpc, "CidrBlock"]}, "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432}]}}),
        ));
        for (sg, what, port) in [(&ep_sg, "Endpoints", 443), (&db_sg, "Database", 5432)] {
            res.push((
                sg.clone(),
                json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": what, "VpcId": r(&vpc), "SecurityGroupIngress": [{"SourceSecurityGroupId": {"Fn::GetAtt": [fn_sg, "GroupId"]}, "IpProtocol": "tcp", "FromPort": port, "ToPort": port}]}}),
            ));
        }
        let endpoint_name = |svc: &str| json!({"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, format!(".{svc}")]]});
        let mut table_names = vec!["Public".to_string()];
        table_names.extend(
            AZS.iter()
                .map(|az| format!("PrivateSubnet{}", az.to_uppercase())),
        );
        table_names.push("Isolated".into());
        for (svc, present) in [("s3", true), ("dynamodb", unit.dynamodb_endpoint)] {
            if !present {
                continue;
            }
            let mut on: Vec<_> = table_names.iter().map(|t| r(&tables[t])).collect();
            on.extend(
                unit.own_subnets()
                    .filter(|p| svc != "s3" || p.own_on_s3())
                    .map(|p| r(&tables[&format!("{}Subnet", camel(&p.name))])),
            );
            let name = if svc == "s3" { "S3" } else { "DynamoDb" };
            res.push((
                id(&format!("Vpc{name}Endpoint")),
                json!({"Type": "AWS::EC2::VPCEndpoint", "Properties": {"ServiceName": endpoint_name(svc), "VpcId": r(&vpc), "VpcEndpointType": "Gateway", "RouteTableIds": on}, "Metadata": meta(&format!("Vpc/{name}"))}),
            ));
        }
        let isolated: Vec<_> = ["A", "B", "C"]
            .iter()
            .map(|az| r(&subnet_id[&format!("IsolatedSubnet{az}")]))
            .collect();
        res.push((
            id("VpcSqsEndpoint"),
            json!({"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "ServiceName": endpoint_name("sqs"), "VpcId": r(&vpc), "VpcEndpointType": "Interface", "PrivateDnsEnabled": true,
                "SubnetIds": isolated,
                "SecurityGroupIds": [{"Fn::GetAtt": [ep_sg, "GroupId"]}]}}),
        ));
        let db_subnets = id("DatabaseSubnets");
        res.push((
            db_subnets.clone(),
            json!({"Type": "AWS::RDS::DBSubnetGroup", "Properties": {"DBSubnetGroupDescription": "Subnet group for Database", "SubnetIds": isolated}, "Metadata": meta("Database/Subnets/Default")}),
        ));
        let mut stores = std::collections::HashMap::new();
        for (kind, ty) in [
            (Store::Database, "AWS::RDS::DBInstance"),
            (Store::Table, "AWS::DynamoDB::Table"),
            (Store::Queue, "AWS::SQS::Queue"),
            (Store::Bucket, "AWS::S3::Bucket"),
            (Store::Secret, "AWS::SecretsManager::Secret"),
            (Store::Topic, "AWS::SNS::Topic"),
        ] {
            if !unit.uses(kind) {
                continue;
            }
            let logical = id(store_ref(kind).1);
            let mut resource =
                json!({"Type": ty, "UpdateReplacePolicy": "Retain", "DeletionPolicy": "Retain"});
            match kind {
                Store::Table => {
                    resource["Properties"] = json!({
                        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                        "BillingMode": "PAY_PER_REQUEST"
                    });
                }
                Store::Database => {
                    resource["UpdateReplacePolicy"] = "Snapshot".into();
                    resource["DeletionPolicy"] = "Snapshot".into();
                    resource["Properties"] = json!({
                        "AllocatedStorage": "20", "DBInstanceClass": "db.t4g.micro", "Engine": "postgres",
                        "MasterUsername": "app", "ManageMasterUserPassword": true,
                        "DBSubnetGroupName": r(&db_subnets),
                        "VPCSecurityGroups": [{"Fn::GetAtt": [db_sg, "GroupId"]}]
                    });
                }
                _ => {}
            }
            res.push((logical.clone(), resource));
            stores.insert(kind, logical);
        }
        let mut deny_roles = Vec::new();
        let mut deny_functions = Vec::new();
        let partition_arn = |policy: &str| json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, format!(":iam::aws:policy/service-role/{policy}")]]});
        for p in &unit.plans {
            let n = camel(&p.name);
            let role = id(&format!("{n}ServiceRole"));
            let function = id(&format!("{n}Function"));
            let managed = if p.eni() {
                vec![
                    partition_arn("AWSLambdaBasicExecutionRole"),
                    partition_arn("AWSLambdaVPCAccessExecutionRole"),
                ]
            } else {
                vec![partition_arn("AWSLambdaBasicExecutionRole")]
            };
            res.push((
                role.clone(),
                json!({"Type": "AWS::IAM::Role", "Properties": {
                    "AssumeRolePolicyDocument": {"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}], "Version": "2012-10-17"},
                    "ManagedPolicyArns": managed}, "Metadata": meta(&format!("{n}/ServiceRole"))}),
            ));
            // One statement, as CDK's minimized policies write it.
            let actions = match p.actions.as_slice() {
                [one] => json!(one),
                many => json!(many),
            };
            res.push((
                id(&format!("{n}ServiceRoleDefaultPolicy")),
                json!({"Type": "AWS::IAM::Policy", "Properties": {
                    "PolicyDocument": {"Statement": [{"Action": actions, "Effect": "Allow", "Resource": "*"}], "Version": "2012-10-17"},
                    "PolicyName": id(&format!("{n}ServiceRoleDefaultPolicy")),
                    "Roles": [r(&role)]}, "Metadata": meta(&format!("{n}/ServiceRole/DefaultPolicy"))}),
            ));
            if p.code_deny() {
                deny_roles.push(r(&role));
                deny_functions.push(json!({"Fn::GetAtt": [function, "Arn"]}));
            }
            let mut vars = serde_json::Map::new();
            vars.insert("LOG_LEVEL".into(), "info".into());
            for store in &p.env {
                let value = if *store == Store::Database {
                    json!({"Fn::GetAtt": [stores[store], "Endpoint.Address"]})
                } else {
                    r(&stores[store])
                };
                vars.insert(store_ref(*store).0.into(), value);
            }
            let subnets: Vec<_> = subnet_ids(p)
                .iter()
                .map(|s| {
                    // CDK names the own subnet like the others.
                    r(&subnet_id[s.as_str()])
                })
                .collect();
            res.push((
                function,
                json!({"Type": "AWS::Lambda::Function", "Properties": {
                    "Code": {"S3Bucket": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"}, "S3Key": format!("{:016x}.zip", fnv(&p.name))},
                    "Role": {"Fn::GetAtt": [role, "Arn"]},
                    "Environment": {"Variables": vars},
                    "Handler": "index.handler", "MemorySize": p.memory, "Runtime": p.runtime, "Timeout": 30,
                    "VpcConfig": {"SecurityGroupIds": [{"Fn::GetAtt": [fn_sg, "GroupId"]}], "SubnetIds": subnets}},
                    "DependsOn": [id(&format!("{n}ServiceRoleDefaultPolicy")), role],
                    "Metadata": meta(&n)}),
            ));
        }
        // One Deny for the stack's functions, on their roles.
        if !deny_roles.is_empty() {
            let deny = id("DenyCodeEni");
            res.push((
                deny.clone(),
                json!({"Type": "AWS::IAM::Policy", "Properties": {
                    "PolicyDocument": {"Statement": [{"Action": CODE_DENY_WILDCARDS, "Condition": {"ArnEquals": {"lambda:SourceFunctionArn": deny_functions}}, "Effect": "Deny", "Resource": "*"}], "Version": "2012-10-17"},
                    "PolicyName": deny,
                    "Roles": deny_roles}, "Metadata": meta("DenyCodeEni")}),
            ));
        }
        let mut resources = serde_json::Map::new();
        for (k, v) in res {
            resources.insert(k, v);
        }
        let doc = json!({
            "Description": format!("Service {i} - VPC functions (CDK)"),
            "Resources": resources,
            "Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk-bootstrap/hnb659fds/version"}}
        });
        // `cdk synth` writes templates indented by one space.
        let mut out = Vec::with_capacity(32 << 10);
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b" ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
        let _ = serde::Serialize::serialize(&doc, &mut ser);
        String::from_utf8(out).unwrap_or_default() + "\n"
    }

    /// FNV-1a: stable pseudo-hashes for CDK-style logical ids.
    fn fnv(s: &str) -> u32 {
        s.bytes().fold(0x811C_9DC5u32, |h, b| {
            (h ^ b as u32).wrapping_mul(0x0100_0193)
        })
    }
}
