import type { Dataset } from '../generated/prisma/client.js';
import type { DatasetVersionRow } from './datasets.repository.js';

/** The public JSON shapes of datasets (the API's contract, not the tables'). */
export function toDatasetView(dataset: Dataset, projectName: string) {
  return {
    id: dataset.id,
    project: projectName,
    name: dataset.name,
    description: dataset.description,
    latestVersion: dataset.latestVersion,
    createdAt: dataset.createdAt.toISOString(),
    updatedAt: dataset.updatedAt.toISOString(),
  };
}
export type DatasetView = ReturnType<typeof toDatasetView>;

export function toDatasetVersionView(row: DatasetVersionRow, dataset: { name: string }, projectName: string) {
  const base = `/v1/projects/${projectName}/datasets/${dataset.name}/versions/${row.version}`;
  return {
    id: row.id,
    project: projectName,
    dataset: dataset.name,
    version: row.version,
    kind: row.kind,
    uri: row.uri,
    description: row.description,
    sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
    fileCount: row.fileCount,
    digest: row.digest,
    digestNote: row.digestNote,
    archive: row.archiveSha256 === null ? null : { sha256: row.archiveSha256, downloadUrl: `${base}/archive` },
    /** Which job attempts mounted it (lineage), grouped by job. */
    usedBy: usedBy(row.reads),
    createdByToken: row.createdByToken,
    createdAt: row.createdAt.toISOString(),
  };
}
export type DatasetVersionView = ReturnType<typeof toDatasetVersionView>;

function usedBy(reads: DatasetVersionRow['reads']) {
  const byJob = new Map<string, { trainingJob: { id: string; name: string; status: string }; attempts: number[] }>();
  for (const r of reads) {
    const entry = byJob.get(r.trainingJob.id) ?? { trainingJob: r.trainingJob, attempts: [] };
    if (!entry.attempts.includes(r.attempt)) entry.attempts.push(r.attempt);
    byJob.set(r.trainingJob.id, entry);
  }
  return [...byJob.values()];
}

/** Opaque keyset cursor for the dataset list: base64url of the last name. */
export const encodeNameCursor = (name: string) => Buffer.from(JSON.stringify([name])).toString('base64url');

export function decodeNameCursor(cursor: string): string | undefined {
  try {
    const [name] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown];
    return typeof name === 'string' && name.length > 0 ? name : undefined;
  } catch {
    return undefined;
  }
}
