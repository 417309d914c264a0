import { describe, expect, it } from 'vitest';
import { loadRuntimeConfig, RuntimeConfigError } from './runtime.config.js';

describe('loadRuntimeConfig', () => {
  it('has defaults, takes env, and lets flags win over env', () => {
    const config = loadRuntimeConfig(['--model', 'm.onnx', '--max-batch-size=16'], { BEAMLINE_RUNTIME_MAX_BATCH_SIZE: '8', BEAMLINE_RUNTIME_BATCHING: 'off', PATH: '/bin' });
    expect(config).toMatchObject({ model: 'm.onnx', maxBatchSize: 16, batching: false, port: 8080, host: '0.0.0.0', executionProviders: ['cpu'], maxQueueDelayMicros: 0, returnWaitFraction: 0, graceSeconds: 30 });
  });

  it('reads the whole configuration from env alone (containers)', () => {
    const config = loadRuntimeConfig([], { BEAMLINE_RUNTIME_MODEL: 'http://r/v1/projects/p/models/m/versions/1', BEAMLINE_RUNTIME_TOKEN: 't', BEAMLINE_RUNTIME_EXECUTION_PROVIDERS: 'webgpu, cpu' });
    expect(config).toMatchObject({ token: 't', executionProviders: ['webgpu', 'cpu'] });
  });

  it.each([
    [['--model', 'm', '--max-batch-size', '0'], {}, /--max-batch-size \(BEAMLINE_RUNTIME_MAX_BATCH_SIZE\): .*(>=|at least|too small).*\(got "0"\)/],
    [['--model', 'm', '--batching', 'maybe'], {}, /--batching \(BEAMLINE_RUNTIME_BATCHING\)/],
    [['--model', 'm', '--return-wait-fraction', '2'], {}, /--return-wait-fraction \(BEAMLINE_RUNTIME_RETURN_WAIT_FRACTION\)/],
    [['--model', 'm', '--execution-providers', 'tpu'], {}, /--execution-providers \(BEAMLINE_RUNTIME_EXECUTION_PROVIDERS\)/],
    [['--model', 'm', '--colour', 'red'], {}, /--colour: unknown option\n[^\n]*\(see/],
    [['--model'], {}, /--model: needs a value/],
    [[], {}, /--model \(BEAMLINE_RUNTIME_MODEL\)/],
    [['--model', 'm'], { BEAMLINE_RUNTIME_BATCH: 'on' }, /BEAMLINE_RUNTIME_BATCH: unknown variable/],
  ])('refuses %j %j naming the flag and variable', (argv, env, message) => {
    expect(() => loadRuntimeConfig(argv, env)).toThrow(RuntimeConfigError);
    expect(() => loadRuntimeConfig(argv, env)).toThrow(message);
  });
});
