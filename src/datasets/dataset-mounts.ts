import { existsSync } from 'node:fs';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CLUSTER_DRIVER, type ClusterDriver } from '../cluster/cluster-driver.js';
import { localDatasetDir } from '../cluster/local/local-volumes.js';
import type { ProjectRef } from '../common/auth/principal.js';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import type { FieldProblem } from '../common/errors/app-error.js';
import type { VolumeSpec } from '../training/training-volumes.js';
import { DatasetsRepository, isForeignKeyViolation } from './datasets.repository.js';

/**
 * Datasets as training sees them (the module's export): resolving a job's `dataset`
 * volumes at submit, recording which attempt mounted which version, and that lineage
 * for a job's page.
 */
@Injectable()
export class DatasetMounts {
  private readonly logger = new Logger(DatasetMounts.name);

  constructor(
    private readonly repo: DatasetsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(CLUSTER_DRIVER) private readonly driver?: ClusterDriver,
  ) {}

  /**
   * Each `dataset: {name, version}` volume becomes what the driver mounts (a claim path or an
   * uploaded archive), so the drivers need no database and the job's record says exactly what
   * it read. Problems name `volumes.<i>.dataset`; nothing is written here.
   */
  async resolve(project: ProjectRef, volumes: VolumeSpec[]): Promise<{ volumes: VolumeSpec[]; problems: FieldProblem[] }> {
    const problems: FieldProblem[] = [];
    const resolved: VolumeSpec[] = [];
    for (const [i, v] of volumes.entries()) {
      if (!v.dataset) {
        resolved.push(v);
        continue;
      }
      const field = `volumes.${i}.dataset`;
      const { name, version } = v.dataset;
      const dataset = await this.repo.findDataset(project.id, name);
      const row = dataset ? await this.repo.findVersion(dataset.id, version) : null;
      if (!dataset || !row) {
        problems.push({ field, message: dataset ? `dataset '${name}' has no version ${version}` : `no dataset '${name}' in project '${project.name}'` });
      } else if (row.archiveSha256) {
        // An upload, or the snapshot of an s3:// prefix taken when the version was registered.
        if (this.driver?.kind === 'local' && !existsSync(localDatasetDir(this.config.BEAMLINE_HOME, row.archiveSha256))) {
          problems.push({ field, message: `the unpacked copy of ${name} v${version} is not on this machine (uploaded to an API on another one)` });
        }
        resolved.push({ ...v, readOnly: true, dataset: { name, version, versionId: row.id, archiveSha256: row.archiveSha256, fetchImage: this.config.BEAMLINE_DATASET_FETCH_IMAGE } });
      } else if (row.kind === 'pvc') {
        const [claim, ...rest] = row.uri.slice('pvc://'.length).split('/');
        resolved.push({ ...v, readOnly: true, dataset: { name, version, versionId: row.id, claim, path: rest.filter(Boolean).join('/') } });
      } else {
        problems.push({ field, message: `${name} v${version} is ${row.uri}, recorded before Beamline fetched S3 prefixes: register it again to get a snapshot that mounts` });
      }
    }
    return { volumes: resolved, problems };
  }

  /** Lineage for one attempt the driver is asked to create. A version deleted meanwhile is logged, not fatal. */
  async recordReads(trainingJobId: string, attempt: number, volumes: VolumeSpec[] | undefined): Promise<void> {
    const reads = (volumes ?? []).filter((v) => v.dataset?.versionId).map((v) => ({ versionId: v.dataset!.versionId, volume: v.name }));
    try {
      await this.repo.recordReads(trainingJobId, attempt, reads);
    } catch (error) {
      if (!isForeignKeyViolation(error)) throw error;
      this.logger.warn({ trainingJobId, attempt }, 'a dataset version the job names was deleted; its read is not recorded');
    }
  }

  /** The dataset versions a job's attempts mounted, one entry per version and volume. */
  async readBy(trainingJobId: string): Promise<Array<{ dataset: string; version: number; digest: string | null; uri: string; volume: string; attempts: number[] }>> {
    const out = new Map<string, { dataset: string; version: number; digest: string | null; uri: string; volume: string; attempts: number[] }>();
    for (const r of await this.repo.readsOf(trainingJobId)) {
      const key = `${r.datasetVersion.dataset.name}/${r.datasetVersion.version}/${r.volume}`;
      const entry = out.get(key) ?? { dataset: r.datasetVersion.dataset.name, version: r.datasetVersion.version, digest: r.datasetVersion.digest, uri: r.datasetVersion.uri, volume: r.volume, attempts: [] };
      entry.attempts.push(r.attempt);
      out.set(key, entry);
    }
    return [...out.values()];
  }
}
