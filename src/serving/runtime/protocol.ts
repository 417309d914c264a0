import { z } from 'zod';
import { CodecError, flatten, fromBinary, fromJson, isV2Datatype, toBinary, toJsonText, type TensorData, type V2Datatype } from './datatypes.js';

/**
 * The V2 inference request and response bodies, JSON and binary tensor extension
 * (`Inference-Header-Content-Length`: the first N bytes are the JSON header, then each
 * input carrying `parameters.binary_data_size` takes its bytes, in input order). Pure.
 */
export class ProtocolError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface InferInput {
  name: string;
  datatype: V2Datatype;
  shape: number[];
  data: TensorData;
}

export interface RequestedOutput {
  name: string;
  binary: boolean;
}

export interface InferRequest {
  id?: string;
  inputs: InferInput[];
  /** Absent: every output of the model. */
  outputs?: RequestedOutput[];
  /** `parameters.binary_data_output`: the default for outputs not listed. */
  binaryOutputs: boolean;
}

const parameters = z.record(z.string(), z.unknown());
// `data` stays unknown here: the codecs check elements far faster than a schema would.
const inputSchema = z.strictObject({
  name: z.string().min(1),
  shape: z.array(z.number().int().min(0)),
  datatype: z.string(),
  parameters: parameters.optional(),
  data: z.unknown().optional(),
});
const outputSchema = z.strictObject({ name: z.string().min(1), parameters: parameters.optional() });
const requestSchema = z.strictObject({
  id: z.string().optional(),
  parameters: parameters.optional(),
  inputs: z.array(inputSchema).min(1),
  outputs: z.array(outputSchema).optional(),
});

/** Parses and decodes an infer body; every failure is a ProtocolError(400) naming the field. */
export function parseInferRequest(body: Buffer, headerLengthHeader?: string): InferRequest {
  let headerLength = body.length;
  if (headerLengthHeader !== undefined) {
    headerLength = Number(headerLengthHeader);
    if (!/^\d+$/.test(headerLengthHeader) || headerLength > body.length) {
      throw new ProtocolError(400, `Inference-Header-Content-Length must be a byte count within the body's ${body.length} bytes; got '${headerLengthHeader}'`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8', 0, headerLength));
  } catch (error) {
    throw new ProtocolError(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProtocolError(400, `${fieldPath(issue.path) || 'body'}: ${issue.message}`);
  }
  const req = parsed.data;
  let offset = headerLength;
  const names = new Set<string>();
  const inputs = req.inputs.map((input, i): InferInput => {
    const field = `inputs[${i}] '${input.name}'`;
    if (names.has(input.name)) throw new ProtocolError(400, `${field}: the input is given twice`);
    names.add(input.name);
    if (!isV2Datatype(input.datatype)) throw new ProtocolError(400, `${field}: unknown datatype '${input.datatype}'`);
    const count = input.shape.reduce((a, b) => a * b, 1);
    const binarySize = input.parameters?.binary_data_size;
    try {
      if (binarySize !== undefined) {
        if (typeof binarySize !== 'number' || !Number.isInteger(binarySize) || binarySize < 0) {
          throw new CodecError(`parameters.binary_data_size must be a byte count; got ${JSON.stringify(binarySize)}`);
        }
        if (input.data !== undefined) throw new CodecError('give either data or parameters.binary_data_size, not both');
        if (offset + binarySize > body.length) throw new CodecError(`binary_data_size ${binarySize} runs past the end of the body`);
        const bytes = body.subarray(offset, offset + binarySize);
        offset += binarySize;
        return { name: input.name, datatype: input.datatype, shape: input.shape, data: fromBinary(input.datatype, bytes, count) };
      }
      if (!Array.isArray(input.data)) throw new CodecError('data must be an array (flat or nested)');
      const flat = flatten(input.data);
      if (flat.length !== count) {
        throw new CodecError(`data has ${flat.length} elements; shape [${input.shape.join(', ')}] needs ${count}`);
      }
      return { name: input.name, datatype: input.datatype, shape: input.shape, data: fromJson(input.datatype, flat) };
    } catch (error) {
      if (error instanceof CodecError) throw new ProtocolError(400, `${field}: ${error.message}`);
      throw error;
    }
  });
  if (offset !== body.length) throw new ProtocolError(400, `${body.length - offset} bytes of binary data belong to no input`);
  const binaryOutputs = req.parameters?.binary_data_output === true;
  const outputs = req.outputs?.map((o) => ({ name: o.name, binary: (o.parameters?.binary_data as boolean | undefined) ?? binaryOutputs }));
  return { id: req.id, inputs, outputs, binaryOutputs };
}

function fieldPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

export interface OutputTensor {
  name: string;
  datatype: V2Datatype;
  shape: readonly number[];
  data: TensorData;
  binary: boolean;
}

export interface EncodedResponse {
  body: Buffer;
  /** Set when some output travels as binary: the JSON header's length. */
  headerLength?: number;
}

/** Builds the response text by hand: JSON.stringify of large number arrays is the hot path's cost. */
export function encodeInferResponse(
  meta: { modelName: string; modelVersion: string; id?: string; parameters?: Record<string, unknown> },
  outputs: OutputTensor[],
): EncodedResponse {
  const binaries: Buffer[] = [];
  const parts = outputs.map((o) => {
    const head = `{"name":${JSON.stringify(o.name)},"datatype":"${o.datatype}","shape":[${o.shape.join(',')}]`;
    if (!o.binary) return `${head},"data":${toJsonText(o.datatype, o.data)}}`;
    const bytes = toBinary(o.datatype, o.data);
    binaries.push(bytes);
    return `${head},"parameters":{"binary_data_size":${bytes.length}}}`;
  });
  let json = `{"model_name":${JSON.stringify(meta.modelName)},"model_version":${JSON.stringify(meta.modelVersion)}`;
  if (meta.id !== undefined) json += `,"id":${JSON.stringify(meta.id)}`;
  if (meta.parameters) json += `,"parameters":${JSON.stringify(meta.parameters)}`;
  json += `,"outputs":[${parts.join(',')}]}`;
  const header = Buffer.from(json, 'utf8');
  if (binaries.length === 0) return { body: header };
  return { body: Buffer.concat([header, ...binaries]), headerLength: header.length };
}
