import type { FieldProblem } from '../errors/app-error.js';

/**
 * PostgreSQL cannot store every JavaScript string: `text` refuses U+0000, and `jsonb`
 * refuses both the `\u0000` escape and a lone UTF-16 surrogate (one `JSON.stringify`
 * writes as `\ud800`); in `text` a lone surrogate is silently turned into U+FFFD. Either
 * way the request would end in a 500 or in data that is not what was sent, so input is
 * checked for both before it reaches a repository and refused with a 400 naming the field.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL cannot store `text`, or undefined when it can. */
export function unstorableReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (not valid Unicode), which cannot be stored';
  return undefined;
}

/**
 * Every string in `value` (object keys included, since JSON columns store them) that
 * cannot be stored, as problems whose field is the dotted path from `root`.
 */
export function unstorableText(value: unknown, root = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const walk = (v: unknown, path: string, depth: number): void => {
    // Bodies are bounded by the JSON parser's size limit; the depth bound only guards the stack.
    if (depth > 64) return;
    if (typeof v === 'string') {
      const message = unstorableReason(v);
      if (message) problems.push({ field: path || '(root)', message });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, join(path, String(i)), depth + 1));
      return;
    }
    if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        const field = join(path, key);
        const keyReason = unstorableReason(key);
        if (keyReason) problems.push({ field, message: `its name ${keyReason}` });
        walk(item, field, depth + 1);
      }
    }
  };
  walk(value, root, 0);
  return problems;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
