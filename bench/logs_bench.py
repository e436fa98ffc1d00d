#!/usr/bin/env python3
"""Times `logs` of berth and the reference docker compose side by side in one run,
interleaved round by round so both see the same engine: 20 containers that each printed
50,000 lines and then idle. Two cases: `logs --no-color` to /dev/null (the whole log read
and printed once), and `logs -f --no-color` catching up (time until all 1,000,000 lines came
through a pipe, then Ctrl-C). Reports medians of wall time, CPU time of the process (user +
sys, from wait4) and throughput, and berth's ratios against the reference; with curl, also
the engine's floor (the raw streams read and thrown away), which bounds both. A benchmark,
not a test: it asserts nothing. The project (`berthbench-logs-<pid>`) is removed at exit,
also on failure."""

import atexit
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

IMAGE = "berth-example/busybox:local"
CONTAINERS = 20
LINES = 50_000
TOTAL = CONTAINERS * LINES
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BERTH = os.path.abspath(os.environ.get("BERTH_BIN", os.path.join(ROOT, "target/release/berth")))
REFERENCE = os.environ["BERTH_REFERENCE"]
BINARIES = {"berth": BERTH, "reference": REFERENCE}
PROJECT = f"berthbench-logs-{os.getpid()}"
HAVE_CURL = subprocess.run(["sh", "-c", "command -v curl"], stdout=subprocess.DEVNULL).returncode == 0


def compose_file() -> str:
    # The last line differs, so the setup can tell when a container has printed them all.
    script = (f"yes 'a line of the logs benchmark, sixty bytes or so of text.' "
              f"| head -n {LINES - 1}; echo done; exec sleep 3600")
    lines = ["services:"]
    for i in range(CONTAINERS):
        lines += [f"  l{i:02}:", f"    image: {IMAGE}", "    init: true",
                  f"    command: [\"sh\", \"-c\", \"{script}\"]"]
    return "\n".join(lines) + "\n"


def purge():
    ids = subprocess.run(["docker", "ps", "-aq", "--filter",
                          f"label=com.docker.compose.project={PROJECT}"],
                         capture_output=True, text=True).stdout.split()
    if ids:
        subprocess.run(["docker", "rm", "-f", "-v"] + ids, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    subprocess.run(["docker", "network", "rm", f"{PROJECT}_default"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def rusage_cpu(pid: int):
    _, status, usage = os.wait4(pid, 0)
    return status, usage.ru_utime + usage.ru_stime


def dump(binary: str, cwd: str):
    """`logs --no-color` to /dev/null: (wall, cpu)."""
    start = time.perf_counter()
    child = subprocess.Popen([binary, "-p", PROJECT, "logs", "--no-color"], cwd=cwd,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    status, cpu = rusage_cpu(child.pid)
    wall = time.perf_counter() - start
    child.returncode = 0
    if status != 0:
        sys.exit(f"{binary} logs failed ({status})")
    return wall, cpu


def floor(_: str, cwd: str):
    """The engine's floor: the 20 raw log streams read at once by curl (one process each)
    into /dev/null, nothing parsed or printed: (wall, cpu of all 20)."""
    ids = subprocess.run(["docker", "ps", "-q", "--filter",
                          f"label=com.docker.compose.project={PROJECT}"],
                         capture_output=True, text=True, check=True).stdout.split()
    start = time.perf_counter()
    children = [subprocess.Popen(["curl", "-s", "--unix-socket", "/var/run/docker.sock",
                                  f"http://engine/v1.41/containers/{i}/logs?stdout=1&stderr=1"],
                                 cwd=cwd, stdout=subprocess.DEVNULL) for i in ids]
    cpu = 0.0
    for child in children:
        _, used = rusage_cpu(child.pid)
        child.returncode = 0
        cpu += used
    return time.perf_counter() - start, cpu


def follow(binary: str, cwd: str):
    """`logs -f --no-color` until every line came through the pipe: (wall, cpu)."""
    start = time.perf_counter()
    child = subprocess.Popen([binary, "-p", PROJECT, "logs", "-f", "--no-color"], cwd=cwd,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seen = 0
    fd = child.stdout.fileno()
    while seen < TOTAL:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            sys.exit(f"{binary} logs -f ended after {seen} lines")
        seen += chunk.count(b"\n")
    wall = time.perf_counter() - start
    child.send_signal(signal.SIGINT)
    _, cpu = rusage_cpu(child.pid)
    child.returncode = 0
    child.stdout.close()
    return wall, cpu


def main():
    atexit.register(purge)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    with tempfile.TemporaryDirectory(prefix="berthbench-logs-") as tmp:
        with open(os.path.join(tmp, "compose.yaml"), "w") as f:
            f.write(compose_file())
        subprocess.run([REFERENCE, "-p", PROJECT, "up", "-d"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        names = [f"{PROJECT}-l{i:02}-1" for i in range(CONTAINERS)]
        deadline = time.time() + 300
        while True:
            tails = [subprocess.run(["docker", "logs", "--tail", "1", n], capture_output=True,
                                    text=True).stdout.strip() for n in names]
            if all(t == "done" for t in tails):
                break
            if time.time() > deadline:
                sys.exit("the containers did not print their lines in time")
            time.sleep(1)
        samples = {}
        for r in range(ROUNDS):
            order = list(BINARIES) if r % 2 == 0 else list(reversed(BINARIES))
            for case, measure in (("logs --no-color", dump), ("logs -f catching up", follow)):
                for who in order:
                    samples.setdefault(case, {}).setdefault(who, []).append(
                        measure(BINARIES[who], tmp))
            if HAVE_CURL:
                samples.setdefault("engine floor", {}).setdefault("curl x20", []).append(
                    floor("", tmp))
    print(f"{CONTAINERS} containers x {LINES} lines, {ROUNDS} rounds, medians")
    print(f"{'case':<20}  {'tool':<9}  {'wall s':>7}  {'cpu s':>6}  {'lines/s':>10}")
    # (the floor's CPU is that of 20 curl processes)
    ratios = []
    for case, by_tool in samples.items():
        med = {}
        for who, runs in by_tool.items():
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            med[who] = (wall, cpu)
            print(f"{case:<20}  {who:<9}  {wall:7.3f}  {cpu:6.3f}  {TOTAL / wall:10.0f}")
        if case == "engine floor":
            continue
        (bw, bc), (rw, rc) = med["berth"], med["reference"]
        ratios.append(f"{case}: throughput {rw / bw:.2f}x the reference's, "
                      f"CPU {bc / rc:.2f}x (aim: 3x at no more than 0.5x)")
        if "engine floor" in samples:
            fw = statistics.median(w for w, _ in samples["engine floor"]["curl x20"])
            ratios.append(f"{case}: wall time berth {bw / fw:.2f}x the engine's floor, "
                          f"the reference {rw / fw:.2f}x")
    print("\n".join(ratios))


if __name__ == "__main__":
    main()
