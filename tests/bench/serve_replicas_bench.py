#!/usr/bin/env python3
"""brick serve at scale, the figures of docs/deploy.md (never pass/fail):

- requests per second through nginx (tests/serve/replicas.py's config) to one
  and to two `brick serve` replicas (the three paths in turn, 3 rounds, the
  median round), CLIENTS clients sending OIP infer
  requests to the shapes text2image pipeline, beside the same clients
  straight to one replica (the baseline, measured first in this run);
- the cost of a drain: SIGTERM to exit of a replica with an empty queue, and
  with a full one (QUEUED runs waiting behind the running one), beside the
  time those runs take when served normally.

    tests/bench/serve_replicas_bench.py BUILD_DIR SOURCE_DIR [SECONDS] [CLIENTS]
"""

import json
import os
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "serve"))
from replicas import Nginx, Replica, check_infer_answer, free_port, infer_body, request  # noqa: E402

STEPS = 20  # the pipeline file's num_inference_steps
ROUNDS = 3


def load(port, seconds, clients):
    """(requests/s, p50 s, p99 s, failures) of `clients` clients for `seconds`."""
    latencies, failures = [], []
    end = time.monotonic() + seconds

    def client(k):
        i = 0
        while time.monotonic() < end:
            started = time.monotonic()
            try:
                status, body = request(port, "POST", "/v2/models/shapes/infer",
                                       infer_body("a red circle", 1000 * k + i, STEPS, True), timeout=120)
                problem = check_infer_answer(status, body, True)
            except Exception as e:
                problem = repr(e)
            (failures if problem else latencies).append(problem or time.monotonic() - started)
            i += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else float("nan")
    return len(latencies) / elapsed, statistics.median(latencies) if latencies else float("nan"), p99, len(failures)


def main(build_dir, source_dir, seconds=20.0, clients=4):
    if not Nginx.binary():
        print("nginx is not installed")
        return 77
    brick = os.path.join(build_dir, "bin", "brick")
    plugins = [os.path.join(build_dir, "tests", "plugins"), os.path.join(build_dir, "lib", "brick", "plugins")]
    pipeline = os.path.join(source_dir, "pipelines", "text2image.json")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {clients} clients, {seconds:.0f} s each, "
          f"shapes text2image {STEPS} steps, PNG answers; each replica --workers 1")
    rows = []
    with tempfile.TemporaryDirectory(prefix="brick-bench-") as directory:
        ports = [free_port(), free_port()]
        replicas = [Replica(brick, plugins, pipeline, p, os.path.join(directory, f"r{i}.log")).start()
                    for i, p in enumerate(ports)]
        try:
            for r in replicas:
                r.wait_ready()
            # Warm both (the first run of a pipeline allocates).
            for p in ports:
                request(p, "POST", "/v2/models/shapes/infer", infer_body("a red circle", 0, STEPS, True))
            # The three paths in turn, ROUNDS times (the machine's load drifts):
            # each figure is the median round.
            nginxes = []
            for count in (1, 2):
                sub = os.path.join(directory, f"nginx{count}")
                os.mkdir(sub)
                nginxes.append(Nginx(sub, ports[:count], free_port()).start())
            try:
                paths = [("one replica, no nginx (baseline)", ports[0]), ("nginx, 1 replica", nginxes[0].port),
                         ("nginx, 2 replicas", nginxes[1].port)]
                measured = {name: [] for name, _ in paths}
                for _ in range(ROUNDS):
                    for name, port in paths:
                        measured[name].append(load(port, seconds / ROUNDS, clients))
                for name, _ in paths:
                    runs = sorted(measured[name], key=lambda m: m[0])
                    middle = runs[len(runs) // 2]
                    rows.append((name, middle[0], middle[1], middle[2], sum(m[3] for m in runs)))
            finally:
                for nginx in nginxes:
                    nginx.stop()
        finally:
            for r in replicas:
                r.stop()
        print("\n| path | requests/s | p50 | p99 | failed | vs baseline |\n| --- | --- | --- | --- | --- | --- |")
        for name, rps, p50, p99, failed in rows:
            print(f"| {name} | {rps:.2f} | {p50 * 1000:.0f} ms | {p99 * 1000:.0f} ms | {failed} | {rps / rows[0][1]:.2f} |")

        # Drain cost.
        print("\n| drain | runs waiting at SIGTERM | SIGTERM to exit | those runs served normally |\n"
              "| --- | --- | --- | --- |")
        for queued in (0, 8):
            port = free_port()
            replica = Replica(brick, plugins, pipeline, port, os.path.join(directory, f"d{queued}.log"),
                              drain_timeout=300).start().wait_ready()
            request(port, "POST", "/v2/models/shapes/infer", infer_body("a red circle", 0, STEPS, True))
            # One run timed alone, then the queue filled (1 running + `queued` waiting).
            started = time.monotonic()
            request(port, "POST", "/runs", json.dumps({"pipeline": "shapes", "inputs": {"seed": 1}, "wait": True}))
            one_run = time.monotonic() - started
            for i in range(queued + (1 if queued else 0)):
                status, _ = request(port, "POST", "/runs", json.dumps({"pipeline": "shapes", "inputs": {"seed": i}}))
                assert status == 202, status
            signalled = time.monotonic()
            process = replica.terminate()
            code = process.wait(600)
            took = time.monotonic() - signalled
            work = one_run * (queued + (1 if queued else 0))
            print(f"| {'full queue' if queued else 'idle'} | {queued} (+1 running) | {took:.2f} s (exit {code}) | "
                  f"{work:.2f} s ({one_run * 1000:.0f} ms a run) |" if queued else
                  f"| idle | 0 | {took:.2f} s (exit {code}) | 0 |")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(args[0], args[1], float(args[2]) if len(args) > 2 else 20.0, int(args[3]) if len(args) > 3 else 4))
