/** The subscribers of one kind of driver notification; `add` returns the unsubscribe. */
export class Listeners<A extends unknown[] = []> {
  private readonly set = new Set<(...args: A) => void>();

  add(listener: (...args: A) => void): () => void {
    this.set.add(listener);
    return () => void this.set.delete(listener);
  }

  emit(...args: A): void {
    for (const listener of this.set) listener(...args);
  }

  clear(): void {
    this.set.clear();
  }
}
