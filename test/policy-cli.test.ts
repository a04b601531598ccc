/**
 * The policy commands through the built command line (`npm run build` makes dist; CI builds
 * it in `npm ci`): exit codes and one-line usage errors come from the real entry point.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const MAIN = join(import.meta.dirname, "../dist/src/cli/main.js");
const dir = await mkdtemp(join(tmpdir(), "policy-cli-"));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const good = join(dir, "good.yaml");
const bad = join(dir, "bad.yaml");
const flows = join(dir, "flows.json");
await writeFile(good, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {}}\n");
await writeFile(bad, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {x: [1]}}}\n");
await writeFile(flows, "");

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!existsSync(MAIN))("policy commands through the built CLI", () => {
  it("policies check: 0 when clean, 1 with --strict and a problem", async () => {
    expect((await cli("policies", "check", "--strict", good)).code).toBe(0);
    const r = await cli("policies", "check", "--strict", bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("spec.podSelector.matchLabels.x: label value must be a string (policy ignored: it isolates no pod and allows nothing)");
  });

  it("usage errors exit 2 with one line", async () => {
    const r = await cli("simulate", "--policies", good, "--flows", flows, "-o", "xml");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('hubble-auditor: -o must be jsonl or table, got "xml"\n');
    const missing = await cli("simulate", "--policies", good);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("explain prints the verdict in words", async () => {
    const r = await cli("explain", "--policies", good, "--from", "b/x", "--to", "a/y", "--port", "80/TCP");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^b\/x -> a\/y on 80\/TCP: DENIED \(semantics: cilium\)\n/);
  });
});
