# Sourced by the scripts: makes sure a Docker engine answers, starting dockerd if none does.
ensure_engine() {
  docker info >/dev/null 2>&1 && return 0
  if command -v dockerd >/dev/null 2>&1; then
    (dockerd >/tmp/berth-dockerd.log 2>&1 &)
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && return 0; sleep 1; done
  fi
  echo "no Docker engine answers and none could be started (see /tmp/berth-dockerd.log)" >&2
  return 1
}
