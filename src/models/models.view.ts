import type { Model, ModelAliasEvent } from '../generated/prisma/client.js';
import type { AliasState } from './model-aliases.repository.js';
import type { VersionRow } from './models.repository.js';

/** The public JSON shapes of the registry (the API's contract, not the tables'). */
export function toModelView(model: Model, projectName: string) {
  return {
    id: model.id,
    project: projectName,
    name: model.name,
    description: model.description,
    tags: model.tags,
    metadata: model.metadata,
    latestVersion: model.latestVersion,
    createdAt: model.createdAt.toISOString(),
    updatedAt: model.updatedAt.toISOString(),
  };
}
export type ModelView = ReturnType<typeof toModelView>;

export function toVersionView(row: VersionRow, model: { name: string }, projectName: string) {
  const base = `/v1/projects/${projectName}/models/${model.name}/versions/${row.version}`;
  return {
    id: row.id,
    project: projectName,
    model: model.name,
    version: row.version,
    status: row.status,
    format: row.format,
    description: row.description,
    tags: row.tags,
    metrics: row.metrics,
    artifact:
      row.artifactSha256 === null || row.artifact === null
        ? null
        : { sha256: row.artifactSha256, size: Number(row.artifact.size), downloadUrl: `${base}/artifact` },
    uploadUrl: row.status === 'PendingUpload' ? `${base}/artifact` : null,
    claimedSha256: row.claimedSha256,
    signature: row.signature,
    variables: row.variables,
    aliases: row.aliases.map((a) => a.alias),
    trainingJob: row.trainingJob && {
      id: row.trainingJob.id,
      name: row.trainingJob.name,
      status: row.trainingJob.status,
      attempt: row.trainingAttempt,
      checkpoint: row.checkpointStep === null || row.checkpointName === null ? null : { step: row.checkpointStep, name: row.checkpointName },
    },
    datasets: datasetsRead(row.trainingJob?.datasetReads ?? []),
    createdByToken: row.createdByToken,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type VersionView = ReturnType<typeof toVersionView>;

/** Lineage: each dataset version the training job mounted, once, with the attempts that read it. */
function datasetsRead(reads: NonNullable<VersionRow['trainingJob']>['datasetReads']) {
  const out = new Map<string, { dataset: string; version: number; digest: string | null; uri: string; attempts: number[] }>();
  for (const r of reads) {
    const key = `${r.datasetVersion.dataset.name}/${r.datasetVersion.version}`;
    const entry = out.get(key) ?? { dataset: r.datasetVersion.dataset.name, version: r.datasetVersion.version, digest: r.datasetVersion.digest, uri: r.datasetVersion.uri, attempts: [] };
    if (!entry.attempts.includes(r.attempt)) entry.attempts.push(r.attempt);
    out.set(key, entry);
  }
  return [...out.values()];
}

export function toAliasView(alias: AliasState, modelName: string) {
  return {
    model: modelName,
    alias: alias.alias,
    version: alias.version,
    protected: alias.protected,
    updatedAt: alias.updatedAt.toISOString(),
  };
}

export function toAliasEventView(event: ModelAliasEvent) {
  return {
    id: event.id.toString(),
    alias: event.alias,
    fromVersion: event.fromVersion,
    toVersion: event.toVersion,
    protected: event.protected,
    byToken: event.byToken,
    at: event.createdAt.toISOString(),
  };
}

/** Opaque keyset cursor for the model list: base64url of the last name. */
export const encodeNameCursor = (name: string) => Buffer.from(JSON.stringify([name])).toString('base64url');

export function decodeNameCursor(cursor: string): string | undefined {
  try {
    const [name] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown];
    return typeof name === 'string' && name.length > 0 ? name : undefined;
  } catch {
    return undefined;
  }
}
