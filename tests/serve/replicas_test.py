#!/usr/bin/env python3
"""Two `brick serve` replicas behind Debian's nginx (tests/serve/replicas.py
writes its configuration into a temp dir: an upstream of both, retrying a
request on the other replica on error, timeout, 502 and 503, POSTs included).
4 clients send OIP infer requests to the shapes pipeline for 15 s; 5 s in,
one replica gets SIGTERM (its drain: readiness fails, new requests get 503
and nginx retries them on the other, the runs it took finish, exit 0) and is
started again on its port. Then: no client request failed, both replicas
served requests (the restarted one too), the drained one exited 0, each live
replica's /metrics passes `promtool check metrics` (when installed) and its
infer counter equals the requests nginx's access log says it answered.

    replicas_test.py BUILD_DIR SOURCE_DIR     (exit 77: skipped, no nginx)
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from replicas import (Nginx, Replica, check_infer_answer, free_port, infer_body, metric_samples,  # noqa: E402
                      request)

LOAD_SECONDS = 15
CLIENTS = 4
INFER_200 = 'brick_http_requests_total{route="/v2/models/{name}/infer",method="POST",code="200"}'


def main(build_dir, source_dir):
    if not Nginx.binary():
        print("SKIP: nginx is not installed (Debian's nginx package): no load balancer to test behind")
        return 77
    brick = os.path.join(build_dir, "bin", "brick")
    plugins = [os.path.join(build_dir, "tests", "plugins"), os.path.join(build_dir, "lib", "brick", "plugins")]
    pipeline = os.path.join(source_dir, "pipelines", "text2image.json")
    problems = []
    with tempfile.TemporaryDirectory(prefix="brick-replicas-") as directory:
        ports = [free_port(), free_port()]
        nginx_port = free_port()
        replicas = [Replica(brick, plugins, pipeline, port, os.path.join(directory, f"replica{i}.log")).start()
                    for i, port in enumerate(ports)]
        nginx = Nginx(directory, ports, nginx_port)
        try:
            for replica in replicas:
                replica.wait_ready()
            nginx.start()

            results = []
            end = time.monotonic() + LOAD_SECONDS

            def client(k):
                i = 0
                while time.monotonic() < end:
                    png = (i + k) % 2 == 0  # half the answers as UINT8 pixels, half as PNG files
                    try:
                        status, body = request(nginx_port, "POST", "/v2/models/shapes/infer",
                                               infer_body("a red circle", 100 * k + i, 4, png), timeout=60)
                        results.append(check_infer_answer(status, body, png))
                    except Exception as e:  # a failed request: counted, not raised
                        results.append(f"{type(e).__name__}: {e}")
                    i += 1

            threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
            for thread in threads:
                thread.start()

            time.sleep(5)
            drained = replicas[0]
            signalled = time.monotonic()
            old = drained.terminate()
            try:
                code = old.wait(60)
            except subprocess.TimeoutExpired:
                old.kill()
                code = "still running 60 s after SIGTERM"
            drain_seconds = time.monotonic() - signalled
            if code != 0:
                problems.append(f"the drained replica exited with {code}, not 0")
            restarted_at = time.time()
            drained.start().wait_ready()
            ready_again = time.monotonic() - signalled
            for thread in threads:
                thread.join()

            failures = [r for r in results if r]
            print(f"{len(results)} requests through nginx by {CLIENTS} clients in {LOAD_SECONDS} s; "
                  f"{len(failures)} failed; the drain took {drain_seconds:.2f} s, "
                  f"the replica was ready again {ready_again:.2f} s after SIGTERM")
            if failures:
                problems.append(f"{len(failures)} client requests failed, the first: {failures[0]}")
            if not results:
                problems.append("no request was sent")

            pages = {}
            for port in ports:
                status, body = request(port, "GET", "/metrics")
                pages[port] = body.decode()
                if status != 200:
                    problems.append(f"GET /metrics on {port}: {status}")
        finally:
            nginx.stop()
            for replica in replicas:
                replica.stop()

        # The access log: who answered what. A request retried shows every
        # replica tried ("127.0.0.1:A, 127.0.0.1:B") and each one's status.
        log = nginx.log()
        if len(log) != len(results):
            problems.append(f"nginx logged {len(log)} requests, the clients sent {len(results)}")
        bad = [entry for entry in log if entry[1] != 200]
        if bad:
            problems.append(f"{len(bad)} requests answered with a status other than 200, e.g. {bad[0]}")
        addresses = [f"127.0.0.1:{port}" for port in ports]
        served = {a: sum(1 for _, _, tried in log for u, s in tried if u == a and s == "200") for a in addresses}
        retried_503 = sum(1 for _, _, tried in log for _, s in tried[:-1] if s == "503")
        retried_down = sum(1 for _, _, tried in log for _, s in tried[:-1] if s == "502")
        print(f"answered by replica: {served}; retried after a 503 (draining): {retried_503}, "
              f"after a refused connection (down): {retried_down}")
        for address, count in served.items():
            if count == 0:
                problems.append(f"replica {address} served no request")
        restarted = sum(1 for when, _, tried in log if when >= restarted_at
                        for u, s in tried if u == addresses[0] and s == "200")
        if restarted == 0:
            problems.append("the restarted replica served no request")

        # The live replicas' counters against the log: the other replica over
        # the whole run, the restarted one since its start.
        expected = {ports[1]: served[addresses[1]], ports[0]: restarted}
        for port, page in pages.items():
            counted = metric_samples(page).get(INFER_200, 0)
            print(f"replica :{port}: {INFER_200} = {counted:.0f}, nginx's log says {expected[port]}")
            if counted != expected[port]:
                problems.append(f"replica :{port} counted {counted:.0f} answered infers, nginx's log says "
                                f"{expected[port]}")
            if shutil.which("promtool"):
                check = subprocess.run(["promtool", "check", "metrics"], input=page, capture_output=True, text=True)
                if check.returncode != 0 or check.stdout.strip() or check.stderr.strip():
                    problems.append(f"promtool check metrics on :{port}: {check.stdout}{check.stderr}")
            else:
                print("promtool is not installed (Debian's prometheus package): the pages are not checked by it")
        if problems:
            for name in sorted(os.listdir(directory)):
                if name.endswith(".log") and name != "access.log":
                    with open(os.path.join(directory, name), errors="replace") as f:
                        print(f"--- {name} (last lines)\n" + "".join(f.readlines()[-15:]))
    for problem in problems:
        print("FAIL: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
