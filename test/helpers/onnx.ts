/**
 * Writes small, valid ONNX models without Python, with the protobuf encoder of
 * protobuf.ts, for the handful of onnx.proto messages a graph needs (ModelProto, GraphProto, NodeProto,
 * ValueInfoProto, TensorProto). Field numbers are those of onnx/onnx.proto (IR v8).
 * The test suites generate their models here, so no binary is ever committed.
 */

/** TensorProto.DataType values used by the helpers. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

import { ProtoWriter } from './protobuf.js';

type Dim = number | string;


function valueInfo(name: string, elemType: number, shape: Dim[]): ProtoWriter {
  const shapeProto = new ProtoWriter();
  for (const dim of shape) {
    const d = new ProtoWriter();
    if (typeof dim === 'number') d.varint(1, dim);
    else d.bytes(2, dim);
    shapeProto.message(1, d);
  }
  const tensorType = new ProtoWriter().varint(1, elemType).message(2, shapeProto);
  return new ProtoWriter().bytes(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

function floatTensor(name: string, dims: number[], values: number[]): ProtoWriter {
  const t = new ProtoWriter();
  for (const d of dims) t.varint(1, d);
  const raw = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => raw.writeFloatLE(v, i * 4));
  return t.varint(2, ONNX_FLOAT).bytes(8, name).bytes(9, raw);
}

function node(op: string, inputs: string[], outputs: string[], name: string): ProtoWriter {
  const n = new ProtoWriter();
  for (const i of inputs) n.bytes(1, i);
  for (const o of outputs) n.bytes(2, o);
  return n.bytes(3, name).bytes(4, op);
}

function model(graph: ProtoWriter, opset = 13): Buffer {
  return new ProtoWriter()
    .varint(1, 8) // ir_version
    .bytes(2, 'beamline-test')
    .message(7, graph)
    .message(8, new ProtoWriter().bytes(1, '').varint(2, opset))
    .finish();
}

/** y = x · W + b, with x: [batch, features] float32 and y: [batch, outputs]. */
export function linearModel(weights: number[][], bias: number[], names = { input: 'x', output: 'y' }): Buffer {
  const features = weights.length;
  const outputs = bias.length;
  const graph = new ProtoWriter()
    .message(1, node('MatMul', [names.input, 'W'], ['xw'], 'matmul'))
    .message(1, node('Add', ['xw', 'b'], [names.output], 'add'))
    .bytes(2, 'linear')
    .message(5, floatTensor('W', [features, outputs], weights.flat()))
    .message(5, floatTensor('b', [outputs], bias))
    .message(11, valueInfo(names.input, ONNX_FLOAT, ['batch', features]))
    .message(12, valueInfo(names.output, ONNX_FLOAT, ['batch', outputs]));
  return model(graph);
}

/** sum = a + b, two inputs of the given element type and shape. */
export function addModel(elemType = ONNX_FLOAT, shape: Dim[] = ['n']): Buffer {
  const graph = new ProtoWriter()
    .message(1, node('Add', ['a', 'b'], ['sum'], 'add'))
    .bytes(2, 'add')
    .message(11, valueInfo('a', elemType, shape))
    .message(11, valueInfo('b', elemType, shape))
    .message(12, valueInfo('sum', elemType, shape));
  return model(graph);
}

/**
 * A real, if tiny, trained model: least-squares linear regression fitted by gradient
 * descent to noisy samples of y = 2·x0 − 3·x1 + 0.5·x2 + 1, exported as ONNX.
 */
export function trainedRegressionModel(): { onnx: Buffer; weights: number[]; bias: number } {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const truth = [2, -3, 0.5];
  const samples = Array.from({ length: 256 }, () => {
    const x = [rand(), rand(), rand()];
    return { x, y: x.reduce((s, v, i) => s + v * truth[i], 1) + rand() * 0.01 };
  });
  const w = [0, 0, 0];
  let b = 0;
  for (let step = 0; step < 500; step++) {
    const gw = [0, 0, 0];
    let gb = 0;
    for (const { x, y } of samples) {
      const err = x.reduce((s, v, i) => s + v * w[i], b) - y;
      x.forEach((v, i) => (gw[i] += (err * v) / samples.length));
      gb += err / samples.length;
    }
    w.forEach((_, i) => (w[i] -= 0.5 * gw[i]));
    b -= 0.5 * gb;
  }
  return { onnx: linearModel(w.map((v) => [v]), [b]), weights: w, bias: b };
}
