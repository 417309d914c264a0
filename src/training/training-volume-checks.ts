import { Inject, Injectable, Optional } from '@nestjs/common';
import { CLUSTER_DRIVER, type ClusterDriver } from '../cluster/cluster-driver.js';
import type { ProjectRef } from '../common/auth/principal.js';
import { AppError, type FieldProblem } from '../common/errors/app-error.js';
import { DatasetMounts } from '../datasets/dataset-mounts.js';
import type { VolumeSpec } from './training-volumes.js';

/**
 * The checks of a job's volumes that need the cluster or the database: every claim must
 * exist (Kubernetes: a PVC in the jobs' namespace; local: a directory under <home>/volumes),
 * and every dataset version too (resolved here into what the driver mounts); a new claim's
 * StorageClass must exist where the driver can tell (Kubernetes, when the API may read
 * StorageClasses; otherwise its pods wait for the claim until the start timeout fails the
 * attempt, with the claim's name in the reason). Done at submit,
 * before anything is written, so a refused job leaves nothing behind. Without a cluster
 * driver there is nothing to ask, and the claim is taken on trust.
 */
@Injectable()
export class VolumeChecks {
  constructor(
    private readonly datasets: DatasetMounts,
    @Optional() @Inject(CLUSTER_DRIVER) private readonly driver?: ClusterDriver,
  ) {}

  /** The volumes as stored on the job (datasets resolved); a 400 naming every bad field. */
  async check(project: ProjectRef, volumes: VolumeSpec[]): Promise<VolumeSpec[]> {
    const { volumes: resolved, problems } = await this.datasets.resolve(project, volumes);
    problems.push(...(await this.claimProblems(resolved)), ...(await this.storageClassProblems(resolved)));
    if (problems.length > 0) throw AppError.validation(problems.sort((a, b) => a.field.localeCompare(b.field)));
    return resolved;
  }

  private async claimProblems(volumes: VolumeSpec[]): Promise<FieldProblem[]> {
    const exists = this.driver?.claimExists?.bind(this.driver);
    if (!exists) return [];
    const where = this.driver!.kind === 'kubernetes' ? "a PersistentVolumeClaim in the jobs' namespace" : 'a directory under <BEAMLINE_HOME>/volumes';
    const problems: FieldProblem[] = [];
    for (const [i, v] of volumes.entries()) {
      if (v.claim !== undefined && !(await exists(v.claim))) {
        problems.push({ field: `volumes.${i}.claim`, message: `no claim '${v.claim}' here (${where})` });
      }
      // A dataset's claim was there when the version was registered; it may have gone since.
      if (v.dataset?.claim !== undefined && !(await exists(v.dataset.claim))) {
        problems.push({ field: `volumes.${i}.dataset`, message: `the claim '${v.dataset.claim}' of ${v.dataset.name} v${v.dataset.version} is gone (${where})` });
      }
    }
    return problems;
  }

  private async storageClassProblems(volumes: VolumeSpec[]): Promise<FieldProblem[]> {
    const exists = this.driver?.storageClassExists?.bind(this.driver);
    if (!exists) return [];
    const problems: FieldProblem[] = [];
    for (const [i, v] of volumes.entries()) {
      const name = v.newClaim?.storageClass;
      // undefined: the driver could not ask (no RBAC to read StorageClasses); taken on trust.
      if (name !== undefined && (await exists(name)) === false) {
        problems.push({ field: `volumes.${i}.newClaim.storageClass`, message: `no StorageClass '${name}' in this cluster` });
      }
    }
    return problems;
  }
}
