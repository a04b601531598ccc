import { createWriteStream, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { writeNdjson } from "../../src/hubble/generate/index.js";

/** Writes `flows` generator lines to a temporary NDJSON capture and returns its path. */
export async function writeCapture(flows: number, workloads: number, seed = 11): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-bench-"));
  const path = join(dir, `capture-${flows}.ndjson`);
  const out = createWriteStream(path);
  await writeNdjson(out, { flows, workloads, seed });
  out.end();
  await finished(out);
  return path;
}
