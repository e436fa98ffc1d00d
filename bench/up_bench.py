#!/usr/bin/env python3
"""Times running applications: berth, the reference docker compose and the engine's floor
(examples/floor.rs: create all in parallel, then start; stop+remove all in parallel) side by
side in one run, interleaved round by round so all three see the same engine load; prints
medians and ratios against the aims. A benchmark, not a test: it asserts nothing.

Cases: `up -d` of 10 and 50 independent services, a `depends_on` chain of 50, `down` of the
50, and on a running project of 10: a no-op `up -d`, `ps` and `ls`. Every project has a
unique name (`berthbench-<pid>-...`) and only those projects are removed, also on failure."""

import atexit
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

IMAGE = "berth-example/busybox:local"
ROUNDS_SLOW = int(os.environ.get("BENCH_ROUNDS_SLOW", "5"))   # 50-container cases
ROUNDS_CHAIN = int(os.environ.get("BENCH_ROUNDS_CHAIN", "3"))  # the chain: ~10 s a run
ROUNDS_MID = int(os.environ.get("BENCH_ROUNDS_MID", "7"))     # 10 containers
ROUNDS_FAST = int(os.environ.get("BENCH_ROUNDS_FAST", "21"))  # no-op up, ps, ls
CONTENDERS = ("berth", "reference", "floor")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BERTH = os.environ.get("BERTH_BIN", os.path.join(TARGET, "release/berth"))
FLOOR = os.environ.get("BERTH_FLOOR_BIN", os.path.join(TARGET, "release/examples/floor"))
REFERENCE = os.environ["BERTH_REFERENCE"]

created = []  # every project name this run used, purged at exit


def compose_file(n: int, chain: bool) -> str:
    lines = ["services:"]
    for i in range(n):
        lines += [f"  svc{i}:", f"    image: {IMAGE}", '    command: ["sleep", "3600"]',
                  "    init: true"]
        if chain and i > 0:
            lines += ["    depends_on:", f"      - svc{i - 1}"]
    return "\n".join(lines) + "\n"


def command(who: str, verb: str, project: str, n: int = 0, chain: bool = False):
    """The command line of one contender for `verb` (up, down, noop, ps, ls)."""
    if who == "floor":
        if verb == "up":
            return [FLOOR, "up", project, str(n)] + (["chain"] if chain else [])
        return [FLOOR, verb] + ([] if verb == "ls" else [project])
    binary = BERTH if who == "berth" else REFERENCE
    args = {"up": ["up", "-d"], "noop": ["up", "-d"], "down": ["down"], "ps": ["ps"],
            "ls": ["ls"]}[verb]
    return [binary, "-p", project] + args


failures = []


def run(cmd, cwd):
    """Wall seconds of one run; None when it failed (noted, and the round goes on: a loaded
    engine now and then refuses a network removal while endpoints are still going)."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        last = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
        failures.append(f"{os.path.basename(cmd[0])} {' '.join(cmd[1:])} failed: {last[0]}")
        return None
    return wall


def purge(project: str):
    subprocess.run([FLOOR, "purge", project], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def purge_all():
    for project in created:
        purge(project)


def project_name(case: str, who: str, round_: int) -> str:
    name = f"berthbench-{os.getpid()}-{case}-{who}-{round_}"
    created.append(name)
    return name


def rotated(round_: int):
    k = round_ % len(CONTENDERS)
    return CONTENDERS[k:] + CONTENDERS[:k]


def has_verb(verb: str) -> bool:
    done = subprocess.run([BERTH, verb, "--help"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    return done.returncode == 0


def containers_with_init(project: str) -> bool:
    out = subprocess.run(["docker", "ps", "-aq", "--filter",
                          f"label=com.docker.compose.project={project}"],
                         capture_output=True, text=True, check=True).stdout.split()
    if not out:
        return False
    inspect = json.loads(subprocess.run(["docker", "inspect", out[0]], capture_output=True,
                                        text=True, check=True).stdout)
    return bool(inspect[0]["HostConfig"].get("Init"))


def main():
    atexit.register(purge_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    samples = {}  # case -> contender -> [seconds]
    notes = []

    def add(case, who, seconds):
        if seconds is not None:
            samples.setdefault(case, {}).setdefault(who, []).append(seconds)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="berthbench-") as tmp:
        dirs = {}
        for key, n, chain in (("10", 10, False), ("50", 50, False), ("chain", 50, True)):
            dirs[key] = os.path.join(tmp, key)
            os.mkdir(dirs[key])
            with open(os.path.join(dirs[key], "compose.yaml"), "w") as f:
                f.write(compose_file(n, chain))

        # up -d of 10 independent services.
        for r in range(ROUNDS_MID):
            for who in rotated(r):
                p = project_name("up10", who, r)
                add("up -d, 10 services", who, run(command(who, "up", p, 10), dirs["10"]))
                if r == 0 and who == "berth" and not containers_with_init(p):
                    notes.append("berth created the containers without `init: true`: its "
                                 "`down` waits out the 10 s stop timeout (sleep ignores "
                                 "SIGTERM as PID 1)")
                purge(p)

        # up -d of 50 independent services, then down of the same 50.
        for r in range(ROUNDS_SLOW):
            for who in rotated(r):
                p = project_name("up50", who, r)
                add("up -d, 50 services", who, run(command(who, "up", p, 50), dirs["50"]))
                add("down, 50 services", who, run(command(who, "down", p), dirs["50"]))
                purge(p)

        # A depends_on chain of 50.
        for r in range(ROUNDS_CHAIN):
            for who in rotated(r):
                p = project_name("chain", who, r)
                add("up -d, chain of 50", who,
                    run(command(who, "up", p, 50, chain=True), dirs["chain"]))
                purge(p)

        # A running project of 10 per contender: no-op up on one's own, ps and ls.
        running = {}
        for who in CONTENDERS:
            running[who] = project_name("running", who, 0)
            if run(command(who, "up", running[who], 10), dirs["10"]) is None:
                sys.exit("\n".join(failures))
        verbs = ["noop"] + [v for v in ("ps", "ls") if has_verb(v)]
        for v in ("ps", "ls"):
            if v not in verbs:
                notes.append(f"berth has no `{v}` yet: its row is left out")
        labels = {"noop": "no-op up -d, 10 running", "ps": "ps, 10 running",
                  "ls": "ls"}
        for r in range(ROUNDS_FAST):
            for verb in verbs:
                for who in rotated(r):
                    # ps and ls read the reference's project; a no-op up each its own.
                    p = running[who] if verb == "noop" else running["reference"]
                    add(labels[verb], who, run(command(who, verb, p), dirs["10"]))
        for p in running.values():
            purge(p)
    elapsed = time.perf_counter() - started

    aims = {
        "up -d, 50 services": ("floor", 1.05),
        "down, 50 services": ("floor", 1.05),
        "up -d, chain of 50": ("floor", 1.10),
        "no-op up -d, 10 running": ("reference", 0.10),
        "ps, 10 running": ("reference", 0.10),
        "ls": ("reference", 0.10),
    }
    print(f"{'case':<24}  {'runs':>4}  {'berth ms':>9}  {'compose ms':>10}  {'floor ms':>9}  "
          f"{'berth/compose':>13}  {'berth/floor':>11}  aim")
    order = ["up -d, 10 services", "up -d, 50 services", "up -d, chain of 50",
             "down, 50 services", "no-op up -d, 10 running", "ps, 10 running", "ls"]
    for case in order:
        if case not in samples or len(samples[case]) < len(CONTENDERS):
            continue
        med = {who: statistics.median(samples[case][who]) * 1000 for who in CONTENDERS}
        vs_ref = med["berth"] / med["reference"]
        vs_floor = med["berth"] / med["floor"]
        aim = ""
        if case in aims:
            against, limit = aims[case]
            ratio = vs_floor if against == "floor" else vs_ref
            name = "floor" if against == "floor" else "compose"
            aim = f"berth/{name} <= {limit:.2f}: {'met' if ratio <= limit else 'MISSED'}"
        runs = len(samples[case]["berth"])
        print(f"{case:<24}  {runs:>4}  {med['berth']:>9.1f}  {med['reference']:>10.1f}  "
              f"{med['floor']:>9.1f}  {vs_ref:>12.2f}x  {vs_floor:>10.2f}x  {aim}")
    for note in notes:
        print(f"note: {note}")
    for failure in failures:
        print(f"failed run (left out): {failure}")
    print(f"({elapsed:.0f} s; medians of wall time per command, contenders alternated "
          f"within each round)")


if __name__ == "__main__":
    main()
