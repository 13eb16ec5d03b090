#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/, not committed) from testdata/ and
# examples/: Terraform files for `terraform`, YAML/JSON templates for the template targets, and
# all of them (with the selector byte the target expects) for `pipeline`, the AWS CLI outputs of
# testdata/snapshots for `aws_snapshot`. The structured targets
# (`terraform_eval`, `cfn_intrinsics`) read their bytes as choices, not text: any bytes are valid
# input, so they get the first 4 KiB of the same files (diverse choices) and a few fixed
# patterns (all zeros: the first alternative everywhere; all 0xff: the last).
# Usage: fuzz/seed.sh            (idempotent: files are named by content hash)
set -euo pipefail
cd "$(dirname "$0")"
root=..
targets=(terraform yaml_template json_template pipeline terraform_eval cfn_intrinsics aws_snapshot)
for t in "${targets[@]}"; do mkdir -p "corpus/$t"; done
put() { # put <target> <file>: store under its hash
  local h
  h=$(sha1sum "$2" | cut -c1-16)
  cp "$2" "corpus/$1/seed-$h"
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  case "$f" in
    *.tf) put terraform "$f"; sel='\x00' ;;
    *.yaml | *.yml) put yaml_template "$f"; sel='\x01' ;;
    *.json) put json_template "$f"; sel='\x02' ;;
    *) continue ;;
  esac
  { printf "$sel"; cat "$f"; } > "$tmp"; put pipeline "$tmp"
  head -c 4096 "$f" > "$tmp"
  case "$f" in
    *.tf) put terraform_eval "$tmp" ;;
    *) put cfn_intrinsics "$tmp" ;;
  esac
done < <(find "$root/testdata" "$root/examples" -type f \
  \( -name '*.tf' -o -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -64k -print0 | sort -z)
for t in terraform_eval cfn_intrinsics; do
  head -c 512 /dev/zero > "$tmp"; put "$t" "$tmp"
  head -c 512 /dev/zero | tr '\0' '\377' > "$tmp"; put "$t" "$tmp"
  for i in $(seq 1 14); do
    head -c 512 /dev/zero | tr '\0' "\\$(printf %03o $((i * 17)))" > "$tmp"; put "$t" "$tmp"
  done
done
# aws_snapshot: every AWS CLI output of the snapshot fixtures (testdata/snapshots, made with moto).
while IFS= read -r -d '' f; do put aws_snapshot "$f"; done < <(find "$root/testdata/snapshots" \
  "$root/testdata/terraform-snapshot" -type f -name '*.json' -size -64k -print0 2>/dev/null | sort -z)
echo "seeded from $n files:"
for t in "${targets[@]}"; do echo "  $t: $(ls "corpus/$t" | wc -l)"; done
