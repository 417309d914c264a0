import { describe, expect, it } from 'vitest';
import { checkMarkers, missingOutput, parseBlocks } from './doc-blocks.js';

const md = (...lines: string[]) => lines.join('\n');

describe('parseBlocks', () => {
  it('reads each fence with its language, line, code and the marker right before it', () => {
    const text = md('# T', '<!-- doc-test: sh -->', '```sh', 'echo hi', '```', '', '```json', '{}', '```');
    expect(parseBlocks(text, 'a.md')).toEqual([
      { file: 'a.md', line: 3, lang: 'sh', code: 'echo hi\n', marker: { kind: 'sh' } },
      { file: 'a.md', line: 7, lang: 'json', code: '{}\n' },
    ]);
  });

  it('keeps a skip reason, and strips the indent of a fence inside a list', () => {
    const text = md('- step', '  <!-- doc-test: skip (needs a GPU) -->', '  ```sh', '  nvidia-smi', '  ```');
    expect(parseBlocks(text, 'a.md')[0]).toMatchObject({ code: 'nvidia-smi\n', marker: { kind: 'skip', reason: 'needs a GPU' } });
  });
});

describe('checkMarkers', () => {
  const problems = (text: string) => checkMarkers(parseBlocks(text, 'a.md'), text);

  it.each([
    ['a runnable block without a marker', md('```bash', 'ls', '```'), 'a.md:1: a `bash` block without'],
    ['a skip without a reason', md('<!-- doc-test: skip -->', '```sh', 'ls', '```'), 'a.md:2: skip needs a reason'],
    ['a marker of the wrong language', md('<!-- doc-test: python -->', '```ts', 'x', '```'), 'a.md:2: marker "python" on a `ts` block'],
    ['an unknown marker', md('<!-- doc-test: run -->', '```sh', 'ls', '```'), 'a.md:2: unknown marker "run"'],
    ['an output block after nothing that runs', md('<!-- doc-test: output -->', '```text', 'x', '```'), 'a.md:2: an output block must follow'],
    ['a marker that marks no fence', md('<!-- doc-test: sh -->', '', '```sh', 'ls', '```'), 'a.md:1: a doc-test marker not directly before a fence'],
  ])('reports %s', (_what, text, message) => {
    expect(problems(text).join('\n')).toContain(message);
  });

  it('accepts unmarked output-only blocks and attaches an output block to its run block', () => {
    const text = md('```yaml', 'a: 1', '```', '<!-- doc-test: sh -->', '```sh', 'echo 1', '```', '<!-- doc-test: output -->', '```text', '1', '```');
    const blocks = parseBlocks(text, 'a.md');
    expect(checkMarkers(blocks, text)).toEqual([]);
    expect(blocks[1].expected).toBe('1\n');
  });
});

describe('missingOutput', () => {
  it.each([
    ['lines in order, as parts of lines', '"status": "Succeeded"\nlabel 0', '{"status": "Succeeded"}\nx\nlabel 0 here', []],
    ['placeholders match anything', 'job <id> is …\nv... ok', 'job 7f3a is Running\nv2 ok', []],
    ['whitespace runs compare equal', 'a  b', 'a b', []],
    ['a missing line', 'a\nc', 'a\nb', ['c']],
    ['order matters', 'b\na', 'a\nb', ['a']],
    ['regex characters are literal', 'a.b (c)', 'axb (c)', ['a.b (c)']],
  ])('%s', (_what, expected, actual, missing) => {
    expect(missingOutput(expected, actual)).toEqual(missing);
  });
});
