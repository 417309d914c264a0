import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../common/metrics/metrics.service.js';

export type RegistryOperation =
  | 'create_model'
  | 'update_model'
  | 'create_version'
  | 'upload_artifact'
  | 'update_version'
  | 'delete_version'
  | 'set_alias'
  | 'delete_alias'
  | 'download_artifact';

/**
 * beamline_model_registry_operations_total{operation,outcome}, beamline_model_versions_registered_total,
 * beamline_artifact_bytes_stored_total{store} (bytes newly written; a duplicate upload adds nothing),
 * beamline_artifact_upload_duration_seconds{outcome}.
 */
@Injectable()
export class ModelsMetrics {
  private readonly operations: Counter<'operation' | 'outcome'>;
  private readonly versions: Counter;
  private readonly bytesStored: Counter<'store'>;
  private readonly uploadDuration: Histogram<'outcome'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.operations = new Counter({
      name: 'beamline_model_registry_operations_total',
      help: 'Model registry operations by outcome (ok, or the error code)',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.versions = new Counter({ name: 'beamline_model_versions_registered_total', help: 'Model versions that became Ready', registers });
    this.bytesStored = new Counter({
      name: 'beamline_artifact_bytes_stored_total',
      help: 'Artifact bytes newly written to the artifact store (content already stored is not counted)',
      labelNames: ['store'],
      registers,
    });
    this.uploadDuration = new Histogram({
      name: 'beamline_artifact_upload_duration_seconds',
      help: 'Artifact uploads from first byte to stored, including hashing and ONNX inspection',
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
  }

  /** Runs `work` and counts it under its outcome: `ok` or the AppError code. */
  async track<T>(operation: RegistryOperation, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.operations.inc({ operation, outcome: 'ok' });
      return result;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.operations.inc({ operation, outcome: typeof code === 'string' ? code : 'error' });
      throw error;
    }
  }

  versionRegistered(): void {
    this.versions.inc();
  }

  stored(store: string, bytes: number): void {
    this.bytesStored.inc({ store }, bytes);
  }

  uploadTimer(): (outcome: string) => void {
    const end = this.uploadDuration.startTimer();
    return (outcome) => end({ outcome });
  }
}
