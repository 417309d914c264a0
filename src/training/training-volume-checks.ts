import { Inject, Injectable, Optional } from '@nestjs/common';
import { CLUSTER_DRIVER, type ClusterDriver } from '../cluster/cluster-driver.js';
import { AppError } from '../common/errors/app-error.js';
import type { VolumeSpec } from './training-volumes.js';

/**
 * The checks of a job's volumes that need the cluster: every claim must exist (Kubernetes:
 * a PVC in the jobs' namespace; local: a directory under <home>/volumes). Done at submit,
 * before anything is written, so a refused job leaves nothing behind. Without a cluster
 * driver there is nothing to ask, and the claim is taken on trust.
 */
@Injectable()
export class VolumeChecks {
  constructor(@Optional() @Inject(CLUSTER_DRIVER) private readonly driver?: ClusterDriver) {}

  async check(volumes: VolumeSpec[]): Promise<void> {
    const exists = this.driver?.claimExists?.bind(this.driver);
    if (!exists) return;
    const problems = [];
    for (const [i, v] of volumes.entries()) {
      if (v.claim !== undefined && !(await exists(v.claim))) {
        problems.push({ field: `volumes.${i}.claim`, message: `no claim '${v.claim}' here (${this.driver!.kind === 'kubernetes' ? "a PersistentVolumeClaim in the jobs' namespace" : 'a directory under <BEAMLINE_HOME>/volumes'})` });
      }
    }
    if (problems.length > 0) throw AppError.validation(problems);
  }
}
