"""Renders the kustomizations of deploy/kubernetes without the kustomize binary (neither Debian
nor PyPI packages it), for the subset of kustomize they use: `resources` (files and folders with
a kustomization.yaml), `patches` given by `path` (strategic merge patches, `$patch: delete` of a
whole resource, `null` removing a key) and `images` (`newName`, `newTag`). A kustomization using
anything else is refused, so the test cannot pass on a rendering that differs from kustomize's.
test_kubernetes.py compares the two where a real kustomize is installed."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SUPPORTED_KEYS = {"apiVersion", "kind", "resources", "patches", "images"}
# Lists merged item by item on this key (the patch strategy of the Kubernetes types); any other
# list is replaced by the patch's.
MERGE_KEYS = {
    "containers": "name", "initContainers": "name", "volumes": "name", "env": "name",
    "volumeMounts": "mountPath", "imagePullSecrets": "name",
}


class KustomizationError(Exception):
    pass


def identity(resource: dict) -> tuple[str, str, str]:
    return resource["apiVersion"], resource["kind"], resource["metadata"]["name"]


def load_documents(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def render(folder: Path) -> list[dict]:
    """The resources kustomize would build from `folder`, in the order they are first named."""
    file = folder / "kustomization.yaml"
    spec = yaml.safe_load(file.read_text())
    unknown = set(spec) - SUPPORTED_KEYS
    if unknown:
        raise KustomizationError(f"{file}: keys {sorted(unknown)} are not rendered by this test's kustomize subset")
    resources: list[dict] = []
    for entry in spec.get("resources", []):
        target = (folder / entry).resolve()
        if target.is_dir():
            resources += render(target)
        else:
            resources += load_documents(target)
    seen = [identity(r) for r in resources]
    if len(seen) != len(set(seen)):
        raise KustomizationError(f"{file}: a resource is named twice: {seen}")
    for entry in spec.get("patches", []):
        if set(entry) != {"path"}:
            raise KustomizationError(f"{file}: only patches given by 'path' are rendered, not {entry}")
        for patch in load_documents(folder / entry["path"]):
            resources = apply_patch(resources, patch, file)
    for image in spec.get("images", []):
        for resource in resources:
            set_image(resource, image)
    return resources


def apply_patch(resources: list[dict], patch: dict, file: Path) -> list[dict]:
    patch = copy.deepcopy(patch)
    delete = patch.pop("$patch", None) == "delete"
    key = identity(patch)
    matches = [r for r in resources if identity(r) == key]
    if len(matches) != 1:
        raise KustomizationError(f"{file}: the patch of {key} matches {len(matches)} resources")
    if delete:
        return [r for r in resources if identity(r) != key]
    return [merge(r, patch) if identity(r) == key else r for r in resources]


def merge(base: Any, patch: Any, field: str = "") -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for name, value in patch.items():
            if value is None:
                merged.pop(name, None)
            elif name in merged:
                merged[name] = merge(merged[name], value, name)
            else:
                merged[name] = value
        return merged
    key = MERGE_KEYS.get(field)
    if isinstance(base, list) and isinstance(patch, list) and key and all(
        isinstance(i, dict) and key in i for i in base + patch
    ):
        # As kustomize does: items only the patch has come first, in its order.
        merged_list = list(base)
        added = []
        for item in patch:
            positions = [n for n, existing in enumerate(merged_list) if existing[key] == item[key]]
            if positions:
                merged_list[positions[0]] = merge(merged_list[positions[0]], item)
            else:
                added.append(item)
        return added + merged_list
    return patch


def set_image(resource: dict, image: dict) -> None:
    spec = resource.get("spec", {}).get("template", {}).get("spec", {})
    for container in spec.get("containers", []) + spec.get("initContainers", []):
        name = image_name(container["image"])
        if name != image["name"]:
            continue
        container["image"] = image.get("newName", name) + (f":{image['newTag']}" if "newTag" in image else "")


def image_name(reference: str) -> str:
    """`registry/name` of `registry/name:tag@digest`."""
    reference = reference.split("@")[0]
    return reference.rsplit(":", 1)[0] if ":" in reference.rsplit("/", 1)[-1] else reference
