// A reader that stops reading (`hubble-auditor graph | head -1`) ends the command quietly:
// exit code 0, no EPIPE stack, no error line, and no work continued for output nobody reads.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliIntoClosedReader } from "./cli-process.js";

const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-closed-stdout-"));
const flows = join(dir, "flows.ndjson");
const db = join(dir, "graph.db");
const policies = join(dir, "policies.yaml");
const ALL = ["--since", "100000d"];

beforeAll(async () => {
  // 120 workloads give every command below more output than a pipe buffers (64 KiB), so its
  // writes fail once the reader has left.
  const generated = await runCli(["generate", "--flows", "8000", "--workloads", "120", "-o", flows], { timeoutMs: 60_000 });
  expect(generated.code, generated.stderr).toBe(0);
  const ingested = await runCli(["ingest", "--from", flows, "--db", db], { timeoutMs: 60_000 });
  expect(ingested.code, ingested.stderr).toBe(0);
  writeFileSync(policies, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: team-01}\nspec: {podSelector: {}}\n");
}, 120_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("a closed stdout", { timeout: 90_000 }, () => {
  it.each([
    ["graph", () => ["graph", "--db", db, ...ALL, "--top", "50"]],
    ["graph -o json", () => ["graph", "--db", db, ...ALL, "-o", "json"]],
    ["simulate", () => ["simulate", "--policies", policies, "--flows", flows]],
    ["audit", () => ["audit", "--policies", policies, "--db", db, ...ALL, "-o", "json"]],
    ["whatif", () => ["whatif", "--policies", policies, "--db", db, ...ALL, "-o", "json"]],
    ["recommend", () => ["recommend", "--kind", "both", "--db", db, ...ALL]],
    ["generate", () => ["generate", "--flows", "100000"]],
    ["--help", () => ["--help"]],
    ["graph --help", () => ["graph", "--help"]],
  ])("after the first line of %s ends it with exit code 0 and no error", async (_name, args) => {
    const r = await runCliIntoClosedReader(args(), { after: "first-line", timeoutMs: 60_000 });
    expect(r.read).toMatch(/\n$/);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    // recommend's summary goes to stderr by design; nothing else may.
    expect(r.stderr).not.toMatch(/EPIPE|Error|hubble-auditor:|\n {4}at /);
  });

  it.each([
    ["--help", ["--help"]],
    ["simulate --help", ["simulate", "--help"]],
    ["the version", ["--version"]],
  ])("closed before %s is written ends it with exit code 0 and nothing on stderr", async (_name, args) => {
    const r = await runCliIntoClosedReader(args, { after: "start" });
    expect(r).toMatchObject({ code: 0, signal: null, stderr: "" });
  });

  it("stops a long generate at once instead of computing the rest", async () => {
    // Ten million flows take minutes to generate; the reader leaves after the first line.
    const r = await runCliIntoClosedReader(["generate", "--flows", "10000000"], { after: "first-line", timeoutMs: 30_000 });
    expect(r).toMatchObject({ code: 0, signal: null, stderr: "" });
    expect(r.ms).toBeLessThan(15_000);
  });

  it("stops simulate at once, with nothing on stderr", async () => {
    const r = await runCliIntoClosedReader(["simulate", "--policies", policies, "--flows", flows, "-o", "table"], { after: "first-line" });
    expect(r).toMatchObject({ code: 0, signal: null, stderr: "" });
    expect(r.read).toBe("INDEX  VERDICT  EGRESS        INGRESS       RULES\n");
  });

  it("stops serve gracefully, as SIGTERM does, when its summary lines can no longer be written", async () => {
    const r = await runCliIntoClosedReader(
      ["serve", "--hubble", "127.0.0.1:1", "--policies", policies, "--data-dir", join(dir, "serve"), "--listen", "127.0.0.1:0", "--metrics-listen", "off", "--summary-interval", "1"],
      { after: "first-line", timeoutMs: 30_000 },
    );
    expect(r.read).toMatch(/^api: http:\/\/127\.0\.0\.1:\d+\/api\/v1\n$/);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/EPIPE|hubble-auditor:|\n {4}at /);
  });
});
