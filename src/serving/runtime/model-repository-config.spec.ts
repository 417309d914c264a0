import { describe, expect, it } from 'vitest';
import { loadRuntimeConfig, RuntimeConfigError } from './runtime.config.js';

const list = (...names: string[]) => JSON.stringify(names.map((name) => ({ name, version: '1', model: `${name}.onnx` })));

describe('multi-model runtime settings', () => {
  it('takes a JSON list and a memory budget, from flags or env', () => {
    expect(loadRuntimeConfig(['--models', list('a', 'b'), '--memory-budget', '1Gi'], {})).toMatchObject({
      models: [{ name: 'a', version: '1', model: 'a.onnx' }, { name: 'b' }],
      memoryBudget: 2 ** 30,
    });
    expect(loadRuntimeConfig([], { BEAMLINE_RUNTIME_MODELS: list('a'), BEAMLINE_RUNTIME_MEMORY_BUDGET: '512Mi' })).toMatchObject({ memoryBudget: 512 * 2 ** 20 });
  });

  it.each([
    [['--models', list('a', 'a'), '--memory-budget', '1Gi'], /--models \(BEAMLINE_RUNTIME_MODELS\): model 'a' is listed twice/],
    [['--models', '[]', '--memory-budget', '1Gi'], /--models .*at least one model/],
    [['--models', '{not json', '--memory-budget', '1Gi'], /--models .*not a JSON list/],
    [['--models', '[{"name":"a","version":"1","model":"a.onnx","weights":2}]', '--memory-budget', '1Gi'], /--models .*weights/],
    [['--models', list('a')], /--memory-budget \(BEAMLINE_RUNTIME_MEMORY_BUDGET\): a multi-model replica needs one/],
    [['--models', list('a'), '--memory-budget', 'lots'], /--memory-budget .*memory quantity/],
    [['--models', list('a'), '--model', 'm.onnx', '--memory-budget', '1Gi'], /--model and --models: give one of them/],
    [['--model', 'm.onnx', '--memory-budget', '1Gi'], /--memory-budget: only with --models/],
  ])('refuses %j naming the flag', (argv, message) => {
    expect(() => loadRuntimeConfig(argv, {})).toThrow(RuntimeConfigError);
    expect(() => loadRuntimeConfig(argv, {})).toThrow(message);
  });
});
