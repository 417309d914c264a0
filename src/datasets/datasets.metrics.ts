import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../common/metrics/metrics.service.js';

/**
 * beamline_dataset_versions_registered_total{kind} (archive, pvc, s3) and
 * beamline_dataset_archives_refused_total{reason} (invalid: traversal, links, not a tar;
 * too_large: over BEAMLINE_DATASET_MAX_BYTES), so a flood of bad uploads shows up, and
 * beamline_dataset_copies_removed_total: unpacked copies collected after their last version went.
 */
@Injectable()
export class DatasetsMetrics {
  private readonly versions: Counter<'kind'>;
  private readonly refused: Counter<'reason'>;
  private readonly removed: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.versions = new Counter({ name: 'beamline_dataset_versions_registered_total', help: 'Dataset versions registered, by kind', labelNames: ['kind'], registers });
    this.refused = new Counter({ name: 'beamline_dataset_archives_refused_total', help: 'Dataset archive uploads refused, by reason', labelNames: ['reason'], registers });
    this.removed = new Counter({ name: 'beamline_dataset_copies_removed_total', help: 'Unpacked dataset copies removed when no version referenced them any more', registers });
  }

  copyRemoved(): void {
    this.removed.inc();
  }

  registered(kind: string): void {
    this.versions.inc({ kind });
  }

  archiveRefused(reason: 'invalid' | 'too_large'): void {
    this.refused.inc({ reason });
  }
}
