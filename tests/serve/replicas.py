"""brick serve replicas behind nginx, for tests/serve/replicas_test.py and
tests/bench/serve_replicas_bench.py: free ports on 127.0.0.1, `brick serve`
processes, an nginx configured in a temp dir and run in the foreground as the
calling user (no daemon, no master process, nothing outside the temp dir),
OIP infer requests, and the access log nginx writes."""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, timeout=120):
    """(status, body bytes) of one request on a fresh connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def wait_ready(port, process, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"brick serve on port {port} exited with {process.returncode} before it was ready")
        try:
            if request(port, "GET", "/v2/health/ready", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"brick serve on port {port} was not ready after {seconds} s")


class Replica:
    """One `brick serve` process on a fixed port (so that it can be restarted on it)."""

    def __init__(self, brick, plugin_dirs, pipeline, port, log_path, workers=1, drain_timeout=30):
        self.brick, self.plugin_dirs, self.pipeline = brick, plugin_dirs, pipeline
        self.port, self.log_path = port, log_path
        self.workers, self.drain_timeout = workers, drain_timeout
        self.process = None

    def start(self):
        command = [self.brick, "serve", "--port", str(self.port), "--no-installed",
                   "--pipeline", "shapes=" + self.pipeline, "--workers", str(self.workers),
                   "--drain-timeout", str(self.drain_timeout)]
        for directory in self.plugin_dirs:
            command += ["-P", directory]
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=log)
        log.close()
        return self

    def wait_ready(self):
        wait_ready(self.port, self.process)
        return self

    def terminate(self):
        """SIGTERM: the drain; returns the process, not waited for."""
        self.process.send_signal(signal.SIGTERM)
        return self.process

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  # When the request ended, the final status, every upstream tried and its status.
  log_format replicas '$msec $status "$upstream_addr" "$upstream_status"';
  access_log {dir}/access.log replicas;
  client_max_body_size 64m;
  upstream brick {{
    # max_fails=0: a replica that failed (draining, restarting) is tried
    # again on the next request instead of being set aside for 10 s.
{servers}
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://brick;
      # A replica that is down (error), hung (timeout), or draining (503) or
      # broken (502): the request goes to the next one. An inference is a
      # POST: retried too (non_idempotent), which is safe because a brick run
      # changes nothing but its own output.
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 4;
      proxy_connect_timeout 2s;
      proxy_read_timeout 120s;
    }}
  }}
}}
"""


class Nginx:
    def __init__(self, directory, upstream_ports, port):
        self.directory, self.port = directory, port
        servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=0;" for p in upstream_ports)
        with open(os.path.join(directory, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(dir=directory, servers=servers, port=port))
        self.process = None

    @staticmethod
    def binary():
        return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)

    def start(self):
        conf = os.path.join(self.directory, "nginx.conf")
        self.process = subprocess.Popen(
            [self.binary(), "-p", self.directory, "-c", conf, "-e", os.path.join(self.directory, "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("nginx exited: " + open(os.path.join(self.directory, "error.log")).read())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("nginx did not listen")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: the access log is complete
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self):
        """[(time, status, [(upstream, status), ...])] of the access log."""
        entries = []
        with open(os.path.join(self.directory, "access.log")) as f:
            for line in f:
                when, status, rest = line.split(" ", 2)
                addresses, statuses = [part for part in rest.strip().split('"') if part.strip()]
                tried = list(zip([a.strip() for a in addresses.split(",")], [s.strip() for s in statuses.split(",")]))
                entries.append((float(when), int(status), tried))
        return entries


def infer_body(prompt, seed, steps, png):
    body = {"inputs": [
        {"name": "prompt", "datatype": "BYTES", "shape": [1], "data": [prompt]},
        {"name": "seed", "datatype": "INT64", "shape": [1], "data": [seed]},
        {"name": "num_inference_steps", "datatype": "INT64", "shape": [1], "data": [steps]}]}
    if png:
        body["parameters"] = {"image_format": "png"}
    return json.dumps(body)


def check_infer_answer(status, body, png):
    """'' when the answer is a 200 with one 64x64 image, else what is wrong."""
    if status != 200:
        return f"status {status}: {body[:300]!r}"
    output = json.loads(body)["outputs"][0]
    if png:
        return "" if output["datatype"] == "BYTES" and output["shape"] == [1] else f"bad output {output}"
    if output["datatype"] != "UINT8" or output["shape"] != [1, 64, 64, 3] or len(output["data"]) != 64 * 64 * 3:
        return f"bad output {str(output)[:300]}"
    return ""


def metric_samples(page):
    """{'name{labels}': value} of a Prometheus text page."""
    samples = {}
    for line in page.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            samples[key] = float(value)
    return samples
