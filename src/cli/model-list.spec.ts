import { describe, expect, it } from 'vitest';
import { memoryBudgetOf, modelsOf, modelsText } from './model-list.js';
import { UsageError } from './output.js';

describe('modelsOf (--models)', () => {
  it.each([
    ['lens-a:3', [{ model: 'lens-a', version: 3 }]],
    ['lens-a:3,lens-b:1', [{ model: 'lens-a', version: 3 }, { model: 'lens-b', version: 1 }]],
    [' k1:1 , k2.v_2:10 ,', [{ model: 'k1', version: 1 }, { model: 'k2.v_2', version: 10 }]],
  ])('%j', (text, models) => expect(modelsOf(text)).toEqual(models));

  it.each([
    ['', /at least one model:version/],
    [' , ', /at least one model:version/],
    ['lens-a', /model:version entries .* got 'lens-a'/],
    ['lens-a=3', /model:version entries .* got 'lens-a=3'/],
    [':3', /got ':3'/],
    ['lens-a:', /the version must be a number ≥ 1/],
    ['lens-a:0', /the version must be a number ≥ 1/],
    ['lens-a:1.5', /the version must be a number ≥ 1/],
    ['lens-a:latest', /the version must be a number ≥ 1/],
    ['lens-a:@production', /pins each version; give a number, not an alias/],
    ['lens-a:1:2', /the version must be a number/],
    ['lens-a:1,lens-a:2', /lists lens-a twice/],
  ])('refuses %j naming the flag', (text, message) => {
    const error = (() => {
      try {
        modelsOf(text);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^--models /);
    expect((error as Error).message).toMatch(message);
  });
});

describe('memoryBudgetOf (--memory-budget)', () => {
  it.each(['512Mi', '1Gi', ' 64Mi ', '1000000', '1.5Gi', '2G'])('takes %j', (text) => expect(memoryBudgetOf(text)).toBe(text.trim()));
  it.each(['', 'lots', '-1Gi', '1 Gi', '512mb', 'Mi'])('refuses %j naming the flag', (text) => expect(() => memoryBudgetOf(text)).toThrow(/^--memory-budget must be a memory quantity/));
});

describe('modelsText', () => {
  const list = [1, 2, 3, 4, 5].map((n) => ({ model: `k${n}`, version: n }));
  it('prints the list as --models takes it', () => expect(modelsText(list.slice(0, 2))).toBe('k1:1, k2:2'));
  it('says how many more past max', () => expect(modelsText(list, 3)).toBe('k1:1, k2:2, k3:3 (+2 more)'));
});
