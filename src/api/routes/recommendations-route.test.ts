import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Parser } from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { openGraphStore } from "../../graph/index.js";
import { writeGraphWithBadNamespace } from "../../graph/testdata/bad-names.js";
import { Analysis } from "../analysis.js";
import { downloadAnswer, recommendationsAnswer } from "./recommendations-route.js";

const NOW = Date.UTC(2026, 5, 1);
const dir = mkdtempSync(join(tmpdir(), "recommendations-route-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function analysisOfBadGraph(): Analysis {
  const path = join(dir, `graph-${Math.random().toString(36).slice(2)}.db`);
  writeGraphWithBadNamespace(path, NOW - 3_600_000);
  const store = openGraphStore({ path, access: "read-only" });
  const analysis = new Analysis({ store, policies: () => undefined, now: () => NOW, defaultSince: "7d" });
  analysis.refresh();
  return analysis;
}

async function tarEntries(archive: Buffer): Promise<string[]> {
  const names: string[] = [];
  const parser = new Parser({ onReadEntry: (entry) => { names.push(entry.path); entry.resume(); } });
  await new Promise<void>((resolve, reject) => {
    Readable.from([archive]).pipe(parser).on("end", resolve).on("error", reject);
  });
  return names;
}

describe("recommendations over a graph holding a stored bad namespace", () => {
  it("answers with the other namespaces' policies and a warning naming the bad identity", () => {
    const answer = recommendationsAnswer(analysisOfBadGraph(), { kind: "both" });
    const body = JSON.parse(String(answer.body)) as { policies: { metadata: { namespace: string } }[]; warnings: { kind: string; message: string }[] };
    expect(body.policies.length).toBeGreaterThan(0);
    expect(body.policies.every((p) => p.metadata.namespace === "shop")).toBe(true);
    expect(body.warnings.filter((w) => w.kind === "invalid-name").map((w) => w.message)).toEqual([
      expect.stringMatching(/^"..\/..\/Deployment\/x": left out with its 2 edges, no policies written for it: namespace "..\/.." is not a valid namespace name/) as unknown,
    ]);
  });

  it("downloads a tar of the other namespaces", async () => {
    const answer = await downloadAnswer(analysisOfBadGraph(), { kind: "cilium", format: "tar" });
    expect(answer.attachment).toBe("hubble-auditor-cluster-cilium.tar.gz");
    expect((await tarEntries(answer.body as Buffer)).sort()).toEqual(["kustomization.yaml", "shop.yaml"]); // a tar download's body is a Buffer
  });
});
