//! Synthetic infrastructure for benchmarks and the generator test: Terraform modules and
//! CloudFormation / SAM / CDK templates that look like real VPC-Lambda stacks, with a controlled
//! share of the mistakes lambda-vpc-lint catches. Deterministic for a seed.
//!
//! Every unit is a VPC with public, private (NAT) and isolated (endpoints only) subnets in three
//! AZs, route tables, an internet gateway, a NAT gateway, an S3 gateway endpoint, an SQS
//! interface endpoint, security groups, data stores, and a few functions with their own roles.
//! A clean function is in the private subnets (everything reachable through the NAT) or in the
//! isolated ones using only S3 and SQS (both have endpoints there). A function with a mistake
//! has exactly one, and it yields exactly one finding:
//! - LVL001: attached to a private and a public subnet;
//! - LVL002: in the isolated subnets, using one service with no endpoint there;
//! - LVL003: in the isolated subnets, calling Amazon Connect (no VPC endpoint exists);
//! - LVL101: its role lacks the ENI permissions (only basic logging).

use std::fmt::Write as _;

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
    MissingEni,
}

impl Mistake {
    pub const ALL: [Mistake; 4] = [
        Mistake::PublicSubnet,
        Mistake::NoEgress,
        Mistake::NoEndpointService,
        Mistake::MissingEni,
    ];

    pub fn rule(self) -> &'static str {
        match self {
            Mistake::PublicSubnet => "LVL001",
            Mistake::NoEgress => "LVL002",
            Mistake::NoEndpointService => "LVL003",
            Mistake::MissingEni => "LVL101",
        }
    }
}

/// Findings the generated set must produce, per rule, and its size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// Indexed like [`Mistake::ALL`].
    pub findings: [usize; 4],
    pub functions: usize,
    pub bytes: usize,
    /// Findings per unit (a module directory or a template file, relative path), per rule.
    pub by_unit: std::collections::BTreeMap<String, [usize; 4]>,
}

impl Expected {
    fn add(&mut self, unit: &str, m: Mistake) {
        let i = Mistake::ALL.iter().position(|x| *x == m).unwrap_or(0);
        self.findings[i] += 1;
        self.by_unit.entry(unit.to_string()).or_default()[i] += 1;
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

/// What a function does, decided once and rendered by every flavour.
#[derive(Debug, Clone)]
struct Plan {
    name: String,
    /// In the isolated subnets (else the private ones).
    isolated: bool,
    mistake: Option<Mistake>,
    /// IAM actions the function's code calls.
    actions: Vec<&'static str>,
    /// Data stores named in its environment, by kind.
    env: Vec<Store>,
    runtime: &'static str,
    memory: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Store {
    Table,
    Queue,
    Bucket,
    Secret,
    Topic,
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
const RUNTIMES: &[&str] = &["python3.12", "nodejs20.x", "java21", "provided.al2023"];

/// Actions on services that have an endpoint in the isolated subnets (S3 gateway, SQS interface).
const ISOLATED_OK: &[&[&str]] = &[
    &["s3:GetObject", "s3:PutObject"],
    &["sqs:SendMessage"],
    &["s3:GetObject", "sqs:SendMessage", "sqs:GetQueueUrl"],
];
/// Actions reachable only through the NAT; one of these in the isolated subnets is LVL002.
const NAT_ONLY: &[(&str, Store)] = &[
    ("dynamodb:PutItem", Store::Table),
    ("secretsmanager:GetSecretValue", Store::Secret),
    ("sns:Publish", Store::Topic),
];

fn plan_unit(
    rng: &mut Rng,
    cfg: &Config,
    unit: usize,
    path: &str,
    expected: &mut Expected,
) -> Vec<Plan> {
    (0..cfg.functions)
        .map(|k| {
            let mistake = if rng.chance(cfg.mistakes) {
                Some(rng.pick(&Mistake::ALL))
            } else {
                None
            };
            if let Some(m) = mistake {
                expected.add(path, m);
            }
            expected.functions += 1;
            let base = NAMES[(unit * 7 + k) % NAMES.len()];
            let name = format!("{base}{k}");
            let mut isolated = rng.chance(0.4);
            let mut actions: Vec<&'static str> = Vec::new();
            let mut env = Vec::new();
            match mistake {
                Some(Mistake::NoEgress) => {
                    isolated = true;
                    let (action, store) = rng.pick(NAT_ONLY);
                    actions.push(action);
                    env.push(store);
                    if rng.chance(0.5) {
                        actions.push("s3:GetObject");
                    }
                }
                Some(Mistake::NoEndpointService) => {
                    isolated = true;
                    actions.push("connect:StartOutboundVoiceContact");
                    if rng.chance(0.5) {
                        actions.push("sqs:SendMessage");
                        env.push(Store::Queue);
                    }
                }
                _ if isolated => {
                    actions.extend_from_slice(rng.pick(ISOLATED_OK));
                    if actions.iter().any(|a| a.starts_with("sqs:")) {
                        env.push(Store::Queue);
                    }
                    if actions.iter().any(|a| a.starts_with("s3:")) {
                        env.push(Store::Bucket);
                    }
                }
                _ => {
                    // Private subnets reach everything through the NAT gateway.
                    for (action, store) in NAT_ONLY {
                        if rng.chance(0.5) {
                            actions.push(action);
                            env.push(*store);
                        }
                    }
                    actions.push("s3:PutObject");
                    env.push(Store::Bucket);
                }
            }
            if mistake == Some(Mistake::PublicSubnet) {
                isolated = false;
            }
            Plan {
                name,
                isolated,
                mistake,
                actions,
                env,
                runtime: rng.pick(RUNTIMES),
                memory: rng.pick(&[128u32, 256, 512, 1024]),
            }
        })
        .collect()
}

/// Generates the whole set. Files are sorted by path.
pub fn generate(cfg: &Config) -> (Vec<GenFile>, Expected) {
    let mut rng = Rng(cfg.seed);
    let mut expected = Expected::default();
    let mut files = Vec::new();
    for i in 0..cfg.modules {
        let dir = format!("terraform/m{i:05}");
        let plans = plan_unit(&mut rng, cfg, i, &dir, &mut expected);
        let style = rng.below(2);
        files.push(GenFile {
            path: format!("{dir}/network.tf"),
            text: terraform::network(i, style),
        });
        files.push(GenFile {
            path: format!("{dir}/app.tf"),
            text: terraform::app(i, style, &plans),
        });
    }
    for i in 0..cfg.templates {
        let ext = if i % 3 == 2 { "template.json" } else { "yaml" };
        let path = format!("cloudformation/t{i:05}.{ext}");
        let plans = plan_unit(&mut rng, cfg, cfg.modules + i, &path, &mut expected);
        let text = match i % 3 {
            0 => cloudformation::plain(i, &plans),
            1 => cloudformation::sam(i, &plans),
            _ => cloudformation::cdk(i, &plans),
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

mod terraform {
    use super::{Mistake, Plan, Store, AZS};
    use std::fmt::Write as _;

    /// Subnet reference for tier `tier` in AZ index `az`, in the module's style.
    fn subnet(style: usize, tier: &str, az: usize) -> String {
        if style == 0 {
            format!("aws_subnet.{tier}[\"{}\"].id", AZS[az])
        } else {
            format!("aws_subnet.{tier}_{}.id", AZS[az])
        }
    }

    pub fn network(i: usize, style: usize) -> String {
        let o = i % 250;
        let mut s = String::with_capacity(8 << 10);
        let _ = write!(
            s,
            r#"# Network for service {i}: public, private (NAT) and isolated subnets in three AZs.

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
  route_table_id = aws_route_table.{tier}.id
}}
"#
                );
            }
        } else {
            for (tier, base) in tiers {
                for (n, az) in AZS.iter().enumerate() {
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
  route_table_id = aws_route_table.{tier}.id
}}
"#,
                        base + n
                    );
                }
            }
        }
        let nat_subnet = subnet(style, "public", 0);
        let region = if style == 0 {
            "${data.aws_region.current.name}"
        } else {
            "${var.region}"
        };
        let isolated: Vec<String> = (0..3).map(|az| subnet(style, "isolated", az)).collect();
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

resource "aws_eip" "nat" {{
  domain = "vpc"
}}

resource "aws_nat_gateway" "main" {{
  subnet_id     = {nat_subnet}
  allocation_id = aws_eip.nat.id
  depends_on    = [aws_internet_gateway.main]
}}

resource "aws_route_table" "private" {{
  vpc_id = aws_vpc.main.id
}}

resource "aws_route" "private_default" {{
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.main.id
}}

# No route out: these subnets reach S3 and SQS through endpoints only.
resource "aws_route_table" "isolated" {{
  vpc_id = aws_vpc.main.id
}}

resource "aws_vpc_endpoint" "s3" {{
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.{region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id, aws_route_table.isolated.id]
}}

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

    pub fn app(i: usize, style: usize, plans: &[Plan]) -> String {
        let mut s = String::with_capacity(8 << 10);
        let _ = write!(
            s,
            r#"# Functions of service {i} and their roles.

data "aws_iam_policy_document" "assume_lambda" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }}
  }}
}}

resource "aws_dynamodb_table" "main" {{
  name         = "${{var.name}}-items"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {{
    name = "id"
    type = "S"
  }}
}}

resource "aws_sqs_queue" "jobs" {{
  name = "${{var.name}}-jobs"
}}

resource "aws_s3_bucket" "data" {{
  bucket = "${{var.name}}-data"
}}

resource "aws_secretsmanager_secret" "db" {{
  name = "${{var.name}}/db"
}}

resource "aws_sns_topic" "events" {{
  name = "${{var.name}}-events"
}}
"#
        );
        for (k, p) in plans.iter().enumerate() {
            role(&mut s, (i + k) % 4, p);
            function(&mut s, style, p);
        }
        s
    }

    /// The function's role, in one of four common ways of writing it.
    fn role(s: &mut String, way: usize, p: &Plan) {
        let n = &p.name;
        let app = quoted(&p.actions);
        let missing_eni = p.mistake == Some(Mistake::MissingEni);
        match way {
            // jsonencode inline policy + attachment of the AWS managed policy.
            0 => {
                let managed = if missing_eni { BASIC } else { VPC_ACCESS };
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
            }
            // aws_iam_policy_document with the ENI statement written out.
            1 => {
                let eni = if missing_eni {
                    quoted(&[
                        "logs:CreateLogGroup",
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                    ])
                } else {
                    quoted(ENI_ACTIONS)
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
            }
            // managed_policy_arns + inline_policy blocks on the role itself.
            2 => {
                let managed = if missing_eni { BASIC } else { VPC_ACCESS };
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
}}
"#
                );
            }
            // A heredoc JSON policy with a wildcard Describe.
            _ => {
                let eni = if missing_eni {
                    "\"logs:CreateLogStream\", \"logs:PutLogEvents\""
                } else {
                    "\"ec2:CreateNetworkInterface\", \"ec2:Describe*\", \"ec2:DeleteNetworkInterface\", \"ec2:AssignPrivateIpAddresses\", \"ec2:UnassignPrivateIpAddresses\""
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
            }
        }
    }

    fn store_ref(store: Store) -> (&'static str, &'static str) {
        match store {
            Store::Table => ("TABLE_NAME", "aws_dynamodb_table.main.name"),
            Store::Queue => ("QUEUE_URL", "aws_sqs_queue.jobs.url"),
            Store::Bucket => ("BUCKET", "aws_s3_bucket.data.bucket"),
            Store::Secret => ("SECRET_ARN", "aws_secretsmanager_secret.db.arn"),
            Store::Topic => ("TOPIC_ARN", "aws_sns_topic.events.arn"),
        }
    }

    fn function(s: &mut String, style: usize, p: &Plan) {
        let n = &p.name;
        let subnets: Vec<String> = match p.mistake {
            Some(Mistake::PublicSubnet) => {
                vec![subnet(style, "private", 0), subnet(style, "public", 1)]
            }
            _ if p.isolated => (0..3).map(|az| subnet(style, "isolated", az)).collect(),
            _ => (0..3).map(|az| subnet(style, "private", az)).collect(),
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
    use super::{Mistake, Plan, Store, AZS};
    use std::fmt::Write as _;

    const TIERS: [(&str, usize); 3] = [("Public", 0), ("Private", 10), ("Isolated", 20)];

    fn subnet_ids(p: &Plan) -> Vec<String> {
        match p.mistake {
            Some(Mistake::PublicSubnet) => vec!["PrivateSubnetA".into(), "PublicSubnetB".into()],
            _ => {
                let tier = if p.isolated { "Isolated" } else { "Private" };
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
        }
    }

    /// The VPC, its subnets, routes, endpoints, security groups and data stores, in YAML.
    fn network_yaml(s: &mut String, i: usize) {
        let o = i % 250;
        let _ = write!(
            s,
            r#"  Vpc:
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
                let _ = write!(
                    s,
                    r#"  {tier}Subnet{az_up}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [{idx}, !Cidr [!GetAtt Vpc.CidrBlock, 32, 8]]
      AvailabilityZone: !Select [{n}, !GetAZs ""]

  {tier}Subnet{az_up}Routes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref {tier}Subnet{az_up}
      RouteTableId: !Ref {tier}RouteTable

"#,
                    idx = base + n
                );
            }
            let _ = write!(
                s,
                r#"  {tier}RouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc

"#
            );
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

  NatAddress:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc

  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref PublicSubnetA
      AllocationId: !GetAtt NatAddress.AllocationId

  PrivateDefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway

  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.s3
      VpcEndpointType: Gateway
      RouteTableIds:
        - !Ref PrivateRouteTable
        - !Ref IsolatedRouteTable

  SqsEndpoint:
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

  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
      KeySchema:
        - AttributeName: id
          KeyType: HASH

  Queue:
    Type: AWS::SQS::Queue

  Bucket:
    Type: AWS::S3::Bucket

  Secret:
    Type: AWS::SecretsManager::Secret

  Topic:
    Type: AWS::SNS::Topic

"#
        );
    }

    fn env_yaml(s: &mut String, p: &Plan, indent: &str) {
        let _ = write!(s, "{indent}Environment:\n{indent}  Variables:\n");
        let _ = writeln!(s, "{indent}    LOG_LEVEL: info");
        for store in &p.env {
            let (k, v) = store_ref(*store);
            let _ = writeln!(s, "{indent}    {k}: !Ref {v}");
        }
    }

    fn actions_yaml(actions: &[&str]) -> String {
        actions.join(", ")
    }

    /// Plain CloudFormation: AWS::Lambda::Function with an AWS::IAM::Role.
    pub fn plain(i: usize, plans: &[Plan]) -> String {
        let mut s = String::with_capacity(16 << 10);
        let _ = write!(
            s,
            "AWSTemplateFormatVersion: \"2010-09-09\"\nDescription: Service {i} - VPC functions (plain CloudFormation)\n\nResources:\n"
        );
        network_yaml(&mut s, i);
        for p in plans {
            let n = camel(&p.name);
            let managed = if p.mistake == Some(Mistake::MissingEni) {
                "AWSLambdaBasicExecutionRole"
            } else {
                "AWSLambdaVPCAccessExecutionRole"
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

  {n}Function:
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
                actions = actions_yaml(&p.actions),
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
    pub fn sam(i: usize, plans: &[Plan]) -> String {
        let mut s = String::with_capacity(16 << 10);
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

Resources:
"#
        );
        network_yaml(&mut s, i);
        for p in plans {
            let n = camel(&p.name);
            let missing_eni = p.mistake == Some(Mistake::MissingEni);
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

    /// CDK synth output: JSON, `aws:cdk:path` metadata, `Fn::Join` ARNs over the partition,
    /// hashed logical ids, separate AWS::IAM::Policy resources.
    pub fn cdk(i: usize, plans: &[Plan]) -> String {
        let stack = format!("Service{i}Stack");
        let mut res: Vec<(String, serde_json::Value)> = Vec::new();
        let id = |name: &str| format!("{name}{:08X}", fnv(&format!("{stack}/{name}")));
        let r = |logical: &str| serde_json::json!({ "Ref": logical });
        let o = i % 250;
        let vpc = id("Vpc");
        let meta =
            |path: &str| serde_json::json!({ "aws:cdk:path": format!("{stack}/{path}/Resource") });
        res.push((
            vpc.clone(),
            serde_json::json!({
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
            serde_json::json!({"Type": "AWS::EC2::InternetGateway", "Metadata": meta("Vpc/IGW")}),
        ));
        res.push((
            id("VpcVPCGW"),
            serde_json::json!({"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {"VpcId": r(&vpc), "InternetGatewayId": r(&igw)}}),
        ));
        let mut subnet_id = std::collections::HashMap::new();
        let mut tables = std::collections::HashMap::new();
        for (tier, base) in TIERS {
            let table = id(&format!("{tier}RouteTable"));
            res.push((
                table.clone(),
                serde_json::json!({"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": r(&vpc)}, "Metadata": meta(&format!("Vpc/{tier}RouteTable"))}),
            ));
            tables.insert(tier, table.clone());
            for (n, az) in AZS.iter().enumerate() {
                let name = format!("{tier}Subnet{}", az.to_uppercase());
                let sid = id(&format!("Vpc{name}Subnet"));
                res.push((
                    sid.clone(),
                    serde_json::json!({
                        "Type": "AWS::EC2::Subnet",
                        "Properties": {
                            "VpcId": r(&vpc),
                            "CidrBlock": format!("10.{o}.{}.0/24", base + n),
                            "AvailabilityZone": {"Fn::Select": [n, {"Fn::GetAZs": ""}]},
                            "MapPublicIpOnLaunch": tier == "Public"
                        },
                        "Metadata": meta(&format!("Vpc/{name}/Subnet"))
                    }),
                ));
                res.push((
                    id(&format!("Vpc{name}RouteTableAssociation")),
                    serde_json::json!({"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {"SubnetId": r(&sid), "RouteTableId": r(&table)}}),
                ));
                subnet_id.insert(name, sid);
            }
        }
        res.push((
            id("VpcPublicDefaultRoute"),
            serde_json::json!({"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": r(&tables["Public"]), "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": r(&igw)}, "DependsOn": [id("VpcVPCGW")]}),
        ));
        let eip = id("VpcNatEIP");
        let nat = id("VpcNatGateway");
        res.push((
            eip.clone(),
            serde_json::json!({"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}}),
        ));
        res.push((
            nat.clone(),
            serde_json::json!({"Type": "AWS::EC2::NatGateway", "Properties": {"SubnetId": r(&subnet_id["PublicSubnetA"]), "AllocationId": {"Fn::GetAtt": [eip, "AllocationId"]}}}),
        ));
        res.push((
            id("VpcPrivateDefaultRoute"),
            serde_json::json!({"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": r(&tables["Private"]), "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": r(&nat)}}),
        ));
        let fn_sg = id("FunctionSecurityGroup");
        let ep_sg = id("EndpointSecurityGroup");
        res.push((
            fn_sg.clone(),
            serde_json::json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "Lambda functions", "VpcId": r(&vpc), "SecurityGroupEgress": [{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}]}}),
        ));
        res.push((
            ep_sg.clone(),
            serde_json::json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "Endpoints", "VpcId": r(&vpc), "SecurityGroupIngress": [{"SourceSecurityGroupId": {"Fn::GetAtt": [fn_sg, "GroupId"]}, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}]}}),
        ));
        let endpoint_name = |svc: &str| serde_json::json!({"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, format!(".{svc}")]]});
        res.push((
            id("VpcS3Endpoint"),
            serde_json::json!({"Type": "AWS::EC2::VPCEndpoint", "Properties": {"ServiceName": endpoint_name("s3"), "VpcId": r(&vpc), "VpcEndpointType": "Gateway", "RouteTableIds": [r(&tables["Private"]), r(&tables["Isolated"])]}}),
        ));
        let isolated: Vec<_> = ["A", "B", "C"]
            .iter()
            .map(|az| r(&subnet_id[&format!("IsolatedSubnet{az}")]))
            .collect();
        res.push((
            id("VpcSqsEndpoint"),
            serde_json::json!({"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "ServiceName": endpoint_name("sqs"), "VpcId": r(&vpc), "VpcEndpointType": "Interface", "PrivateDnsEnabled": true,
                "SubnetIds": isolated,
                "SecurityGroupIds": [{"Fn::GetAtt": [ep_sg, "GroupId"]}]}}),
        ));
        let mut stores = std::collections::HashMap::new();
        for (kind, ty) in [
            (Store::Table, "AWS::DynamoDB::Table"),
            (Store::Queue, "AWS::SQS::Queue"),
            (Store::Bucket, "AWS::S3::Bucket"),
            (Store::Secret, "AWS::SecretsManager::Secret"),
            (Store::Topic, "AWS::SNS::Topic"),
        ] {
            let logical = id(store_ref(kind).1);
            let mut resource = serde_json::json!({"Type": ty, "UpdateReplacePolicy": "Retain", "DeletionPolicy": "Retain"});
            if kind == Store::Table {
                resource["Properties"] = serde_json::json!({
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "BillingMode": "PAY_PER_REQUEST"
                });
            }
            res.push((logical.clone(), resource));
            stores.insert(kind, logical);
        }
        let partition_arn = |policy: &str| serde_json::json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, format!(":iam::aws:policy/service-role/{policy}")]]});
        for p in plans {
            let n = camel(&p.name);
            let role = id(&format!("{n}ServiceRole"));
            let managed = if p.mistake == Some(Mistake::MissingEni) {
                vec![partition_arn("AWSLambdaBasicExecutionRole")]
            } else {
                vec![
                    partition_arn("AWSLambdaBasicExecutionRole"),
                    partition_arn("AWSLambdaVPCAccessExecutionRole"),
                ]
            };
            res.push((
                role.clone(),
                serde_json::json!({"Type": "AWS::IAM::Role", "Properties": {
                    "AssumeRolePolicyDocument": {"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}], "Version": "2012-10-17"},
                    "ManagedPolicyArns": managed}, "Metadata": meta(&format!("{n}/ServiceRole"))}),
            ));
            res.push((
                id(&format!("{n}ServiceRoleDefaultPolicy")),
                serde_json::json!({"Type": "AWS::IAM::Policy", "Properties": {
                    "PolicyDocument": {"Statement": p.actions.iter().map(|a| serde_json::json!({"Action": a, "Effect": "Allow", "Resource": "*"})).collect::<Vec<_>>(), "Version": "2012-10-17"},
                    "PolicyName": id(&format!("{n}ServiceRoleDefaultPolicy")),
                    "Roles": [r(&role)]}, "Metadata": meta(&format!("{n}/ServiceRole/DefaultPolicy"))}),
            ));
            let mut vars = serde_json::Map::new();
            vars.insert("LOG_LEVEL".into(), "info".into());
            for store in &p.env {
                vars.insert(store_ref(*store).0.into(), r(&stores[store]));
            }
            let subnets: Vec<_> = subnet_ids(p).iter().map(|s| r(&subnet_id[s])).collect();
            res.push((
                id(&format!("{n}Function")),
                serde_json::json!({"Type": "AWS::Lambda::Function", "Properties": {
                    "Code": {"S3Bucket": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"}, "S3Key": format!("{:016x}.zip", fnv(&p.name))},
                    "Role": {"Fn::GetAtt": [role, "Arn"]},
                    "Environment": {"Variables": vars},
                    "Handler": "index.handler", "MemorySize": p.memory, "Runtime": p.runtime, "Timeout": 30,
                    "VpcConfig": {"SecurityGroupIds": [{"Fn::GetAtt": [fn_sg, "GroupId"]}], "SubnetIds": subnets}},
                    "DependsOn": [id(&format!("{n}ServiceRoleDefaultPolicy")), role],
                    "Metadata": meta(&n)}),
            ));
        }
        let mut resources = serde_json::Map::new();
        for (k, v) in res {
            resources.insert(k, v);
        }
        let doc = serde_json::json!({
            "Description": format!("Service {i} - VPC functions (CDK)"),
            "Resources": resources,
            "Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk-bootstrap/hnb659fds/version"}}
        });
        serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
    }

    /// FNV-1a: stable pseudo-hashes for CDK-style logical ids.
    fn fnv(s: &str) -> u32 {
        s.bytes().fold(0x811C_9DC5u32, |h, b| {
            (h ^ b as u32).wrapping_mul(0x0100_0193)
        })
    }
}
