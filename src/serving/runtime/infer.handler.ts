import type { Batcher } from './batcher.js';
import type { ModelMetrics } from './metrics.js';
import { encodeInferResponse, parseInferRequest, ProtocolError, type EncodedResponse, type OutputTensor } from './protocol.js';
import { validateRequest, type ModelSpec } from './validation.js';

export interface InferDeps {
  spec: ModelSpec;
  batcher: Batcher;
  metrics: ModelMetrics;
  warn: (message: string) => void;
}

export interface InferResult {
  status: number;
  response?: EncodedResponse;
  error?: string;
}

/**
 * One infer request from body bytes to response bytes:
 *   1. decode (JSON or binary extension) and validate against the model: 400s;
 *   2. submit to the batcher (queue, then a shared or lone session.run);
 *   3. keep the asked outputs and encode them, JSON or binary as asked.
 * A runtime failure in step 2 is the only 500.
 */
export async function handleInfer(deps: InferDeps, body: Buffer, headerLength: string | undefined): Promise<InferResult> {
  const { spec, metrics } = deps;
  const started = performance.now();
  let valid;
  let request;
  try {
    request = parseInferRequest(body, headerLength);
    valid = validateRequest(spec, request);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    metrics.badRequest.inc();
    return { status: error.status, error: error.message };
  }
  for (const w of valid.warnings) {
    deps.warn(w.message);
    metrics.rangeWarning(w.input);
  }
  let executed;
  try {
    executed = await deps.batcher.submit(valid);
  } catch (error) {
    metrics.error.inc();
    return { status: 500, error: `inference failed: ${(error as Error).message ?? String(error)}` };
  }
  const wanted = request.outputs ?? spec.outputs.map((o) => ({ name: o.name, binary: request.binaryOutputs }));
  const outputs: OutputTensor[] = wanted.map((w) => {
    const t = executed.outputs.get(w.name)!;
    return { name: w.name, datatype: t.datatype, shape: t.shape, data: t.data, binary: w.binary };
  });
  const response = encodeInferResponse(
    { modelName: spec.name, modelVersion: spec.version, id: request.id, parameters: valid.warnings.length ? { warnings: valid.warnings.map((w) => w.message) } : undefined },
    outputs,
  );
  metrics.success.inc();
  metrics.queue.observe(executed.timings.queueSeconds);
  metrics.compute.observe(executed.timings.computeSeconds);
  metrics.total.observe((performance.now() - started) / 1000);
  return { status: 200, response };
}
