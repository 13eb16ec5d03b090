#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/, not committed) from testdata/ and
# examples/: Terraform files for `terraform`, YAML/JSON templates for the template targets, and
# all of them (with the selector byte the target expects) for `pipeline`.
set -euo pipefail
cd "$(dirname "$0")"
root=..
mkdir -p corpus/{terraform,yaml_template,json_template,pipeline}
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  case "$f" in
    *.tf) cp "$f" "corpus/terraform/seed-$n"; sel='\x00' ;;
    *.yaml | *.yml) cp "$f" "corpus/yaml_template/seed-$n"; sel='\x01' ;;
    *.json) cp "$f" "corpus/json_template/seed-$n"; sel='\x02' ;;
    *) continue ;;
  esac
  { printf "$sel"; cat "$f"; } > "corpus/pipeline/seed-$n"
done < <(find "$root/testdata" "$root/examples" -type f \
  \( -name '*.tf' -o -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -64k -print0)
echo "seeded $n files"
