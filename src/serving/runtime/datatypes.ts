/**
 * V2 (Open Inference Protocol) datatypes and their onnxruntime-node counterparts, with
 * the codecs between JSON `data`, the binary tensor extension and typed arrays. Pure.
 */
export const V2_DATATYPES = [
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES',
] as const;
export type V2Datatype = (typeof V2_DATATYPES)[number];

/** What a tensor's elements live in: onnxruntime-node's own representations. */
export type TensorData =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array
  | BigUint64Array | BigInt64Array | Float32Array | Float64Array | string[];

interface TypeInfo {
  ort: string;
  /** Bytes per element in the binary extension; 0 for BYTES (length-prefixed). */
  size: number;
  make: (length: number) => TensorData;
  /** Smallest and largest accepted JSON value for integer types. */
  range?: [number, number];
}

const INFO: Record<V2Datatype, TypeInfo> = {
  BOOL: { ort: 'bool', size: 1, make: (n) => new Uint8Array(n) },
  UINT8: { ort: 'uint8', size: 1, make: (n) => new Uint8Array(n), range: [0, 255] },
  UINT16: { ort: 'uint16', size: 2, make: (n) => new Uint16Array(n), range: [0, 65535] },
  UINT32: { ort: 'uint32', size: 4, make: (n) => new Uint32Array(n), range: [0, 4294967295] },
  UINT64: { ort: 'uint64', size: 8, make: (n) => new BigUint64Array(n), range: [0, Number.MAX_SAFE_INTEGER] },
  INT8: { ort: 'int8', size: 1, make: (n) => new Int8Array(n), range: [-128, 127] },
  INT16: { ort: 'int16', size: 2, make: (n) => new Int16Array(n), range: [-32768, 32767] },
  INT32: { ort: 'int32', size: 4, make: (n) => new Int32Array(n), range: [-2147483648, 2147483647] },
  INT64: { ort: 'int64', size: 8, make: (n) => new BigInt64Array(n), range: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] },
  // onnxruntime-node holds float16 as raw IEEE half bits in a Uint16Array.
  FP16: { ort: 'float16', size: 2, make: (n) => new Uint16Array(n) },
  FP32: { ort: 'float32', size: 4, make: (n) => new Float32Array(n) },
  FP64: { ort: 'float64', size: 8, make: (n) => new Float64Array(n) },
  BYTES: { ort: 'string', size: 0, make: (n) => new Array<string>(n).fill('') },
};

const FROM_ORT = new Map(Object.entries(INFO).map(([v2, info]) => [info.ort, v2 as V2Datatype]));

export const isV2Datatype = (value: unknown): value is V2Datatype => typeof value === 'string' && value in INFO;
export const ortType = (datatype: V2Datatype): string => INFO[datatype].ort;
export const fromOrtType = (ort: string): V2Datatype | undefined => FROM_ORT.get(ort);
export const elementSize = (datatype: V2Datatype): number => INFO[datatype].size;
export const allocate = (datatype: V2Datatype, length: number): TensorData => INFO[datatype].make(length);

export class CodecError extends Error {}

/** Flattens nested `data` (row-major); flat arrays take the fast path. */
export function flatten(data: unknown[]): unknown[] {
  if (data.length === 0 || !Array.isArray(data[0])) {
    for (let i = 0; i < data.length; i++) if (Array.isArray(data[i])) return flattenDeep(data);
    return data;
  }
  return flattenDeep(data);
}

/**
 * With an explicit stack, not recursion: a body of 20,000 nested `[` is valid JSON and
 * must be a 400 (wrong element count), not a stack overflow (found by test/integration/fuzz-v2.test.ts).
 */
function flattenDeep(data: unknown[]): unknown[] {
  const out: unknown[] = [];
  const arrays: unknown[][] = [data];
  const next: number[] = [0];
  while (arrays.length > 0) {
    const top = arrays.length - 1;
    const items = arrays[top];
    if (next[top] === items.length) {
      arrays.pop();
      next.pop();
      continue;
    }
    const item = items[next[top]++];
    if (Array.isArray(item)) {
      arrays.push(item);
      next.push(0);
    } else out.push(item);
  }
  return out;
}

/** JSON `data` (already flattened) to a typed array; throws CodecError naming the element. */
export function fromJson(datatype: V2Datatype, values: unknown[]): TensorData {
  const n = values.length;
  const out = INFO[datatype].make(n);
  const bad = (i: number, want: string) =>
    new CodecError(`element ${i} is ${JSON.stringify(values[i]) ?? 'undefined'}; ${datatype} needs ${want}`);
  switch (datatype) {
    case 'BOOL': {
      const o = out as Uint8Array;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'boolean') throw bad(i, 'true or false');
        o[i] = v ? 1 : 0;
      }
      return out;
    }
    case 'BYTES': {
      const o = out as string[];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'string') throw bad(i, 'a string');
        o[i] = v;
      }
      return out;
    }
    case 'FP16': {
      const o = out as Uint16Array;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') throw bad(i, 'a number');
        o[i] = toHalf(v);
      }
      return out;
    }
    case 'FP32':
    case 'FP64': {
      const o = out as Float32Array | Float64Array;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') throw bad(i, 'a number');
        o[i] = v;
      }
      return out;
    }
    default: {
      const [min, max] = INFO[datatype].range!;
      const big = datatype === 'INT64' || datatype === 'UINT64';
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(i, `an integer in [${min}, ${max}]`);
        if (big) (out as BigInt64Array)[i] = BigInt(v);
        else (out as Int32Array)[i] = v;
      }
      return out;
    }
  }
}

/** A typed array as the text of a flat JSON array (int64 exact; non-finite floats as null). */
export function toJsonText(datatype: V2Datatype, data: TensorData): string {
  switch (datatype) {
    case 'BOOL': {
      const d = data as Uint8Array;
      let s = '[';
      for (let i = 0; i < d.length; i++) s += (i ? ',' : '') + (d[i] ? 'true' : 'false');
      return s + ']';
    }
    case 'BYTES':
      return JSON.stringify(data);
    case 'FP16':
      return floatsText(Array.from(data as Uint16Array, fromHalf));
    case 'FP32':
    case 'FP64':
      return floatsText(data as Float32Array | Float64Array);
    default:
      // Integers (bigint included) print exactly with join.
      return `[${(data as Int32Array).join(',')}]`;
  }
}

function floatsText(d: ArrayLike<number>): string {
  let finite = true;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      finite = false;
      break;
    }
  }
  if (finite) return `[${Array.prototype.join.call(d, ',')}]`;
  return JSON.stringify(Array.from(d, (v) => (Number.isFinite(v) ? v : null)));
}

/** Binary extension bytes (little-endian) to a typed array of `count` elements. */
export function fromBinary(datatype: V2Datatype, bytes: Uint8Array, count: number): TensorData {
  if (datatype === 'BYTES') {
    const out: string[] = [];
    let at = 0;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (at < bytes.byteLength) {
      if (at + 4 > bytes.byteLength) throw new CodecError('BYTES data ends inside a 4-byte length prefix');
      const len = view.getUint32(at, true);
      at += 4;
      if (at + len > bytes.byteLength) throw new CodecError('BYTES element runs past the end of its data');
      out.push(Buffer.from(bytes.buffer, bytes.byteOffset + at, len).toString('utf8'));
      at += len;
    }
    if (out.length !== count) throw new CodecError(`holds ${out.length} BYTES elements; the shape needs ${count}`);
    return out;
  }
  const size = INFO[datatype].size;
  if (bytes.byteLength !== count * size) {
    throw new CodecError(`has ${bytes.byteLength} bytes; ${count} ${datatype} elements need ${count * size}`);
  }
  const out = INFO[datatype].make(count) as Exclude<TensorData, string[]>;
  // Copy into fresh, aligned memory: the slice of the body may sit at any offset.
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** A typed array as binary extension bytes. */
export function toBinary(datatype: V2Datatype, data: TensorData): Buffer {
  if (datatype === 'BYTES') {
    const parts: Buffer[] = [];
    for (const s of data as string[]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      parts.push(len, b);
    }
    return Buffer.concat(parts);
  }
  const d = data as Exclude<TensorData, string[]>;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half from a number, round-to-nearest-even, with overflow to infinity. */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa bumps the exponent, up to infinity: still correct.
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** A number from IEEE 754 half bits. */
export function fromHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
