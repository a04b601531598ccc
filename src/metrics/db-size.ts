import { statSync } from "node:fs";

/**
 * Bytes an SQLite database occupies: the file plus its `-wal` and `-shm` companions (in WAL
 * mode recent writes live in the WAL until a checkpoint). Undefined when the main file is
 * missing or unreadable.
 */
export function sqliteFileBytes(path: string): number | undefined {
  const main = sizeOf(path);
  if (main === undefined) return undefined;
  return main + (sizeOf(`${path}-wal`) ?? 0) + (sizeOf(`${path}-shm`) ?? 0);
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}
