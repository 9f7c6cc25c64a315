"""watch.Watch().stream over configmaps with the Debian python3-kubernetes client.

Usage: watch.py KUBECONFIG NAMESPACE. Creates, patches and deletes a configmap while watching
from the list's resourceVersion, and prints the events seen as a JSON list.
"""
import json
import sys
import threading

from kubernetes import client, config, watch


def main():
    kubeconfig, ns = sys.argv[1], sys.argv[2]
    config.load_kube_config(config_file=kubeconfig)
    v1 = client.CoreV1Api()
    v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))
    start = v1.list_namespaced_config_map(ns).metadata.resource_version

    def act():
        v1.create_namespaced_config_map(
            ns,
            client.V1ConfigMap(metadata=client.V1ObjectMeta(name="watched"), data={"v": "1"}),
        )
        v1.patch_namespaced_config_map("watched", ns, {"data": {"v": "2"}})
        v1.delete_namespaced_config_map("watched", ns)

    actor = threading.Thread(target=act)
    actor.start()
    events = []
    w = watch.Watch()
    # the client sends watch=True; events from `start` on replay whatever act() did already
    for event in w.stream(
        v1.list_namespaced_config_map, ns, resource_version=start, timeout_seconds=30
    ):
        obj = event["object"]
        events.append(
            {
                "type": event["type"],
                "kind": obj.kind,
                "name": obj.metadata.name,
                "data": obj.data,
                "resourceVersion": obj.metadata.resource_version,
            }
        )
        if event["type"] == "DELETED":
            w.stop()
    actor.join()
    print(json.dumps(events))


if __name__ == "__main__":
    main()
