"""CoreV1Api CRUD on configmaps with the Debian python3-kubernetes client.

Usage: crud.py KUBECONFIG NAMESPACE. Prints one JSON object describing what the client got back;
the node test (python.test.ts) asserts on it.
"""
import json
import sys

from kubernetes import client, config
from kubernetes.client.rest import ApiException


def failure(call):
    """Runs call, which must fail, and returns the HTTP status and the decoded Status body."""
    try:
        call()
    except ApiException as e:
        return {"status": e.status, "body": json.loads(e.body)}
    return {"status": None, "body": None}


def main():
    kubeconfig, ns = sys.argv[1], sys.argv[2]
    config.load_kube_config(config_file=kubeconfig)
    v1 = client.CoreV1Api()
    out = {}

    v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))
    body = client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="py", labels={"lang": "python"}),
        data={"a": "1"},
    )
    created = v1.create_namespaced_config_map(ns, body)
    out["created"] = {
        "name": created.metadata.name,
        "namespace": created.metadata.namespace,
        "uid": created.metadata.uid,
        "resourceVersion": created.metadata.resource_version,
        "data": created.data,
    }
    v1.create_namespaced_config_map(
        ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="unlabelled"))
    )
    out["duplicate"] = failure(lambda: v1.create_namespaced_config_map(ns, body))

    read = v1.read_namespaced_config_map("py", ns)
    out["read"] = {"data": dict(read.data), "resourceVersion": read.metadata.resource_version}

    listed = v1.list_namespaced_config_map(ns, label_selector="lang=python")
    out["listed"] = [item.metadata.name for item in listed.items]

    read.data["b"] = "2"
    replaced = v1.replace_namespaced_config_map("py", ns, read)
    out["replaced"] = {
        "data": replaced.data,
        "resourceVersion": replaced.metadata.resource_version,
    }
    # read still carries the resourceVersion from before the replace
    read.data["b"] = "stale"
    out["stale"] = failure(lambda: v1.replace_namespaced_config_map("py", ns, read))

    # a dict is sent as a strategic merge patch, a list as a JSON patch
    patched = v1.patch_namespaced_config_map("py", ns, {"data": {"c": "3"}})
    out["strategic"] = patched.data
    patched = v1.patch_namespaced_config_map(
        "py", ns, [{"op": "remove", "path": "/data/a"}]
    )
    out["jsonPatch"] = patched.data

    status = v1.delete_namespaced_config_map("py", ns)
    out["deleted"] = {
        "status": status.status,
        "name": status.details.name if status.details else None,
        "kind": status.details.kind if status.details else None,
    }
    out["missing"] = failure(lambda: v1.read_namespaced_config_map("py", ns))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
