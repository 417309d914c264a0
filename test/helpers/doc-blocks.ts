/**
 * The code blocks of a Markdown file and their doc-test markers (test/integration/docs.test.ts).
 *
 * A marker is an HTML comment on the line right before a fence:
 *
 *   <!-- doc-test: sh -->              run with bash (sh, bash, shell, console blocks)
 *   <!-- doc-test: python -->          run with python3 (python, py)
 *   <!-- doc-test: ts -->              run with tsx (ts, typescript, js, javascript)
 *   <!-- doc-test: skip (reason) -->   not run here; the reason is required
 *   <!-- doc-test: output -->          a text block right after a run block: its lines must
 *                                      appear in that block's output, in order
 *
 * Every block in a runnable language must carry a marker; plain-output blocks (text, json,
 * yaml, none) need none. Pure: no I/O, so the parser has a unit spec of its own.
 */

export type Runner = 'sh' | 'python' | 'ts';
export type MarkerKind = Runner | 'skip' | 'output';

export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  marker?: { kind: MarkerKind; reason?: string };
  /** The `output` block that follows this one, if any. */
  expected?: string;
}

const RUNNERS: Record<string, Runner> = {
  sh: 'sh', bash: 'sh', shell: 'sh', console: 'sh',
  python: 'python', py: 'python',
  ts: 'ts', typescript: 'ts', js: 'ts', javascript: 'ts',
};

/** The runner a block's language calls for, or undefined for output-only languages. */
export function runnerOf(lang: string): Runner | undefined {
  return RUNNERS[lang.toLowerCase()];
}

const MARKER = /^<!--\s*doc-test:\s*(\w+)\s*(?:\((.*)\))?\s*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/;

/** Every fenced block of `markdown`, with the marker on the line before it. */
export function parseBlocks(markdown: string, file: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence)) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
      j++;
    }
    const block: DocBlock = { file, line: i + 1, lang, code: body.join('\n') + '\n' };
    const marker = i > 0 ? MARKER.exec(lines[i - 1].trim()) : null;
    if (marker) block.marker = { kind: marker[1] as MarkerKind, ...(marker[2] !== undefined ? { reason: marker[2].trim() } : {}) };
    blocks.push(block);
    i = j;
  }
  return blocks;
}

/**
 * What is wrong with the markers of one file's blocks, one message per problem, each with
 * `file:line`. Also attaches each `output` block to the run block before it.
 */
export function checkMarkers(blocks: DocBlock[], markdown: string): string[] {
  const problems: string[] = [];
  const at = (b: DocBlock) => `${b.file}:${b.line}`;
  blocks.forEach((b, index) => {
    const runner = runnerOf(b.lang);
    const kind = b.marker?.kind;
    if (!b.marker) {
      if (runner) problems.push(`${at(b)}: a \`${b.lang}\` block without a <!-- doc-test: ${runner} --> or <!-- doc-test: skip (reason) --> marker`);
      return;
    }
    if (!['sh', 'python', 'ts', 'skip', 'output'].includes(kind!)) {
      problems.push(`${at(b)}: unknown marker "${kind}"`);
    } else if (kind === 'skip') {
      if (!b.marker.reason) problems.push(`${at(b)}: skip needs a reason: <!-- doc-test: skip (why) -->`);
    } else if (kind === 'output') {
      const previous = blocks[index - 1];
      if (runner) problems.push(`${at(b)}: an output block must be plain text, not \`${b.lang}\``);
      else if (!previous || !['sh', 'python', 'ts'].includes(previous.marker?.kind ?? '')) problems.push(`${at(b)}: an output block must follow a block that runs`);
      else previous.expected = b.code;
    } else if (runner !== kind) {
      problems.push(`${at(b)}: marker "${kind}" on a \`${b.lang || 'plain'}\` block`);
    }
  });
  // A marker that is not right before a fence marks nothing: say so rather than ignore it.
  const marked = new Set(blocks.filter((b) => b.marker).map((b) => b.line - 2)); // 0-based line of the marker
  markdown.split('\n').forEach((text, i) => {
    if (MARKER.test(text.trim()) && !marked.has(i)) problems.push(`${blocks[0]?.file ?? ''}:${i + 1}: a doc-test marker not directly before a fence`);
  });
  return problems;
}

/** `<id>`, `<anything in angle brackets>`, `…` and `...` stand for any text. */
const PLACEHOLDER = /<[A-Za-z][\w .:/-]*>|…|\.\.\./g;

function linePattern(expected: string): RegExp {
  const parts = expected.split(PLACEHOLDER).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(parts.join('.*'));
}

const squeeze = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The expected lines that are missing from `actual`: each non-blank expected line must
 * match part of an output line, in order (whitespace runs compare equal). Empty: all found.
 */
export function missingOutput(expected: string, actual: string): string[] {
  const have = actual.split('\n').map(squeeze);
  let from = 0;
  const missing: string[] = [];
  for (const want of expected.split('\n').map(squeeze).filter(Boolean)) {
    const pattern = linePattern(want);
    const found = have.findIndex((line, i) => i >= from && pattern.test(line));
    if (found < 0) missing.push(want);
    else from = found + 1;
  }
  return missing;
}
