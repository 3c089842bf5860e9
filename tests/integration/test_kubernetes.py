"""The Kubernetes manifests of deploy/kubernetes: every file and every rendered variant (the
default DaemonSet, overlays/hostpath-device, overlays/cpu) validated by kubernetes-validate in
strict mode against the oldest and newest Kubernetes versions supported; what the probes,
security context, selectors and volumes promise checked on the rendered output; and each
variant's models file served by the real binary, ready only once its models are."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from conftest import DEMO_MODEL, REPO_ROOT, StartServer
from kustomization import load_documents, render

KUBERNETES = REPO_ROOT / "deploy" / "kubernetes"
# The oldest and newest Kubernetes versions the manifests support (the oldest and newest whose
# schemas kubernetes-validate ships).
VERSIONS = ["1.25.0", "1.37.0"]
VARIANTS = {
    "daemonset": KUBERNETES,
    "hostpath-device": KUBERNETES / "overlays" / "hostpath-device",
    "cpu": KUBERNETES / "overlays" / "cpu",
}
APP = {"app.kubernetes.io/name": "hailo8-service"}


def kustomization_files() -> list[Path]:
    return sorted(KUBERNETES.rglob("kustomization.yaml"))


def patch_files() -> set[Path]:
    patches = set()
    for file in kustomization_files():
        for entry in yaml.safe_load(file.read_text()).get("patches", []):
            patches.add((file.parent / entry["path"]).resolve())
    return patches


def resource_files() -> list[Path]:
    """Every YAML file that holds whole resources (not a kustomization, not a patch)."""
    patches = patch_files()
    return sorted(
        p for p in KUBERNETES.rglob("*.yaml")
        if p.name != "kustomization.yaml" and p.resolve() not in patches
    )


def validate(resource: dict, version: str) -> None:
    try:
        kubernetes_validate.validate(resource, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        pytest.fail(f"{resource['kind']}/{resource['metadata']['name']} on Kubernetes {version}: "
                    f"{error.message} at {'.'.join(map(str, error.path))}")


def by_kind(resources: list[dict], kind: str) -> list[dict]:
    return [r for r in resources if r["kind"] == kind]


def workload(resources: list[dict]) -> dict:
    workloads = by_kind(resources, "DaemonSet") + by_kind(resources, "Deployment")
    assert len(workloads) == 1, [r["kind"] for r in workloads]
    return workloads[0]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_manifest_file_validates_strictly(version: str) -> None:
    files = resource_files()
    assert len(files) >= 6, files
    for file in files:
        for resource in load_documents(file):
            validate(resource, version)


def test_every_yaml_file_is_part_of_a_kustomization() -> None:
    named = set(patch_files())
    for file in kustomization_files():
        for entry in yaml.safe_load(file.read_text()).get("resources", []):
            target = (file.parent / entry).resolve()
            named.add(target / "kustomization.yaml" if target.is_dir() else target)
    named |= {(folder / "kustomization.yaml").resolve() for folder in VARIANTS.values()}
    orphans = [p for p in KUBERNETES.rglob("*.yaml") if p.resolve() not in named]
    assert not orphans, orphans


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_rendered_variant_validates_strictly(variant: str, version: str) -> None:
    resources = render(VARIANTS[variant])
    kinds = sorted(r["kind"] for r in resources)
    assert kinds == sorted(["ConfigMap", "Service", "PodDisruptionBudget",
                            "DaemonSet" if variant != "cpu" else "Deployment"]
                           + (["PersistentVolumeClaim"] if variant == "cpu" else [])), kinds
    for resource in resources:
        validate(resource, version)


def kustomize_command() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


@pytest.mark.skipif(kustomize_command() is None, reason="no kustomize or kubectl on this machine: the subset renderer is checked by the other tests only")
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_rendering_matches_kustomize(variant: str) -> None:
    command = kustomize_command()
    assert command is not None
    out = subprocess.run(command + [str(VARIANTS[variant])], capture_output=True, text=True, timeout=120)
    if out.returncode != 0 and "kustomize" not in " ".join(command[:1]):
        pytest.skip(f"kubectl kustomize does not run here: {out.stderr[:200]}")
    assert out.returncode == 0, out.stderr
    key = lambda r: (r["kind"], r["metadata"]["name"])  # noqa: E731
    theirs = sorted((d for d in yaml.safe_load_all(out.stdout) if d), key=key)
    ours = sorted(render(VARIANTS[variant]), key=key)
    assert ours == theirs


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_probes_security_and_wiring(variant: str) -> None:
    resources = render(VARIANTS[variant])
    work = workload(resources)
    pod = work["spec"]["template"]
    spec = pod["spec"]
    (container,) = spec["containers"]
    # Probes: liveness only asks whether the process answers; readiness waits for the models.
    assert container["livenessProbe"]["httpGet"]["path"] == "/v2/health/live"
    assert container["startupProbe"]["httpGet"]["path"] == "/v2/health/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/v2/health/ready"
    assert container["startupProbe"]["periodSeconds"] * container["startupProbe"]["failureThreshold"] >= 120
    # Labels and selectors agree everywhere.
    assert work["spec"]["selector"]["matchLabels"] == APP
    assert APP.items() <= pod["metadata"]["labels"].items()
    for service in by_kind(resources, "Service"):
        assert service["spec"]["selector"] == APP
        assert service["spec"]["ports"][0]["targetPort"] == "http"
    (pdb,) = by_kind(resources, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"] == APP and pdb["spec"]["maxUnavailable"] == 1
    assert container["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    annotations = pod["metadata"]["annotations"]
    assert annotations == {"prometheus.io/scrape": "true", "prometheus.io/port": "8080", "prometheus.io/path": "/metrics"}
    # Non-root as the image (uid 10001), nothing written outside /data and /tmp.
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] == 10001 and spec["securityContext"]["runAsGroup"] == 10001
    assert spec["automountServiceAccountToken"] is False
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and security["capabilities"] == {"drop": ["ALL"]}
    if variant == "hostpath-device":
        assert security["privileged"] is True and security["allowPrivilegeEscalation"] is True
    else:
        assert security["allowPrivilegeEscalation"] is False and "privileged" not in security
    writable = {m["mountPath"] for m in container["volumeMounts"] if not m.get("readOnly")}
    assert writable == ({"/data", "/tmp", "/dev/hailo0"} if variant == "hostpath-device" else {"/data", "/tmp"})
    # Every mount has its volume; the models file is the ConfigMap's, where HAILO8_CONFIG says.
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert {m["name"] for m in container["volumeMounts"]} == set(volumes)
    env = {e["name"]: e for e in container["env"]}
    config_mount = next(m for m in container["volumeMounts"] if m["name"] == "config")
    (configmap,) = by_kind(resources, "ConfigMap")
    assert volumes["config"]["configMap"]["name"] == configmap["metadata"]["name"]
    assert env["HAILO8_CONFIG"]["value"] == f"{config_mount['mountPath']}/models.yaml"
    # Task ids name the pod by its address: a client can poll the pod that holds a task.
    assert env["HAILO8_NODE_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "status.podIP"
    assert next(m for m in container["volumeMounts"] if m["name"] == "models")["mountPath"] == "/models"
    # The device: the plugin's resource by default, the host's node in the overlay, none on CPU.
    limits = container["resources"]["limits"]
    assert container["resources"]["requests"]["cpu"] and limits["memory"]
    if variant == "daemonset":
        assert limits["hailo.ai/h8"] == "1" and spec["nodeSelector"] == {"hailo.ai/hailo8": "true"}
    else:
        assert "hailo.ai/h8" not in limits
    if variant == "hostpath-device":
        assert volumes["hailo0"]["hostPath"] == {"path": "/dev/hailo0", "type": "CharDevice"}
    assert container["image"] == "hailo8-service:latest"


def models_file(variant: str) -> str:
    (configmap,) = by_kind(render(VARIANTS[variant]), "ConfigMap")
    return configmap["data"]["models.yaml"]


def test_cpu_models_file_is_served_and_ready_once_its_model_is(start_server: StartServer, tmp_path: Path) -> None:
    """The CPU variant's ConfigMap, as the pod mounts it: not ready while its model file is
    missing (the process answers: live), ready once the file is there and the model loaded."""
    config = tmp_path / "models.yaml"
    config.write_text(models_file("cpu"))
    root = tmp_path / "pod"
    server = start_server(args=["--config", str(config)], env={"HAILO8_NODE_NAME": "10.42.0.17"},
                          root=root, populate=False)
    assert server.get("/v2/health/live").status_code == 200
    ready = server.get("/v2/health/ready")
    assert ready.status_code == 503 and "'demo'" in ready.json()["waiting_for"][0], ready.text
    status = server.get("/status").json()
    assert status["node"] == "10.42.0.17" and status["ready"] is False
    assert server.get("/health").headers["X-Hailo8-Node"] == "10.42.0.17"
    server.stop()
    shutil.copy2(DEMO_MODEL, root / "models" / "nudenet-320n.onnx")
    server = start_server(args=["--config", str(config)], root=root, populate=False)
    ready = server.get("/v2/health/ready")
    assert ready.status_code == 200 and ready.json() == {"ready": True, "waiting_for": []}, ready.text
    assert [m["model_id"] for m in server.get("/models").json()["models"]] == ["demo"]


@pytest.mark.parametrize("variant", ["daemonset", "hostpath-device"])
def test_hailo_models_file_is_read_and_waits_for_the_board(variant: str, start_server: StartServer, tmp_path: Path) -> None:
    """The Hailo variants' models file is one the service accepts (it refuses unknown keys at
    start); without the board and the HEF the pod is live, its CPU serves, but it is not ready."""
    config = tmp_path / "models.yaml"
    config.write_text(models_file(variant))
    server = start_server(args=["--config", str(config)])
    assert server.get("/v2/health/live").status_code == 200
    ready = server.get("/v2/health/ready")
    assert ready.status_code == 503 and any("'detector'" in w for w in ready.json()["waiting_for"]), ready.text
