import type { Variables } from '../../models/variables.js';
import { allocate, fromHalf, toHalf, type TensorData, type V2Datatype } from './datatypes.js';
import { ProtocolError, type InferInput, type InferRequest } from './protocol.js';

/** A model input or output: fixed dims are numbers, symbolic ones their name (or -1). */
export interface TensorMeta {
  name: string;
  datatype: V2Datatype;
  shape: Array<number | string>;
}

export type RangePolicy = 'refuse' | 'warn';

export interface ModelSpec {
  name: string;
  version: string;
  inputs: TensorMeta[];
  outputs: TensorMeta[];
  variables?: Variables;
  rangePolicy: RangePolicy;
  /** True when every input and output has a symbolic first dimension: rows can be stacked. */
  batchable: boolean;
}

export interface ValidRequest {
  /** Inputs in the model's order, defaults filled. */
  feeds: InferInput[];
  /** Rows along the batch dimension, when the model is batchable. */
  rows?: number;
  /** Requests with equal keys can share a session.run; null runs alone. */
  batchKey: string | null;
  warnings: RangeWarning[];
}

export interface RangeWarning {
  input: string;
  message: string;
}

const isSymbolic = (dim: number | string) => typeof dim === 'string' || dim < 0;

/** Whether requests to this signature can be stacked along the first dimension. */
export function isBatchable(inputs: TensorMeta[], outputs: TensorMeta[]): boolean {
  if (inputs.length === 0 || outputs.length === 0) return false;
  const all = [...inputs, ...outputs];
  if (!all.every((t) => t.shape.length >= 1 && isSymbolic(t.shape[0]))) return false;
  // Inputs must share one batch symbol, or the runtime cannot tell rows apart.
  const first = inputs[0].shape[0];
  return inputs.every((t) => t.shape[0] === first);
}

/** V2 metadata shows symbolic dimensions as -1. */
export const v2Shape = (shape: Array<number | string>): number[] => shape.map((d) => (isSymbolic(d) ? -1 : (d as number)));

/**
 * Checks a decoded request against the model, in order:
 *   1. every input is known, of the right datatype and shape (symbolic dims bind once);
 *   2. missing inputs come from variable defaults, or the request is refused;
 *   3. values outside a variable's range are refused or warned per the policy;
 *   4. requested outputs exist.
 * Throws ProtocolError(400) naming the input.
 */
export function validateRequest(spec: ModelSpec, req: InferRequest): ValidRequest {
  const given = new Map(req.inputs.map((i) => [i.name, i]));
  const bindings = new Map<string, number>();
  const known = spec.inputs.map((t) => t.name).join(', ');
  for (const input of req.inputs) {
    if (!spec.inputs.some((t) => t.name === input.name)) {
      throw new ProtocolError(400, `unknown input '${input.name}'; the model's inputs are: ${known}`);
    }
  }
  const feeds: InferInput[] = [];
  const missing: TensorMeta[] = [];
  for (const meta of spec.inputs) {
    const input = given.get(meta.name);
    if (!input) {
      missing.push(meta);
      continue;
    }
    checkInput(meta, input, bindings);
    feeds.push(input);
  }
  for (const meta of missing) feeds.splice(spec.inputs.indexOf(meta), 0, fillDefault(spec, meta, bindings));
  const warnings = checkRanges(spec, feeds);
  for (const out of req.outputs ?? []) {
    if (!spec.outputs.some((t) => t.name === out.name)) {
      throw new ProtocolError(400, `unknown output '${out.name}'; the model's outputs are: ${spec.outputs.map((t) => t.name).join(', ')}`);
    }
  }
  if (!spec.batchable) return { feeds, batchKey: null, warnings };
  return { feeds, rows: feeds[0].shape[0], batchKey: feeds.map((f) => `${f.datatype}[${f.shape.slice(1).join(',')}]`).join('|'), warnings };
}

function checkInput(meta: TensorMeta, input: InferInput, bindings: Map<string, number>): void {
  const field = `input '${meta.name}'`;
  if (input.datatype !== meta.datatype) {
    throw new ProtocolError(400, `${field}: datatype ${input.datatype} does not match the model's ${meta.datatype}`);
  }
  const expected = `[${v2Shape(meta.shape).join(', ')}]`;
  if (input.shape.length !== meta.shape.length) {
    throw new ProtocolError(400, `${field}: shape [${input.shape.join(', ')}] has rank ${input.shape.length}; the model expects ${expected}`);
  }
  meta.shape.forEach((dim, i) => {
    const got = input.shape[i];
    if (typeof dim === 'number' && dim >= 0 && dim !== got) {
      throw new ProtocolError(400, `${field}: dimension ${i} is ${got}; the model expects ${expected}`);
    }
    if (typeof dim === 'string') {
      const bound = bindings.get(dim);
      if (bound !== undefined && bound !== got) {
        throw new ProtocolError(400, `${field}: dimension ${i} ('${dim}') is ${got} but another input set '${dim}' to ${bound}`);
      }
      bindings.set(dim, got);
    }
  });
}

/** A missing input from its variable default: one value repeated, or the whole tensor. */
function fillDefault(spec: ModelSpec, meta: TensorMeta, bindings: Map<string, number>): InferInput {
  const variable = spec.variables?.inputs[meta.name];
  if (variable?.default === undefined) throw new ProtocolError(400, `missing input '${meta.name}' (and it has no default)`);
  const shape = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' ? (bindings.get(d) ?? 1) : 1));
  const count = shape.reduce((a, b) => a * b, 1);
  const values = Array.isArray(variable.default) ? variable.default : [variable.default];
  const data = allocate(meta.datatype, count);
  for (let i = 0; i < count; i++) setNumber(meta.datatype, data, i, values[i % values.length]);
  return { name: meta.name, datatype: meta.datatype, shape, data };
}

function checkRanges(spec: ModelSpec, feeds: InferInput[]): RangeWarning[] {
  const warnings: RangeWarning[] = [];
  if (!spec.variables) return warnings;
  for (const feed of feeds) {
    const range = spec.variables.inputs[feed.name]?.range;
    if (!range || feed.datatype === 'BYTES' || feed.datatype === 'BOOL') continue;
    const [min, max] = range;
    const n = feed.data.length;
    for (let i = 0; i < n; i++) {
      const v = numberAt(feed.datatype, feed.data, i);
      if (!(v >= min && v <= max)) {
        const message = `input '${feed.name}': element ${i} is ${v}, outside its range [${min}, ${max}]`;
        if (spec.rangePolicy === 'refuse') throw new ProtocolError(400, message);
        warnings.push({ input: feed.name, message });
        break;
      }
    }
  }
  return warnings;
}

function numberAt(datatype: V2Datatype, data: TensorData, i: number): number {
  if (datatype === 'FP16') return fromHalf((data as Uint16Array)[i]);
  return Number((data as Float64Array)[i]);
}

function setNumber(datatype: V2Datatype, data: TensorData, i: number, value: number): void {
  if (datatype === 'INT64' || datatype === 'UINT64') (data as BigInt64Array)[i] = BigInt(Math.trunc(value));
  else if (datatype === 'FP16') (data as Uint16Array)[i] = toHalf(value);
  else if (datatype === 'BYTES') (data as string[])[i] = String(value);
  else (data as Float64Array)[i] = value;
}
