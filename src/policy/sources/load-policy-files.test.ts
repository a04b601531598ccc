import { chmod, mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loadPolicyFiles } from "./load-policy-files.js";

const files = fileURLToPath(new URL("./testdata/files", import.meta.url));
const policies = join(files, "policies");
const bad = join(files, "bad");

function names(docs: readonly { readonly object: unknown }[]): string[] {
  return docs.map((d) => {
    const object = d.object as { kind: string; metadata?: { name?: string } }; // fixtures are known objects
    return `${object.kind}/${object.metadata?.name ?? ""}`;
  });
}

describe("loadPolicyFiles", () => {
  const temps: string[] = [];
  afterEach(async () => {
    await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "policy-files-"));
    temps.push(dir);
    return dir;
  }

  it("walks a directory recursively in name order, reading only YAML and JSON and skipping hidden entries", async () => {
    const result = await loadPolicyFiles([policies]);
    expect(result.problems).toEqual([]);
    expect(names(result.documents)).toEqual([
      "NetworkPolicy/default-deny-ingress",
      "List/",
      "CiliumNetworkPolicy/frontend-to-api",
      "CiliumClusterwideNetworkPolicy/allow-kube-dns",
    ]);
    expect(result.documents.map((d) => d.origin)).toEqual([
      { source: "file", file: join(policies, "a-default-deny.yaml"), documentIndex: 0 },
      { source: "file", file: join(policies, "c-list.json"), documentIndex: 0 },
      { source: "file", file: join(policies, "nested", "b-cilium.yml"), documentIndex: 0 },
      { source: "file", file: join(policies, "nested", "b-cilium.yml"), documentIndex: 2 },
    ]);
  });

  it("passes a List whole", async () => {
    const result = await loadPolicyFiles([join(policies, "c-list.json")]);
    const list = result.documents[0]?.object as { items: unknown[] }; // c-list.json is a List
    expect(list.items).toHaveLength(2);
  });

  it("reports a missing path by name, lists it as unusable, and still loads the others", async () => {
    const missing = join(files, "does-not-exist.yaml");
    const result = await loadPolicyFiles([missing, join(policies, "a-default-deny.yaml")]);
    expect(result.problems).toEqual([{ file: missing, message: "no such file or directory" }]);
    expect(result.unusablePaths).toEqual(result.problems);
    expect(names(result.documents)).toEqual(["NetworkPolicy/default-deny-ingress"]);
  });

  it("lists a named path that is neither file nor directory as unusable", async () => {
    const result = await loadPolicyFiles(["/dev/null"]);
    expect(result.unusablePaths).toEqual([{ file: "/dev/null", message: "not a regular file or directory" }]);
  });

  it("reports a dangling link inside a directory as a problem, but not as an unusable path", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kept\n");
    await symlink(join(dir, "gone.yaml"), join(dir, "dangling.yaml"));
    const result = await loadPolicyFiles([dir]);
    expect(result.problems).toEqual([{ file: join(dir, "dangling.yaml"), message: "no such file or directory" }]);
    expect(result.unusablePaths).toEqual([]);
    expect(names(result.documents)).toEqual(["Namespace/kept"]);
  });

  it("lists a named directory without policy files as empty, which is not a problem", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "README.md"), "policies go here\n");
    await mkdir(join(dir, "sub"));
    const result = await loadPolicyFiles([dir, policies]);
    expect(result.emptyDirectories).toEqual([dir]);
    expect(result.problems).toEqual([]);
    expect(result.unusablePaths).toEqual([]);
    expect((await loadPolicyFiles([files])).emptyDirectories).toEqual([]); // policy files in subdirectories count
  });

  it.skipIf(process.getuid?.() === 0)("lists a named file or directory that cannot be read as unusable, but one found inside a directory only as a problem", async () => {
    const dir = await tempDir();
    const locked = join(dir, "locked.yaml");
    await writeFile(locked, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n");
    await chmod(locked, 0o000);
    const closed = join(dir, "closed");
    await mkdir(closed);
    await chmod(closed, 0o000);
    const named = await loadPolicyFiles([locked, closed]);
    expect(named.unusablePaths).toEqual([
      { file: closed, message: expect.stringMatching(/^cannot read directory: EACCES/) as unknown },
      { file: locked, message: expect.stringMatching(/^cannot read file: EACCES/) as unknown },
    ]);
    const walked = await loadPolicyFiles([dir]);
    expect(walked.unusablePaths).toEqual([]);
    expect(walked.problems).toHaveLength(2);
  });

  it("skips only the document with a YAML syntax error, naming its index and line", async () => {
    const file = join(bad, "syntax.yaml");
    const result = await loadPolicyFiles([file]);
    expect(names(result.documents)).toEqual(["Namespace/first", "Namespace/third"]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ file, documentIndex: 1, line: 10 });
    expect(result.problems[0]?.message).toMatch(/^invalid YAML: /);
  });

  it.each([
    ["invalid.json", { documentIndex: 0, line: 3 }, /^invalid JSON: /],
    ["duplicate-key.yaml", { documentIndex: 0, line: 5 }, /^invalid YAML: Map keys must be unique/],
    ["alias-bomb.yaml", { documentIndex: 0, line: 1 }, /^cannot read YAML: .*alias/i],
    ["deep.json", { documentIndex: 0 }, /^document nests deeper than 64 levels$/],
  ])("reports %s as a problem", async (name, where, message) => {
    const file = join(bad, name);
    const result = await loadPolicyFiles([file]);
    expect(result.documents).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ file, ...where });
    expect(result.problems[0]?.message).toMatch(message);
  });

  it("rejects documents that are not objects", async () => {
    const file = join(bad, "scalar.yaml");
    const result = await loadPolicyFiles([file]);
    expect(result.problems).toEqual([
      { file, documentIndex: 0, message: "document is a string, not a Kubernetes object" },
      { file, documentIndex: 1, message: "document is an array, not a Kubernetes object" },
    ]);
  });

  it("rejects a file over the size limit without reading it", async () => {
    const file = join(policies, "a-default-deny.yaml");
    const result = await loadPolicyFiles([file], { limits: { maxFileBytes: 64 } });
    expect(result.documents).toEqual([]);
    expect(result.problems).toEqual([{ file, message: expect.stringMatching(/^file is \d+ bytes, more than the limit of 64$/) as unknown }]);
  });

  it("stops at the document limit, counting List items, and says where", async () => {
    const result = await loadPolicyFiles([policies], { limits: { maxDocuments: 3 } });
    expect(names(result.documents)).toEqual(["NetworkPolicy/default-deny-ingress", "List/"]);
    expect(result.problems).toEqual([
      {
        file: join(policies, "nested", "b-cilium.yml"),
        documentIndex: 0,
        message: "more than 3 documents; this one and the rest are ignored",
      },
    ]);
  });

  it("stops at the file limit", async () => {
    const result = await loadPolicyFiles([policies], { limits: { maxFiles: 1 } });
    expect(names(result.documents)).toEqual(["NetworkPolicy/default-deny-ingress"]);
    expect(result.problems).toEqual([
      { file: join(policies, "c-list.json"), message: "more than 1 policy files; this file and the rest are ignored" },
    ]);
  });

  it("reads a mounted ConfigMap directory once, following its symlinks but not its hidden data directories", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "..2024_01_01_00_00_00.1"));
    await writeFile(join(dir, "..2024_01_01_00_00_00.1", "ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: mounted\n");
    await symlink("..2024_01_01_00_00_00.1", join(dir, "..data"));
    await symlink(join("..data", "ns.yaml"), join(dir, "ns.yaml"));
    const result = await loadPolicyFiles([dir, join(dir, "ns.yaml")]);
    expect(result.problems).toEqual([]);
    expect(names(result.documents)).toEqual(["Namespace/mounted"]);
  });

  it("survives a directory symlink loop", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "ns.json"), '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"loop"}}');
    await symlink(dir, join(dir, "again"));
    const result = await loadPolicyFiles([dir]);
    expect(names(result.documents)).toEqual(["Namespace/loop"]);
  });

  it("reads YAML 1.1 booleans as kubectl does", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    enabled: yes\n");
    const result = await loadPolicyFiles([dir]);
    expect(result.documents[0]?.object).toMatchObject({ metadata: { labels: { enabled: true } } });
  });
});
