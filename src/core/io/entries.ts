/**
 * Adds `key` to a plain record as an own property. Names come from files, so a member called
 * `__proto__` must become an ordinary entry rather than replace the record's prototype.
 */
export function defineEntry<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
