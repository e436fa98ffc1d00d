#!/usr/bin/env bash
# The golden files of crates/berth-model/tests/golden/ are the reference's own output: this
# script makes them again from the reference docker compose (v2.40.3) and the inputs beside
# them (compose.yaml, env files).
#
#   scripts/model-golden.sh           rewrites the golden files
#   scripts/model-golden.sh --check   fails, with a diff, when a golden file is not what the
#                                     reference prints (the berth-cli test
#                                     `model_goldens_are_the_references_output` runs this)
#
# The reference runs in /tmp/mref/<case>: the absolute paths it prints (and hashes) are part
# of the golden files, so the folder is always that one (a lock keeps two runs apart). Its
# environment is PATH and HOME only.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

reference="${BERTH_REFERENCE:-$(python3 -c 'import compose,os;print(os.path.dirname(compose.__file__))' 2>/dev/null)/docker-compose}"
[ -x "$reference" ] || { echo "the reference docker compose is required: $reference (scripts/test.sh installs it)" >&2; exit 1; }

golden=crates/berth-model/tests/golden
work=/tmp/mref
mkdir -p "$work"
exec 9>"$work.lock"
flock 9

out="$(mktemp -d)"
cases=()
cleanup() {
  rm -rf "$out"
  for case in "${cases[@]}"; do rm -rf "${work:?}/$case"; done
}
trap cleanup EXIT

# Runs the reference on case $1 and writes its stdout to the output file $2.
ref() {
  local case=$1 file=$2
  shift 2
  (cd "$work/$case" && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$work" "$reference" "$@") \
    >"$out/$case/$file"
}

# Every file of a case that no recipe below writes is an input.
for dir in "$golden"/*/; do
  case=$(basename "$dir")
  cases+=("$case")
  rm -rf "${work:?}/$case" && mkdir -p "$work/$case" "$out/$case"
  cp -R "$dir". "$work/$case/"
done
produced=(ref.json ref.yaml ref.hash ni.json ni.yaml ne.json ne.yaml ne.hash)
for name in "${produced[@]}"; do
  rm -f "$work"/*/"$name"
done

# g1: a project using most attributes; printed as YAML and JSON, and its services' hashes.
ref g1 ref.json config --format json
ref g1 ref.yaml config
ref g1 ref.hash config --hash '*'
sort -o "$out/g1/ref.hash" "$out/g1/ref.hash"

# g2: --no-interpolate (ni), and extensions, ulimit 0, dollars and env files (ne).
ref g2 ni.json config --no-interpolate --format json
ref g2 ni.yaml config --no-interpolate
ref g2 ne.json config --format json
ref g2 ne.yaml config
ref g2 ne.hash config --hash app

status=0
for file in "$out"/*/*; do
  rel=${file#"$out"/}
  if $check; then
    if ! diff -u "$golden/$rel" "$file" >&2; then
      echo "$golden/$rel is not what the reference prints (scripts/model-golden.sh rewrites it)" >&2
      status=1
    fi
  else
    cp "$file" "$golden/$rel"
  fi
done
# An output file that no recipe above makes would have no known origin.
for file in "$golden"/*/*; do
  rel=${file#"$golden"/}
  for name in "${produced[@]}"; do
    if [ "$(basename "$file")" = "$name" ] && [ ! -e "$out/$rel" ]; then
      echo "$golden/$rel: no recipe in $0 makes it" >&2
      status=1
    fi
  done
done
exit $status
