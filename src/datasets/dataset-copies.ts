import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { datasetsRoot, localDatasetDir } from '../cluster/local/local-volumes.js';
import { APP_CONFIG } from '../common/config/config.js';
import type { AppConfig } from '../common/config/config.schema.js';
import { removeTree, unpackArchive } from './archive-unpack.js';
import type { DatasetStats } from './dataset-manifest.js';
import { DatasetsRepository } from './datasets.repository.js';
import { DatasetsMetrics } from './datasets.metrics.js';

/**
 * The unpacked copies under <BEAMLINE_HOME>/datasets/<sha256>, one per archive (an upload,
 * or the snapshot of an s3:// prefix), shared by every version with that archiveSha256.
 *
 * The rule that keeps them: a copy is removed when, after a version is deleted, no version
 * references its sha256 any more. Two things may race with that removal:
 * - a register of the same archive: it moves its copy into place and inserts its version
 *   in one transaction, and the removal counts the references and removes in another; both
 *   hold the PostgreSQL advisory lock of the sha256 (DatasetsRepository), so the removal
 *   either sees the new version (and keeps the copy) or finishes before the register moves
 *   its own copy in;
 * - a job that mounts it: a version cannot be deleted while any training job names it
 *   (whatever its status), so "no version references it" implies no job can mount it. A
 *   job submitted in the very instant its version is deleted (past the delete's check) fails
 *   at start naming the missing copy instead of reading other data.
 * Leftovers never break anything: a copy moved in by a register whose insert then failed
 * stays until a later delete of that sha256 releases it.
 */
@Injectable()
export class DatasetCopies implements OnApplicationBootstrap {
  private readonly logger = new Logger(DatasetCopies.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: DatasetsRepository,
    private readonly metrics: DatasetsMetrics,
  ) {}

  /**
   * Finishes removals a crash cut short: a `.gc-*` directory is a copy already renamed away,
   * which nothing references (removing one another process is removing too is harmless).
   * `.tmp-*` trees are left alone: another API sharing this home may be unpacking into one.
   */
  async onApplicationBootstrap(): Promise<void> {
    const root = datasetsRoot(this.config.BEAMLINE_HOME);
    const names = await readdir(root).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith('.gc-'))) {
      await removeTree(join(root, name)).catch((error: Error) => this.logger.warn({ name, error: error.message }, 'a collected dataset copy could not be removed'));
    }
  }

  /** Checks and unpacks an archive next to its final place (archive-unpack.ts); the tree is `staged` until `place`. */
  async unpack(archive: string): Promise<{ stats: DatasetStats; staged: string }> {
    const root = datasetsRoot(this.config.BEAMLINE_HOME);
    await mkdir(root, { recursive: true, mode: 0o711 });
    const staged = join(root, `.tmp-${randomUUID()}`);
    return { stats: await unpackArchive(archive, staged, this.config.BEAMLINE_DATASET_MAX_BYTES), staged };
  }

  /** Under the sha256's lock: the staged tree becomes the copy, or is dropped when a copy is already there. */
  async place(staged: string, sha256: string): Promise<void> {
    // Same parent, so the read-only directory can be renamed.
    await rename(staged, localDatasetDir(this.config.BEAMLINE_HOME, sha256)).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      await removeTree(staged);
    });
  }

  /** A staged tree that was never placed (a later step failed); nothing when it was. */
  discard(staged: string): Promise<void> {
    return removeTree(staged);
  }

  /**
   * After a version is deleted: removes its copy unless another version still references it.
   * The copy is first renamed away (atomic), so a crash halfway through the removal leaves a
   * `.gc-*` directory, never a half-emptied copy under its sha256 that a later register would
   * take for whole. Never throws (the version is gone either way).
   */
  async release(sha256: string | null): Promise<boolean> {
    if (!sha256) return false;
    const remove = async () => {
      const trash = join(datasetsRoot(this.config.BEAMLINE_HOME), `.gc-${randomUUID()}`);
      const moved = await rename(localDatasetDir(this.config.BEAMLINE_HOME, sha256), trash).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return false; // no copy on this machine (another API replica's home)
          throw error;
        },
      );
      if (moved) await removeTree(trash);
      return moved;
    };
    try {
      const removed = await this.repo.releaseCopy(sha256, remove);
      if (removed) this.metrics.copyRemoved();
      return removed;
    } catch (error) {
      this.logger.warn({ sha256, error: (error as Error).message }, 'the unpacked copy of a deleted dataset version was not removed');
      return false;
    }
  }
}
