import { Injectable } from '@nestjs/common';
import { InferenceSession } from 'onnxruntime-node';
import type { ModelSignature, TensorSpec } from './signature.js';

export type Inspection = { ok: true; signature: ModelSignature } | { ok: false; reason: string };

/**
 * Opens a model file with onnxruntime-node (CPU provider) and reads its inputs and
 * outputs. The session exists only for the inspection; nothing is run. The runtime's own
 * message is returned as the reason, minus the staging path it mentions.
 */
@Injectable()
export class OnnxInspector {
  async inspect(path: string): Promise<Inspection> {
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(path, { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled' });
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      return { ok: false, reason: message.split(path).join('<upload>').trim() };
    }
    try {
      return {
        ok: true,
        signature: { inputs: session.inputMetadata.map(toSpec), outputs: session.outputMetadata.map(toSpec) },
      };
    } finally {
      await session.release();
    }
  }
}

function toSpec(meta: InferenceSession.ValueMetadata): TensorSpec {
  if (!meta.isTensor) return { name: meta.name, elementType: null, shape: null };
  return { name: meta.name, elementType: meta.type, shape: [...meta.shape] };
}
