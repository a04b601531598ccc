import { createWriteStream, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { writeNdjson } from "../../src/hubble/generate/index.js";
import type { GenerateOptions } from "../../src/hubble/generate/index.js";

/** Writes `flows` generator lines to a temporary NDJSON capture and returns its path. */
export async function writeCapture(flows: number, workloads: number, seed = 11): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-bench-"));
  const path = join(dir, `capture-${flows}.ndjson`);
  await writeCaptureFile(path, { flows, workloads, seed });
  return path;
}

/** Writes a generator run with any generator options (e.g. `startMs`) to the NDJSON file `path`. */
export async function writeCaptureFile(path: string, options: GenerateOptions): Promise<void> {
  const out = createWriteStream(path);
  await writeNdjson(out, options);
  out.end();
  await finished(out);
}
