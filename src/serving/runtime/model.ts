import ort from 'onnxruntime-node';
import type { Variables } from '../../models/variables.js';
import { allocate, fromOrtType, ortType } from './datatypes.js';
import type { Tensor } from './batch-plan.js';
import type { InferInput } from './protocol.js';
import { isBatchable, type ModelSpec, type RangePolicy, type TensorMeta } from './validation.js';

export type ExecutionProvider = 'cpu' | 'webgpu' | 'cuda';

export interface LoadOptions {
  path: string;
  name: string;
  version: string;
  executionProviders: ExecutionProvider[];
  /** False: a provider that cannot start fails the load instead of falling back to CPU. */
  providerFallback?: boolean;
  intraOpThreads: number;
  /** Whether idle intra-op threads spin-wait for work (onnxruntime's default: yes). */
  intraOpSpinning: boolean;
  variables?: Variables;
  rangePolicy: RangePolicy;
  warn: (message: string) => void;
}

/** One loaded ONNX model: its session, its V2 description and a run over decoded tensors. */
export class LoadedModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly spec: ModelSpec,
    readonly providers: ExecutionProvider[],
  ) {}

  /**
   * Creates the session with the asked providers; when that fails (no GPU, no Vulkan,
   * provider not shipped) it warns and falls back to CPU rather than not serving at all,
   * unless `providerFallback` is false: then the load fails with onnxruntime's reason.
   */
  static async load(options: LoadOptions): Promise<LoadedModel> {
    // Severity 4 (fatal only): a failed run is reported in the response and our own log,
    // not also as onnxruntime's coloured stderr line.
    const base: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', logSeverityLevel: 4 };
    if (options.intraOpThreads > 0) base.intraOpNumThreads = options.intraOpThreads;
    // Spinning threads burn the cores the event loop needs to parse the next requests;
    // measured on a shared 2-core machine, they cost batched runs more than they saved.
    if (!options.intraOpSpinning) base.extra = { session: { intra_op: { allow_spinning: '0' } } };
    let providers = options.executionProviders;
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(options.path, { ...base, executionProviders: providers });
    } catch (error) {
      if (providers.length === 1 && providers[0] === 'cpu') throw error;
      if (options.providerFallback === false) {
        throw new Error(`execution provider ${providers.join(', ')} could not start: ${providerReason(error)}`, { cause: error });
      }
      options.warn(`execution providers [${providers.join(', ')}] failed (${(error as Error).message.trim()}); falling back to cpu`);
      providers = ['cpu'];
      session = await ort.InferenceSession.create(options.path, { ...base, executionProviders: providers });
    }
    const inputs = session.inputMetadata.map((m) => toMeta(m, 'input'));
    const outputs = session.outputMetadata.map((m) => toMeta(m, 'output'));
    const spec: ModelSpec = {
      name: options.name,
      version: options.version,
      inputs,
      outputs,
      variables: options.variables,
      rangePolicy: options.rangePolicy,
      batchable: isBatchable(inputs, outputs),
    };
    return new LoadedModel(session, spec, providers);
  }

  /** One session.run over decoded inputs; every output is fetched (splitting needs them all). */
  async run(feeds: readonly InferInput[]): Promise<Map<string, Tensor>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const f of feeds) {
      ortFeeds[f.name] = new ort.Tensor(ortType(f.datatype) as 'float32', f.data as Float32Array, f.shape);
    }
    const results = await this.session.run(ortFeeds);
    const out = new Map<string, Tensor>();
    for (const meta of this.spec.outputs) {
      const t = results[meta.name];
      out.set(meta.name, { datatype: meta.datatype, shape: t.dims, data: t.data as Float32Array });
    }
    return out;
  }

  /** Runs zero-filled inputs so the first real request does not pay for allocation. */
  async warmUp(rows: number[]): Promise<void> {
    for (const r of this.spec.batchable ? rows : [1]) {
      await this.run(
        this.spec.inputs.map((meta) => {
          const shape = meta.shape.map((d, i) => (typeof d === 'number' && d >= 0 ? d : i === 0 ? r : 1));
          return { name: meta.name, datatype: meta.datatype, shape, data: allocate(meta.datatype, shape.reduce((a, b) => a * b, 1)) };
        }),
      );
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function toMeta(meta: ort.InferenceSession.ValueMetadata, side: string): TensorMeta {
  if (!meta.isTensor) throw new Error(`${side} '${meta.name}' is not a tensor; the runtime serves tensor models only`);
  const datatype = fromOrtType(meta.type);
  if (!datatype) throw new Error(`${side} '${meta.name}' has element type ${meta.type}, which the V2 protocol cannot carry`);
  return { name: meta.name, datatype, shape: [...meta.shape] };
}

/**
 * onnxruntime's reason in one line: its messages carry C++ source locations and template
 * signatures before the part a person needs (the missing library, the CUDA error).
 */
export function providerReason(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  const cuda = /CUDA failure \d+: [^;]+/.exec(message);
  if (cuda) return cuda[0].trim();
  const library = /Failed to load library \S+ with error: (.+?)(?:$| \[)/.exec(message) ?? /(Failed to get a WebGPU adapter[^.]*)/.exec(message);
  if (library) return library[1].trim();
  // The library's own dlopen error is only in onnxruntime's log line (stderr, just before).
  if (/AppendExecutionProvider_\w+: Failed to load shared library/.test(message)) {
    return `${message}: its provider library (libonnxruntime_providers_*.so beside libonnxruntime.so.1) or a library that one needs is missing; onnxruntime's log line before this names it`;
  }
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}
