#!/bin/bash
# make-plan.sh <fixture dir> <out.json>: the plan JSON of a Terraform fixture (see README.md).
set -e
src=$1; out=$2
w=$(mktemp -d /tmp/plan.XXXX)
cp -r $src/. $w/
rm -f $w/*.snap
cat > $w/zz_provider_override.tf <<'EOT'
provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "mock"
  secret_key                  = "mock"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
EOT
cd $w
: "${TF_CLI_CONFIG_FILE:?set TF_CLI_CONFIG_FILE to a CLI configuration with a filesystem_mirror for /opt/tf-plugins}"
terraform init -input=false -no-color >/dev/null 2>init.err || { cat init.err | tail -5; exit 1; }
terraform plan -refresh=false -input=false -no-color -out=p.bin > plan.log 2>&1 || { tail -15 plan.log; exit 1; }
terraform show -json p.bin > $out
rm -rf $w
