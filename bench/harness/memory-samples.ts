/** One reading of the process's memory, in MB. */
export interface MemoryReading {
  /** Resident set size: everything the process has in RAM (heap, code, SQLite's cache, buffers). */
  readonly rss: number;
  /** V8 heap in use, live objects plus garbage not yet collected. */
  readonly heapUsed: number;
  /** V8 heap reserved (what the heap contributes to RSS at most). */
  readonly heapTotal: number;
  /** Memory of Buffers and other objects held outside the V8 heap. */
  readonly external: number;
}

/** Reads the current process's memory (process.memoryUsage, which reads /proc for RSS). */
export function readMemory(): MemoryReading {
  const m = process.memoryUsage();
  const mb = (bytes: number): number => Math.round(bytes / 1048576);
  return { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) };
}

/** Peak resident set size of this process so far, in MB (getrusage ru_maxrss). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
