/**
 * A full filesystem under `ingest`: the graph lives on a tmpfs too small for the whole
 * capture. The run must stop with an error that says the disk is full (no hang, no crash
 * trace), leave a database that passes `PRAGMA integrity_check` with every count at or
 * below the clean run's, and, once space is freed, a second run must end on exactly the
 * clean run's counts. Needs root (mount); elsewhere the row says it was skipped.
 */
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { writeNdjson } from "../../src/hubble/generate/index.js";
import { compareCounts, graphCounts } from "./counts.js";
import { MAIN } from "./kill-loop.js";
import type { FaultRow } from "./counts.js";


interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

function ingest(capture: string, db: string, timeoutMs: number): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, "ingest", "--from", capture, "--db", db, "--flush-interval", "200", "--progress-interval", "600000"], {
      stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LOG_LEVEL: "warn" },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { child.kill("SIGKILL"); }, timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

function mount(dir: string, bytes: number): void {
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir]);
}

/** Runs the scenario `rounds` times with filesystems of different sizes. */
export async function diskFullScenario(options: { readonly flows: number; readonly rounds: number }): Promise<FaultRow> {
  const name = "full filesystem under ingest";
  if (process.getuid?.() !== 0) return { name, tried: 0, survived: 0, lost: 0, countedTwice: 0, failures: [], skipped: "needs root to mount a small tmpfs" };
  const work = mkdtempSync(join(tmpdir(), "faults-disk-full-"));
  const failures: string[] = [];
  let survived = 0;
  let lost = 0;
  let countedTwice = 0;
  try {
    const capture = join(work, "capture.ndjson");
    const out = createWriteStream(capture);
    await writeNdjson(out, { flows: options.flows, seed: 23 });
    out.end();
    await finished(out);
    const reference = join(work, "clean.db");
    const clean = await ingest(capture, reference, 300_000);
    if (clean.code !== 0) throw new Error(`the clean run failed (${String(clean.code)}): ${clean.stderr}`);
    const want = graphCounts(reference, { integrity: true });
    const fullSize = statSync(reference).size;
    for (let round = 0; round < options.rounds; round++) {
      const dir = join(work, `fs-${round}`);
      mkdirSync(dir);
      // From half to a few times the finished file (the WAL needs room too): full at different moments.
      const size = Math.max(64 * 1024, Math.round(fullSize * (0.5 + 0.6 * round)));
      mount(dir, size);
      try {
        const db = join(dir, "graph.db");
        const first = await ingest(capture, db, 120_000);
        const problems: string[] = [];
        // A volume that turned out big enough is no failure: the counts below still have to match.
        if (first.signal !== null) problems.push(`the full-disk run was killed by ${first.signal} (a hang)`);
        else if (first.code !== 0 && !/disk is full/.test(first.stderr)) problems.push(`the full-disk run did not say the disk is full: ${first.stderr.trim().slice(-300)}`);
        if (/\n\s+at /.test(first.stderr)) problems.push("the full-disk run printed a stack trace");
        // A disk that filled before the schema was written leaves no graph at all (no counts).
        const partial = graphCounts(db, { integrity: true });
        const over = compareCounts(want, partial).countedTwice;
        if (over > 0) problems.push(`the partial graph holds ${over} counts beyond the clean run`);
        // Space freed (the volume grown), the same command again.
        execFileSync("mount", ["-o", `remount,size=${fullSize * 4 + 4 * 1024 * 1024}`, dir]);
        const second = await ingest(capture, db, 300_000);
        if (second.code !== 0) problems.push(`the run after freeing space failed (${String(second.code)}): ${second.stderr.trim().slice(-300)}`);
        const diff = compareCounts(want, graphCounts(db, { integrity: true }));
        lost += diff.lost;
        countedTwice += diff.countedTwice;
        if (diff.lost > 0 || diff.countedTwice > 0 || diff.flowCountsDiffering > 0) problems.push(`after freeing space: ${diff.lost} lost, ${diff.countedTwice} counted twice, ${diff.flowCountsDiffering} edges with other flow counts`);
        if (problems.length === 0) survived++;
        else failures.push(...problems.map((p) => `round ${round} (${Math.round(size / 1024)} KiB): ${p}`));
      } finally {
        execFileSync("umount", [dir]);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { name, tried: options.rounds, survived, lost, countedTwice, failures };
}
