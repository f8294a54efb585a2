// A set of unsigned 32-bit vectors, each numbered by the order it was first
// added: an open-addressing hash table (linear probing) over typed arrays.
// The explorer's states are stored as such vectors (stateStore.ts): a few
// words a state, no object or string a state, so that its memory is counted
// exactly and a bound on it can stop a search before the heap runs out.

/** A set of vectors numbered in the order first added: one thread's (VectorTable) or shared by several (sharedTable.ts). */
export interface Table {
  /** The number of `words[0..length)`, stored now if it is new (then `added`); sharedTable's FULL (-1) when there is no room. */
  add(words: Uint32Array, length: number): number;
  /** Whether the last `add` stored a new vector. */
  readonly added: boolean;
  /** Vectors stored. */
  readonly size: number;
  /** Bytes the table holds. */
  readonly bytes: number;
}

export class VectorTable implements Table {
  /** The vectors, end to end; vector i is words offsets[i] to offsets[i + 1]. */
  private arena = new Uint32Array(1 << 8);
  private offsets = new Uint32Array(1 << 6);
  /** Vector number + 1 in each slot, 0 for an empty one. */
  private slots = new Int32Array(1 << 6);
  /** Vectors stored. */
  size = 0;
  /** Whether the last `add` stored a new vector. */
  added = false;

  /** The number of `words[0..length)`, stored now if it is new (then `added`). */
  add(words: Uint32Array, length: number): number {
    const mask = this.slots.length - 1;
    let slot = hash(words, length) & mask;
    for (;;) {
      const id = this.slots[slot] - 1;
      if (id < 0) break;
      if (this.equals(id, words, length)) {
        this.added = false;
        return id;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.size++;
    const start = this.offsets[id];
    if (start + length > this.arena.length) this.arena = grow(this.arena, start + length);
    // a loop, not set(subarray): a view made for every new vector was a tenth of a search's garbage
    const arena = this.arena;
    for (let i = 0; i < length; i++) arena[start + i] = words[i];
    if (id + 2 > this.offsets.length) this.offsets = grow(this.offsets, id + 2);
    this.offsets[id + 1] = start + length;
    this.slots[slot] = id + 1;
    // at most 3/4 full: probes stay short
    if (this.size * 4 > this.slots.length * 3) this.rehash();
    this.added = true;
    return id;
  }

  /** Bytes the table holds (its arrays as allocated). */
  get bytes(): number {
    return this.arena.byteLength + this.offsets.byteLength + this.slots.byteLength;
  }

  private equals(id: number, words: Uint32Array, length: number): boolean {
    const start = this.offsets[id];
    return this.offsets[id + 1] - start === length && sameWords(this.arena, start, words, length);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      const start = this.offsets[id];
      let slot = hash(this.arena, this.offsets[id + 1] - start, start) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}

type GrowableArray = Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Int32Array<ArrayBuffer>;

/** A larger copy (of the same kind): half as large again, so that at most a third of a grown array is unused. */
export function grow<T extends GrowableArray>(a: T, atLeast: number): T {
  let n = Math.ceil(a.length * 1.5);
  while (n < atLeast) n = Math.ceil(n * 1.5);
  const b = new (a.constructor as new (length: number) => T)(n);
  b.set(a);
  return b;
}

/** Whether `arena[start..start + length)` holds `words[0..length)`: a stored vector compared with one looked up. */
export function sameWords(arena: Uint32Array, start: number, words: Uint32Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (arena[start + i] !== words[i]) return false;
  return true;
}

/**
 * murmur3's 32-bit mixing of `words[from..from + length)`, word by word, as a
 * signed 32-bit number (an unsigned one above 2^31 would be a heap number:
 * an allocation at every call).
 */
export function hash(words: Uint32Array, length: number, from = 0): number {
  let h = length;
  for (let i = from; i < from + length; i++) {
    let k = Math.imul(words[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
