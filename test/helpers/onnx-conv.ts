/**
 * More ONNX models for the runtime's tests and benchmark, written without Python:
 * nodes with attributes (Conv, MaxPool, Gemm, Concat, Gather), an MLP, a conv net, an
 * Identity model for every V2 datatype and a LUME-style regression (field numbers of
 * onnx.proto; the encoder is protobuf.ts).
 */
import { ProtoWriter } from './protobuf.js';

type Dim = number | string;

/** TensorProto.DataType by V2 datatype. */
export const ONNX_TYPES = {
  FP32: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, BYTES: 8, BOOL: 9, FP16: 10, FP64: 11, UINT32: 12, UINT64: 13,
} as const;

type Attr = number | number[] | { floats: number[] };

function valueInfo(name: string, elemType: number, shape: Dim[]): ProtoWriter {
  const shapePb = new ProtoWriter();
  for (const d of shape) shapePb.message(1, typeof d === 'number' ? new ProtoWriter().varint(1, d) : new ProtoWriter().bytes(2, d));
  return new ProtoWriter().bytes(1, name).message(2, new ProtoWriter().message(1, new ProtoWriter().varint(1, elemType).message(2, shapePb)));
}

function initializer(name: string, dims: number[], values: ArrayLike<number>, elemType = 1): ProtoWriter {
  const t = new ProtoWriter();
  for (const d of dims) t.varint(1, d);
  let raw: Buffer;
  if (elemType === 7) {
    raw = Buffer.alloc(values.length * 8);
    for (let i = 0; i < values.length; i++) raw.writeBigInt64LE(BigInt(values[i]), i * 8);
  } else {
    raw = Buffer.alloc(values.length * 4);
    for (let i = 0; i < values.length; i++) raw.writeFloatLE(values[i], i * 4);
  }
  return t.varint(2, elemType).bytes(8, name).bytes(9, raw);
}

function node(op: string, inputs: string[], outputs: string[], attrs: Record<string, Attr> = {}): ProtoWriter {
  const n = new ProtoWriter();
  for (const i of inputs) n.bytes(1, i);
  for (const o of outputs) n.bytes(2, o);
  n.bytes(3, `${op}_${outputs[0]}`).bytes(4, op);
  for (const [name, value] of Object.entries(attrs)) {
    const a = new ProtoWriter().bytes(1, name);
    if (typeof value === 'number') a.varint(3, value).varint(20, 2);
    else if (Array.isArray(value)) {
      for (const v of value) a.varint(8, v);
      a.varint(20, 7);
    } else {
      for (const v of value.floats) a.float(7, v);
      a.varint(20, 6);
    }
    n.message(5, a);
  }
  return n;
}

interface GraphSpec {
  nodes: ProtoWriter[];
  inits?: ProtoWriter[];
  inputs: ProtoWriter[];
  outputs: ProtoWriter[];
}

function model({ nodes, inits = [], inputs, outputs }: GraphSpec, opset = 13): Buffer {
  const g = new ProtoWriter();
  for (const n of nodes) g.message(1, n);
  g.bytes(2, 'graph');
  for (const i of inits) g.message(5, i);
  for (const i of inputs) g.message(11, i);
  for (const o of outputs) g.message(12, o);
  return new ProtoWriter().varint(1, 8).bytes(2, 'beamline-test').message(7, g).message(8, new ProtoWriter().bytes(1, '').varint(2, opset)).finish();
}

/** Deterministic pseudo-random weights in [-scale, scale]. */
export function weights(count: number, seed: number, scale = 0.1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

/** x [batch, inputs] → Gemm → Relu → Gemm → Relu → Gemm → y [batch, outputs]. */
export function mlpModel(inputs = 32, hidden = 128, outputs = 10): Buffer {
  const layers = [
    [inputs, hidden],
    [hidden, hidden],
    [hidden, outputs],
  ];
  const nodes: ProtoWriter[] = [];
  const inits: ProtoWriter[] = [];
  let prev = 'x';
  layers.forEach(([fin, fout], i) => {
    inits.push(initializer(`W${i}`, [fin, fout], weights(fin * fout, 11 + i, 1 / Math.sqrt(fin))), initializer(`B${i}`, [fout], weights(fout, 97 + i)));
    const out = i === layers.length - 1 ? 'y' : `h${i}`;
    nodes.push(node('Gemm', [prev, `W${i}`, `B${i}`], [i === layers.length - 1 ? out : `g${i}`]));
    if (i < layers.length - 1) nodes.push(node('Relu', [`g${i}`], [out]));
    prev = out;
  });
  return model({ nodes, inits, inputs: [valueInfo('x', 1, ['batch', inputs])], outputs: [valueInfo('y', 1, ['batch', outputs])] });
}

/** A mid-size conv net: image [batch, 3, 32, 32] → 2×(Conv 3×3, Relu, MaxPool 2) → Gemm → logits [batch, 10]. */
export function convNetModel(): Buffer {
  const c1 = 16;
  const c2 = 32;
  const flat = c2 * 8 * 8;
  const inits = [
    initializer('K1', [c1, 3, 3, 3], weights(c1 * 27, 5, 0.2)),
    initializer('KB1', [c1], weights(c1, 6)),
    initializer('K2', [c2, c1, 3, 3], weights(c2 * c1 * 9, 7, 0.08)),
    initializer('KB2', [c2], weights(c2, 8)),
    initializer('WF', [flat, 10], weights(flat * 10, 9, 0.02)),
    initializer('BF', [10], weights(10, 10)),
  ];
  const conv = { kernel_shape: [3, 3], pads: [1, 1, 1, 1] };
  const pool = { kernel_shape: [2, 2], strides: [2, 2] };
  const nodes = [
    node('Conv', ['image', 'K1', 'KB1'], ['c1'], conv),
    node('Relu', ['c1'], ['r1']),
    node('MaxPool', ['r1'], ['p1'], pool),
    node('Conv', ['p1', 'K2', 'KB2'], ['c2'], conv),
    node('Relu', ['c2'], ['r2']),
    node('MaxPool', ['r2'], ['p2'], pool),
    node('Flatten', ['p2'], ['f'], { axis: 1 }),
    node('Gemm', ['f', 'WF', 'BF'], ['logits']),
  ];
  return model({ nodes, inits, inputs: [valueInfo('image', 1, ['batch', 3, 32, 32])], outputs: [valueInfo('logits', 1, ['batch', 10])] });
}

/** One Identity per V2 datatype: input `in_<TYPE>` [batch, 2] → output `out_<TYPE>`. */
export function datatypesModel(types: Array<keyof typeof ONNX_TYPES> = Object.keys(ONNX_TYPES) as Array<keyof typeof ONNX_TYPES>): Buffer {
  return model({
    nodes: types.map((t) => node('Identity', [`in_${t}`], [`out_${t}`])),
    inputs: types.map((t) => valueInfo(`in_${t}`, ONNX_TYPES[t], ['batch', 2])),
    outputs: types.map((t) => valueInfo(`out_${t}`, ONNX_TYPES[t], ['batch', 2])),
  });
}

/**
 * LUME-style regression: three scalar inputs per row (x0, x1, x2: [batch, 1]) →
 * Concat → y = 2·x0 − 3·x1 + 0.5·x2 + 1, [batch, 1].
 */
export function lumeModel(): Buffer {
  return model({
    nodes: [node('Concat', ['x0', 'x1', 'x2'], ['x'], { axis: 1 }), node('Gemm', ['x', 'W', 'B'], ['y'])],
    inits: [initializer('W', [3, 1], [2, -3, 0.5]), initializer('B', [1], [1])],
    inputs: ['x0', 'x1', 'x2'].map((n) => valueInfo(n, 1, ['batch', 1])),
    outputs: [valueInfo('y', 1, ['batch', 1])],
  });
}

/**
 * Rows of a fixed table picked by index: index [batch] INT64 → Gather → row [batch, 4].
 * An index past the table makes session.run itself fail: a genuine runtime error.
 */
export function gatherModel(): Buffer {
  const table = Array.from({ length: 40 }, (_, i) => i);
  return model({
    nodes: [node('Gather', ['table', 'index'], ['row'], { axis: 0 })],
    inits: [initializer('table', [10, 4], table)],
    inputs: [valueInfo('index', 7, ['batch'])],
    outputs: [valueInfo('row', 1, ['batch', 4])],
  });
}
