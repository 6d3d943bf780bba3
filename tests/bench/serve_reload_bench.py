#!/usr/bin/env python3
"""brick serve's hot reload under load, the figures of docs/serve.md (never pass/fail):
CLIENTS clients send runs of the reload test plugin's block (tests/reload) to a
`brick serve` watching its plugin folder while ROUNDS new builds are
installed in turn (renamed over, as `install` does); for each, the time from
the rename to the first answer of the new build, and over the whole run the
requests answered and the requests failed.

    tests/bench/serve_reload_bench.py BUILD_DIR [ROUNDS] [CLIENTS]
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "serve"))
from replicas import free_port, request  # noqa: E402


def main():
    build = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    clients = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    builds = os.path.join(build, "tests", "reload", "plugins")
    work = tempfile.mkdtemp(prefix="brick-reload-bench-")
    plugins = os.path.join(work, "plugins")
    os.makedirs(plugins)
    target = os.path.join(plugins, "reload_demo.so")

    def install(version):
        temporary = os.path.join(plugins, ".install.reload_demo.so")
        shutil.copyfile(os.path.join(builds, f"reload_v{version}.so"), temporary)
        os.rename(temporary, target)
        return time.monotonic()

    install(1)
    port = free_port()
    env = dict(os.environ, BRICK_GENERATIONS_DIR=os.path.join(work, "generations"), BRICK_LOG_LEVEL="warning")
    server = subprocess.Popen([os.path.join(build, "bin", "brick"), "serve", "--port", str(port), "--no-installed",
                               "-P", plugins, "--workers", "2"], env=env, stderr=subprocess.DEVNULL)
    body = json.dumps({"block": "reload_demo.First", "wait": True})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(port, "GET", "/health", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        answers = []  # (time answered, answer or None)
        lock = threading.Lock()
        stop = threading.Event()

        def client():
            while not stop.is_set():
                try:
                    status, text = request(port, "POST", "/runs", body, timeout=30)
                    run = json.loads(text) if status == 200 else {}
                    answer = run["result"]["outputs"]["first"] if run.get("status") == "done" else None
                except (OSError, ValueError, KeyError):
                    answer = None
                with lock:
                    answers.append((time.monotonic(), answer))

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        latencies = []
        for k in range(rounds):
            version = 2 if k % 2 == 0 else 1
            renamed = install(version)
            seen = None
            while seen is None and time.monotonic() < renamed + 30:
                time.sleep(0.005)
                with lock:
                    seen = next((t for t, a in reversed(answers) if t > renamed and a == version), None)
                    # the first answer of the new build after the rename
                    if seen is not None:
                        seen = min(t for t, a in answers if t > renamed and a == version)
            latencies.append((seen - renamed) if seen else float("nan"))
            time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join()
        failed = sum(1 for _, a in answers if a is None)
        print(f"{rounds} reloads under {clients} clients: {len(answers)} requests, {failed} failed")
        print("rename -> first answer of the new build (s): median %.3f, min %.3f, max %.3f"
              % (statistics.median(latencies), min(latencies), max(latencies)))
        print("  of which the debounce: 0.200 s, and the new build's validation in the scanner child process")
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
