/** Open Inference Protocol (V2) tensors, and the shorthand inputs `endpoints.infer` accepts. */
export type Datatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

export type TypedArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint8ClampedArray | Uint16Array | Uint32Array | BigUint64Array;

type Scalar = number | boolean | string | bigint;
export type NestedArray = Scalar[] | NestedArray[];

export interface Tensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: Scalar[];
  parameters?: Record<string, unknown>;
}

/** One input: a typed array (1-D), nested arrays (shape from the nesting), or spelled out. */
export type TensorInput = TypedArray | NestedArray | { data: TypedArray | NestedArray; shape?: number[]; datatype?: Datatype };

export interface InferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: Tensor[];
  outputs?: { name: string; parameters?: Record<string, unknown> }[];
}

export interface InferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, unknown>;
  outputs: Tensor[];
}

/** One input or output of a model as its V2 metadata describes it; -1 is a dimension of any size. */
export interface TensorMetadata {
  name: string;
  datatype: Datatype;
  shape: number[];
}

/** V2 model metadata (`GET v2/models/{model}`): what the model takes and gives. */
export interface ModelMetadata {
  name: string;
  versions?: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

const TYPED: [new (...args: never[]) => TypedArray, Datatype][] = [
  [Float32Array, 'FP32'], [Float64Array, 'FP64'], [Int8Array, 'INT8'], [Int16Array, 'INT16'], [Int32Array, 'INT32'],
  [BigInt64Array, 'INT64'], [Uint8Array, 'UINT8'], [Uint8ClampedArray, 'UINT8'], [Uint16Array, 'UINT16'],
  [Uint32Array, 'UINT32'], [BigUint64Array, 'UINT64'],
];

const typedDatatype = (value: unknown) => TYPED.find(([Class]) => value instanceof Class)?.[1];

/** JSON has no bigint: 64-bit values go as numbers (exact up to 2^53; beyond, use the binary extension). */
const jsonScalar = (v: Scalar) => (typeof v === 'bigint' ? Number(v) : v);

function flatten(data: NestedArray): { values: Scalar[]; shape: number[] } {
  const shape: number[] = [];
  for (let level: unknown = data; Array.isArray(level); level = level[0]) shape.push(level.length);
  const values = (data as unknown[]).flat(Infinity) as Scalar[];
  const expected = shape.reduce((a, b) => a * b, 1);
  if (values.length !== expected) throw new TypeError(`ragged nested array: shape [${shape}] needs ${expected} values, got ${values.length}`);
  return { values, shape };
}

/** Numbers default to FP32, what most exported models take; say `datatype` otherwise. */
function guessDatatype(values: Scalar[]): Datatype {
  const first = values[0];
  if (typeof first === 'boolean') return 'BOOL';
  if (typeof first === 'string') return 'BYTES';
  if (typeof first === 'bigint') return 'INT64';
  return 'FP32';
}

export function toTensor(name: string, input: TensorInput): Tensor {
  const spelled = !Array.isArray(input) && !typedDatatype(input) ? (input as Exclude<TensorInput, TypedArray | NestedArray>) : undefined;
  const data = spelled ? spelled.data : (input as TypedArray | NestedArray);
  const typed = typedDatatype(data);
  const { values, shape } = typed
    ? { values: Array.from(data as ArrayLike<Scalar>), shape: [(data as TypedArray).length] }
    : flatten(data as NestedArray);
  return {
    name,
    datatype: spelled?.datatype ?? typed ?? guessDatatype(values),
    shape: spelled?.shape ?? shape,
    data: values.map(jsonScalar),
  };
}
