#!/usr/bin/env python3
"""Builds the account-snapshot fixtures of testdata/snapshots/.

Each scenario creates a network (and IAM roles, SSM parameters) in moto's mock AWS and writes
the output of the read-only AWS CLI calls a user runs to export a snapshot (README, "Networks in
another stack or account"), one file per call, into testdata/snapshots/<scenario>/. It then
writes the templates that use the snapshot's literal ids, in both ecosystems, under
<scenario>/terraform/<case>/ and <scenario>/cloudformation/<case>/, and EXPECTED.tsv.

How the output is made to be what the CLI prints: the script runs the AWS CLI itself (awscli,
the Python package behind `aws` v1) in this process, inside moto's mock, with `--output json`
and `cli_timestamp_format = iso8601` (the default of AWS CLI v2). The CLI formats the response
as always: no ResponseMetadata, pages merged and the pagination token dropped, JSON indented by
4 spaces, non-ASCII kept, a final newline. Where moto's response differs from what AWS returns,
`postprocess` below rewrites it into AWS's shape; README.md lists each difference.

Determinism: moto draws every id from one seeded random generator
(`moto.moto_api._internal.mock_random`, seeded per scenario from the scenario's name) and the
clock is frozen (freezegun), so the same versions (requirements.txt) give byte-identical files.

Usage:  python3 -m venv /tmp/venv && /tmp/venv/bin/pip install -r requirements.txt
        /tmp/venv/bin/python make.py            # rewrites every scenario
Tests never run this script: the JSON and the templates are committed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import zlib
from pathlib import Path

REGION = "eu-west-1"
ACCOUNT = "123456789012"
NOW = "2026-11-30T09:00:00+00:00"
HERE = Path(__file__).resolve().parent

# The mock must see fake credentials and a region before boto3 or the CLI are imported.
_config = tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False)
_config.write("[default]\noutput = json\ncli_timestamp_format = iso8601\n")
_config.close()
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION=REGION,
    AWS_CONFIG_FILE=_config.name,
    AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    AWS_PAGER="",
    # AWS managed policies (AWSLambdaBasicExecutionRole, ...) exist in every account.
    MOTO_IAM_LOAD_MANAGED_POLICIES="true",
)
for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
    os.environ.pop(var, None)

import boto3  # noqa: E402
from awscli.clidriver import create_clidriver  # noqa: E402
from freezegun import freeze_time  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.moto_api._internal import mock_random  # noqa: E402

AZ_A, AZ_B, AZ_C = (f"{REGION}{z}" for z in "abc")


# ---------------------------------------------------------------------------------------------
# The CLI calls of the export script (README). Same order, same arguments.
# ---------------------------------------------------------------------------------------------
CALLS = [
    ("describe-vpcs.json", ["ec2", "describe-vpcs"]),
    ("describe-subnets.json", ["ec2", "describe-subnets"]),
    ("describe-route-tables.json", ["ec2", "describe-route-tables"]),
    ("describe-nat-gateways.json", ["ec2", "describe-nat-gateways"]),
    ("describe-internet-gateways.json", ["ec2", "describe-internet-gateways"]),
    (
        "describe-egress-only-internet-gateways.json",
        ["ec2", "describe-egress-only-internet-gateways"],
    ),
    ("describe-vpc-endpoints.json", ["ec2", "describe-vpc-endpoints"]),
    ("describe-security-groups.json", ["ec2", "describe-security-groups"]),
    ("describe-security-group-rules.json", ["ec2", "describe-security-group-rules"]),
    ("describe-managed-prefix-lists.json", ["ec2", "describe-managed-prefix-lists"]),
    (
        "get-account-authorization-details.json",
        [
            "iam",
            "get-account-authorization-details",
            "--filter",
            "Role",
            "LocalManagedPolicy",
            "AWSManagedPolicy",
        ],
    ),
    (
        "get-parameters-by-path.json",
        ["ssm", "get-parameters-by-path", "--path", "/", "--recursive"],
    ),
]


# Then, for every VPC that describe-vpcs lists, one call per DNS attribute (describe-vpcs does
# not print them): `aws ec2 describe-vpc-attribute --vpc-id <id> --attribute <name>`.
VPC_ATTRIBUTES = ["enableDnsSupport", "enableDnsHostnames"]


def vpc_attribute_call(vpc: str, attribute: str) -> tuple[str, list[str]]:
    return (
        f"describe-vpc-attribute-{vpc}-{attribute}.json",
        ["ec2", "describe-vpc-attribute", "--vpc-id", vpc, "--attribute", attribute],
    )


def cli(args: list[str]) -> str:
    """Runs `aws <args> --output json` in this process (moto intercepts its HTTP calls)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = create_clidriver().main([*args, "--output", "json", "--region", REGION])
    if rc != 0:
        raise SystemExit(f"aws {' '.join(args)} failed ({rc}): {err.getvalue()}")
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Post-processing: moto -> what AWS returns (each rewrite is listed in README.md).
# ---------------------------------------------------------------------------------------------
def _drop_empty(obj: dict, *keys: str) -> None:
    # EC2 omits an empty list (and an empty tag set) from its XML; botocore then has no key.
    for key in keys:
        if obj.get(key) == []:
            del obj[key]


def stable_id(prefix: str, seed: str, size: int = 17, alphabet: str = "0123456789abcdef") -> str:
    """An id for something moto does not create, derived from what it belongs to."""
    digest = hashlib.sha256(seed.encode()).digest()
    return prefix + "".join(alphabet[b % len(alphabet)] for b in digest[:size])


def postprocess(name: str, data: dict, ids: dict[str, str]) -> dict:
    if name == "describe-vpcs.json":
        for vpc in data["Vpcs"]:
            _drop_empty(vpc, "Tags", "Ipv6CidrBlockAssociationSet")
            # moto answers "default"; AWS answers the id of the region's DHCP option set.
            if vpc.get("DhcpOptionsId") == "default":
                vpc["DhcpOptionsId"] = ids["dopt"]
            # Added to the API in 2024 (VPC Block Public Access); moto does not return it.
            vpc.setdefault("BlockPublicAccessStates", {"InternetGatewayBlockMode": "off"})
    elif name == "describe-subnets.json":
        for subnet in data["Subnets"]:
            _drop_empty(subnet, "Tags")
    elif name == "describe-route-tables.json":
        for table in data["RouteTables"]:
            _drop_empty(table, "Tags", "PropagatingVgws")
            table.setdefault("PropagatingVgws", [])
    elif name == "describe-nat-gateways.json":
        for nat in data["NatGateways"]:
            _drop_empty(nat, "Tags")
            # AWS has returned ConnectivityType since 2021 and IsPrimary/Status per address
            # since 2023; moto returns neither.
            nat.setdefault("ConnectivityType", "public")
            for address in nat.get("NatGatewayAddresses", []):
                address.setdefault("IsPrimary", True)
                address.setdefault("Status", "succeeded")
    elif name in ("describe-internet-gateways.json", "describe-egress-only-internet-gateways.json"):
        for gateway in next(iter(data.values())):
            _drop_empty(gateway, "Tags")
    elif name == "describe-security-groups.json":
        for group in data["SecurityGroups"]:
            _drop_empty(group, "Tags")
            # AWS creates every VPC's default group with an inbound rule that admits the group
            # itself; moto creates it without.
            if group["GroupName"] == "default" and not group["IpPermissions"]:
                group["IpPermissions"] = [_self_reference(group["GroupId"])]
    elif name == "describe-security-group-rules.json":
        rules = data["SecurityGroupRules"]
        for rule in rules:
            rule.setdefault("GroupOwnerId", ACCOUNT)
        for group_id in ids.get("default_groups", []):
            if not any(r["GroupId"] == group_id and not r["IsEgress"] for r in rules):
                rules.append(
                    {
                        "SecurityGroupRuleId": stable_id("sgr-", group_id),
                        "GroupId": group_id,
                        "GroupOwnerId": ACCOUNT,
                        "IsEgress": False,
                        "IpProtocol": "-1",
                        "FromPort": -1,
                        "ToPort": -1,
                        "ReferencedGroupInfo": {"GroupId": group_id, "UserId": ACCOUNT},
                        "Tags": [],
                    }
                )
        for rule in rules:
            rule.setdefault(
                "SecurityGroupRuleArn",
                f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group-rule/{rule['SecurityGroupRuleId']}",
            )
    elif name == "describe-vpc-endpoints.json":
        for endpoint in data["VpcEndpoints"]:
            if endpoint["VpcEndpointType"] != "Interface":
                # AWS reports private DNS as false for gateway endpoints; moto says true.
                endpoint["PrivateDnsEnabled"] = False
                continue
            # moto names the entries "<id>-<x>.com.amazonaws.<region>.<service>"; AWS names
            # "<id>-<x>.<service>.<region>.vpce.amazonaws.com", one per zone, and, with private
            # DNS on, the service's own name.
            service = endpoint["ServiceName"].rsplit(".", 1)[1]
            suffix = stable_id("", endpoint["VpcEndpointId"], 8, "abcdefghijklmnopqrstuvwxyz0123456789")
            base = f"{endpoint['VpcEndpointId']}-{suffix}"
            zone_id = stable_id("Z", service, 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            entries = [{"DnsName": f"{base}.{service}.{REGION}.vpce.amazonaws.com", "HostedZoneId": zone_id}]
            for zone in ids.get("endpoint_zones", {}).get(endpoint["VpcEndpointId"], []):
                entries.append({"DnsName": f"{base}-{zone}.{service}.{REGION}.vpce.amazonaws.com", "HostedZoneId": zone_id})
            if endpoint.get("PrivateDnsEnabled"):
                entries.append({"DnsName": f"{service}.{REGION}.amazonaws.com", "HostedZoneId": stable_id("Z", endpoint["VpcEndpointId"], 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")})
            endpoint["DnsEntries"] = entries
            endpoint.setdefault("IpAddressType", "ipv4")
            endpoint.setdefault("DnsOptions", {"DnsRecordIpType": "ipv4"})
            endpoint.setdefault("RequesterManaged", False)
    elif name == "describe-managed-prefix-lists.json":
        for prefix_list in data["PrefixLists"]:
            # AWS-owned lists have "aws" as the account part of their ARN; moto writes "AWS".
            prefix_list["PrefixListArn"] = prefix_list["PrefixListArn"].replace(":AWS:", ":aws:")
    elif name == "get-account-authorization-details.json":
        for role in data["RoleDetailList"]:
            _drop_empty(role, "Tags")
        policies = []
        for policy in data["Policies"]:
            aws_managed = policy["Arn"].startswith("arn:aws:iam::aws:")
            # moto lists every AWS managed policy it bundles (about 1,300); keep those that a
            # role of the scenario uses, so that the fixture stays readable.
            if aws_managed and not policy.get("AttachmentCount"):
                continue
            # moto leaves out PolicyName and PolicyId, which AWS always returns.
            policy.setdefault("PolicyName", policy["Arn"].rsplit("/", 1)[1])
            policy.setdefault("PolicyId", stable_id("ANPA", policy["Arn"], 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
            if policy.get("Description") == "":
                del policy["Description"]
            policies.append(policy)
        data["Policies"] = policies
    return data


def _self_reference(group_id: str) -> dict:
    return {
        "IpProtocol": "-1",
        "IpRanges": [],
        "Ipv6Ranges": [],
        "PrefixListIds": [],
        "UserIdGroupPairs": [{"GroupId": group_id, "UserId": ACCOUNT}],
    }


# ---------------------------------------------------------------------------------------------
# Building blocks of the networks.
# ---------------------------------------------------------------------------------------------
def tags(name: str, **extra: str) -> list[dict]:
    return [{"Key": "Name", "Value": name}] + [{"Key": k, "Value": v} for k, v in extra.items()]


def spec(resource: str, name: str) -> list[dict]:
    return [{"ResourceType": resource, "Tags": tags(name)}]


class Account:
    """The scenario's mock account: every created id is recorded by a name for the templates."""

    def __init__(self) -> None:
        self.ec2 = boto3.client("ec2", region_name=REGION)
        self.iam = boto3.client("iam", region_name=REGION)
        self.ssm = boto3.client("ssm", region_name=REGION)
        self.ids: dict[str, str] = {}
        self.endpoint_zones: dict[str, list[str]] = {}

    def vpc(
        self,
        name: str,
        cidr: str,
        tenancy: str = "default",
        ipv6: bool = False,
        dns_hostnames: bool = True,
    ) -> str:
        vpc = self.ec2.create_vpc(
            CidrBlock=cidr,
            InstanceTenancy=tenancy,
            AmazonProvidedIpv6CidrBlock=ipv6,
            TagSpecifications=spec("vpc", name),
        )["Vpc"]["VpcId"]
        # What the console and most modules do; describe-vpcs does not show it (the
        # describe-vpc-attribute calls do). A new VPC has DNS hostnames off until told.
        if dns_hostnames:
            self.ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        self.ids[name] = vpc
        return vpc

    def vpc_ipv6(self, vpc: str) -> str:
        sets = self.ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"]
        return sets[0]["Ipv6CidrBlock"]

    def subnet(self, name: str, vpc: str, cidr: str, az: str, ipv6: str | None = None) -> str:
        args = dict(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)
        if ipv6:
            args["Ipv6CidrBlock"] = ipv6
        subnet = self.ec2.create_subnet(**args, TagSpecifications=spec("subnet", name))["Subnet"]
        self.ids[name] = subnet["SubnetId"]
        return subnet["SubnetId"]

    def igw(self, name: str, vpc: str) -> str:
        igw = self.ec2.create_internet_gateway(TagSpecifications=spec("internet-gateway", name))
        igw_id = igw["InternetGateway"]["InternetGatewayId"]
        self.ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc)
        self.ids[name] = igw_id
        return igw_id

    def eigw(self, name: str, vpc: str) -> str:
        gw = self.ec2.create_egress_only_internet_gateway(
            VpcId=vpc, TagSpecifications=spec("egress-only-internet-gateway", name)
        )["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
        self.ids[name] = gw
        return gw

    def nat(self, name: str, subnet: str) -> str:
        eip = self.ec2.allocate_address(Domain="vpc", TagSpecifications=spec("elastic-ip", name))
        nat = self.ec2.create_nat_gateway(
            SubnetId=subnet,
            AllocationId=eip["AllocationId"],
            ConnectivityType="public",
            TagSpecifications=spec("natgateway", name),
        )["NatGateway"]["NatGatewayId"]
        self.ids[name] = nat
        return nat

    def route_table(self, name: str, vpc: str, routes: list[dict], subnets: list[str]) -> str:
        table = self.ec2.create_route_table(VpcId=vpc, TagSpecifications=spec("route-table", name))
        table_id = table["RouteTable"]["RouteTableId"]
        for route in routes:
            self.ec2.create_route(RouteTableId=table_id, **route)
        for subnet in subnets:
            self.ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet)
        self.ids[name] = table_id
        return table_id

    def security_group(
        self,
        name: str,
        vpc: str,
        egress: list[dict] | None = None,
        ingress: list[dict] | None = None,
    ) -> str:
        """`egress=None` keeps AWS's default allow-all egress rule; a list replaces it."""
        sg = self.ec2.create_security_group(
            GroupName=name,
            Description=f"{name} security group",
            VpcId=vpc,
            TagSpecifications=spec("security-group", name),
        )["GroupId"]
        if egress is not None:
            self.ec2.revoke_security_group_egress(
                GroupId=sg,
                IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            )
            if egress:
                self.ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=egress)
        if ingress:
            self.ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=ingress)
        self.ids[name] = sg
        return sg

    def endpoint(
        self,
        name: str,
        vpc: str,
        service: str,
        *,
        gateway: bool = False,
        route_tables: list[str] = (),
        subnets: list[str] = (),
        security_groups: list[str] = (),
        private_dns: bool = True,
    ) -> str:
        args = dict(
            VpcId=vpc,
            ServiceName=f"com.amazonaws.{REGION}.{service}",
            TagSpecifications=spec("vpc-endpoint", name),
        )
        if gateway:
            args.update(VpcEndpointType="Gateway", RouteTableIds=list(route_tables))
        else:
            args.update(
                VpcEndpointType="Interface",
                SubnetIds=list(subnets),
                SecurityGroupIds=list(security_groups),
                PrivateDnsEnabled=private_dns,
            )
        endpoint = self.ec2.create_vpc_endpoint(**args)["VpcEndpoint"]["VpcEndpointId"]
        self.ids[name] = endpoint
        if subnets:
            described = self.ec2.describe_subnets(SubnetIds=list(subnets))["Subnets"]
            self.endpoint_zones[endpoint] = sorted(s["AvailabilityZone"] for s in described)
        return endpoint

    def parameter(self, name: str, value: str, kind: str = "String") -> None:
        self.ssm.put_parameter(Name=name, Value=value, Type=kind)

    def role(self, name: str, managed: list[str] = (), inline: dict[str, dict] | None = None) -> str:
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        arn = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))[
            "Role"
        ]["Arn"]
        for policy in managed:
            self.iam.attach_role_policy(RoleName=name, PolicyArn=policy)
        for policy_name, document in (inline or {}).items():
            self.iam.put_role_policy(
                RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(document)
            )
        self.ids[name] = arn
        return arn

    def policy(self, name: str, document: dict) -> str:
        arn = self.iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))[
            "Policy"
        ]["Arn"]
        self.ids[name] = arn
        return arn

    # -- composite pieces ------------------------------------------------------------------
    def public_private(self, prefix: str, cidr16: str, *, nat_per_az: bool = True) -> dict:
        """A VPC with public subnets (IGW) and private subnets (NAT) in zones a and b: the
        layout of terraform-aws-modules/vpc and of most landing zones."""
        base = cidr16.rsplit(".", 2)[0]  # "10.10"
        vpc = self.vpc(f"{prefix}-vpc", cidr16)
        igw = self.igw(f"{prefix}-igw", vpc)
        pub_a = self.subnet(f"{prefix}-public-a", vpc, f"{base}.0.0/24", AZ_A)
        pub_b = self.subnet(f"{prefix}-public-b", vpc, f"{base}.1.0/24", AZ_B)
        self.route_table(
            f"{prefix}-public",
            vpc,
            [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw}],
            [pub_a, pub_b],
        )
        priv_a = self.subnet(f"{prefix}-private-a", vpc, f"{base}.10.0/24", AZ_A)
        priv_b = self.subnet(f"{prefix}-private-b", vpc, f"{base}.11.0/24", AZ_B)
        nat_a = self.nat(f"{prefix}-nat-a", pub_a)
        nat_b = self.nat(f"{prefix}-nat-b", pub_b) if nat_per_az else nat_a
        self.route_table(
            f"{prefix}-private-a",
            vpc,
            [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat_a}],
            [priv_a],
        )
        self.route_table(
            f"{prefix}-private-b",
            vpc,
            [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat_b}],
            [priv_b],
        )
        lambda_sg = self.security_group(f"{prefix}-lambda", vpc)
        return dict(vpc=vpc, public=[pub_a, pub_b], private=[priv_a, priv_b], sg=lambda_sg)

    def isolated(self, prefix: str, cidr16: str, *, dns_hostnames: bool = True) -> dict:
        """A VPC whose subnets have only the local route (no IGW, no NAT)."""
        base = cidr16.rsplit(".", 2)[0]
        vpc = self.vpc(f"{prefix}-vpc", cidr16, dns_hostnames=dns_hostnames)
        a = self.subnet(f"{prefix}-isolated-a", vpc, f"{base}.20.0/24", AZ_A)
        b = self.subnet(f"{prefix}-isolated-b", vpc, f"{base}.21.0/24", AZ_B)
        table = self.route_table(f"{prefix}-isolated", vpc, [], [a, b])
        lambda_sg = self.security_group(f"{prefix}-lambda", vpc)
        return dict(vpc=vpc, subnets=[a, b], table=table, sg=lambda_sg)


def https_from(*, cidrs: list[str] = (), groups: list[str] = ()) -> list[dict]:
    return [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": c} for c in cidrs],
            "UserIdGroupPairs": [{"GroupId": g} for g in groups],
        }
    ]


# ---------------------------------------------------------------------------------------------
# What the functions use (the services decide which egress path matters).
# ---------------------------------------------------------------------------------------------
SERVICES = {
    "sqs": dict(
        actions=["sqs:SendMessage"],
        resource=f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders",
        env=("QUEUE_URL", f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/orders"),
    ),
    "s3": dict(
        actions=["s3:GetObject"],
        resource="arn:aws:s3:::orders-reports/*",
        env=("REPORTS_BUCKET", "orders-reports"),
    ),
    # Amazon Connect's core API has no VPC endpoint (data/endpoint-services.json).
    "connect": dict(
        actions=["connect:StartOutboundVoiceContact"],
        resource=f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/*",
        env=("CONNECT_INSTANCE", "orders-calls"),
    ),
}

VPC_ACCESS = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


class Case:
    """One template (set of files) that uses the snapshot's ids.

    style (Terraform): tfvars | defaults | ssm | role-arn
    style (CloudFormation): defaults | parameters-file | ssm-typed | resolve | samconfig |
                            samconfig-yaml | role-arn
    subnets/security_groups: literal ids, or SSM parameter names for ssm/ssm-typed/resolve.
    """

    def __init__(
        self,
        eco: str,
        name: str,
        style: str,
        about: str,
        subnets: list[str],
        security_groups: list[str],
        *,
        fires: list[str] = (),
        service: str = "sqs",
        role_arn: str | None = None,
        dual_stack: bool = False,
        endpoint: dict | None = None,
        prefix_list_egress: dict | None = None,
        notes: str = "",
    ) -> None:
        self.eco, self.name, self.style, self.about = eco, name, style, about
        self.subnets, self.security_groups = subnets, security_groups
        self.fires, self.service, self.role_arn = list(fires), service, role_arn
        self.dual_stack, self.notes = dual_stack, notes
        # An interface endpoint the template creates in the snapshot's VPC, in the function's
        # subnets: {"vpc": id, "service": name, "security_groups": [ids], "private_dns": bool}.
        self.endpoint = endpoint
        # (CloudFormation) a security group the template adds in the snapshot's VPC, with one
        # egress rule (TCP 443 to a literal prefix list id of the snapshot), next to
        # `security_groups`: {"vpc": id, "prefix_list": "pl-…"}.
        self.prefix_list_egress = prefix_list_egress
        self.args: list[str] = []


def hcl_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def terraform_files(scenario: str, case: Case) -> dict[str, str]:
    svc = SERVICES[case.service]
    env_key, env_value = svc["env"]
    head = [
        f"# Scenario {scenario}, case {case.name}: {case.about}",
        "# Generated by testdata/snapshots/make.py. The network is not in this configuration: its",
        f"# ids name resources of the account snapshot testdata/snapshots/{scenario}/.",
        "",
        "terraform {",
        "  required_providers {",
        "    aws = {",
        '      source  = "hashicorp/aws"',
        '      version = "~> 5.0"',
        "    }",
        "  }",
        "}",
        "",
        'provider "aws" {',
        f'  region = "{REGION}"',
        "}",
        "",
    ]
    body: list[str] = []
    files: dict[str, str] = {}
    tfvars: list[str] = []

    if case.style == "ssm":
        subnet_param, sg_param = case.subnets[0], case.security_groups[0]
        body += [
            "# The network team publishes the subnets (a StringList) and the function security group",
            "# in SSM Parameter Store.",
            'data "aws_ssm_parameter" "subnets" {',
            f'  name = "{subnet_param}"',
            "}",
            "",
            'data "aws_ssm_parameter" "lambda_sg" {',
            f'  name = "{sg_param}"',
            "}",
            "",
        ]
        subnet_expr = 'split(",", data.aws_ssm_parameter.subnets.value)'
        sg_expr = "[data.aws_ssm_parameter.lambda_sg.value]"
    else:
        with_default = case.style == "defaults"
        body += ['variable "subnet_ids" {', '  description = "Subnets of the shared VPC"']
        body += ["  type        = list(string)"]
        if with_default:
            body += [f"  default     = {hcl_list(case.subnets)}"]
        else:
            tfvars.append(f"subnet_ids = {hcl_list(case.subnets)}")
        body += ["}", "", 'variable "security_group_ids" {']
        body += ['  description = "Security groups of the function"', "  type        = list(string)"]
        if with_default:
            body += [f"  default     = {hcl_list(case.security_groups)}"]
        else:
            tfvars.append(f"security_group_ids = {hcl_list(case.security_groups)}")
        body += ["}", ""]
        subnet_expr, sg_expr = "var.subnet_ids", "var.security_group_ids"
        if case.endpoint:
            body += terraform_endpoint(case, with_default, tfvars)

    if case.role_arn:
        body += [
            'variable "role_arn" {',
            '  description = "Execution role, managed by the platform team"',
            "  type        = string",
            "}",
            "",
        ]
        tfvars.append(f'role_arn = "{case.role_arn}"')
        role_expr = "var.role_arn"
    else:
        actions = hcl_list(svc["actions"])
        body += [
            'data "aws_iam_policy_document" "assume" {',
            "  statement {",
            '    actions = ["sts:AssumeRole"]',
            "    principals {",
            '      type        = "Service"',
            '      identifiers = ["lambda.amazonaws.com"]',
            "    }",
            "  }",
            "}",
            "",
            'resource "aws_iam_role" "app" {',
            '  name               = "orders-app"',
            "  assume_role_policy = data.aws_iam_policy_document.assume.json",
            "}",
            "",
            'resource "aws_iam_role_policy_attachment" "vpc_access" {',
            "  role       = aws_iam_role.app.name",
            f'  policy_arn = "{VPC_ACCESS}"',
            "}",
            "",
            'resource "aws_iam_role_policy" "app" {',
            '  name = "orders-app"',
            "  role = aws_iam_role.app.id",
            "  policy = jsonencode({",
            '    Version = "2012-10-17"',
            "    Statement = [{",
            '      Effect   = "Allow"',
            f"      Action   = {actions}",
            f'      Resource = "{svc["resource"]}"',
            "    }]",
            "  })",
            "}",
            "",
        ]
        role_expr = "aws_iam_role.app.arn"

    body += [
        'resource "aws_lambda_function" "app" {',
        '  function_name = "orders-app"',
        f"  role          = {role_expr}",
        '  runtime       = "python3.12"',
        '  handler       = "app.handler"',
        '  filename      = "app.zip"',
        "",
        "  environment {",
        "    variables = {",
        f'      {env_key} = "{env_value}"',
        "    }",
        "  }",
        "",
        "  vpc_config {",
        f"    subnet_ids         = {subnet_expr}",
        f"    security_group_ids = {sg_expr}",
    ]
    if case.dual_stack:
        body += ["    ipv6_allowed_for_dual_stack = true"]
    body += ["  }", "}", ""]
    files["main.tf"] = "\n".join(head + body)
    if tfvars:
        files["terraform.tfvars"] = "\n".join(tfvars) + "\n"
    return files


def terraform_endpoint(case: Case, with_default: bool, tfvars: list[str]) -> list[str]:
    """The interface endpoint the configuration adds to the shared VPC, in the function's
    subnets, with the endpoint security group of the network team."""
    ep = case.endpoint
    body = ['variable "vpc_id" {', '  description = "The shared VPC"', "  type        = string"]
    if with_default:
        body += [f'  default     = "{ep["vpc"]}"']
    else:
        tfvars.append(f'vpc_id = "{ep["vpc"]}"')
    body += ["}", "", 'variable "endpoint_security_group_ids" {']
    body += ['  description = "Security groups of the SQS endpoint"', "  type        = list(string)"]
    if with_default:
        body += [f"  default     = {hcl_list(ep['security_groups'])}"]
    else:
        tfvars.append(f"endpoint_security_group_ids = {hcl_list(ep['security_groups'])}")
    body += ["}", ""]
    return body + [
        f'resource "aws_vpc_endpoint" "{ep["service"]}" {{',
        "  vpc_id              = var.vpc_id",
        f'  service_name        = "com.amazonaws.{REGION}.{ep["service"]}"',
        '  vpc_endpoint_type   = "Interface"',
        "  subnet_ids          = var.subnet_ids",
        "  security_group_ids  = var.endpoint_security_group_ids",
        f"  private_dns_enabled = {str(ep['private_dns']).lower()}",
        "}",
        "",
    ]


def yaml_list(items: list[str], indent: int) -> list[str]:
    return [" " * indent + f"- {i}" for i in items]


def cloudformation_files(scenario: str, case: Case) -> dict[str, str]:
    svc = SERVICES[case.service]
    env_key, env_value = svc["env"]
    sam = case.style in ("samconfig", "samconfig-yaml", "resolve")
    lines = [
        f"# Scenario {scenario}, case {case.name}: {case.about}",
        "# Generated by testdata/snapshots/make.py. The network is not in this template: its ids",
        f"# name resources of the account snapshot testdata/snapshots/{scenario}/.",
        'AWSTemplateFormatVersion: "2010-09-09"',
    ]
    if sam:
        lines.append("Transform: AWS::Serverless-2016-10-31")
    lines.append("Description: orders service (functions only; the network is shared)")
    files: dict[str, str] = {}
    params: list[tuple[str, str]] = []  # (key, value) given outside the template

    subnet_ref: list[str]
    sg_ref: list[str]
    if case.style == "resolve":
        subnet_ref = [f"'{{{{resolve:ssm:{p}}}}}'" for p in case.subnets]
        sg_ref = [f"'{{{{resolve:ssm:{p}}}}}'" for p in case.security_groups]
        subnet_block = ["        SubnetIds:"] + yaml_list(subnet_ref, 10)
        sg_block = ["        SecurityGroupIds:"] + yaml_list(sg_ref, 10)
        if case.role_arn:
            lines.append("Parameters:")
    else:
        lines.append("Parameters:")
        if case.style == "ssm-typed":
            lines += [
                "  SubnetIds:",
                "    Type: AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>",
                "    Description: SSM parameter that lists the subnets of the shared VPC",
                f"    Default: {case.subnets[0]}",
                "  SecurityGroupId:",
                "    Type: AWS::SSM::Parameter::Value<AWS::EC2::SecurityGroup::Id>",
                "    Description: SSM parameter that names the function security group",
                f"    Default: {case.security_groups[0]}",
            ]
            sg_block = ["        SecurityGroupIds:", "          - !Ref SecurityGroupId"]
        else:
            defaults = case.style in ("defaults", "role-arn")
            lines += [
                "  SubnetIds:",
                "    Type: List<AWS::EC2::Subnet::Id>",
                "    Description: Subnets of the shared VPC",
            ]
            if defaults:
                lines.append(f"    Default: {','.join(case.subnets)}")
            else:
                params.append(("SubnetIds", ",".join(case.subnets)))
            lines += [
                "  SecurityGroupIds:",
                "    Type: List<AWS::EC2::SecurityGroup::Id>",
                "    Description: Security groups of the function",
            ]
            if defaults:
                lines.append(f"    Default: {','.join(case.security_groups)}")
            else:
                params.append(("SecurityGroupIds", ",".join(case.security_groups)))
            sg_block = ["        SecurityGroupIds: !Ref SecurityGroupIds"]
            if case.prefix_list_egress:
                sg_block = [
                    "        SecurityGroupIds: !Split",
                    '          - ","',
                    '          - !Join [",", [!Join [",", !Ref SecurityGroupIds], !Ref FunctionSecurityGroup]]',
                ]
        subnet_block = ["        SubnetIds: !Ref SubnetIds"]
    if case.endpoint:
        assert case.style == "defaults", "an endpoint case takes its ids from defaults"
        lines += [
            "  VpcId:",
            "    Type: AWS::EC2::VPC::Id",
            "    Description: The shared VPC",
            f"    Default: {case.endpoint['vpc']}",
            "  EndpointSecurityGroupIds:",
            "    Type: List<AWS::EC2::SecurityGroup::Id>",
            "    Description: Security groups of the SQS endpoint",
            f"    Default: {','.join(case.endpoint['security_groups'])}",
        ]
    if case.prefix_list_egress:
        assert case.style == "defaults" and not case.endpoint
        lines += [
            "  VpcId:",
            "    Type: AWS::EC2::VPC::Id",
            "    Description: The shared VPC",
            f"    Default: {case.prefix_list_egress['vpc']}",
        ]
    if case.role_arn:
        lines += [
            "  RoleArn:",
            "    Type: String",
            "    Description: Execution role, managed by the platform team",
            f"    Default: {case.role_arn}",
        ]

    lines.append("Resources:")
    if case.endpoint:
        ep = case.endpoint
        lines += [
            f"  {ep['service'].capitalize()}Endpoint:",
            "    Type: AWS::EC2::VPCEndpoint",
            "    Properties:",
            "      VpcId: !Ref VpcId",
            f"      ServiceName: com.amazonaws.{REGION}.{ep['service']}",
            "      VpcEndpointType: Interface",
            "      SubnetIds: !Ref SubnetIds",
            "      SecurityGroupIds: !Ref EndpointSecurityGroupIds",
            f"      PrivateDnsEnabled: {str(ep['private_dns']).lower()}",
        ]
    if case.prefix_list_egress:
        lines += [
            "  FunctionSecurityGroup:",
            "    Type: AWS::EC2::SecurityGroup",
            "    Properties:",
            "      GroupDescription: HTTPS to one prefix list only",
            "      VpcId: !Ref VpcId",
            "      SecurityGroupEgress:",
            "        - IpProtocol: tcp",
            "          FromPort: 443",
            "          ToPort: 443",
            f"          DestinationPrefixListId: {case.prefix_list_egress['prefix_list']}",
        ]
    policy_statement = [
        "              - Effect: Allow",
        "                Action:",
        *yaml_list(svc["actions"], 18),
        f"                Resource: {svc['resource']}",
    ]
    if sam:
        lines += [
            "  Function:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            "      Runtime: python3.12",
            "      Handler: app.handler",
            "      CodeUri: src/",
        ]
        if case.role_arn:
            lines.append("      Role: !Ref RoleArn")
        else:
            lines += [
                "      Policies:",
                "        - Version: \"2012-10-17\"",
                "          Statement:",
                *[line[2:] for line in policy_statement],
            ]
    else:
        if not case.role_arn:
            lines += [
                "  FunctionRole:",
                "    Type: AWS::IAM::Role",
                "    Properties:",
                "      AssumeRolePolicyDocument:",
                '        Version: "2012-10-17"',
                "        Statement:",
                "          - Effect: Allow",
                "            Principal:",
                "              Service: lambda.amazonaws.com",
                "            Action: sts:AssumeRole",
                "      ManagedPolicyArns:",
                f"        - {VPC_ACCESS}",
                "      Policies:",
                "        - PolicyName: orders",
                "          PolicyDocument:",
                '            Version: "2012-10-17"',
                "            Statement:",
                *policy_statement,
            ]
        lines += [
            "  Function:",
            "    Type: AWS::Lambda::Function",
            "    Properties:",
            "      Runtime: python3.12",
            "      Handler: index.handler",
            "      Role: " + ("!Ref RoleArn" if case.role_arn else "!GetAtt FunctionRole.Arn"),
            "      Code:",
            "        ZipFile: |",
            "          def handler(event, context):",
            "              return None",
        ]
    lines += [
        "      Environment:",
        "        Variables:",
        f"          {env_key}: {env_value}",
        "      VpcConfig:",
        *subnet_block,
        *sg_block,
    ]
    if case.dual_stack:
        lines.append("        Ipv6AllowedForDualStack: true")
    files["template.yaml"] = "\n".join(lines) + "\n"

    if case.style == "parameters-file":
        files["parameters.json"] = (
            json.dumps(
                [{"ParameterKey": k, "ParameterValue": v} for k, v in params], indent=2
            )
            + "\n"
        )
        case.args = ["--parameters", "parameters.json"]
    elif case.style == "samconfig":
        overrides = " ".join(f'{k}=\\"{v}\\"' for k, v in params)
        files["samconfig.toml"] = "\n".join(
            [
                "# Written by `sam deploy --guided`, then edited: the network ids come from the",
                "# platform team.",
                "version = 0.1",
                "",
                "[default.global.parameters]",
                'stack_name = "orders"',
                "",
                "[default.deploy.parameters]",
                'region = "eu-west-1"',
                'capabilities = "CAPABILITY_IAM"',
                f'parameter_overrides = "{overrides}"',
                "",
            ]
        )
    elif case.style == "samconfig-yaml":
        files["samconfig.yaml"] = "\n".join(
            [
                "version: 0.1",
                "default:",
                "  global:",
                "    parameters:",
                "      stack_name: orders",
                "  deploy:",
                "    parameters:",
                "      region: eu-west-1",
                "      capabilities: CAPABILITY_IAM",
                "      parameter_overrides:",
                *[f"        - {k}={v}" for k, v in params],
                "",
            ]
        )
    return files


# ---------------------------------------------------------------------------------------------
# Scenarios. Each returns the rules it is about (those that EXPECTED.tsv holds to the listed
# result; other rules, e.g. LVL104 or LVL016, are outside the scenario) and its cases.
# ---------------------------------------------------------------------------------------------
NETWORK_RULES = ["LVL001", "LVL002", "LVL003", "LVL005", "LVL006", "LVL007", "LVL008"]
NETWORK_RULES += ["LVL009", "LVL010", "LVL011", "LVL012", "LVL013", "LVL014"]


def s_public_subnet(a: Account):
    net = a.public_private("shared", "10.10.0.0/16")
    pub, priv, sg = net["public"], net["private"], net["sg"]
    a.parameter("/network/private-subnets", ",".join(priv), "StringList")
    a.parameter("/network/public-subnets", ",".join(pub), "StringList")
    a.parameter("/network/private-subnet-a", priv[0])
    a.parameter("/network/private-subnet-b", priv[1])
    a.parameter("/network/public-subnet-a", pub[0])
    a.parameter("/network/public-subnet-b", pub[1])
    a.parameter("/network/lambda-sg", sg)
    # Never read: a snapshot made without --with-decryption holds no secret value.
    a.parameter("/network/db-password", "s3cr3t-never-in-a-snapshot", "SecureString")
    rules = ["LVL001", "LVL002", "LVL003", "LVL005", "LVL006"]
    pub_about = "the function is attached to the public subnets (route to the IGW)"
    priv_about = "the function is attached to the private subnets (route to a NAT per zone)"
    tf, cfn = "terraform", "cloudformation"
    cases = [
        Case(tf, "bad-tfvars", "tfvars", pub_about, pub, [sg], fires=["LVL001"]),
        Case(tf, "good-tfvars", "tfvars", priv_about, priv, [sg]),
        Case(tf, "bad-variable-defaults", "defaults", pub_about, pub, [sg], fires=["LVL001"]),
        Case(tf, "bad-ssm-parameter", "ssm", pub_about + ", read from SSM",
             ["/network/public-subnets"], ["/network/lambda-sg"], fires=["LVL001"]),
        Case(tf, "good-ssm-parameter", "ssm", priv_about + ", read from SSM",
             ["/network/private-subnets"], ["/network/lambda-sg"]),
        Case(cfn, "bad-parameter-defaults", "defaults", pub_about, pub, [sg], fires=["LVL001"]),
        Case(cfn, "good-parameter-defaults", "defaults", priv_about, priv, [sg]),
        Case(cfn, "bad-parameters-file", "parameters-file", pub_about, pub, [sg],
             fires=["LVL001"]),
        Case(cfn, "bad-ssm-typed-parameter", "ssm-typed", pub_about + ", an SSM-typed parameter",
             ["/network/public-subnets"], ["/network/lambda-sg"], fires=["LVL001"]),
        Case(cfn, "good-ssm-typed-parameter", "ssm-typed",
             priv_about + ", an SSM-typed parameter",
             ["/network/private-subnets"], ["/network/lambda-sg"]),
        Case(cfn, "bad-resolve-ssm", "resolve", pub_about + ", {{resolve:ssm:...}}",
             ["/network/public-subnet-a", "/network/public-subnet-b"], ["/network/lambda-sg"],
             fires=["LVL001"]),
        Case(cfn, "good-resolve-ssm", "resolve", priv_about + ", {{resolve:ssm:...}}",
             ["/network/private-subnet-a", "/network/private-subnet-b"],
             ["/network/lambda-sg:1"]),
        Case(cfn, "bad-sam-samconfig", "samconfig", pub_about + ", from samconfig.toml",
             pub, [sg], fires=["LVL001"]),
        Case(cfn, "good-sam-samconfig", "samconfig", priv_about + ", from samconfig.toml",
             priv, [sg]),
        Case(cfn, "good-sam-samconfig-yaml", "samconfig-yaml",
             priv_about + ", from samconfig.yaml", priv, [sg]),
    ]
    return rules, cases


def s_no_egress(a: Account):
    iso = a.isolated("isolated", "10.20.0.0/16")
    # A second isolated VPC whose functions reach SQS through an interface endpoint.
    ep = a.isolated("endpoints", "10.21.0.0/16")
    ep_sg = a.security_group("endpoints-sqs-endpoint", ep["vpc"], ingress=https_from(groups=[ep["sg"]]))
    a.endpoint("endpoints-sqs", ep["vpc"], "sqs", subnets=ep["subnets"], security_groups=[ep_sg])
    rules = ["LVL001", "LVL002", "LVL003", "LVL008", "LVL009", "LVL010"]
    tf, cfn = "terraform", "cloudformation"
    no_path = "isolated subnets (local route only), the function sends to SQS"
    connect = "isolated subnets, the function calls Amazon Connect (no VPC endpoint exists)"
    good = "isolated subnets with an SQS interface endpoint that admits the function"
    return rules, [
        Case(tf, "bad-sqs-isolated", "tfvars", no_path, iso["subnets"], [iso["sg"]],
             fires=["LVL002"]),
        Case(tf, "bad-connect-isolated", "tfvars", connect, iso["subnets"], [iso["sg"]],
             service="connect", fires=["LVL003"]),
        Case(tf, "good-sqs-endpoint", "tfvars", good, ep["subnets"], [ep["sg"]]),
        Case(cfn, "bad-sqs-isolated", "defaults", no_path, iso["subnets"], [iso["sg"]],
             fires=["LVL002"]),
        Case(cfn, "bad-connect-isolated", "parameters-file", connect, iso["subnets"],
             [iso["sg"]], service="connect", fires=["LVL003"]),
        Case(cfn, "good-sqs-endpoint", "defaults", good, ep["subnets"], [ep["sg"]]),
    ]


def s_nat_cross_az(a: Account):
    one = a.public_private("single-nat", "10.30.0.0/16", nat_per_az=False)
    per_az = a.public_private("nat-per-az", "10.31.0.0/16")
    rules = ["LVL004", "LVL005", "LVL006"]
    tf, cfn = "terraform", "cloudformation"
    bad = "private subnets in zones a and b, both routed to the one NAT gateway in zone a"
    good = "private subnets in zones a and b, each routed to the NAT gateway of its zone"
    return rules, [
        Case(tf, "bad-one-nat", "tfvars", bad, one["private"], [one["sg"]], fires=["LVL005"]),
        Case(tf, "good-nat-per-az", "tfvars", good, per_az["private"], [per_az["sg"]]),
        Case(cfn, "bad-one-nat", "defaults", bad, one["private"], [one["sg"]], fires=["LVL005"]),
        Case(cfn, "good-nat-per-az", "samconfig", good, per_az["private"], [per_az["sg"]]),
    ]


def s_single_az(a: Account):
    net = a.public_private("zones", "10.40.0.0/16")
    # A second private subnet in zone a, on zone a's NAT route table.
    a_table = a.ids["zones-private-a"]
    extra = a.subnet("zones-private-a2", net["vpc"], "10.40.12.0/24", AZ_A)
    a.ec2.associate_route_table(RouteTableId=a_table, SubnetId=extra)
    rules = ["LVL006"]
    tf, cfn = "terraform", "cloudformation"
    two_in_a = "two private subnets, both in zone a"
    one = "one private subnet"
    good = "private subnets in zones a and b"
    sg = [net["sg"]]
    return rules, [
        Case(tf, "bad-same-zone", "tfvars", two_in_a, [net["private"][0], extra], sg,
             fires=["LVL006"]),
        Case(tf, "bad-one-subnet", "defaults", one, [extra], sg, fires=["LVL006"]),
        Case(tf, "good-two-zones", "tfvars", good, net["private"], sg),
        Case(cfn, "bad-same-zone", "defaults", two_in_a, [net["private"][0], extra], sg,
             fires=["LVL006"]),
        Case(cfn, "good-two-zones", "defaults", good, net["private"], sg),
    ]


def s_gateway_endpoint(a: Account):
    net = a.public_private("s3", "10.50.0.0/16")
    # Two more private subnets ("data") whose route table carries the S3 gateway endpoint; the
    # "private" tables (the function's in the bad case) do not.
    vpc = net["vpc"]
    nat_a, nat_b = a.ids["s3-nat-a"], a.ids["s3-nat-b"]
    data_a = a.subnet("s3-data-a", vpc, "10.50.20.0/24", AZ_A)
    data_b = a.subnet("s3-data-b", vpc, "10.50.21.0/24", AZ_B)
    ta = a.route_table("s3-data-a", vpc, [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat_a}], [data_a])
    tb = a.route_table("s3-data-b", vpc, [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat_b}], [data_b])
    a.endpoint("s3-gateway", vpc, "s3", gateway=True, route_tables=[ta, tb])
    rules = ["LVL002", "LVL007"]
    tf, cfn = "terraform", "cloudformation"
    bad = "private subnets whose route tables do not carry the VPC's S3 gateway endpoint"
    good = "private subnets whose route tables carry the S3 gateway endpoint"
    sg = [net["sg"]]
    return rules, [
        Case(tf, "bad-endpoint-not-routed", "tfvars", bad, net["private"], sg, service="s3",
             fires=["LVL007"]),
        Case(tf, "good-endpoint-routed", "tfvars", good, [data_a, data_b], sg, service="s3"),
        Case(cfn, "bad-endpoint-not-routed", "parameters-file", bad, net["private"], sg,
             service="s3", fires=["LVL007"]),
        Case(cfn, "good-endpoint-routed", "parameters-file", good, [data_a, data_b], sg,
             service="s3"),
    ]


def s_endpoint_sg(a: Account):
    bad = a.isolated("blocked", "10.60.0.0/16")
    bad_ep_sg = a.security_group("blocked-sqs-endpoint", bad["vpc"], ingress=https_from(cidrs=["192.168.0.0/16"]))
    a.endpoint("blocked-sqs", bad["vpc"], "sqs", subnets=bad["subnets"], security_groups=[bad_ep_sg])
    good = a.isolated("admitted", "10.61.0.0/16")
    good_ep_sg = a.security_group("admitted-sqs-endpoint", good["vpc"], ingress=https_from(cidrs=["10.61.0.0/16"]))
    a.endpoint("admitted-sqs", good["vpc"], "sqs", subnets=good["subnets"], security_groups=[good_ep_sg])
    rules = ["LVL002", "LVL008", "LVL009", "LVL010"]
    tf, cfn = "terraform", "cloudformation"
    b = "isolated subnets; the SQS endpoint's security group admits 443 from 192.168.0.0/16 only"
    g = "isolated subnets; the SQS endpoint's security group admits 443 from the VPC CIDR"
    return rules, [
        Case(tf, "bad-endpoint-sg", "tfvars", b, bad["subnets"], [bad["sg"]], fires=["LVL008"]),
        Case(tf, "good-endpoint-sg", "tfvars", g, good["subnets"], [good["sg"]]),
        Case(cfn, "bad-endpoint-sg", "defaults", b, bad["subnets"], [bad["sg"]], fires=["LVL008"]),
        Case(cfn, "good-endpoint-sg", "defaults", g, good["subnets"], [good["sg"]]),
    ]


def s_endpoint_dns(a: Account):
    off = a.isolated("dns-off", "10.70.0.0/16")
    off_sg = a.security_group("dns-off-sqs-endpoint", off["vpc"], ingress=https_from(groups=[off["sg"]]))
    a.endpoint("dns-off-sqs", off["vpc"], "sqs", subnets=off["subnets"], security_groups=[off_sg], private_dns=False)
    on = a.isolated("dns-on", "10.71.0.0/16")
    on_sg = a.security_group("dns-on-sqs-endpoint", on["vpc"], ingress=https_from(groups=[on["sg"]]))
    a.endpoint("dns-on-sqs", on["vpc"], "sqs", subnets=on["subnets"], security_groups=[on_sg])
    rules = ["LVL002", "LVL008", "LVL009"]
    tf, cfn = "terraform", "cloudformation"
    b = "isolated subnets; the SQS interface endpoint has private DNS off"
    g = "isolated subnets; the SQS interface endpoint has private DNS on"
    return rules, [
        Case(tf, "bad-private-dns-off", "tfvars", b, off["subnets"], [off["sg"]], fires=["LVL009"]),
        Case(tf, "good-private-dns-on", "tfvars", g, on["subnets"], [on["sg"]]),
        Case(cfn, "bad-private-dns-off", "samconfig", b, off["subnets"], [off["sg"]], fires=["LVL009"]),
        Case(cfn, "good-private-dns-on", "samconfig", g, on["subnets"], [on["sg"]]),
    ]


def s_vpc_dns(a: Account):
    # The shared VPC has DNS hostnames off (what a new VPC has unless told otherwise); the
    # functions' configuration adds an SQS interface endpoint with private DNS to it, which AWS
    # refuses to create. The twin VPC has both DNS attributes on.
    off = a.isolated("hostnames-off", "10.140.0.0/16", dns_hostnames=False)
    off_sg = a.security_group("hostnames-off-sqs-endpoint", off["vpc"], ingress=https_from(groups=[off["sg"]]))
    on = a.isolated("hostnames-on", "10.141.0.0/16")
    on_sg = a.security_group("hostnames-on-sqs-endpoint", on["vpc"], ingress=https_from(groups=[on["sg"]]))
    rules = ["LVL002", "LVL008", "LVL009", "LVL018"]
    tf, cfn = "terraform", "cloudformation"
    b = ("isolated subnets of a VPC with DNS hostnames off; the configuration adds an SQS "
         "interface endpoint with private DNS")
    g = ("isolated subnets of a VPC with DNS support and hostnames on; the configuration adds an "
         "SQS interface endpoint with private DNS")
    ep_off = dict(vpc=off["vpc"], service="sqs", security_groups=[off_sg], private_dns=True)
    ep_on = dict(vpc=on["vpc"], service="sqs", security_groups=[on_sg], private_dns=True)
    return rules, [
        Case(tf, "bad-dns-hostnames-off", "tfvars", b, off["subnets"], [off["sg"]], endpoint=ep_off,
             fires=["LVL018"]),
        Case(tf, "good-dns-hostnames-on", "tfvars", g, on["subnets"], [on["sg"]], endpoint=ep_on),
        Case(cfn, "bad-dns-hostnames-off", "defaults", b, off["subnets"], [off["sg"]],
             endpoint=ep_off, fires=["LVL018"]),
        Case(cfn, "good-dns-hostnames-on", "defaults", g, on["subnets"], [on["sg"]],
             endpoint=ep_on),
    ]


def s_sg_egress(a: Account):
    net = a.public_private("egress", "10.80.0.0/16")
    closed = a.security_group("egress-none", net["vpc"], egress=[])
    db_only = a.security_group(
        "egress-db-only",
        net["vpc"],
        egress=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.80.0.0/16"}]}],
    )
    https = a.security_group(
        "egress-https",
        net["vpc"],
        egress=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    rules = ["LVL010"]
    tf, cfn = "terraform", "cloudformation"
    priv = net["private"]
    return rules, [
        Case(tf, "bad-no-egress", "tfvars", "the function's security group has no egress rule",
             priv, [closed], fires=["LVL010"]),
        Case(tf, "bad-egress-db-only", "defaults",
             "the function's security group allows only 5432 inside the VPC", priv, [db_only],
             fires=["LVL010"]),
        Case(tf, "good-default-egress", "tfvars",
             "the function's security group keeps AWS's allow-all egress", priv, [net["sg"]]),
        Case(cfn, "bad-no-egress", "defaults", "the function's security group has no egress rule",
             priv, [closed], fires=["LVL010"]),
        Case(cfn, "good-https-egress", "defaults",
             "the function's security group allows 443 to 0.0.0.0/0", priv, [https]),
    ]


def s_dual_stack(a: Account):
    vpc = a.vpc("dual-vpc", "10.90.0.0/16", ipv6=True)
    v6 = a.vpc_ipv6(vpc)  # e.g. 2a05:d018:xxxx:xx00::/56
    prefix = v6.split("::")[0]  # "2a05:d018:1234:5600"
    net6 = lambda n: f"{prefix[:-2]}{n:02x}::/64"  # noqa: E731  (a /64 inside the /56)
    igw = a.igw("dual-igw", vpc)
    eigw = a.eigw("dual-eigw", vpc)
    pub_a = a.subnet("dual-public-a", vpc, "10.90.0.0/24", AZ_A, ipv6=net6(0))
    pub_b = a.subnet("dual-public-b", vpc, "10.90.1.0/24", AZ_B, ipv6=net6(1))
    a.route_table("dual-public", vpc, [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw}, {"DestinationIpv6CidrBlock": "::/0", "GatewayId": igw}], [pub_a, pub_b])
    nat_a, nat_b = a.nat("dual-nat-a", pub_a), a.nat("dual-nat-b", pub_b)
    v4_a = a.subnet("dual-ipv4-only-a", vpc, "10.90.10.0/24", AZ_A)
    v4_b = a.subnet("dual-ipv4-only-b", vpc, "10.90.11.0/24", AZ_B)
    no6_a = a.subnet("dual-no-v6-route-a", vpc, "10.90.20.0/24", AZ_A, ipv6=net6(0x20))
    no6_b = a.subnet("dual-no-v6-route-b", vpc, "10.90.21.0/24", AZ_B, ipv6=net6(0x21))
    ok_a = a.subnet("dual-ok-a", vpc, "10.90.30.0/24", AZ_A, ipv6=net6(0x30))
    ok_b = a.subnet("dual-ok-b", vpc, "10.90.31.0/24", AZ_B, ipv6=net6(0x31))
    for z, nat, v4, no6, ok in (("a", nat_a, v4_a, no6_a, ok_a), ("b", nat_b, v4_b, no6_b, ok_b)):
        v4_route = {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat}
        # The IPv4-only subnets share the table that has ::/0, so that only LVL011 can apply.
        a.route_table(f"dual-no-v6-route-{z}", vpc, [v4_route], [no6])
        a.route_table(f"dual-ok-{z}", vpc, [v4_route, {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": eigw}], [ok, v4])
    sg = [a.security_group("dual-lambda", vpc)]
    rules = ["LVL011", "LVL012"]
    tf, cfn = "terraform", "cloudformation"
    return rules, [
        Case(tf, "bad-subnet-without-ipv6", "tfvars", "dual-stack on, subnets without IPv6 CIDR",
             [v4_a, v4_b], sg, dual_stack=True, fires=["LVL011"]),
        Case(tf, "bad-no-ipv6-route", "tfvars",
             "dual-stack on, IPv6 subnets whose route table has no ::/0", [no6_a, no6_b], sg,
             dual_stack=True, fires=["LVL012"]),
        Case(tf, "good-egress-only-igw", "tfvars",
             "dual-stack on, IPv6 subnets with ::/0 to an egress-only IGW", [ok_a, ok_b], sg,
             dual_stack=True),
        Case(cfn, "bad-subnet-without-ipv6", "defaults",
             "dual-stack on, subnets without IPv6 CIDR", [v4_a, v4_b], sg, dual_stack=True,
             fires=["LVL011"]),
        Case(cfn, "bad-no-ipv6-route", "defaults",
             "dual-stack on, IPv6 subnets whose route table has no ::/0", [no6_a, no6_b], sg,
             dual_stack=True, fires=["LVL012"]),
        Case(cfn, "good-egress-only-igw", "defaults",
             "dual-stack on, IPv6 subnets with ::/0 to an egress-only IGW", [ok_a, ok_b], sg,
             dual_stack=True),
    ]


def s_dedicated_tenancy(a: Account):
    vpc = a.vpc("dedicated-vpc", "10.100.0.0/16", tenancy="dedicated")
    igw = a.igw("dedicated-igw", vpc)
    pub = a.subnet("dedicated-public-a", vpc, "10.100.0.0/24", AZ_A)
    a.route_table("dedicated-public", vpc, [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw}], [pub])
    nat = a.nat("dedicated-nat-a", pub)
    d_a = a.subnet("dedicated-private-a", vpc, "10.100.10.0/24", AZ_A)
    d_b = a.subnet("dedicated-private-b", vpc, "10.100.11.0/24", AZ_B)
    a.route_table("dedicated-private", vpc, [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat}], [d_a, d_b])
    d_sg = a.security_group("dedicated-lambda", vpc)
    net = a.public_private("shared", "10.101.0.0/16")
    rules = ["LVL013"]
    tf, cfn = "terraform", "cloudformation"
    bad = "subnets of a VPC with dedicated instance tenancy"
    good = "subnets of a VPC with default tenancy"
    return rules, [
        Case(tf, "bad-dedicated", "tfvars", bad, [d_a, d_b], [d_sg], fires=["LVL013"]),
        Case(tf, "good-default-tenancy", "tfvars", good, net["private"], [net["sg"]]),
        Case(cfn, "bad-dedicated", "defaults", bad, [d_a, d_b], [d_sg], fires=["LVL013"]),
        Case(cfn, "good-default-tenancy", "defaults", good, net["private"], [net["sg"]]),
    ]


def s_vpc_mismatch(a: Account):
    one = a.public_private("blue", "10.110.0.0/16")
    two = a.public_private("green", "10.111.0.0/16")
    rules = ["LVL014"]
    tf, cfn = "terraform", "cloudformation"
    mixed = [one["private"][0], two["private"][1]]
    return rules, [
        Case(tf, "bad-subnets-two-vpcs", "tfvars", "one subnet of VPC blue, one of VPC green",
             mixed, [one["sg"]], fires=["LVL014"]),
        Case(tf, "bad-sg-other-vpc", "tfvars",
             "subnets of VPC blue, security group of VPC green", one["private"], [two["sg"]],
             fires=["LVL014"]),
        Case(tf, "good-one-vpc", "tfvars", "subnets and security group of VPC blue",
             one["private"], [one["sg"]]),
        Case(cfn, "bad-subnets-two-vpcs", "defaults", "one subnet of VPC blue, one of VPC green",
             mixed, [one["sg"]], fires=["LVL014"]),
        Case(cfn, "bad-sg-other-vpc", "samconfig",
             "subnets of VPC blue, security group of VPC green", one["private"], [two["sg"]],
             fires=["LVL014"]),
        Case(cfn, "good-one-vpc", "defaults", "subnets and security group of VPC blue",
             one["private"], [one["sg"]]),
    ]


ENI_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
]


def s_iam_role(a: Account):
    net = a.public_private("shared", "10.120.0.0/16")
    sqs = {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": SERVICES["sqs"]["resource"]}
    no_eni = a.role("orders-no-eni", [BASIC_EXECUTION], {"orders": {"Version": "2012-10-17", "Statement": [sqs]}})
    eni_policy = a.policy("lambda-eni-access", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ENI_ACTIONS, "Resource": "*"}],
    })
    custom = a.role("orders-custom-eni", [BASIC_EXECUTION, eni_policy], {"orders": {"Version": "2012-10-17", "Statement": [sqs]}})
    managed = a.role("orders-vpc-access", [VPC_ACCESS], {"orders": {"Version": "2012-10-17", "Statement": [sqs]}})
    rules = ["LVL101", "LVL102", "LVL103"]
    tf, cfn = "terraform", "cloudformation"
    priv, sg = net["private"], [net["sg"]]
    bad = "execution role (a literal ARN) has AWSLambdaBasicExecutionRole only: no ENI actions"
    good_custom = "execution role (a literal ARN) has a customer managed policy with the ENI actions"
    good_managed = "execution role (a literal ARN) has AWSLambdaVPCAccessExecutionRole"
    return rules, [
        Case(tf, "bad-role-without-eni", "role-arn", bad, priv, sg, role_arn=no_eni, fires=["LVL101"]),
        Case(tf, "good-customer-managed-policy", "role-arn", good_custom, priv, sg, role_arn=custom),
        Case(tf, "good-vpc-access-role", "role-arn", good_managed, priv, sg, role_arn=managed),
        Case(cfn, "bad-role-without-eni", "role-arn", bad, priv, sg, role_arn=no_eni, fires=["LVL101"]),
        Case(cfn, "good-customer-managed-policy", "role-arn", good_custom, priv, sg, role_arn=custom),
    ]


# Ids that no scenario's moto run produces (checked after generation).
ABSENT_SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a60718"]
ABSENT_SG = "sg-0a1b2c3d4e5f60718"


def s_absent_id(a: Account):
    a.public_private("shared", "10.130.0.0/16")
    tf, cfn = "terraform", "cloudformation"
    about = "subnets and security group that the snapshot does not hold (another account?)"
    notes = "unknown, not missing: --strict lists it as LVL906 (not verified)"
    return NETWORK_RULES, [
        Case(tf, "unknown-absent-ids", "tfvars", about, ABSENT_SUBNETS, [ABSENT_SG], notes=notes),
        Case(cfn, "unknown-absent-ids", "defaults", about, ABSENT_SUBNETS, [ABSENT_SG], notes=notes),
    ]


def s_prefix_list(a: Account):
    net = a.isolated("pl", "10.140.0.0/16")
    vpc, subnets = net["vpc"], net["subnets"]
    a.endpoint("pl-s3-gateway", vpc, "s3", gateway=True, route_tables=[net["table"]])
    s3_list = a.ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [f"com.amazonaws.{REGION}.s3"]}]
    )["PrefixLists"][0]["PrefixListId"]
    corp_list = a.ec2.create_managed_prefix_list(
        PrefixListName="corp-proxies",
        AddressFamily="IPv4",
        MaxEntries=5,
        Entries=[{"Cidr": "10.200.0.0/24", "Description": "egress proxies"}],
    )["PrefixList"]["PrefixListId"]

    def https_to(prefix_list: str) -> list[dict]:
        return [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                 "PrefixListIds": [{"PrefixListId": prefix_list}]}]

    s3_only = a.security_group("pl-s3-only", vpc, egress=https_to(s3_list))
    corp_only = a.security_group("pl-corp-only", vpc, egress=https_to(corp_list))
    closed = a.security_group("pl-closed", vpc, egress=[])
    # An SQS interface endpoint that admits the function's groups: the S3 list does not hold
    # its private addresses.
    endpoint_sg = a.security_group("pl-sqs-endpoint", vpc, ingress=https_from(cidrs=["10.140.0.0/16"]))
    a.endpoint("pl-sqs", vpc, "sqs", subnets=subnets, security_groups=[endpoint_sg])
    rules = ["LVL010"]
    tf, cfn = "terraform", "cloudformation"
    good = "an S3-only function whose group allows 443 only to S3's AWS-managed prefix list (gateway endpoint)"
    bad = "an SQS function (interface endpoint) whose group allows 443 only to S3's AWS-managed prefix list"
    unknown = "the function's group allows 443 only to a customer-managed prefix list"
    notes = "unknown: a customer-managed list's entries are not read (LVL906 with --strict)"
    own = lambda pl: dict(vpc=vpc, prefix_list=pl)
    return rules, [
        Case(tf, "good-s3-managed-list", "tfvars", good, subnets, [s3_only], service="s3"),
        Case(tf, "bad-sqs-s3-managed-list-only", "tfvars", bad, subnets, [s3_only],
             fires=["LVL010"]),
        Case(tf, "unknown-customer-list", "tfvars", unknown, subnets, [corp_only], service="s3",
             notes=notes),
        Case(cfn, "good-s3-managed-list", "defaults", good, subnets, [closed], service="s3",
             prefix_list_egress=own(s3_list)),
        Case(cfn, "bad-sqs-s3-managed-list-only", "defaults", bad, subnets, [closed],
             fires=["LVL010"], prefix_list_egress=own(s3_list)),
        Case(cfn, "unknown-customer-list", "defaults", unknown, subnets, [closed],
             service="s3", prefix_list_egress=own(corp_list), notes=notes),
    ]


SCENARIOS = {
    "public-subnet": s_public_subnet,
    "no-egress": s_no_egress,
    "nat-cross-az": s_nat_cross_az,
    "single-az": s_single_az,
    "gateway-endpoint": s_gateway_endpoint,
    "endpoint-sg": s_endpoint_sg,
    "endpoint-dns": s_endpoint_dns,
    "vpc-dns": s_vpc_dns,
    "sg-egress": s_sg_egress,
    "prefix-list": s_prefix_list,
    "dual-stack": s_dual_stack,
    "dedicated-tenancy": s_dedicated_tenancy,
    "vpc-mismatch": s_vpc_mismatch,
    "iam-role": s_iam_role,
    "absent-id": s_absent_id,
}


# ---------------------------------------------------------------------------------------------
# Driver.
# ---------------------------------------------------------------------------------------------
def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run_scenario(name: str, build) -> list[tuple]:
    out = HERE / name
    if out.exists():
        shutil.rmtree(out)
    mock_random.seed(zlib.crc32(name.encode()))
    rows = []
    with freeze_time(NOW), mock_aws():
        account = Account()
        rules, cases = build(account)
        dhcp = account.ec2.describe_dhcp_options()["DhcpOptions"]
        ids = {
            "dopt": dhcp[0]["DhcpOptionsId"] if dhcp else stable_id("dopt-", name),
            "default_groups": [
                g["GroupId"]
                for g in account.ec2.describe_security_groups()["SecurityGroups"]
                if g["GroupName"] == "default"
            ],
            "endpoint_zones": account.endpoint_zones,
        }
        calls = list(CALLS)
        for vpc in sorted(v["VpcId"] for v in account.ec2.describe_vpcs()["Vpcs"]):
            calls += [vpc_attribute_call(vpc, attribute) for attribute in VPC_ATTRIBUTES]
        for file_name, args in calls:
            data = json.loads(cli(args))
            data = postprocess(file_name, data, ids)
            # Exactly the CLI's formatter: json.dump(indent=4, ensure_ascii=False) + "\n".
            write(out / file_name, json.dumps(data, indent=4, ensure_ascii=False) + "\n")
    for case in cases:
        make = terraform_files if case.eco == "terraform" else cloudformation_files
        for file_name, text in make(name, case).items():
            write(out / case.eco / case.name / file_name, text)
        silent = [r for r in rules if r not in case.fires]
        rows.append((name, case.eco, case.name, ",".join(case.fires) or "none",
                     ",".join(silent), " ".join(case.args), case.notes))
    return rows


def main() -> None:
    only = sys.argv[1:]
    rows = []
    for name, build in SCENARIOS.items():
        if only and name not in only:
            continue
        rows += run_scenario(name, build)
        print(f"wrote {name}", file=sys.stderr)
    if only:
        return
    all_json = "".join(p.read_text() for p in HERE.glob("*/*.json"))
    for absent in [*ABSENT_SUBNETS, ABSENT_SG]:
        assert absent not in all_json, f"{absent} occurs in a snapshot"
    header = ("scenario", "ecosystem", "case", "fires", "silent", "args", "notes")
    lines = ["\t".join(header)] + ["\t".join(r) for r in rows]
    write(HERE / "EXPECTED.tsv", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
