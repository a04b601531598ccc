import { createWriteStream, existsSync, mkdirSync, renameSync } from "node:fs";
import { finished } from "node:stream/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { writeNdjson } from "../hubble/generate/index.js";
import { CaptureBuilder, startReplay } from "../hubble/replay/index.js";
import type { RunningReplay } from "../hubble/replay/index.js";
import { readFlowFile } from "../hubble/index.js";

/** The demo's synthetic app: enough flows for a varied graph, replayed live in a loop. */
export const DEMO = {
  captureFile: "demo-capture.ndjson",
  flows: 20_000,
  seed: 7,
  /** Flows per second the demo replay server streams. */
  rate: 200,
} as const;

/**
 * Creates the demo capture under `dataDir` on first start (written to a temporary file and
 * renamed, so an interrupted start never leaves half a capture behind) and returns its path.
 */
export async function ensureDemoCapture(dataDir: string, log: Logger): Promise<string> {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, DEMO.captureFile);
  if (existsSync(path)) return path;
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  const truth = await writeNdjson(out, { flows: DEMO.flows, seed: DEMO.seed });
  out.end();
  await finished(out);
  renameSync(partial, path);
  log.info({ path, flows: DEMO.flows, edges: truth.exercisedEdges.length }, "demo capture generated");
  return path;
}

/** Starts the demo's replay server on a free loopback port, looping the capture live. */
export async function startDemoReplay(capturePath: string): Promise<RunningReplay> {
  const builder = new CaptureBuilder();
  for await (const record of readFlowFile(capturePath)) builder.add(record.value);
  return startReplay(builder.capture(), { listen: "127.0.0.1:0", rate: DEMO.rate, loop: true });
}
