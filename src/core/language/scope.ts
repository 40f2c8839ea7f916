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

/** A journal's mark for a name that was not bound. */
const ABSENT: unique symbol = Symbol('absent');

/**
 * A scope that writes through to a map and remembers, for each name it changed, the value the
 * name had before (or that it had none). A statement runs over one, so that undoing it, or
 * checking what it assigned, costs the names it touched and not a copy of the whole scope: copying
 * made a notebook of n cells, each defining a name, cost n² (issue 16).
 */
export class JournaledMap<V = unknown> implements Map<string, V> {
  /** Each changed name's value before the first change; `absent` when it was not bound. */
  private readonly journal = new Map<string, V | typeof ABSENT>();

  constructor(private readonly target: Map<string, V>) {}

  /** The names changed since the journal began. */
  changed(): IterableIterator<string> {
    return this.journal.keys();
  }

  /** Puts every changed name back as it was, and empties the journal. */
  undo(): void {
    for (const [key, before] of this.journal) {
      if (before === ABSENT) this.target.delete(key);
      else this.target.set(key, before as V);
    }
    this.journal.clear();
  }

  /** Folds another journal into this one: this one keeps the oldest value of each name. */
  absorb(other: JournaledMap<V>): void {
    for (const [key, before] of other.journal) if (!this.journal.has(key)) this.journal.set(key, before);
  }

  private remember(key: string): void {
    if (!this.journal.has(key)) this.journal.set(key, this.target.has(key) ? (this.target.get(key) as V) : ABSENT);
  }

  get size(): number {
    return this.target.size;
  }

  get(key: string): V | undefined {
    return this.target.get(key);
  }

  set(key: string, value: V): this {
    this.remember(key);
    this.target.set(key, value);
    return this;
  }

  has(key: string): boolean {
    return this.target.has(key);
  }

  delete(key: string): boolean {
    this.remember(key);
    return this.target.delete(key);
  }

  clear(): void {
    for (const key of this.target.keys()) this.remember(key);
    this.target.clear();
  }

  keys(): MapIterator<string> {
    return this.target.keys();
  }

  entries(): MapIterator<[string, V]> {
    return this.target.entries();
  }

  values(): MapIterator<V> {
    return this.target.values();
  }

  forEach(callback: (value: V, key: string, map: Map<string, V>) => void): void {
    this.target.forEach((value, key) => callback(value, key, this));
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.target.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'JournaledMap';
  }
}
