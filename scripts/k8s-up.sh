#!/usr/bin/env bash
# Starts the test control plane (etcd, kube-apiserver, kube-controller-manager, kwok) in the
# foreground for manual poking, builds what is missing first, prints the kubeconfig and the
# start-up time; Ctrl-C stops every process it started.
#   scripts/k8s-up.sh
#   KUBECONFIG=<printed path> .k8s-bin/kubectl get nodes
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/k8s-build.sh"
cd "$ROOT"
exec npx tsx -e "
import { startK8sCluster } from './test/helpers/k8s-cluster.ts';
(async () => {
  const c = await startK8sCluster({ log: (l) => console.error(l) });
  console.log('KUBECONFIG=' + c.kubeconfig);
  console.log('start-up ms: ' + c.startMs);
  if (process.env.K8S_UP_ONCE) return c.stop();
  for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => void c.stop().then(() => process.exit(0)));
  setInterval(() => undefined, 1 << 30);
})().catch((e) => { console.error(e); process.exit(1); });
"
