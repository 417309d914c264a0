import { describe, expect, it } from 'vitest';
import { splitGlobals } from './globals.js';

describe('splitGlobals', () => {
  it.each([
    [['--json', 'train', 'list'], ['train', 'list'], ['--json']],
    [['train', '--json', 'submit', '-f', 'x.yaml'], ['train', 'submit', '-f', 'x.yaml'], ['--json']],
    [['--url', 'http://h', 'train', '--project=p', 'get', 'id'], ['train', 'get', 'id'], ['--url', 'http://h', '--project=p']],
    [['train', 'list', '--token'], ['train', 'list'], ['--token']], // missing value: parseArgs reports it
    [['endpoints', 'infer', 'e', '--', '--json'], ['endpoints', 'infer', 'e', '--', '--json'], []],
  ])('%j', (argv, words, globals) => {
    expect(splitGlobals(argv)).toEqual({ words, globals });
  });
});
