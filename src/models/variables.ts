import { z } from 'zod';
import type { FieldProblem } from '../common/errors/app-error.js';
import { NUMERIC_ELEMENT_TYPES, type ModelSignature, type TensorSpec } from './signature.js';

/**
 * LUME-style variable metadata: what each input and output means physically. The shape
 * is checked by zod (400); whether it fits the model's signature is checked by
 * `checkVariables` once the signature is known (422).
 */
const numeric = z.number().refine(Number.isFinite, 'must be a finite number');

export const variableSchema = z
  .strictObject({
    description: z.string().max(2000).optional(),
    unit: z.string().max(64).optional(),
    default: z.union([numeric, z.array(numeric).min(1).max(65_536)]).optional(),
    range: z.tuple([numeric, numeric]).optional(),
    constant: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.range && v.range[0] > v.range[1]) {
      ctx.addIssue({ code: 'custom', message: 'range must be [min, max] with min <= max', path: ['range'] });
    }
    if (v.constant && v.default === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a constant variable needs its value in default', path: ['default'] });
    }
  });
export type VariableSpec = z.output<typeof variableSchema>;

const variableName = z.string().min(1).max(256);

export const variablesSchema = z.strictObject({
  inputs: z.record(variableName, variableSchema).default({}),
  outputs: z.record(variableName, variableSchema).default({}),
});
export type Variables = z.output<typeof variablesSchema>;

/**
 * Checks variable metadata against a signature. Pure; returns every problem, each
 * naming its field (`variables.inputs.x.default`), so a 422 tells the whole story.
 */
export function checkVariables(variables: Variables, signature: ModelSignature): FieldProblem[] {
  return [
    ...checkSide('inputs', variables.inputs, signature.inputs),
    ...checkSide('outputs', variables.outputs, signature.outputs),
  ];
}

function checkSide(side: 'inputs' | 'outputs', specs: Record<string, VariableSpec>, tensors: TensorSpec[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const byName = new Map(tensors.map((t) => [t.name, t]));
  for (const [name, spec] of Object.entries(specs)) {
    const field = `variables.${side}.${name}`;
    const tensor = byName.get(name);
    if (!tensor) {
      const known = tensors.map((t) => t.name).join(', ') || 'none';
      problems.push({ field, message: `the model has no ${side.slice(0, -1)} '${name}' (its ${side}: ${known})` });
      continue;
    }
    const numericTensor = tensor.elementType !== null && NUMERIC_ELEMENT_TYPES.has(tensor.elementType);
    if (!numericTensor && (spec.default !== undefined || spec.range !== undefined)) {
      problems.push({ field, message: `default and range need a numeric tensor; '${name}' is ${tensor.elementType ?? 'not a tensor'}` });
      continue;
    }
    if (spec.default === undefined) continue;
    const values = Array.isArray(spec.default) ? spec.default : [spec.default];
    if (spec.range) {
      const [min, max] = spec.range;
      const outside = values.findIndex((v) => v < min || v > max);
      if (outside >= 0) {
        problems.push({ field: `${field}.default`, message: `${values[outside]} is outside the range [${min}, ${max}]` });
      }
    }
    if (tensor.elementType?.includes('int') && values.some((v) => !Number.isInteger(v))) {
      problems.push({ field: `${field}.default`, message: `'${name}' is ${tensor.elementType}; the default must be whole numbers` });
    }
    const elements = fixedElementCount(tensor.shape);
    if (Array.isArray(spec.default) && elements !== undefined && spec.default.length !== elements) {
      problems.push({ field: `${field}.default`, message: `has ${spec.default.length} values; '${name}' holds ${elements}` });
    }
  }
  return problems;
}

/** Element count of a fully fixed shape; undefined when any dimension is symbolic. */
function fixedElementCount(shape: Array<number | string> | null): number | undefined {
  if (!shape || shape.some((d) => typeof d !== 'number' || d < 0)) return undefined;
  return (shape as number[]).reduce((a, b) => a * b, 1);
}
