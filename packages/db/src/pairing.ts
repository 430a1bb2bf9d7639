/**
 * A Map for start/end pairing (query -> response, acquire request -> success) with a one-entry fast slot.
 * Sequential work keeps one entry open at a time, and a V8 Map that swings between 0 and 1 entries pays a
 * table shrink on nearly every delete; the slot takes that case, the Map only the overlapping ones.
 * Iteration is in insertion order (the slot, when set, always holds the oldest entry).
 */
export class PairingMap<K, V> {
  private readonly map = new Map<K, V>();
  private slotKey: K | undefined;
  private slotValue: V | undefined;
  private slotUsed = false;

  get size(): number {
    return this.map.size + (this.slotUsed ? 1 : 0);
  }

  set(key: K, value: V): void {
    if (this.slotUsed && this.slotKey === key) {
      this.slotValue = value;
      return;
    }
    // Only an empty map may use the slot, so the slot stays the oldest entry.
    if (!this.slotUsed && this.map.size === 0) {
      this.slotUsed = true;
      this.slotKey = key;
      this.slotValue = value;
      return;
    }
    this.map.set(key, value);
  }

  get(key: K): V | undefined {
    if (this.slotUsed && this.slotKey === key) return this.slotValue;
    return this.map.size > 0 ? this.map.get(key) : undefined;
  }

  /** Removes the entry and returns its value (get + delete in one lookup). */
  take(key: K): V | undefined {
    if (this.slotUsed && this.slotKey === key) {
      const v = this.slotValue;
      this.slotUsed = false;
      this.slotKey = undefined;
      this.slotValue = undefined;
      return v;
    }
    if (this.map.size === 0) return undefined;
    const v = this.map.get(key);
    if (v !== undefined) this.map.delete(key);
    return v;
  }

  delete(key: K): boolean {
    if (this.slotUsed && this.slotKey === key) {
      this.take(key);
      return true;
    }
    return this.map.delete(key);
  }

  clear(): void {
    this.slotUsed = false;
    this.slotKey = undefined;
    this.slotValue = undefined;
    this.map.clear();
  }

  /** The oldest key, if any. */
  firstKey(): K | undefined {
    if (this.slotUsed) return this.slotKey;
    return this.map.keys().next().value;
  }

  *[Symbol.iterator](): IterableIterator<[K, V]> {
    if (this.slotUsed) yield [this.slotKey as K, this.slotValue as V];
    yield* this.map;
  }
}
