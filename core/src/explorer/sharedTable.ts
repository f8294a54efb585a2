// A VectorTable (vectorTable.ts) that several threads fill at once, for the
// parallel search (parallel.ts): the same open addressing over typed arrays,
// here over SharedArrayBuffers, with a fixed capacity (a shared table cannot
// be moved while others read it).
//
// A thread that finds an empty slot claims it (compare-and-exchange 0 →
// BUSY), takes the next vector number and arena words (atomic adds), writes
// the vector, and publishes the number in the slot (an atomic store). A thread
// that meets a BUSY slot waits for it: the vector it will hold may be the one
// it looks for. The vector is read after the atomic load of its published
// number, so it is read whole. A full table (numbers or arena) answers FULL and
// the search stops with "truncated", as a memory bound stops it.

import { type Table, hash, sameWords } from './vectorTable';

/** What a thread needs to use a table another made: structured-clonable. */
export interface SharedTableBuffers {
  slots: SharedArrayBuffer;
  /** Per vector: its start in the arena and its length. */
  index: SharedArrayBuffer;
  arena: SharedArrayBuffer;
  /** [next vector number, next arena word]. */
  counts: SharedArrayBuffer;
}

const BUSY = -1;
const NEXT = 0;
const TOP = 1;
/** `add`'s answer when the table is full. */
const FULL = -1;

export class SharedVectorTable implements Table {
  private readonly slots: Int32Array;
  private readonly index: Uint32Array;
  private readonly arena: Uint32Array;
  private readonly counts: Int32Array;
  private readonly capacity: number;
  added = false;

  /** A table for at most `capacity` vectors of `arenaWords` words in all. */
  static create(capacity: number, arenaWords: number): SharedVectorTable {
    let slots = 64;
    while (slots * 3 < capacity * 4) slots *= 2;
    return new SharedVectorTable({
      slots: new SharedArrayBuffer(slots * 4),
      index: new SharedArrayBuffer(capacity * 8),
      arena: new SharedArrayBuffer(arenaWords * 4),
      counts: new SharedArrayBuffer(8),
    });
  }

  constructor(readonly buffers: SharedTableBuffers) {
    this.slots = new Int32Array(buffers.slots);
    this.index = new Uint32Array(buffers.index);
    this.arena = new Uint32Array(buffers.arena);
    this.counts = new Int32Array(buffers.counts);
    this.capacity = this.index.length / 2;
  }

  get size(): number {
    return Math.min(Atomics.load(this.counts, NEXT), this.capacity);
  }

  /** Bytes in use: every slot, and the numbers and words of the vectors stored. */
  get bytes(): number {
    return this.slots.byteLength + this.size * 8 + Math.min(Atomics.load(this.counts, TOP), this.arena.length) * 4;
  }

  /** The number of `words[0..length)`, stored now if it is new (then `added`); FULL when there is no room. */
  add(words: Uint32Array, length: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = hash(words, length) & mask;
    for (;;) {
      let v = Atomics.load(slots, slot);
      if (v === 0) {
        if (Atomics.compareExchange(slots, slot, 0, BUSY) !== 0) continue; // another thread took it first: look again
        return this.store(slot, words, length);
      }
      while (v === BUSY) v = Atomics.load(slots, slot);
      if (v === 0) continue; // given back by a thread that found the table full
      if (this.equals(v - 1, words, length)) {
        this.added = false;
        return v - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Writes a new vector in a claimed slot, then publishes its number there. */
  private store(slot: number, words: Uint32Array, length: number): number {
    const id = Atomics.add(this.counts, NEXT, 1);
    const start = Atomics.add(this.counts, TOP, length);
    // at most 3/4 of the slots used, so that probes stay short and always end
    if (id >= this.capacity || start + length > this.arena.length || id * 4 >= this.slots.length * 3) {
      Atomics.store(this.slots, slot, 0);
      this.added = false;
      return FULL;
    }
    const arena = this.arena;
    for (let i = 0; i < length; i++) arena[start + i] = words[i];
    this.index[2 * id] = start;
    this.index[2 * id + 1] = length;
    Atomics.store(this.slots, slot, id + 1);
    this.added = true;
    return id;
  }

  private equals(id: number, words: Uint32Array, length: number): boolean {
    return this.index[2 * id + 1] === length && sameWords(this.arena, this.index[2 * id], words, length);
  }
}
