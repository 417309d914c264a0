import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../common/config/config.js';
import type { AppConfig } from '../../common/config/config.schema.js';
import { PrismaService } from '../../common/database/prisma.service.js';
import { ARTIFACT_STORE, type ArtifactStore } from '../../models/artifacts/artifact-store.js';

/**
 * Local replicas read the model from a file: the blob is copied once per digest out of
 * the artifact store (filesystem or S3) into `<home>/serving/models/<sha256>.onnx`,
 * written under a temporary name and renamed, so a crash never leaves half a model.
 */
@Injectable()
export class EndpointModelFiles {
  private readonly dir: string;
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly prisma: PrismaService,
  ) {
    this.dir = resolve(config.BEAMLINE_HOME, 'serving', 'models');
  }

  async modelPath(sha256: string): Promise<string> {
    const path = join(this.dir, `${sha256}.onnx`);
    if (existsSync(path)) return path;
    let pending = this.inflight.get(sha256);
    if (!pending) {
      pending = this.copy(sha256, path).finally(() => this.inflight.delete(sha256));
      this.inflight.set(sha256, pending);
    }
    return pending;
  }

  /** The version's LUME variables as a file for `--variables`, or undefined when it has none. */
  async variablesPath(versionId: string): Promise<string | undefined> {
    const row = await this.prisma.modelVersion.findUnique({ where: { id: versionId }, select: { variables: true } });
    const variables = row?.variables as Record<string, unknown> | undefined;
    if (!variables || Object.keys(variables).length === 0) return undefined;
    const path = join(this.dir, `${versionId}.variables.json`);
    if (!existsSync(path)) {
      await mkdir(this.dir, { recursive: true });
      await writeFile(`${path}.tmp`, JSON.stringify(variables));
      await rename(`${path}.tmp`, path);
    }
    return path;
  }

  private async copy(sha256: string, path: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      await pipeline(await this.store.open(sha256), createWriteStream(tmp));
      await rename(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    return path;
  }
}
