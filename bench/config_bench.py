#!/usr/bin/env python3
"""Times `berth config` against the reference `docker compose config`, side by side in one
run, on generated compose files of 3, 100 and 500 services; prints medians and ratios of wall
time and peak memory. A benchmark, not a test: it asserts nothing."""

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def generate(n: int) -> str:
    """A realistic file: every service with ports, env, volumes, healthcheck, depends_on."""
    lines = ["services:"]
    for i in range(n):
        lines += [
            f"  svc{i}:",
            "    image: busybox:${TAG:-latest}",
            f"    command: [\"sh\", \"-c\", \"echo {i} && sleep 3600\"]",
            "    environment:",
            f"      INDEX: \"{i}\"",
            "      MODE: ${MODE:-bench}",
            "    ports:",
            f"      - \"{10000 + i}:80\"",
            "    volumes:",
            f"      - data{i % 10}:/data",
            "      - ./conf:/etc/conf:ro",
            "    healthcheck:",
            "      test: wget -q -O- http://localhost/ || exit 1",
            "      interval: 30s",
            "    labels:",
            f"      - com.example.index={i}",
        ]
        if i > 0:
            lines += ["    depends_on:", f"      - svc{i - 1}"]
    lines.append("volumes:")
    for v in range(10):
        lines.append(f"  data{v}: {{}}")
    return "\n".join(lines) + "\n"


def measure(cmd, cwd):
    """Wall seconds and peak RSS (KiB) of one run.

    The peak is read through GNU time: a child forked from this Python process would report
    Python's own resident size until it execs."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{cmd} failed in {cwd}")
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + cmd, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        peak = int(out.read().strip().splitlines()[-1])
    return wall, peak


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    berth = os.environ.get("BERTH_BIN", os.path.join(root, "target/release/berth"))
    reference = os.environ["BERTH_REFERENCE"]
    print(f"{'services':>8}  {'berth ms':>9}  {'compose ms':>10}  {'speed-up':>8}  "
          f"{'berth MiB':>9}  {'compose MiB':>11}  {'memory':>7}")
    for n in (3, 100, 500):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "compose.yaml"), "w") as f:
                f.write(generate(n))
            samples = {"berth": [], "ref": []}
            for _ in range(RUNS):  # interleaved, so both see the same machine load
                samples["berth"].append(measure([berth, "config"], d))
                samples["ref"].append(measure([reference, "config"], d))
            bt = statistics.median(s[0] for s in samples["berth"]) * 1000
            rt = statistics.median(s[0] for s in samples["ref"]) * 1000
            bm = max(s[1] for s in samples["berth"]) / 1024
            rm = max(s[1] for s in samples["ref"]) / 1024
            print(f"{n:>8}  {bt:>9.1f}  {rt:>10.1f}  {rt / bt:>7.1f}x  "
                  f"{bm:>9.1f}  {rm:>11.1f}  {bm / rm:>6.2f}x")


if __name__ == "__main__":
    main()
