import { describe, expect, it } from 'vitest';
import { AppError } from '../common/errors/app-error.js';
import { parseOrThrow } from '../common/validation/zod.js';
import type { ModelSignature } from './signature.js';
import { checkVariables, variablesSchema } from './variables.js';

const signature: ModelSignature = {
  inputs: [
    { name: 'x', elementType: 'float32', shape: ['batch', 3] },
    { name: 'gain', elementType: 'float32', shape: [2] },
    { name: 'steps', elementType: 'int64', shape: [1] },
    { name: 'label', elementType: 'string', shape: [1] },
    { name: 'seq', elementType: null, shape: null },
  ],
  outputs: [{ name: 'y', elementType: 'float32', shape: ['batch', 1] }],
};

const fields = (variables: unknown) => checkVariables(parseOrThrow(variablesSchema, variables), signature).map((p) => p.field);

describe('checkVariables', () => {
  it('accepts metadata that fits the signature', () => {
    expect(
      fields({
        inputs: {
          x: { default: [0, 0.5, 1], range: [0, 1], unit: 'A', description: 'quad currents' },
          gain: { default: [1, 2], constant: true },
          steps: { default: 3, range: [1, 10] },
          label: { description: 'free text' },
        },
        outputs: { y: { unit: 'mm', range: [-5, 5] } },
      }),
    ).toEqual([]);
  });

  it.each([
    [{ inputs: { z: {} } }, 'variables.inputs.z'],
    [{ outputs: { x: {} } }, 'variables.outputs.x'],
    [{ inputs: { x: { default: 2, range: [0, 1] } } }, 'variables.inputs.x.default'],
    [{ inputs: { x: { default: [0, -1, 0], range: [0, 1] } } }, 'variables.inputs.x.default'],
    [{ inputs: { gain: { default: [1, 2, 3] } } }, 'variables.inputs.gain.default'],
    [{ inputs: { steps: { default: 1.5 } } }, 'variables.inputs.steps.default'],
    [{ inputs: { label: { range: [0, 1] } } }, 'variables.inputs.label'],
    [{ inputs: { seq: { default: 1 } } }, 'variables.inputs.seq'],
  ])('names the problem (%#)', (variables, field) => {
    expect(fields(variables)).toEqual([field]);
  });

  it('reports every problem at once', () => {
    expect(fields({ inputs: { a: {}, b: {} }, outputs: { c: {} } })).toEqual(['variables.inputs.a', 'variables.inputs.b', 'variables.outputs.c']);
  });
});

describe('variablesSchema', () => {
  const problems = (value: unknown) => {
    try {
      parseOrThrow(variablesSchema, value, 'variables');
      return [];
    } catch (error) {
      return (error as AppError).errors.map((e) => e.field);
    }
  };

  it.each([
    [{ inputs: { x: { range: [1, 0] } } }, 'variables.inputs.x.range'],
    [{ inputs: { x: { constant: true } } }, 'variables.inputs.x.default'],
    [{ inputs: { x: { default: 'high' } } }, 'variables.inputs.x.default'],
    [{ inputs: { x: { units: 'mm' } } }, 'variables.inputs.x.units'],
    [{ params: {} }, 'variables.params'],
  ])('refuses malformed metadata (%#)', (value, field) => {
    expect(problems(value)).toContain(field);
  });
});
