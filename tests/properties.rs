//! Property tests (proptest) against simple reference implementations:
//! - longest-prefix match over the public IPv4 space (`analysis::routing::public_match`) against
//!   a brute force over every /16 block;
//! - IAM wildcards (`analysis::iam::wildcard`) against a dynamic-programming matcher;
//! - the CloudFormation front end: the JSON and YAML (long- and short-form) renderings of one
//!   generated template load into the same model, spans aside.

use std::net::Ipv4Addr;
use std::path::PathBuf;

use ipnet::Ipv4Net;
use proptest::prelude::*;
use serde_json::{json, Map, Value as Json};

use lambda_vpc_lint::analysis::iam::wildcard::action_matches;
use lambda_vpc_lint::analysis::routing::{public_match, PublicMatch, V4Route};
use lambda_vpc_lint::diagnostic::Step;
use lambda_vpc_lint::frontend::cloudformation;
use lambda_vpc_lint::model::dump::dump;
use lambda_vpc_lint::model::{GatewayId, Target, Value};
use lambda_vpc_lint::source::{FileId, SourceFile, SourceMap, Span};
use lambda_vpc_lint::syntax::{self, Limits};

// ---------------------------------------------------------------- longest-prefix match

fn targets() -> &'static [Target] {
    static TARGETS: std::sync::OnceLock<Vec<Target>> = std::sync::OnceLock::new();
    TARGETS.get_or_init(|| {
        vec![
            Target::InternetGateway(Value::Known(GatewayId(0))),
            Target::NatGateway(Value::Known(GatewayId(1))),
            Target::NatGateway(Value::Known(GatewayId(2))),
            Target::Local,
            Target::Other("transit gateway".into()),
        ]
    })
}

/// Non-public IPv4 ranges, written out independently of the implementation's table.
const RESERVED: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "224.0.0.0/3",
];

/// Routes with prefixes of at most /16, so every /16 block is uniform: checking one address
/// per block is an exhaustive check of the whole space.
fn route_strategy() -> impl Strategy<Value = (Ipv4Net, usize)> {
    let special = prop_oneof![
        Just("0.0.0.0/0"),
        Just("0.0.0.0/1"),
        Just("128.0.0.0/1"),
        Just("10.0.0.0/8"),
        Just("224.0.0.0/3"),
        Just("100.64.0.0/10"),
    ]
    .prop_map(|s| s.parse::<Ipv4Net>().unwrap());
    let any = (any::<u32>(), 0u8..=16)
        .prop_map(|(addr, len)| Ipv4Net::new(Ipv4Addr::from(addr), len).unwrap().trunc());
    (prop_oneof![special, any], 0..targets().len())
}

/// The reference: for each /16 block, the longest matching prefix (first route on ties).
fn brute_force(routes: &[(Ipv4Net, usize)]) -> (Option<usize>, bool, bool) {
    let reserved: Vec<Ipv4Net> = RESERVED.iter().map(|r| r.parse().unwrap()).collect();
    let mut first: Option<usize> = None;
    let mut unrouted = false;
    let mut mixed = false;
    for block in 0u32..65_536 {
        let addr = Ipv4Addr::from(block << 16);
        if reserved.iter().any(|r| r.contains(&addr)) {
            continue;
        }
        let mut best: Option<usize> = None;
        for (i, (net, _)) in routes.iter().enumerate() {
            if net.contains(&addr)
                && best.is_none_or(|b| net.prefix_len() > routes[b].0.prefix_len())
            {
                best = Some(i);
            }
        }
        match (best, first) {
            (None, _) => unrouted = true,
            (Some(b), None) => first = Some(b),
            (Some(b), Some(f)) => mixed |= targets()[routes[b].1] != targets()[routes[f].1],
        }
    }
    (first, unrouted, mixed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn longest_prefix_match_agrees_with_brute_force(
        routes in proptest::collection::vec(route_strategy(), 0..6)
    ) {
        let v4: Vec<V4Route> = routes
            .iter()
            .map(|(net, t)| V4Route {
                net: *net,
                target: &targets()[*t],
                step: Step { span: Span::new(FileId(0), 0..0), text: net.to_string() },
            })
            .collect();
        let (first, unrouted, mixed) = brute_force(&routes);
        match public_match(&v4) {
            PublicMatch::NoRoute => prop_assert!(first.is_none(), "{routes:?}"),
            PublicMatch::Mixed => prop_assert!(first.is_some() && (unrouted || mixed), "{routes:?}"),
            PublicMatch::Uniform(r) => {
                prop_assert!(!unrouted && !mixed, "{routes:?}");
                let f = first.unwrap();
                prop_assert_eq!(r.target, &targets()[routes[f].1]);
                prop_assert_eq!(r.net, routes[f].0);
            }
        }
    }
}

// ---------------------------------------------------------------- IAM wildcards

/// `*` any run, `?` one character, ASCII case-insensitive, everything else literal.
fn reference_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    // matches[j]: pattern prefix of length i matches text prefix of length j.
    let mut matches = vec![false; t.len() + 1];
    matches[0] = true;
    for &pc in &p {
        let mut next = vec![false; t.len() + 1];
        if pc == '*' {
            let mut any = false;
            for j in 0..=t.len() {
                any |= matches[j];
                next[j] = any;
            }
        } else {
            for j in 1..=t.len() {
                next[j] = matches[j - 1] && (pc == '?' || pc == t[j - 1]);
            }
        }
        matches = next;
    }
    matches[t.len()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn iam_wildcards_agree_with_the_reference(
        pattern in "[aAbB:*?${}\\[\\]]{0,10}",
        action in "[aAbB:${}\\[\\]]{0,10}",
    ) {
        prop_assert_eq!(action_matches(&pattern, &action), reference_match(&pattern, &action));
    }

    #[test]
    fn an_action_matches_itself_in_any_case(action in "[a-z0-9]{1,8}:[A-Za-z]{1,12}") {
        prop_assert!(action_matches(&action, &action.to_uppercase()));
        let (service, _) = action.split_once(':').unwrap();
        let service_wide = format!("{service}:*");
        prop_assert!(action_matches(&service_wide, &action));
    }
}

// ---------------------------------------------------------------- front-end round trips

/// A random VPC with subnets, route tables and routes, and a VPC function.
fn template_strategy() -> impl Strategy<Value = Json> {
    let subnet = (0u8..=255, any::<bool>());
    let route = (
        prop_oneof![Just("0.0.0.0/0"), Just("10.1.0.0/16"), Just("52.0.0.0/8")],
        0usize..3,
    );
    (
        proptest::collection::vec(subnet, 1..4),
        proptest::collection::vec(route, 0..4),
        any::<bool>(),
    )
        .prop_map(|(subnets, routes, env)| {
            let mut res = Map::new();
            res.insert("Vpc".into(), json!({"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16", "EnableDnsHostnames": true}}));
            res.insert("Igw".into(), json!({"Type": "AWS::EC2::InternetGateway"}));
            res.insert("Attach".into(), json!({"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Igw"}}}));
            res.insert("Nat".into(), json!({"Type": "AWS::EC2::NatGateway", "Properties": {"SubnetId": {"Ref": "Subnet0"}, "AllocationId": {"Fn::GetAtt": ["Eip", "AllocationId"]}}}));
            res.insert("Eip".into(), json!({"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}}));
            res.insert("Table".into(), json!({"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}}));
            let mut ids = Vec::new();
            for (i, (third, public)) in subnets.iter().enumerate() {
                let name = format!("Subnet{i}");
                res.insert(name.clone(), json!({"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": format!("10.0.{third}.0/24"), "MapPublicIpOnLaunch": public}}));
                res.insert(format!("Assoc{i}"), json!({"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {"SubnetId": {"Ref": name}, "RouteTableId": {"Ref": "Table"}}}));
                ids.push(json!({"Ref": name}));
            }
            for (i, (cidr, target)) in routes.iter().enumerate() {
                let mut props = Map::new();
                props.insert("RouteTableId".into(), json!({"Ref": "Table"}));
                props.insert("DestinationCidrBlock".into(), json!(cidr));
                match target {
                    0 => props.insert("GatewayId".into(), json!({"Ref": "Igw"})),
                    1 => props.insert("NatGatewayId".into(), json!({"Ref": "Nat"})),
                    _ => props.insert("TransitGatewayId".into(), json!("tgw-0123456789abcdef0")),
                };
                res.insert(format!("Route{i}"), json!({"Type": "AWS::EC2::Route", "Properties": props}));
            }
            let mut function = json!({"Type": "AWS::Lambda::Function", "Properties": {
                "Handler": "index.handler", "Runtime": "python3.12",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"ZipFile": "x"},
                "VpcConfig": {"SubnetIds": ids, "SecurityGroupIds": []}}});
            if env {
                function["Properties"]["Environment"] = json!({"Variables": {"TABLE": {"Ref": "Table"}}});
            }
            res.insert("Fn".into(), function);
            res.insert("Role".into(), json!({"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
                "ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]}}));
            json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": res})
        })
}

/// Block-style YAML; with `short`, `Ref` and `Fn::GetAtt` use the `!Ref` / `!GetAtt` tags.
fn to_yaml(value: &Json, indent: usize, short: bool, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Json::Object(map) => {
            for (key, v) in map {
                out.push_str(&format!("{pad}{}:", Json::String(key.clone())));
                inline_or_block(v, indent, short, out);
            }
        }
        Json::Array(items) => {
            for v in items {
                out.push_str(&format!("{pad}-"));
                inline_or_block(v, indent, short, out);
            }
        }
        scalar => out.push_str(&format!("{pad}{scalar}\n")),
    }
}

fn inline_or_block(v: &Json, indent: usize, short: bool, out: &mut String) {
    if let (true, Some(map)) = (short, v.as_object()) {
        if let (1, Some(Json::String(name))) = (map.len(), map.get("Ref")) {
            out.push_str(&format!(" !Ref {}\n", Json::String(name.clone())));
            return;
        }
        if let (1, Some(Json::Array(parts))) = (map.len(), map.get("Fn::GetAtt")) {
            let dotted: Vec<&str> = parts.iter().filter_map(Json::as_str).collect();
            out.push_str(&format!(" !GetAtt {}\n", dotted.join(".")));
            return;
        }
    }
    match v {
        Json::Object(m) if m.is_empty() => out.push_str(" {}\n"),
        Json::Array(a) if a.is_empty() => out.push_str(" []\n"),
        Json::Object(_) | Json::Array(_) => {
            out.push('\n');
            to_yaml(v, indent + 2, short, out);
        }
        scalar => out.push_str(&format!(" {scalar}\n")),
    }
}

/// The model dump and load diagnostics of a template text, with positions removed.
fn model_without_spans(text: String, json: bool) -> String {
    let mut sources = SourceMap::default();
    let id = sources.add(SourceFile::new(PathBuf::from("t"), "t".into(), text));
    let file = sources.get(id);
    let doc = if json {
        syntax::json::parse(id, &file.text, &Limits::default())
    } else {
        syntax::yaml::parse(id, &file.text, &Limits::default())
    }
    .unwrap_or_else(|e| panic!("{}\n{}", e.message, file.text));
    assert!(cloudformation::is_template(&doc));
    let loaded = cloudformation::load(id, &doc, &sources);
    let mut out = dump(&loaded.model, &sources);
    for d in &loaded.diagnostics {
        out.push_str(&format!("diagnostic {} {}\n", d.code, d.message));
    }
    strip_positions(&out)
}

/// Removes every `@t:LINE:COL` (and `t:LINE:COL` inside reasons).
fn strip_positions(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("t:") {
        let after = &rest[i + 2..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let line = digits(after);
        let col = after[line..].strip_prefix(':').map(digits).unwrap_or(0);
        let boundary = i == 0 || !rest.as_bytes()[i - 1].is_ascii_alphanumeric();
        if line > 0 && col > 0 && boundary {
            out.push_str(&rest[..i]);
            out.push_str("t:_");
            rest = &after[line + 1 + col..];
        } else {
            out.push_str(&rest[..i + 2]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn json_and_yaml_renderings_load_the_same_model(template in template_strategy()) {
        let from_json = model_without_spans(serde_json::to_string_pretty(&template).unwrap(), true);
        let mut long = String::new();
        to_yaml(&template, 0, false, &mut long);
        let mut short = String::new();
        to_yaml(&template, 0, true, &mut short);
        prop_assert!(from_json.contains("function Fn"), "{from_json}");
        prop_assert_eq!(&from_json, &model_without_spans(long, false));
        prop_assert_eq!(&from_json, &model_without_spans(short, false));
    }
}

#[test]
fn strip_positions_removes_only_positions() {
    assert_eq!(
        strip_positions("vpc Vpc @t:4:3\n  cidr: 10.0.0.0/16 @t:7:18 (at:1:2)"),
        "vpc Vpc @t:_\n  cidr: 10.0.0.0/16 @t:_ (at:1:2)"
    );
}
