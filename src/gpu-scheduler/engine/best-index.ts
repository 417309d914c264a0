import type { NodeGroup } from './cluster-state.js';

/**
 * The best node group for one request shape, without scanning every group.
 *
 * A group's score for a shape never changes while the group exists (a node that changes
 * leaves it), so per shape the groups can sit in a max-heap ordered by (score desc, lowest
 * node index asc): exactly the order of selectNode's "best score, then lowest index" scan.
 * The heap is kept lazily:
 *  - ClusterState appends to `log` every group it creates and every group whose lowest
 *    index drops (a node with a lower index joined); a shape's index reads the log from its
 *    own cursor before answering, scoring only what it has not seen;
 *  - entries of removed groups, or whose lowest index grew (that node left), are dropped or
 *    re-pushed when they reach the top.
 * So a decision costs the groups created since the same shape was last placed plus
 * O(log groups), instead of one cached-score read per group: at 20,000 nodes, with most
 * nodes used and in states of their own, that scan was what grew.
 */
interface Entry {
  score: number;
  minIndex: number;
  group: NodeGroup;
}

const before = (a: Entry, b: Entry): boolean => a.score > b.score || (a.score === b.score && a.minIndex < b.minIndex);

export class BestIndex {
  private readonly heap: Entry[] = [];
  private cursor = 0;

  /**
   * The best group's entry, or null when no group fits. `score(g)` returns the group's
   * (cached) score, -Infinity when the shape does not fit it.
   */
  top(log: readonly NodeGroup[], score: (g: NodeGroup) => number): NodeGroup | null {
    for (; this.cursor < log.length; this.cursor++) {
      const g = log[this.cursor];
      if (g.removed) continue;
      const s = score(g);
      if (s !== -Infinity) this.push({ score: s, minIndex: g.minIndex, group: g });
    }
    while (this.heap.length > 0) {
      const e = this.heap[0];
      if (!e.group.removed && e.minIndex === e.group.minIndex) return e.group;
      this.pop();
      // Its lowest node left: the group is still there, with a higher lowest index.
      if (!e.group.removed && e.group.minIndex > e.minIndex) this.push({ ...e, minIndex: e.group.minIndex });
    }
    return null;
  }

  private push(e: Entry): void {
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const c = l + 1 < h.length && before(h[l + 1], h[l]) ? l + 1 : l;
      if (!before(h[c], last)) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
  }
}
