/**
 * A scope that reads through to a parent and writes to itself: curves evaluate an expression at
 * hundreds of points with the variable and slider values bound on top of the notebook's scope,
 * without copying that scope. mathjs accepts any object with the Map interface.
 */
export class LayeredScope implements Map<string, unknown> {
  private readonly own = new Map<string, unknown>();

  constructor(private readonly parent: ReadonlyMap<string, unknown>) {}

  get size(): number {
    return new Set([...this.parent.keys(), ...this.own.keys()]).size;
  }

  get(key: string): unknown {
    return this.own.has(key) ? this.own.get(key) : this.parent.get(key);
  }

  set(key: string, value: unknown): this {
    this.own.set(key, value);
    return this;
  }

  has(key: string): boolean {
    return this.own.has(key) || this.parent.has(key);
  }

  delete(key: string): boolean {
    return this.own.delete(key);
  }

  clear(): void {
    this.own.clear();
  }

  keys(): MapIterator<string> {
    return new Set([...this.parent.keys(), ...this.own.keys()]).values();
  }

  *entries(): MapIterator<[string, unknown]> {
    for (const key of this.keys()) yield [key, this.get(key)];
  }

  *values(): MapIterator<unknown> {
    for (const key of this.keys()) yield this.get(key);
  }

  forEach(callback: (value: unknown, key: string, map: Map<string, unknown>) => void): void {
    for (const key of this.keys()) callback(this.get(key), key, this);
  }

  [Symbol.iterator](): MapIterator<[string, unknown]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'LayeredScope';
  }
}
