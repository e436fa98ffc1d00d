#!/usr/bin/env bash
# The plan fixtures of tests/fixtures/plans/ are recorded from the engine and the reference
# docker compose (v2.40.3): this script makes their observed.json and plan.txt again.
#
#   scripts/record-plans.sh [--reference] [case...]   (no case: every case)
#
# A case is a folder name of tests/fixtures/plans/, or the path of a case folder elsewhere
# (one that contains a slash), to try a case before it joins the corpus.
#
# For each case (folder <case>, project berthplan-<case>), in the case's folder:
#   1. pre.sh, if any (builds or tags images: name them $P/<name>:<tag>, they are removed
#      at the end);
#   2. the reference's `up -d` on before.yaml, if any, so the containers are compose's;
#   3. setup.sh, if any (what changes behind compose's back: docker rm -f, stop, rename,
#      network disconnect, a retagged image…);
#   4. `berth plan --record observed.json <args>` on compose.yaml, its stdout to plan.txt
#      (the golden file: review its diff);
#   5. with --reference, the reference itself runs `<args>` on compose.yaml and its progress
#      is printed, to compare with the plan (what it Recreates, Creates, Starts, Removes);
#   6. everything is taken down: the reference's `down -v` on before.yaml, every container,
#      network and volume with the project's label, the anonymous volumes the project's
#      containers had, the images named $P/*, then cleanup.sh, if any. The script fails
#      when something of the project is left.
# pre.sh, setup.sh and cleanup.sh get the project name in $P. berth and the reference run
# with no COMPOSE_* variable and an empty docker CLI config (no proxies enter containers).
# crates/berth-cli/tests/plans.rs replays every case without an engine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fixtures=$root/tests/fixtures/plans

reference="${BERTH_REFERENCE:-$(python3 -c 'import compose,os;print(os.path.dirname(compose.__file__))' 2>/dev/null)/docker-compose}"
[ -x "$reference" ] || { echo "the reference docker compose is required: $reference (scripts/test.sh installs it)" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "no Docker engine answers (scripts/engine.sh starts one)" >&2; exit 1; }

compare=false
if [ "${1:-}" = --reference ]; then
  compare=true
  shift
fi

cargo build -q -p berth-cli --bin berth
target=$(cargo metadata -q --format-version 1 --no-deps | python3 -c 'import json,sys;print(json.load(sys.stdin)["target_directory"])')
berth=$target/debug/berth
docker image inspect berth-example/busybox:local >/dev/null 2>&1 || scripts/busybox-image.sh berth-example/busybox:local

# Nothing of the caller's environment steers either tool.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(COMPOSE_|BERTH_|BUILDKIT_|BUILDX_)' || true)
unset NO_COLOR DOCKER_CONTEXT DOCKER_DEFAULT_PLATFORM
work=$(mktemp -d)
export DOCKER_CONFIG=$work/docker-config
mkdir -p "$DOCKER_CONFIG"
# The legacy builder: pre.sh builds FROM local images, which BuildKit would look up in a
# registry.
export DOCKER_BUILDKIT=0

# The case folders, as absolute paths.
cases=()
if [ $# -gt 0 ]; then
  for case in "$@"; do
    case $case in
      */*) dir=$(cd "$case" && pwd) ;;
      *) dir=$fixtures/$case ;;
    esac
    [ -d "$dir" ] || { echo "no case folder $dir" >&2; exit 1; }
    cases+=("$dir")
  done
else
  for dir in "$fixtures"/*/; do cases+=("${dir%/}"); done
fi
[ ${#cases[@]} -gt 0 ] || { echo "no case in $fixtures" >&2; exit 1; }

# The folder of the case whose project is on the engine.
current=""
# The anonymous volumes the project's containers have mounted so far.
anonymous=$work/anonymous

# Notes the anonymous volumes mounted by the project's containers (they have no label).
note_volumes() {
  local ids
  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$P")
  [ -n "$ids" ] || return 0
  # shellcheck disable=SC2086
  docker inspect --format '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}}{{"\n"}}{{end}}{{end}}' $ids \
    | grep -E '^[0-9a-f]{64}$' >>"$anonymous" || true
}

# Takes the current case's project down and checks nothing of it is left.
teardown() {
  local dir=$current ids name left
  note_volumes
  if [ -f "$dir/before.yaml" ]; then
    (cd "$dir" && "$reference" -p "$P" -f before.yaml down -v --remove-orphans -t 1 >/dev/null 2>&1) || true
  fi
  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$P")
  # shellcheck disable=SC2086
  [ -z "$ids" ] || docker rm -f -v $ids >/dev/null
  for kind in network volume; do
    ids=$(docker "$kind" ls -q --filter "label=com.docker.compose.project=$P")
    # shellcheck disable=SC2086
    [ -z "$ids" ] || docker "$kind" rm $ids >/dev/null
  done
  if [ -s "$anonymous" ]; then
    sort -u "$anonymous" | while read -r name; do
      if docker volume inspect "$name" >/dev/null 2>&1; then docker volume rm "$name" >/dev/null; fi
    done
  fi
  : >"$anonymous"
  ids=$(docker images -q --filter "reference=$P/*")
  if [ -n "$ids" ]; then
    docker images --format '{{.Repository}}:{{.Tag}}' --filter "reference=$P/*" | xargs docker rmi >/dev/null
  fi
  if [ -f "$dir/cleanup.sh" ]; then
    (cd "$dir" && bash cleanup.sh)
  fi
  left=$(docker ps -aq --filter "label=com.docker.compose.project=$P"
         docker network ls -q --filter "label=com.docker.compose.project=$P"
         docker volume ls -q --filter "label=com.docker.compose.project=$P"
         docker images -q --filter "reference=$P/*")
  if [ -n "$left" ]; then
    echo "$P left on the engine: $left" >&2
    return 1
  fi
}

on_exit() {
  local status=$?
  if [ -n "$current" ]; then teardown || status=1; fi
  rm -rf "$work"
  exit "$status"
}
trap on_exit EXIT

for dir in "${cases[@]}"; do
  case=$(basename "$dir")
  export P=berthplan-$case
  for file in compose.yaml args; do
    [ -f "$dir/$file" ] || { echo "$case: no $file" >&2; exit 1; }
  done
  read -r -a args <"$dir/args"
  current=$dir
  : >"$anonymous"
  teardown # what an interrupted run left
  echo "== $case: plan ${args[*]}"
  if [ -f "$dir/pre.sh" ]; then (cd "$dir" && bash -e pre.sh); fi
  if [ -f "$dir/before.yaml" ]; then
    (cd "$dir" && "$reference" -p "$P" -f before.yaml up -d 2>"$work/up.err") \
      || { cat "$work/up.err" >&2; exit 1; }
  fi
  if [ -f "$dir/setup.sh" ]; then (cd "$dir" && bash -e setup.sh); fi
  note_volumes
  status=0
  (cd "$dir" && "$berth" -p "$P" -f compose.yaml plan --record "$work/observed.json" "${args[@]}" \
    >"$work/plan.txt") || status=$?
  # 0: nothing to change, 2: changes; anything else is a failure, and the files stay as
  # they were.
  if [ "$status" != 0 ] && [ "$status" != 2 ]; then
    echo "$case: berth plan exited with $status" >&2
    exit 1
  fi
  mv "$work/observed.json" "$dir/observed.json"
  mv "$work/plan.txt" "$dir/plan.txt"
  sed 's/^/   /' "$dir/plan.txt"
  if $compare; then
    echo "-- the reference: ${args[*]}"
    (cd "$dir" && "$reference" -p "$P" -f compose.yaml "${args[@]}" 2>&1 | sed 's/^/   /') || true
    note_volumes
  fi
  teardown
  current=""
done
