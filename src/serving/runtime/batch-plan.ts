import type { TensorData, V2Datatype } from './datatypes.js';
import type { InferInput } from './protocol.js';

/**
 * The pure half of dynamic batching: which queued requests share a run, how their
 * inputs are stacked along the first dimension and how the outputs are cut back.
 */
export interface Plannable {
  batchKey: string | null;
  rows?: number;
}

/**
 * Picks the queue positions of the next run: the oldest request, then every later one
 * with the same key while the rows fit in maxBatchSize. An unbatchable request, or one
 * larger than maxBatchSize on its own, runs alone. Order within the batch is queue order.
 */
export function planBatch(queue: readonly Plannable[], maxBatchSize: number): number[] {
  if (queue.length === 0) return [];
  const head = queue[0];
  if (head.batchKey === null || head.rows === undefined || head.rows >= maxBatchSize) return [0];
  const picked = [0];
  let rows = head.rows;
  for (let i = 1; i < queue.length && rows < maxBatchSize; i++) {
    const item = queue[i];
    if (item.batchKey !== head.batchKey || item.rows === undefined || rows + item.rows > maxBatchSize) continue;
    picked.push(i);
    rows += item.rows;
  }
  return picked;
}

/** Stacks each input of several requests (same names, order and trailing dims). */
export function concatFeeds(requests: readonly InferInput[][]): InferInput[] {
  if (requests.length === 1) return requests[0];
  return requests[0].map((first, j) => {
    const parts = requests.map((r) => r[j]);
    const rows = parts.reduce((sum, p) => sum + p.shape[0], 0);
    return { name: first.name, datatype: first.datatype, shape: [rows, ...first.shape.slice(1)], data: concatData(parts.map((p) => p.data)) };
  });
}

function concatData(parts: TensorData[]): TensorData {
  if (Array.isArray(parts[0])) return (parts as string[][]).flat();
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const Ctor = parts[0].constructor as new (n: number) => Exclude<TensorData, string[]>;
  const out = new Ctor(total);
  let at = 0;
  for (const p of parts as Array<Exclude<TensorData, string[]>>) {
    (out as Float32Array).set(p as Float32Array, at);
    at += p.length;
  }
  return out;
}

export interface Tensor {
  datatype: V2Datatype;
  shape: readonly number[];
  data: TensorData;
}

export class SplitError extends Error {}

/**
 * Cuts each output back into per-request tensors by rows. The slices are views, not
 * copies. Throws SplitError when an output's first dimension is not the stacked rows
 * (a model that mixes rows): the caller then runs the requests one by one.
 */
export function splitOutputs(outputs: ReadonlyMap<string, Tensor>, rows: readonly number[]): Array<Map<string, Tensor>> {
  const total = rows.reduce((a, b) => a + b, 0);
  const result = rows.map(() => new Map<string, Tensor>());
  for (const [name, tensor] of outputs) {
    if (tensor.shape[0] !== total) throw new SplitError(`output '${name}' has ${tensor.shape[0]} rows; the batch had ${total}`);
    const rowSize = tensor.shape.slice(1).reduce((a, b) => a * b, 1);
    let at = 0;
    rows.forEach((r, k) => {
      const data = Array.isArray(tensor.data)
        ? tensor.data.slice(at * rowSize, (at + r) * rowSize)
        : (tensor.data as Float32Array).subarray(at * rowSize, (at + r) * rowSize);
      result[k].set(name, { datatype: tensor.datatype, shape: [r, ...tensor.shape.slice(1)], data: data as TensorData });
      at += r;
    });
  }
  return result;
}
