import { z } from 'zod';

const share = { gpuMilli: z.number().int().optional(), migProfile: z.string().optional() };
const holder = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('job'), id: z.uuid(), name: z.string(), project: z.string(), worker: z.number().int(), ...share }),
  /** A job of a project the caller cannot read: the device is used, by whom is not said. */
  z.strictObject({ kind: z.literal('hidden'), ...share }),
  /** A pod that is not Beamline's (`namespace/pod`). */
  z.strictObject({ kind: z.literal('foreign'), owner: z.string(), ...share }),
]);

export const clusterNodesSchema = z.strictObject({
  /** When the controller last published the node list (it does on every inventory change and each minute). */
  at: z.iso.datetime(),
  items: z.array(
    z.strictObject({
      name: z.string(),
      /** Only GPU, topology and Beamline labels (nvidia.com/*, topology.kubernetes.io/*, instance type, beamline.dev/*). */
      labels: z.record(z.string(), z.string()),
      cpuMilli: z.number().int(),
      memoryMiB: z.number().int(),
      gpus: z.array(
        z.strictObject({
          index: z.number().int(),
          product: z.string(),
          memoryMiB: z.number().int(),
          /** MIG slices per profile the device is partitioned into, and how many of each are held. */
          mig: z.record(z.string(), z.number().int()).optional(),
          migUsed: z.record(z.string(), z.number().int()).optional(),
          sharing: z.strictObject({ mode: z.enum(['none', 'time-slicing', 'mps']), replicas: z.number().int() }).optional(),
          /** Milli-GPU held by whole-device and fractional holders (0–1000); MIG slices count in migUsed. */
          usedMilli: z.number().int(),
          holders: z.array(holder),
        }),
      ),
    }),
  ),
});

/** GET /v1/cluster/allocation (ClusterViewService.allocation). */
export const clusterAllocationSchema = z.strictObject({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  stepSeconds: z.number().int(),
  /** The start of each step, up to now (a step running past now counts up to now). */
  times: z.array(z.iso.datetime()),
  /** Mean GPUs held in each step, whole-device equivalents (a 0.5 share counts 0.5; MIG slices are left out). */
  total: z.array(z.number()),
  series: z.array(
    z.strictObject({
      /** The GPU product, or `<product>:mig-<profile>` counted in slices. */
      flavor: z.string(),
      /** null: the projects the caller cannot read, together. */
      project: z.string().nullable(),
      values: z.array(z.number()),
    }),
  ),
});
