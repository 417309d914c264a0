import fc from 'fast-check';
import { V2_DATATYPES } from '../../src/serving/runtime/datatypes.js';

/**
 * fast-check generators of V2 infer requests, near-valid first: each starts from the model's
 * own inputs and breaks one or more things (datatype, shape, data, binary sizes, headers), so
 * most cases pass the easy checks and reach the deeper ones. `test/integration/fuzz-v2.test.ts`.
 */
export interface TensorInfo {
  name: string;
  datatype: string;
  /** -1 for a symbolic dimension. */
  shape: number[];
}

export interface V2Case {
  kind: string;
  body: Buffer;
  headers: Record<string, string>;
}

/** A case that prints short in a counterexample: the kind, the headers and the body's first 400 bytes. */
export function v2Case(kind: string, body: Buffer, headers: Record<string, string> = {}): V2Case {
  return {
    kind,
    body,
    headers,
    [fc.toStringMethod]: () => `${kind} ${JSON.stringify(headers)} (${body.length} bytes) ${JSON.stringify(body.subarray(0, 400).toString('latin1'))}`,
  } as V2Case;
}

const HUGE = [2 ** 31, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 53, 1e300, Number.MAX_VALUE];
const dim = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }) }, fc.constantFrom(-1, -(2 ** 31), ...HUGE), fc.double(), fc.constant('2'));
/** JSON text for values JSON cannot carry, spliced into the body as raw tokens. */
const RAW_TOKENS = ['NaN', '-Infinity', 'Infinity', '1e999', '-0', '0x10', 'undefined', '"\\u0000"', '"\\ud800"', '9007199254740993'];
const RAW = '__raw__';

const scalar = fc.oneof(
  { weight: 6, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }) },
  { weight: 2, arbitrary: fc.integer({ min: -300, max: 300 }) },
  fc.boolean(),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.constantFrom(...RAW_TOKENS).map((t) => `${RAW}${t}`),
  fc.constant({ nested: 'junk' }),
  fc.double(),
);

/** Well-typed values for a datatype: what a valid request carries. */
function goodValue(datatype: string): fc.Arbitrary<unknown> {
  if (datatype === 'BOOL') return fc.boolean();
  if (datatype === 'BYTES') return fc.string({ maxLength: 6 });
  if (/^U?INT/.test(datatype)) return fc.integer({ min: 0, max: 100 });
  return fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 });
}

/** Data for `count` elements, mostly well typed; else nested, short, long or of the wrong kinds. */
function dataFor(datatype: string, count: number): fc.Arbitrary<unknown> {
  const n = Math.min(count, 64);
  return fc.oneof(
    { weight: 60, arbitrary: fc.array(goodValue(datatype), { minLength: n, maxLength: n }) },
    { weight: 2, arbitrary: fc.array(scalar, { minLength: Math.max(0, n - 1), maxLength: n + 1 }) },
    fc.array(fc.array(scalar, { maxLength: 4 }), { maxLength: n }),
    fc.constantFrom('data', 7, null, {}, true),
    // Deep nesting, written as raw text (JSON.stringify would overflow this process's stack):
    // the runtime's decoder must not overflow its own.
    fc.integer({ min: 1, max: 20_000 }).map((depth) => `${RAW}${'['.repeat(depth)}1${']'.repeat(depth)}`),
  );
}

/** Mostly `usual`, sometimes one of the others: a near-valid request breaks few things at once. */
const mostly = <T>(usual: T, ...others: fc.Arbitrary<T>[]) => fc.oneof({ weight: 80, arbitrary: fc.constant(usual) }, ...others);

function inputFor(t: TensorInfo): fc.Arbitrary<Record<string, unknown>> {
  const goodShape: unknown[] = t.shape.map((d) => (d < 0 ? 2 : d));
  return fc
    .record({
      name: mostly(t.name, fc.string({ maxLength: 6 }), fc.constant('')),
      datatype: mostly(t.datatype, fc.constantFrom(...V2_DATATYPES), fc.constantFrom('FP128', 'fp32', '', 'STRING')),
      shape: mostly(goodShape, fc.array(dim, { maxLength: 5 })),
      extra: mostly<string | undefined>(undefined, fc.constantFrom('parameters', 'junk', 'binary_data')),
    })
    .chain((base) => {
      const shape = base.shape;
      const count = shape.every((d) => Number.isInteger(d) && (d as number) >= 0 && (d as number) < 1e6) ? (shape as number[]).reduce((a, b) => a * b, 1) : 2;
      return dataFor(String(base.datatype), count).map((data) => {
        const input: Record<string, unknown> = { name: base.name, datatype: base.datatype, shape: base.shape, data };
        if (base.extra === 'parameters') input.parameters = { content_type: 'str', binary_data: 'yes' };
        if (base.extra === 'junk') input.junk = [1, { a: null }];
        if (base.extra === 'binary_data') input.parameters = { binary_data_size: 8 };
        return input;
      });
    });
}

/** Raw JSON text, with RAW markers turned into tokens JSON.stringify cannot write. */
function text(value: unknown): string {
  return JSON.stringify(value).replace(new RegExp(`"${RAW}((?:[^"\\\\]|\\\\.)*)"`, 'g'), (_m, token: string) => token.replace(/\\"/g, '"').replace(/\\\\/g, '\\'));
}

/** JSON requests: the model's inputs, each possibly broken, plus optional outputs and parameters. */
export function jsonCases(inputs: TensorInfo[], outputs: string[]): fc.Arbitrary<V2Case> {
  return fc
    .record({
      inputs: fc.oneof({ weight: 6, arbitrary: fc.tuple(...inputs.map(inputFor)) as fc.Arbitrary<unknown[]> }, fc.subarray(inputs).chain((s) => fc.tuple(...s.map(inputFor)) as fc.Arbitrary<unknown[]>), fc.constantFrom([], 'inputs', null)),
      outputs: fc.option(fc.array(fc.record({ name: fc.oneof(fc.constantFrom(...outputs), fc.string({ maxLength: 4 })), parameters: fc.option(fc.record({ binary_data: fc.oneof(fc.boolean(), fc.constant('yes')) }), { nil: undefined }) }, { requiredKeys: ['name'] }), { maxLength: 3 }), { nil: undefined }),
      binaryOut: fc.option(fc.oneof(fc.boolean(), fc.constant(1)), { nil: undefined }),
      id: fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { nil: undefined }),
      truncate: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, fc.nat()),
    })
    .map(({ inputs: ins, outputs: outs, binaryOut, id, truncate }) => {
      const req: Record<string, unknown> = { inputs: ins };
      if (outs !== undefined) req.outputs = outs;
      if (binaryOut !== undefined) req.parameters = { binary_data_output: binaryOut };
      if (id !== undefined) req.id = id;
      let body = text(req);
      if (truncate !== undefined) body = body.slice(0, truncate % (body.length + 1));
      return v2Case(truncate !== undefined ? 'json, truncated' : 'json', Buffer.from(body, 'utf8'));
    });
}

/** Binary tensor extension requests: sizes that fit, lie, overflow or run past the body. */
export function binaryCases(inputs: TensorInfo[], elementSize: (datatype: string) => number): fc.Arbitrary<V2Case> {
  const size = fc.oneof({ weight: 12, arbitrary: fc.constant('exact' as const) }, fc.integer({ min: 0, max: 64 }), fc.constantFrom(-1, 1.5, '8', 2 ** 32, 2 ** 53, 1e300));
  return fc
    .record({
      sizes: fc.tuple(...inputs.map(() => size)),
      shapes: fc.tuple(...inputs.map((t) => fc.oneof({ weight: 20, arbitrary: fc.constant(t.shape.map((d) => (d < 0 ? 1 : d))) }, fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(...HUGE)), { maxLength: 3 })))),
      headerLength: fc.oneof({ weight: 20, arbitrary: fc.constant('exact' as const) }, fc.integer({ min: -2, max: 4096 }).map(String), fc.constantFrom('', '1e3', '0x10', '99999999999999999999999', ' 12', '12abc')),
      cut: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, fc.nat()),
      extra: fc.nat({ max: 16 }),
      fill: fc.integer({ min: 0, max: 255 }),
    })
    .map(({ sizes, shapes, headerLength, cut, extra, fill }) => {
      const tensors: Buffer[] = [];
      const header = {
        inputs: inputs.map((t, i) => {
          const count = (shapes[i] as number[]).reduce((a, b) => a * b, 1);
          const exact = t.datatype === 'BYTES' ? 4 * Math.min(count, 64) : elementSize(t.datatype) * Math.min(count, 1 << 16);
          const declared = sizes[i] === 'exact' ? exact : sizes[i];
          // BYTES: zero fill is a run of empty strings (4-byte zero length prefixes), so the exact size decodes.
          tensors.push(Buffer.alloc(typeof declared === 'number' && declared >= 0 && declared <= 1 << 20 ? declared : 8, t.datatype === 'BYTES' ? 0 : fill));
          return { name: t.name, datatype: t.datatype, shape: shapes[i], parameters: { binary_data_size: declared } };
        }),
        parameters: { binary_data_output: true },
      };
      const json = Buffer.from(JSON.stringify(header), 'utf8');
      let body = Buffer.concat([json, ...tensors, Buffer.alloc(extra % 4 === 0 ? extra : 0, fill)]);
      if (cut !== undefined) body = body.subarray(0, cut % (body.length + 1));
      return v2Case(cut !== undefined ? 'binary, truncated' : 'binary', body, { 'inference-header-content-length': headerLength === 'exact' ? String(json.length) : headerLength });
    });
}
