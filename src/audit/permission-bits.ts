/**
 * Fixed-size bit sets over the candidate identities of the over-permission count, as
 * 32-bit words: bit `i % 32` of word `i >> 5` stands for identity `i`. Bits at or past
 * the size are kept clear by every constructor here, so a set can be counted as is.
 */
export type Bits = Uint32Array;

/** Words needed for `size` bits. */
export function wordsFor(size: number): number {
  return (size + 31) >>> 5;
}

/** An empty set of `size` bits. */
export function emptyBits(size: number): Bits {
  return new Uint32Array(wordsFor(size));
}

/** The set of all `size` bits. */
export function fullBits(size: number): Bits {
  const bits = new Uint32Array(wordsFor(size)).fill(0xffffffff);
  const rest = size & 31;
  if (rest !== 0) bits[bits.length - 1] = (1 << rest) - 1;
  return bits;
}

/**
 * Allocates the bit sets of one universe from shared buffers: one typed-array view per
 * set instead of one buffer each, which costs V8 far less to allocate and to collect
 * when a count builds tens of thousands of sets.
 */
export class BitsArena {
  readonly words: number;
  private buffer: ArrayBuffer;
  private used = 0;
  private readonly chunk: number;

  constructor(readonly size: number) {
    this.words = wordsFor(size);
    this.chunk = Math.max(this.words * 512, 1 << 16);
    this.buffer = new ArrayBuffer(this.chunk * 4);
  }

  /** A new empty set (buffers start zeroed and no slot is handed out twice). */
  empty(): Bits {
    if (this.used + this.words > this.chunk) {
      this.buffer = new ArrayBuffer(this.chunk * 4);
      this.used = 0;
    }
    const bits = new Uint32Array(this.buffer, this.used * 4, this.words);
    this.used += this.words;
    return bits;
  }

  /** A new copy of `bits`. */
  copy(bits: Bits): Bits {
    const out = this.empty();
    out.set(bits);
    return out;
  }

  /** `a ∩ b` as a new set. */
  and(a: Bits, b: Bits): Bits {
    const out = this.empty();
    for (let w = 0; w < out.length; w++) out[w] = (a[w] ?? 0) & (b[w] ?? 0);
    return out;
  }

  /** The complement of `bits` as a new set. */
  complement(bits: Bits): Bits {
    const out = this.empty();
    out.set(complementBits(bits, this.size));
    return out;
  }
}

/** Adds `i`. */
export function setBit(bits: Bits, i: number): void {
  bits[i >>> 5] = (bits[i >>> 5] ?? 0) | (1 << (i & 31));
}

/** Whether `i` is in the set. */
export function hasBit(bits: Bits, i: number): boolean {
  return (((bits[i >>> 5] ?? 0) >>> (i & 31)) & 1) === 1;
}

/** `a ∩ b` as a new set. */
export function andBits(a: Bits, b: Bits): Bits {
  const out = new Uint32Array(a.length);
  for (let w = 0; w < a.length; w++) out[w] = (a[w] ?? 0) & (b[w] ?? 0);
  return out;
}

/** `a ∩= b`. */
export function andInto(a: Bits, b: Bits): void {
  for (let w = 0; w < a.length; w++) a[w] = (a[w] ?? 0) & (b[w] ?? 0);
}

/** `a ∪= b`. */
export function orInto(a: Bits, b: Bits): void {
  for (let w = 0; w < a.length; w++) a[w] = (a[w] ?? 0) | (b[w] ?? 0);
}

/** The complement of `bits` within `size` bits. */
export function complementBits(bits: Bits, size: number): Bits {
  const out = fullBits(size);
  for (let w = 0; w < out.length; w++) out[w] = (out[w] ?? 0) & ~(bits[w] ?? 0);
  return out;
}

/** Whether no bit is set. */
export function isEmptyBits(bits: Bits): boolean {
  for (let w = 0; w < bits.length; w++) if (bits[w] !== 0) return false;
  return true;
}

/** Calls `visit` with every member, in increasing order. */
export function forEachBit(bits: Bits, visit: (i: number) => void): void {
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w] ?? 0;
    while (word !== 0) {
      const low = word & -word;
      visit((w << 5) + 31 - Math.clz32(low));
      word ^= low;
    }
  }
}

/** Number of set bits of a 32-bit word. */
export function popcount32(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * Transposes the 32×32 bit matrix in `m[0..31]` in place: afterwards bit `i` of `m[j]`
 * is what bit `j` of `m[i]` was. Swaps ever smaller blocks (16, 8, 4, 2, 1) across the
 * diagonal, five rounds of 16 word pairs instead of 1,024 single-bit moves.
 */
export function transpose32(m: Uint32Array): void {
  let mask = 0x0000ffff;
  for (let j = 16; j !== 0; j >>>= 1, mask ^= mask << j) {
    for (let k = 0; k < 32; k = (k + j + 1) & ~j) {
      const a = m[k] ?? 0;
      const b = m[k + j] ?? 0;
      const t = ((a >>> j) ^ b) & mask;
      m[k] = a ^ (t << j);
      m[k + j] = b ^ t;
    }
  }
}
