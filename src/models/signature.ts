/**
 * An ONNX model's interface as the runtime reports it. Dimensions are numbers when
 * fixed and strings when symbolic (`batch`); a non-tensor value (sequence, map) has no
 * element type or shape.
 */
export interface TensorSpec {
  name: string;
  elementType: string | null;
  shape: Array<number | string> | null;
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** Element types on which a numeric default and range make sense. */
export const NUMERIC_ELEMENT_TYPES: ReadonlySet<string> = new Set([
  'float32',
  'float64',
  'float16',
  'bfloat16',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
]);
