// Writes a small, valid ONNX model for the registry walkthrough (README "Register and
// download a model", docs/models.md): y = x · W + b with x float32 [batch, 4] and
// y float32 [batch, 3]. It reuses the ONNX writer the tests use, so no Python, no `onnx`
// package and no committed binary are needed.
//
//   npx tsx examples/make-model.ts [model.onnx]
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { linearModel } from '../test/helpers/onnx.js';

const out = process.argv[2] ?? 'model.onnx';
// Fixed weights, so the file (and its sha256) is the same on every machine.
const weights = [
  [0.5, -0.25, 0.125],
  [0.25, 0.5, -0.5],
  [-0.75, 0.25, 0.5],
  [0.125, -0.5, 0.75],
];
const bytes = linearModel(weights, [0.1, 0, -0.1]);
writeFileSync(out, bytes);
console.log(`wrote ${out}: ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`);
console.log('inputs: x float32 [batch, 4]; outputs: y float32 [batch, 3]');
