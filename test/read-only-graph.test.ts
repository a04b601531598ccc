// Read-only commands on a healthy graph in a directory they cannot write (a read-only mount,
// another user's files). SQLite wants to create -wal and -shm files beside a WAL-mode database;
// the commands must read without them, and must refuse clearly when a -wal holds commits.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { connection, workload } from "../src/graph/testdata/connections.js";
import { writeGraphFile } from "../src/graph/testdata/graph-file.js";
import { CLI } from "./cli-process.js";

const HOUR = 3_600_000;
const POLICY = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";
const ROOT = process.getuid?.() === 0;

/** Mounts a small tmpfs on `dir` (root only); false when this machine does not allow it. */
function mountTmpfs(dir: string): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const mounted = new Set<string>();
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) {
    if (mounted.has(dir)) execFileSync("umount", [dir]);
    else chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Who runs the commands: this user. As root, directory permissions do not stop writes, so the
 * graph's directory is a tmpfs remounted read-only (a read-only mount, as a container's); where
 * mounting is not allowed, the children run as `nobody` instead (root may hand them that uid).
 */
let as: { uid?: number; gid?: number } = {};

function run(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { ...as, encoding: "utf8", env: { ...process.env, LOG_LEVEL: "warn" }, timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Makes `dir` and its files read-only, and checks that the commands indeed cannot write there. */
function lockDown(dir: string): void {
  if (mounted.has(dir)) execFileSync("mount", ["-o", "remount,ro", dir]);
  else {
    for (const name of readdirSync(dir)) chmodSync(join(dir, name), 0o444);
    chmodSync(dir, 0o555);
    if (ROOT) as = { uid: 65534, gid: 65534 };
  }
  const probe = run(["-e", `require("node:fs").writeFileSync(${JSON.stringify(join(dir, "probe"))}, "x")`]);
  expect(probe.status, "the test's premise: the directory is not writable for the commands").not.toBe(0);
  expect(probe.stderr).toMatch(/EACCES|EPERM|EROFS/);
}

function healthyGraph(): { dir: string; db: string; policies: string } {
  const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-ro-"));
  dirs.push(dir);
  if (ROOT && mountTmpfs(dir)) mounted.add(dir);
  const db = join(dir, "graph.db");
  const now = Date.now();
  writeGraphFile(db, [connection(now - HOUR, workload("shop", "web"), workload("shop", "api")), connection(now - HOUR, workload("shop", "api"), workload("data", "pg"), { port: 5432 })]);
  const policies = join(dir, "policies.yaml");
  writeFileSync(policies, POLICY);
  return { dir, db, policies };
}

describe("read-only commands on a graph whose directory is not writable", () => {
  it("graph and audit read a cleanly closed WAL-mode graph and create nothing beside it", () => {
    const { dir, db, policies } = healthyGraph();
    expect(readdirSync(dir).sort()).toEqual(["graph.db", "policies.yaml"]);
    const before = statSync(db).mtimeMs;
    lockDown(dir);
    const graph = run([CLI, "graph", "--db", db, "--since", "3h", "-o", "json"]);
    expect(graph.stderr).toBe("");
    expect(graph.status).toBe(0);
    expect((JSON.parse(graph.stdout) as { edges: { destination: string }[] }).edges.map((e) => e.destination).sort()).toEqual(["data/Deployment/pg", "shop/Deployment/api"]);
    const audit = run([CLI, "audit", "--db", db, "--policies", policies, "--since", "3h", "-o", "json"]);
    expect(audit.status, audit.stderr).toBe(0);
    expect((JSON.parse(audit.stdout) as { findings: { kind: string }[] }).findings.map((f) => f.kind)).toContain("would-be-drop");
    expect(readdirSync(dir).sort()).toEqual(["graph.db", "policies.yaml"]);
    expect(statSync(db).mtimeMs).toBe(before);
  });

  it("refuses, naming the -wal file, a graph whose -wal holds commits it could not read", () => {
    const { dir, db } = healthyGraph();
    const scratch = mkdtempSync(join(tmpdir(), "hubble-auditor-ro-src-"));
    dirs.push(scratch);
    copyFileSync(db, join(scratch, "graph.db"));
    // A writer that has committed but not checkpointed (as after a crash): its -wal is copied, its -shm is not.
    const writer = new Database(join(scratch, "graph.db"));
    writer.pragma("journal_mode = WAL");
    writer.pragma("wal_autocheckpoint = 0");
    writer.exec("CREATE TABLE later (x); INSERT INTO later VALUES (1)");
    copyFileSync(join(scratch, "graph.db"), db);
    copyFileSync(join(scratch, "graph.db-wal"), `${db}-wal`);
    writer.close();
    expect(statSync(`${db}-wal`).size).toBeGreaterThan(0);
    lockDown(dir);
    const graph = run([CLI, "graph", "--db", db, "--since", "3h"]);
    expect(graph.status).not.toBe(0);
    expect(graph.stderr).toContain(`graph database ${db}: holds commits in ${db}-wal not yet copied into the database`);
    expect(graph.stdout).toBe("");
  });
});
