import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../../common/metrics/metrics.service.js';

/** What the log archive costs and whether it keeps up (issue 15): chunks and bytes written, failures, logs tailed now. */
@Injectable()
export class LogArchiveMetrics {
  private readonly chunks: Counter;
  private readonly bytes: Counter;
  private readonly failures: Counter;
  readonly tailing: Gauge;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.chunks = new Counter({ name: 'beamline_job_log_chunks_total', help: 'Training log chunks archived to the artifact store', registers });
    this.bytes = new Counter({ name: 'beamline_job_log_archived_bytes_total', help: 'Bytes of training logs archived to the artifact store', registers });
    this.failures = new Counter({ name: 'beamline_job_log_archive_failures_total', help: 'Worker log archiving attempts that failed (retried with backoff)', registers });
    this.tailing = new Gauge({ name: 'beamline_job_logs_tailed', help: 'Worker logs the leading controller is archiving now', registers });
  }

  chunk(size: number): void {
    this.chunks.inc();
    this.bytes.inc(size);
  }

  failed(): void {
    this.failures.inc();
  }
}
