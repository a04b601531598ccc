import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Parser } from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { policiesToFiles } from "../recommend/index.js";
import type { OutputPath, RecommendedPolicy } from "../recommend/index.js";
import { archiveOf, outputFileUnder } from "./archive.js";

const dir = mkdtempSync(join(tmpdir(), "archive-test-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function policy(namespace: string, cluster: string): RecommendedPolicy {
  return { kind: "NetworkPolicy", namespace, name: "x", cluster, object: { kind: "NetworkPolicy", metadata: { name: "x", namespace } } };
}

async function entries(archive: Buffer): Promise<string[]> {
  const names: string[] = [];
  const parser = new Parser({ onReadEntry: (entry) => { names.push(entry.path); entry.resume(); } });
  await new Promise<void>((resolve, reject) => {
    Readable.from([archive]).pipe(parser).on("end", resolve).on("error", reject);
  });
  return names;
}

describe("archiveOf", () => {
  it("keeps every entry of hostile namespace and cluster names inside the archive", async () => {
    const files = policiesToFiles([policy("../..", "/"), policy("prod", "kind-kind"), policy(".hidden", "kind-kind")]);
    const names = await entries(await archiveOf(files, { gzip: true }));
    expect(names.filter((n) => !n.endsWith("/")).sort()).toEqual([
      "_2F/_2E_2E_2F_2E_2E.yaml", "_2F/kustomization.yaml", "kind-kind/_2Ehidden.yaml", "kind-kind/kustomization.yaml", "kind-kind/prod.yaml",
    ]);
    expect(names.every((n) => !n.startsWith("/") && !n.split("/").includes(".."))).toBe(true);
  });
});

describe("outputFileUnder", () => {
  it("places a path below its directory and refuses one that leaves it", () => {
    expect(outputFileUnder(dir, "a/b.yaml" as OutputPath)).toBe(join(dir, "a", "b.yaml"));
    for (const bad of ["../x.yaml", "/etc/passwd", "a/../../x", "", "."]) {
      expect(() => outputFileUnder(dir, bad as OutputPath)).toThrow(/leaves its directory/); // paths outputPath never builds
    }
  });
});
