import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../usage-error.js";
import { registerGenerateCommand } from "./generate.js";

const dir = await mkdtemp(join(tmpdir(), "generate-command-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<void> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerGenerateCommand(program);
  await program.parseAsync(["generate", ...args], { from: "user" });
}

describe("hubble-auditor generate", () => {
  it("writes the requested number of NDJSON lines and the ground truth", async () => {
    const out = join(dir, "flows.json");
    const truth = join(dir, "truth.json");
    await run("--flows", "300", "--seed", "3", "--out", out, "--truth", truth);
    const lines = (await readFile(out, "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(300);
    expect(Object.keys(JSON.parse(lines[0] ?? "{}") as object)).toEqual(["flow", "node_name", "time"]);
    const summary = JSON.parse(await readFile(truth, "utf8")) as { lines: number };
    expect(summary.lines).toBe(300);
  });

  it("compresses output whose name ends in .gz", async () => {
    const out = join(dir, "flows.json.gz");
    await run("--flows", "50", "--out", out, "--start", "2025-03-01T12:00:00Z");
    const text = gunzipSync(await readFile(out)).toString("utf8");
    expect(text.split("\n").filter(Boolean)).toHaveLength(50);
    expect(text.startsWith('{"flow":{"time":"2025-03-01T12:00:00.')).toBe(true);
  });

  it.each([
    [["--flows", "ten"], /--flows/],
    [["--nodes", "1"], /--nodes/],
    [["--lost-events", "2"], /--lost-events/],
    [["--start", "yesterday"], /--start/],
  ])("reports %j as a usage error naming the option", async (args, message) => {
    const attempt = run(...args, "--out", join(dir, "unused.json"));
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(message);
  });
});
