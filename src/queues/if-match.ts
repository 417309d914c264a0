import { AppError, ErrorCode } from '../common/errors/app-error.js';

/**
 * Optimistic concurrency for versioned resources: a change names the version it read in
 * `If-Match` (the ETag of the GET, `"3"`; `*` for any). Missing: 428, so a client that
 * never read the resource cannot overwrite someone else's change blindly. Stale: 412.
 * Returns the version the change must apply to.
 */
export function requireIfMatch(header: string | undefined, current: number): number {
  if (header === undefined || header.trim() === '') {
    throw new AppError(ErrorCode.PreconditionRequired, 'This change needs an If-Match header with the version you read (the ETag of GET)', [
      { field: 'header:If-Match', message: `required; the current ETag is "${current}"` },
    ]);
  }
  const tags = header.split(',').map((t) => t.trim());
  if (tags.includes('*')) return current;
  const versions = tags.map((t) => /^(?:W\/)?"?(\d+)"?$/.exec(t)?.[1]);
  if (versions.some((v) => v === undefined)) throw AppError.validation([{ field: 'header:If-Match', message: 'must be an ETag this API returned, e.g. "3"' }]);
  if (!versions.includes(String(current))) {
    throw new AppError(ErrorCode.PreconditionFailed, `The resource is at version ${current}, not ${versions.join(' or ')}: read it again and reapply your change`, [
      { field: 'header:If-Match', message: `stale; the current ETag is "${current}"` },
    ]);
  }
  return current;
}

/** The version matched If-Match when read, but another change landed before this one was written. */
export function staleError(read: number): AppError {
  return new AppError(ErrorCode.PreconditionFailed, 'The resource changed while this request was applied: read it again and reapply your change', [
    { field: 'header:If-Match', message: `stale; the version moved past ${read}` },
  ]);
}
