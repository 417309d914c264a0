/**
 * The replica paths the infer proxy forwards: the Open Inference Protocol (V2) REST routes
 * the runtime serves (src/serving/runtime/server.ts), nothing else. A replica also answers
 * /metrics and may grow other routes; none of them is the proxy's to expose.
 *
 * Why the path is rebuilt rather than passed on: the proxy's URL parser resolves `..`,
 * `%2e%2e` and `\` the way a browser does, so `/v2/../metrics` would reach /metrics. Each
 * segment is decoded once, refused if it is empty, a dot segment or holds a separator,
 * matched against the allow-list, and encoded again: what leaves is exactly what matched.
 */
const ACTIONS = new Set(['ready', 'infer']);

/** `raw` is the undecoded path after `/endpoints/{name}`, e.g. `/v2/models/m/infer`. Undefined: not exposed. */
export function replicaPath(raw: string): string | undefined {
  // One trailing slash is fine (the runtime accepts `/v2/` and `/v2/models/m/`); more is not.
  const trimmed = raw.length > 1 && raw.endsWith('/') ? raw.slice(0, -1) : raw;
  if (!trimmed.startsWith('/')) return undefined;
  const segments: string[] = [];
  for (const part of trimmed.slice(1).split('/')) {
    const segment = decode(part);
    if (segment === undefined || segment === '' || segment === '.' || segment === '..' || /[/\\\p{Cc}]/u.test(segment)) return undefined;
    segments.push(segment);
  }
  if (!allowed(segments)) return undefined;
  return `/${segments.map(encodeURIComponent).join('/')}`;
}

/** /v2, /v2/health/{live,ready}, /v2/models/{m}[/versions/{v}][/ready|/infer]. */
function allowed(s: string[]): boolean {
  if (s[0] !== 'v2') return false;
  if (s.length === 1) return true;
  if (s[1] === 'health') return s.length === 3 && (s[2] === 'live' || s[2] === 'ready');
  if (s[1] !== 'models' || s.length < 3) return false;
  let rest = s.slice(3);
  if (rest[0] === 'versions') {
    if (rest.length < 2) return false;
    rest = rest.slice(2);
  }
  return rest.length === 0 || (rest.length === 1 && ACTIONS.has(rest[0]));
}

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
