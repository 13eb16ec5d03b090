#!/usr/bin/env python3
"""Checks EXPECTED.tsv without the snapshot reader: rebuilds each scenario's snapshot network as
Terraform resources (a "twin": VPCs, subnets, route tables with their routes and associations,
gateways, NAT gateways, security groups, endpoints), puts it next to the case's function with
the literal ids replaced by the resources' addresses, and lints that with the rules the case
names. The rules must give the case's `fires` exactly.

Covers the Terraform cases of every scenario but iam-role (roles are not rebuilt) and
absent-id (nothing to rebuild). Needs only Python 3 and a built linter:

    cargo build && python3 testdata/snapshots/check_expected.py [path/to/lambda-vpc-lint]
"""
import json, re, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
LINT = sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parents[1] / "target/debug/lambda-vpc-lint")


ATTRIBUTES = {"EnableDnsSupport": "enable_dns_support", "EnableDnsHostnames": "enable_dns_hostnames"}


def load(scn):
    """The scenario's CLI outputs by top-level key; `describe-vpc-attribute` outputs (one object
    per call, or a list of them) under "attributes", as {(vpc id, Terraform argument): value}."""
    d = {"attributes": {}}
    for f in sorted((ROOT / scn).glob("*.json")):
        data = json.loads(f.read_text())
        for out in data if isinstance(data, list) else [data]:
            keys = [k for k in ATTRIBUTES if k in out]
            if keys:
                for k in keys:
                    d["attributes"].setdefault((out["VpcId"], ATTRIBUTES[k]), out[k]["Value"])
            else:
                d.update(out)
    return d


def name(i):
    return re.sub(r"[^a-z0-9_]", "_", i.lower())


def twin(d):
    out = []
    for v in d["Vpcs"]:
        out.append(f'resource "aws_vpc" "{name(v["VpcId"])}" {{\n  cidr_block = "{v["CidrBlock"]}"\n  instance_tenancy = "{v["InstanceTenancy"]}"\n'
                   + ("  assign_generated_ipv6_cidr_block = true\n" if v.get("Ipv6CidrBlockAssociationSet") else "")
                   # Without describe-vpc-attribute output, the DNS attributes would be unknown
                   # to the snapshot reader; every scenario exports them.
                   + "".join(f"  {a} = {str(d['attributes'][(v['VpcId'], a)]).lower()}\n" for a in ATTRIBUTES.values())
                   + "}")
    for s in d["Subnets"]:
        v6 = s.get("Ipv6CidrBlockAssociationSet") or []
        out.append(f'resource "aws_subnet" "{name(s["SubnetId"])}" {{\n  vpc_id = aws_vpc.{name(s["VpcId"])}.id\n  cidr_block = "{s["CidrBlock"]}"\n  availability_zone = "{s["AvailabilityZone"]}"\n'
                   + (f'  ipv6_cidr_block = "{v6[0]["Ipv6CidrBlock"]}"\n' if v6 else "") + "}")
    for g in d["InternetGateways"]:
        for a in g.get("Attachments", []):
            out.append(f'resource "aws_internet_gateway" "{name(g["InternetGatewayId"])}" {{\n  vpc_id = aws_vpc.{name(a["VpcId"])}.id\n}}')
    for g in d["EgressOnlyInternetGateways"]:
        for a in g.get("Attachments", []):
            out.append(f'resource "aws_egress_only_internet_gateway" "{name(g["EgressOnlyInternetGatewayId"])}" {{\n  vpc_id = aws_vpc.{name(a["VpcId"])}.id\n}}')
    for n in d["NatGateways"]:
        out.append(f'resource "aws_eip" "{name(n["NatGatewayId"])}" {{\n  domain = "vpc"\n}}')
        out.append(f'resource "aws_nat_gateway" "{name(n["NatGatewayId"])}" {{\n  subnet_id = aws_subnet.{name(n["SubnetId"])}.id\n  allocation_id = aws_eip.{name(n["NatGatewayId"])}.id\n}}')
    for t in d["RouteTables"]:
        tn = name(t["RouteTableId"])
        main = any(a.get("Main") for a in t["Associations"])
        routes = []
        for r in t["Routes"]:
            if r.get("GatewayId") == "local" or "DestinationPrefixListId" in r:
                continue
            dest = f'cidr_block = "{r["DestinationCidrBlock"]}"' if "DestinationCidrBlock" in r else f'ipv6_cidr_block = "{r["DestinationIpv6CidrBlock"]}"'
            if "NatGatewayId" in r:
                tgt = f"nat_gateway_id = aws_nat_gateway.{name(r['NatGatewayId'])}.id"
            elif "EgressOnlyInternetGatewayId" in r:
                tgt = f"egress_only_gateway_id = aws_egress_only_internet_gateway.{name(r['EgressOnlyInternetGatewayId'])}.id"
            elif r.get("GatewayId", "").startswith("igw-"):
                tgt = f"gateway_id = aws_internet_gateway.{name(r['GatewayId'])}.id"
            elif r.get("GatewayId", "").startswith("vpce-"):
                continue
            else:
                raise SystemExit(f"route {r}")
            routes.append(f"  route {{\n    {dest}\n    {tgt}\n  }}")
        if main:
            out.append(f'resource "aws_default_route_table" "{tn}" {{\n  default_route_table_id = aws_vpc.{name(t["VpcId"])}.default_route_table_id\n' + "\n".join(routes) + "\n}")
        else:
            out.append(f'resource "aws_route_table" "{tn}" {{\n  vpc_id = aws_vpc.{name(t["VpcId"])}.id\n' + "\n".join(routes) + "\n}")
            for a in t["Associations"]:
                if a.get("SubnetId"):
                    out.append(f'resource "aws_route_table_association" "{name(a["RouteTableAssociationId"])}" {{\n  subnet_id = aws_subnet.{name(a["SubnetId"])}.id\n  route_table_id = aws_route_table.{tn}.id\n}}')
    seen_lists = set()
    for g in d["SecurityGroups"]:
        if g["GroupName"] == "default":
            continue
        blocks = []
        for kind, perms in (("ingress", g["IpPermissions"]), ("egress", g["IpPermissionsEgress"])):
            for p in perms:
                cidrs = [r["CidrIp"] for r in p.get("IpRanges", [])]
                groups = [f"aws_security_group.{name(u['GroupId'])}.id" for u in p.get("UserIdGroupPairs", [])]
                # An AWS-managed list by its name (`data "aws_prefix_list"`), any other by id.
                lists = []
                for pl in p.get("PrefixListIds", []):
                    known = {x["PrefixListId"]: x for x in d.get("PrefixLists", [])}.get(pl["PrefixListId"])
                    if known and known["OwnerId"] == "AWS":
                        data_name = name(known["PrefixListName"])
                        if data_name not in seen_lists:
                            seen_lists.add(data_name)
                            out.append(f'data "aws_prefix_list" "{data_name}" {{\n  name = "{known["PrefixListName"]}"\n}}')
                        lists.append(f"data.aws_prefix_list.{data_name}.id")
                    else:
                        lists.append(json.dumps(pl["PrefixListId"]))
                fp, tp = p.get("FromPort", 0), p.get("ToPort", 0)
                if p["IpProtocol"] == "-1":
                    fp = tp = 0
                blocks.append(f'  {kind} {{\n    protocol = "{p["IpProtocol"]}"\n    from_port = {fp}\n    to_port = {tp}\n    cidr_blocks = {json.dumps(cidrs)}\n    security_groups = [{", ".join(groups)}]\n    prefix_list_ids = [{", ".join(lists)}]\n  }}')
        out.append(f'resource "aws_security_group" "{name(g["GroupId"])}" {{\n  name = "{g["GroupName"]}"\n  vpc_id = aws_vpc.{name(g["VpcId"])}.id\n' + "\n".join(blocks) + "\n}")
    for e in d["VpcEndpoints"]:
        body = f'  vpc_id = aws_vpc.{name(e["VpcId"])}.id\n  service_name = "{e["ServiceName"]}"\n  vpc_endpoint_type = "{e["VpcEndpointType"]}"\n'
        if e["VpcEndpointType"] == "Gateway":
            body += "  route_table_ids = [" + ", ".join(f"aws_route_table.{name(t)}.id" for t in e["RouteTableIds"]) + "]\n"
        else:
            body += "  subnet_ids = [" + ", ".join(f"aws_subnet.{name(s)}.id" for s in e["SubnetIds"]) + "]\n"
            body += "  security_group_ids = [" + ", ".join(f"aws_security_group.{name(g['GroupId'])}.id" for g in e["Groups"]) + "]\n"
            body += f'  private_dns_enabled = {str(e["PrivateDnsEnabled"]).lower()}\n'
        out.append(f'resource "aws_vpc_endpoint" "{name(e["VpcEndpointId"])}" {{\n{body}}}')
    return "\n\n".join(out) + "\n"


def addr(i):
    kind = {"subnet": "aws_subnet", "sg": "aws_security_group"}[i.split("-")[0]]
    return f"{kind}.{name(i)}.id"


def main():
    rows = [l.split("\t") for l in (ROOT / "EXPECTED.tsv").read_text().splitlines()[1:]]
    bad = 0
    for scn, eco, case, fires, silent, args, notes in rows:
        if eco != "terraform" or scn in ("iam-role",):
            continue
        d = load(scn)
        main_tf = (ROOT / scn / eco / case / "main.tf").read_text()
        tfvars = (ROOT / scn / eco / case / "terraform.tfvars")
        text = main_tf + (tfvars.read_text() if tfvars.exists() else "")
        if "aws_ssm_parameter" in main_tf:
            params = {p["Name"]: p["Value"] for p in d["Parameters"]}
            sub = params[re.search(r'name = "(/network/[a-z-]+subnets)"', main_tf).group(1)].split(",")
            sg = [params["/network/lambda-sg"]]
        else:
            def ids(var):
                block = main_tf.split(f'variable "{var}"')[1].split("}")[0]
                m = re.search(r"default\s*=\s*(\[[^\]]*\])", block)
                if m:
                    return json.loads(m.group(1))
                return json.loads(re.search(r"(?m)^" + var + r"\s*=\s*(\[[^\]]*\])", tfvars.read_text()).group(1))
            sub, sg = ids("subnet_ids"), ids("security_group_ids")
        known = {s["SubnetId"] for s in d["Subnets"]} | {g["GroupId"] for g in d["SecurityGroups"]}
        if not all(i in known for i in sub + sg):
            print(f"{scn}/{case}: absent ids, skipped (expect silence by unknown)")
            continue
        fn = main_tf
        fn = re.sub(r"subnet_ids\s+=\s+.*", "subnet_ids = [" + ", ".join(addr(s) for s in sub) + "]", fn.split("resource \"aws_lambda_function\"")[1])
        fn = re.sub(r"security_group_ids = .*", "security_group_ids = [" + ", ".join(addr(s) for s in sg) + "]", fn)
        head = main_tf.split('resource "aws_lambda_function"')[0]
        # An endpoint the configuration adds to the shared VPC (vpc-dns): its VPC and groups.
        if 'variable "vpc_id"' in main_tf:
            vpc = re.search(r'vpc_id\s*=\s*"(vpc-[0-9a-f]+)"', text).group(1)
            head = head.replace("var.vpc_id", f"aws_vpc.{name(vpc)}.id")
            head = head.replace("var.endpoint_security_group_ids", "[" + ", ".join(addr(g) for g in ids("endpoint_security_group_ids")) + "]")
        head = head.replace("var.subnet_ids", "[" + ", ".join(addr(s) for s in sub) + "]")
        head = re.sub(r'variable "(subnet_ids|security_group_ids|vpc_id|endpoint_security_group_ids)" \{.*?\n\}\n', "", head, flags=re.S)
        head = re.sub(r'data "aws_ssm_parameter" "\w+" \{.*?\n\}\n', "", head, flags=re.S)
        work = Path(tempfile.mkdtemp())
        (work / "main.tf").write_text(head + 'resource "aws_lambda_function"' + fn + "\n" + twin(d))
        rules = ",".join(x for x in (fires.split(",") if fires != "none" else []) + silent.split(",") if x)
        r = subprocess.run([LINT, "--color", "never", "--rule", rules, "--format", "json", str(work)], capture_output=True, text=True)
        got = sorted({x["rule_id"] if "rule_id" in x else x.get("code") for x in json.loads(r.stdout)["diagnostics"]})
        want = sorted(fires.split(",")) if fires != "none" else []
        status = "OK " if got == want else "BAD"
        bad += got != want
        print(f"{status} {scn}/{case}: want {want} got {got}")
        if got != want:
            print("   ", work)
    print("mismatches:", bad)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
