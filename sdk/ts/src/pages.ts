import type { Page } from './types.js';

/**
 * A listing that fetches pages as they are consumed: `for await (const item of list)`
 * walks every item, `pages()` every page, `first(n)` stops after n items.
 */
export class PageIterator<T> implements AsyncIterable<T> {
  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {}

  async *pages(): AsyncGenerator<Page<T>> {
    let cursor: string | undefined;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.pages()) yield* page.items;
  }

  async first(n: number): Promise<T[]> {
    const out: T[] = [];
    if (n <= 0) return out;
    for await (const item of this) {
      out.push(item);
      if (out.length >= n) break;
    }
    return out;
  }

  toArray(): Promise<T[]> {
    return this.first(Number.POSITIVE_INFINITY);
  }
}
