import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { GpuDeviceSpec, GpuSharing, NodeSpec, Taint, TaintEffect, WorkerPlacement } from '../../gpu-scheduler/engine/model.js';
import type { ClusterInventory, ForeignAllocation } from '../cluster-driver.js';
import { ANNOTATION, GFD, GPU_RESOURCE, LABEL, MANAGED_BY, MIG_RESOURCE_PREFIX, SHARED_GPU_RESOURCE, SHARING_LABEL } from './k8s-names.js';
import { countOf, mibOf, milliOf } from './quantity.js';

/**
 * GPU devices of a node from what NVIDIA's device plugin and GFD publish:
 * - `nvidia.com/gpu.count` physical devices, `.product`, `.memory` (MiB) labels;
 * - allocatable `nvidia.com/gpu` = devices offered whole (the plugin leaves unhealthy ones out);
 * - allocatable `nvidia.com/mig-<profile>` = MIG slices (mixed strategy);
 * - a sharing plugin (time-slicing or MPS, GFD's `nvidia.com/gpu.sharing-strategy` and
 *   `.replicas`, or the lab's `beamline.dev/gpu-sharing`) advertises `replicas` per device,
 *   as `nvidia.com/gpu` or, renamed, `nvidia.com/gpu.shared`: devices = that / replicas.
 * Kubernetes does not say which device holds which slice, so the convention is: whole
 * devices take indexes 0..w-1, MIG-partitioned devices the indexes after them, with each
 * profile's slices spread evenly over those devices.
 */
export function gpuDevicesOf(node: V1Node): GpuDeviceSpec[] {
  const labels = node.metadata?.labels ?? {};
  const alloc = node.status?.allocatable ?? {};
  const sharing = sharingOf(labels, alloc);
  const advertised = countOf(alloc[sharing.resource ?? GPU_RESOURCE]);
  const whole = sharing.mode === 'none' ? advertised : Math.floor(advertised / sharing.replicas);
  const mig = Object.entries(alloc)
    .filter(([k, v]) => k.startsWith(MIG_RESOURCE_PREFIX) && countOf(v) > 0)
    .map(([k, v]) => [k.slice(MIG_RESOURCE_PREFIX.length), countOf(v)] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  const labelled = countOf(labels[GFD.count]);
  const migDevices = mig.length === 0 ? 0 : Math.max(labelled - whole, 1);
  const product = labels[GFD.product] ?? 'unknown';
  const memoryMiB = countOf(labels[GFD.memory]);
  const gpus: GpuDeviceSpec[] = [];
  for (let i = 0; i < whole; i++) gpus.push({ index: i, product, memoryMiB, sharing });
  for (let d = 0; d < migDevices; d++) {
    const slices: Record<string, number> = {};
    for (const [profile, n] of mig) {
      const share = Math.floor(n / migDevices) + (d < n % migDevices ? 1 : 0);
      if (share > 0) slices[profile] = share;
    }
    gpus.push({ index: whole + d, product, memoryMiB, mig: slices, sharing: { mode: 'none', replicas: 1 } });
  }
  return gpus;
}

/**
 * The node's GPU sharing. Every Kubernetes device gets one, `none` included: a share on a
 * node without sharing has nothing to enforce it, so the scheduler must not put it there.
 * A mode without a usable replica count (< 2) is treated as none.
 */
export function sharingOf(labels: Record<string, string>, alloc: Record<string, string>): GpuSharing {
  const mode = labels[SHARING_LABEL] ?? labels[GFD.sharingStrategy] ?? 'none';
  const replicas = countOf(labels[GFD.replicas]);
  if ((mode !== 'time-slicing' && mode !== 'mps') || replicas < 2) return { mode: 'none', replicas: 1 };
  return { mode, replicas, resource: countOf(alloc[SHARED_GPU_RESOURCE]) > 0 ? SHARED_GPU_RESOURCE : GPU_RESOURCE };
}

const EFFECTS: readonly string[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function nodeSpecOf(node: V1Node): NodeSpec {
  const taints: Taint[] = (node.spec?.taints ?? [])
    .filter((t) => EFFECTS.includes(t.effect))
    .map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect as TaintEffect }));
  // A cordoned node carries this taint once the node controller catches up; add it at once.
  if (node.spec?.unschedulable && !taints.some((t) => t.key === 'node.kubernetes.io/unschedulable')) {
    taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  }
  const alloc = node.status?.allocatable ?? {};
  return {
    name: node.metadata?.name ?? '',
    labels: { ...(node.metadata?.labels ?? {}) },
    taints,
    cpuMilli: milliOf(alloc.cpu),
    memoryMiB: mibOf(alloc.memory),
    gpus: gpuDevicesOf(node),
  };
}

/** Everything nodeSpecOf reads: equal signatures give equal NodeSpecs (heartbeats do not change it). */
export const nodeSignature = (node: V1Node) =>
  JSON.stringify([node.metadata?.labels, node.spec?.taints, node.spec?.unschedulable, node.status?.allocatable]);

const isActive = (pod: V1Pod) => !!pod.spec?.nodeName && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

export const isOwnPod = (pod: V1Pod, namespace: string) =>
  pod.metadata?.namespace === namespace && pod.metadata?.labels?.[LABEL.managedBy] === MANAGED_BY;

/** Placement a Beamline pod (of any install) carries in its annotations, if any. */
export function annotatedPlacement(pod: V1Pod): WorkerPlacement | undefined {
  const a = pod.metadata?.annotations ?? {};
  if (a[ANNOTATION.gpuIndexes] === undefined) return undefined;
  const gpuIndexes = a[ANNOTATION.gpuIndexes].split(',').filter((s) => s !== '').map(Number);
  return {
    node: pod.spec?.nodeName ?? '',
    gpuIndexes,
    ...(a[ANNOTATION.gpuMilli] ? { gpuMilli: Number(a[ANNOTATION.gpuMilli]) } : {}),
    ...(a[ANNOTATION.migProfile] ? { migProfile: a[ANNOTATION.migProfile] } : {}),
  };
}

/** Whole GPUs and the MIG profile a pod asks for (limits win; extended resources need limits = requests). */
function gpuDemand(pod: V1Pod): { whole: number; migProfile?: string } {
  let whole = 0;
  let migProfile: string | undefined;
  for (const c of pod.spec?.containers ?? []) {
    const res = { ...(c.resources?.requests ?? {}), ...(c.resources?.limits ?? {}) };
    whole += countOf(res[GPU_RESOURCE]);
    for (const [k, v] of Object.entries(res)) if (k.startsWith(MIG_RESOURCE_PREFIX) && countOf(v) > 0) migProfile ??= k.slice(MIG_RESOURCE_PREFIX.length);
  }
  return { whole, migProfile };
}

function requestsOf(pod: V1Pod): { cpuMilli: number; memoryMiB: number } {
  let cpuMilli = 0;
  let memoryMiB = 0;
  for (const c of pod.spec?.containers ?? []) {
    cpuMilli += milliOf(c.resources?.requests?.cpu);
    memoryMiB += mibOf(c.resources?.requests?.memory);
  }
  return { cpuMilli, memoryMiB };
}

const podKey = (p: V1Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;
const age = (p: V1Pod) => (p.metadata?.creationTimestamp ? new Date(p.metadata.creationTimestamp).getTime() : 0);
const byAge = (a: V1Pod, b: V1Pod) => age(a) - age(b) || podKey(a).localeCompare(podKey(b));

/**
 * The inventory, in numbered steps:
 * 1. nodes → NodeSpec (devices from GFD labels and allocatable resources);
 * 2. mark the devices that annotated Beamline pods use (ours and other installs'), and the
 *    devices earlier guesses gave foreign pods that still run (`guesses`, kept by the
 *    caller between calls, so a guess never moves while its pod lives);
 * 3. foreign pods bound to a node and asking for `nvidia.com/gpu` or a MIG slice, oldest
 *    first: Beamline pods of other namespaces keep their annotated devices, earlier guesses
 *    are kept, the others get a best-effort guess (the kubelet does not publish which device
 *    it gave them): the lowest free whole devices, or a MIG device that still has a slice
 *    of the profile; `guesses` then holds exactly the live foreign pods' guesses.
 */
export function buildInventory(
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
  namespace: string,
  guesses: Map<string, WorkerPlacement> = new Map(),
): ClusterInventory {
  // 1.
  const specs = nodes.map(nodeSpecOf).sort((a, b) => a.name.localeCompare(b.name));
  const byName = new Map(specs.map((n) => [n.name, n]));
  const active = pods.filter(isActive).sort(byAge);
  const keyOf = (pod: V1Pod) => pod.metadata?.uid ?? podKey(pod);

  // 2.
  const used = new Map<string, Set<number>>();
  const usedOn = (node: string) => used.get(node) ?? used.set(node, new Set()).get(node)!;
  const migLeft = new Map<string, Record<string, number>>();
  const slicesOf = (node: string, index: number) => {
    const key = `${node}#${index}`;
    if (!migLeft.has(key)) migLeft.set(key, { ...(byName.get(node)?.gpus.find((g) => g.index === index)?.mig ?? {}) });
    return migLeft.get(key)!;
  };
  const take = (p: WorkerPlacement) => {
    if (p.migProfile) for (const i of p.gpuIndexes) slicesOf(p.node, i)[p.migProfile] -= 1;
    else for (const i of p.gpuIndexes) usedOn(p.node).add(i);
  };
  const live = new Set<string>();
  for (const pod of active) {
    const p = annotatedPlacement(pod) ?? guesses.get(keyOf(pod));
    if (p) take(p);
  }

  // 3.
  const foreign: ForeignAllocation[] = [];
  for (const pod of active) {
    if (isOwnPod(pod, namespace)) continue;
    const node = pod.spec!.nodeName!;
    let placement = annotatedPlacement(pod) ?? guesses.get(keyOf(pod));
    if (!placement) {
      const demand = gpuDemand(pod);
      if (demand.whole === 0 && !demand.migProfile) continue;
      placement = demand.migProfile ? migGuess(byName.get(node), demand.migProfile, slicesOf) : wholeGuess(byName.get(node), node, demand.whole, usedOn(node));
    }
    if (!annotatedPlacement(pod)) {
      guesses.set(keyOf(pod), placement);
      live.add(keyOf(pod));
    }
    foreign.push({ owner: podKey(pod), placement, ...requestsOf(pod) });
  }
  for (const k of guesses.keys()) if (!live.has(k)) guesses.delete(k);
  return { nodes: specs, foreign };
}

function wholeGuess(spec: NodeSpec | undefined, node: string, count: number, used: Set<number>): WorkerPlacement {
  const candidates = (spec?.gpus ?? []).filter((g) => !g.mig).map((g) => g.index);
  const free = candidates.filter((i) => !used.has(i));
  // Over-commit (more asked than free) still reports the pod, on the lowest used devices.
  const chosen = [...free, ...candidates.filter((i) => used.has(i))].slice(0, count);
  for (const i of chosen) used.add(i);
  return { node, gpuIndexes: chosen };
}

function migGuess(spec: NodeSpec | undefined, profile: string, slicesOf: (node: string, index: number) => Record<string, number>): WorkerPlacement {
  const node = spec?.name ?? '';
  const devices = (spec?.gpus ?? []).filter((g) => g.mig?.[profile]);
  const dev = devices.find((g) => (slicesOf(node, g.index)[profile] ?? 0) > 0) ?? devices[0];
  if (dev) slicesOf(node, dev.index)[profile] -= 1;
  return { node, gpuIndexes: dev ? [dev.index] : [], migProfile: profile };
}
