#!/usr/bin/env python3
"""The offline check of deploy/ (no cluster, no API server, no container
runtime here; no Kubernetes schema validator in Debian): each manifest
document read with PyYAML and checked for the fields its kind requires, the
references between them (selectors, ports, the autoscaler's target), and
against the real `brick serve`: every option the Deployment passes exists
(`brick serve --help`), the probe paths answer 200 on a running server, the
grace period covers preStop and --drain-timeout, and the autoscaler's metric
is a gauge of the real GET /metrics page. The Dockerfile: a CUDA base image,
the port the Deployment uses, brick as its entry point.

    deploy_manifests_test.py BUILD_DIR SOURCE_DIR
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from replicas import free_port, request, wait_ready  # noqa: E402

try:
    import yaml
except ImportError:
    print("SKIP: PyYAML is not installed (Debian's python3-yaml)")
    sys.exit(77)

KNOWN = {  # kind -> apiVersion (the current stable ones)
    "Deployment": "apps/v1",
    "Service": "v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
    "PodDisruptionBudget": "policy/v1",
    "ScaledObject": "keda.sh/v1alpha1",
}

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)
    return condition


def dig(document, path, default=None):
    value = document
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return default
        value = value[key]
    return value


def option_value(args, name):
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def main(build_dir, source_dir):
    brick = os.path.join(build_dir, "bin", "brick")
    deploy = os.path.join(source_dir, "deploy")
    documents = []
    for name in sorted(os.listdir(os.path.join(deploy, "kubernetes"))):
        if name.endswith(".yaml"):
            with open(os.path.join(deploy, "kubernetes", name)) as f:
                for document in yaml.safe_load_all(f):
                    if document is not None:
                        documents.append((name, document))
    by_kind = {}
    for name, document in documents:
        kind, api = document.get("kind"), document.get("apiVersion")
        where = f"{name}: {kind} {dig(document, 'metadata.name')}"
        check(kind in KNOWN, f"{where}: unknown kind")
        check(KNOWN.get(kind) == api, f"{where}: apiVersion {api}, expected {KNOWN.get(kind)}")
        check(isinstance(dig(document, "metadata.name"), str), f"{where}: no metadata.name")
        check(isinstance(document.get("spec"), dict), f"{where}: no spec")
        by_kind.setdefault(kind, []).append((where, document))

    # The Deployment.
    deployments = by_kind.get("Deployment", [])
    if not check(len(deployments) == 1, "expected one Deployment"):
        return
    where, deployment = deployments[0]
    labels = dig(deployment, "spec.template.metadata.labels", {})
    selector = dig(deployment, "spec.selector.matchLabels", {})
    check(selector and all(labels.get(k) == v for k, v in selector.items()),
          f"{where}: spec.selector.matchLabels {selector} does not select the pod labels {labels}")
    pod = dig(deployment, "spec.template.spec", {})
    containers = pod.get("containers", [])
    if not check(len(containers) == 1, f"{where}: expected one container"):
        return
    container = containers[0]
    for key in ("name", "image", "args", "ports", "resources"):
        check(key in container, f"{where}: the container has no {key}")
    gpus = dig(container, "resources.limits", {}).get("nvidia.com/gpu")
    check(isinstance(gpus, int) and gpus >= 1, f"{where}: limits nvidia.com/gpu must be a whole number >= 1, is {gpus}")
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports", [])}
    args = container.get("args", [])
    check(args and args[0] == "serve", f"{where}: the container's args start with serve")

    # Every option the Deployment gives exists in the real command.
    help_text = subprocess.run([brick, "serve", "--help"], capture_output=True, text=True).stdout
    for arg in args[1:]:
        if arg.startswith("--"):
            option = arg.split("=", 1)[0]
            check(re.search(re.escape(option) + r"\b", help_text),
                  f"{where}: `brick serve` has no option {option}")
    port = int(option_value(args, "--port") or 8188)
    check(port in ports.values(), f"{where}: --port {port} is not a containerPort ({ports})")
    check(option_value(args, "--host") not in (None, "127.0.0.1"),
          f"{where}: the server must listen on the pod's address (--host)")
    check(option_value(args, "--token-file") is not None,
          f"{where}: a non-loopback address needs --token-file (brick serve refuses it otherwise)")

    # Probes: on the Open Inference Protocol's health paths, on the server's port.
    probe_paths = {}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = dig(container, probe + ".httpGet")
        if not check(isinstance(get, dict), f"{where}: no {probe}.httpGet"):
            continue
        probe_port = get.get("port")
        check(probe_port in ports or probe_port in ports.values(),
              f"{where}: {probe} port {probe_port} is not a container port")
        probe_paths[probe] = get.get("path")
    check(probe_paths.get("readinessProbe") == "/v2/health/ready", f"{where}: readiness must ask /v2/health/ready")
    check(probe_paths.get("livenessProbe") == "/v2/health/live",
          f"{where}: liveness must ask /v2/health/live (it stays up while draining)")

    # The grace period covers preStop and the drain.
    pre_stop = dig(container, "lifecycle.preStop")
    check(pre_stop is not None, f"{where}: no lifecycle.preStop")
    pre_stop_seconds = 0
    command = dig(container, "lifecycle.preStop.exec.command", [])
    if command[:1] == ["sleep"]:
        pre_stop_seconds = float(command[1])
    drain = float(option_value(args, "--drain-timeout") or 30)
    grace = pod.get("terminationGracePeriodSeconds", 30)
    check(grace >= pre_stop_seconds + drain,
          f"{where}: terminationGracePeriodSeconds {grace} < preStop {pre_stop_seconds} s + --drain-timeout {drain} s")

    # The Service selects the pods and targets the server's port.
    for where_s, service in by_kind.get("Service", []):
        sel = dig(service, "spec.selector", {})
        check(sel and all(labels.get(k) == v for k, v in sel.items()), f"{where_s}: its selector misses the pods")
        for p in dig(service, "spec.ports", []):
            target = p.get("targetPort")
            check(target in ports or target in ports.values(), f"{where_s}: targetPort {target} is no container port")
    for where_p, budget in by_kind.get("PodDisruptionBudget", []):
        sel = dig(budget, "spec.selector.matchLabels", {})
        check(sel and all(labels.get(k) == v for k, v in sel.items()), f"{where_p}: its selector misses the pods")

    # The real server: the probe paths answer, and the autoscalers' metric is on its page.
    with tempfile.TemporaryDirectory() as directory:
        test_port = free_port()
        log = open(os.path.join(directory, "serve.log"), "wb")
        server = subprocess.Popen([brick, "serve", "--port", str(test_port), "--no-installed"], stdout=log, stderr=log)
        try:
            wait_ready(test_port, server)
            for probe, path in probe_paths.items():
                status = request(test_port, "GET", path)[0]
                check(status == 200, f"{where}: {probe} {path} answers {status} on a ready server")
            page = request(test_port, "GET", "/metrics")[1].decode()
        finally:
            server.terminate()
            server.wait(30)
    gauges = set(re.findall(r"^# TYPE (\S+) gauge$", page, re.M))
    for where_h, hpa in by_kind.get("HorizontalPodAutoscaler", []):
        target = dig(hpa, "spec.scaleTargetRef", {})
        check(target.get("kind") == "Deployment" and target.get("name") == dig(deployment, "metadata.name"),
              f"{where_h}: scaleTargetRef {target} is not the Deployment")
        check(1 <= dig(hpa, "spec.minReplicas", 1) <= dig(hpa, "spec.maxReplicas", 0),
              f"{where_h}: minReplicas <= maxReplicas")
        metrics = dig(hpa, "spec.metrics", [])
        check(metrics, f"{where_h}: no metrics")
        for metric in metrics:
            name = dig(metric, "pods.metric.name") or dig(metric, "object.metric.name")
            check(name in gauges, f"{where_h}: metric {name} is not a gauge of GET /metrics ({sorted(gauges)})")
    for where_k, scaled in by_kind.get("ScaledObject", []):
        check(dig(scaled, "spec.scaleTargetRef.name") == dig(deployment, "metadata.name"),
              f"{where_k}: scaleTargetRef is not the Deployment")
        for trigger in dig(scaled, "spec.triggers", []):
            query = dig(trigger, "metadata.query", "")
            names = set(re.findall(r"\b(brick_[a-z_]+)", query))
            check(names and names <= gauges, f"{where_k}: query {query!r} names no gauge of GET /metrics")

    # The container recipe.
    with open(os.path.join(deploy, "Dockerfile")) as f:
        dockerfile = f.read()
    arguments = dict(re.findall(r"^ARG (\w+)=(\S+)", dockerfile, re.M))
    images = [re.sub(r"\$\{(\w+)\}", lambda m: arguments.get(m.group(1), m.group(0)), image)
              for image in re.findall(r"^FROM (\S+)", dockerfile, re.M)]
    check(images and all(i.startswith("nvidia/cuda:") for i in images), f"Dockerfile: not CUDA base images: {images}")
    check(re.search(r"^EXPOSE " + str(port) + r"\b", dockerfile, re.M), f"Dockerfile: does not EXPOSE {port}")
    check('ENTRYPOINT ["brick"]' in dockerfile, "Dockerfile: the entry point is not brick")
    check(re.search(r"^USER \d+", dockerfile, re.M), "Dockerfile: runs as root")
    user = re.search(r"^USER (\d+)", dockerfile, re.M)
    run_as = dig(deployment, "spec.template.spec.securityContext.runAsUser")
    check(run_as is None or (user and int(user.group(1)) == run_as),
          f"Dockerfile: USER differs from the Deployment's runAsUser {run_as}")
    cmd = re.search(r"^CMD (\[.*\])", dockerfile, re.M)
    if check(cmd, "Dockerfile: no CMD"):
        for arg in yaml.safe_load(cmd.group(1))[1:]:
            option = arg.split("=", 1)[0]
            check(option in help_text, f"Dockerfile: `brick serve` has no option {option}")

    print(f"{len(documents)} manifest documents and the Dockerfile checked: "
          + ", ".join(f"{len(v)} {k}" for k, v in sorted(by_kind.items())))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
    for problem in problems:
        print("FAIL: " + problem)
    sys.exit(1 if problems else 0)
