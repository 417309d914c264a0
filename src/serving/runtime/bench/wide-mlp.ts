/**
 * The benchmark's "batching matters" model, written without Python (onnx.proto field
 * numbers, the encoder of test/helpers/protobuf.ts): x [batch, 64] → Gemm 64×4096 → Relu →
 * Gemm 4096×4096 → Relu → Gemm 4096×4096 → Relu → Gemm 4096×16 → y [batch, 16].
 * The two 4096² layers hold 128 MiB of FP32 weights: a batch-1 run streams all of them
 * from memory for one row, so a run of 64 rows costs far less than 64 runs of one; the
 * small input and output keep HTTP and JSON out of the way.
 */
import { ProtoWriter } from '../../../../test/helpers/protobuf.js';

export const WIDE_MLP_LAYERS = [64, 4096, 4096, 4096, 16];

function valueInfo(name: string, width: number): ProtoWriter {
  const shape = new ProtoWriter().message(1, new ProtoWriter().bytes(2, 'batch')).message(1, new ProtoWriter().varint(1, width));
  return new ProtoWriter().bytes(1, name).message(2, new ProtoWriter().message(1, new ProtoWriter().varint(1, 1).message(2, shape)));
}

/** Deterministic weights in [-scale, scale], written as raw little-endian FP32. */
function initializer(name: string, dims: number[], seed: number, scale: number): ProtoWriter {
  const count = dims.reduce((a, b) => a * b, 1);
  const values = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  const t = new ProtoWriter();
  for (const d of dims) t.varint(1, d);
  return t.varint(2, 1).bytes(8, name).bytes(9, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
}

function gemmNode(inputs: string[], output: string): ProtoWriter {
  const n = new ProtoWriter();
  for (const i of inputs) n.bytes(1, i);
  return n.bytes(2, output).bytes(3, `Gemm_${output}`).bytes(4, 'Gemm');
}

function reluNode(input: string, output: string): ProtoWriter {
  return new ProtoWriter().bytes(1, input).bytes(2, output).bytes(3, `Relu_${output}`).bytes(4, 'Relu');
}

/** The ONNX bytes of an MLP with the given widths (first: input, last: output). */
export function wideMlpModel(widths: readonly number[] = WIDE_MLP_LAYERS): Buffer {
  const g = new ProtoWriter();
  const inits: ProtoWriter[] = [];
  let prev = 'x';
  for (let i = 0; i + 1 < widths.length; i++) {
    const [fin, fout] = [widths[i], widths[i + 1]];
    inits.push(initializer(`W${i}`, [fin, fout], 11 + i, 1 / Math.sqrt(fin)), initializer(`B${i}`, [fout], 97 + i, 0.1));
    const last = i + 2 === widths.length;
    const gemmOut = last ? 'y' : `g${i}`;
    g.message(1, gemmNode([prev, `W${i}`, `B${i}`], gemmOut));
    if (!last) g.message(1, reluNode(gemmOut, `h${i}`));
    prev = `h${i}`;
  }
  g.bytes(2, 'wide-mlp');
  for (const i of inits) g.message(5, i);
  g.message(11, valueInfo('x', widths[0]));
  g.message(12, valueInfo('y', widths[widths.length - 1]));
  return new ProtoWriter().varint(1, 8).bytes(2, 'beamline-bench').message(7, g).message(8, new ProtoWriter().bytes(1, '').varint(2, 13)).finish();
}
