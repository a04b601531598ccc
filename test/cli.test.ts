import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, runCli, startCli, waitForOutput } from "./cli-process.js";

const COMMANDS = [
  ["serve"], ["replay"], ["generate"], ["ingest"], ["graph"], ["policies", "check"], ["policies", "explain"], ["policies", "diff"], ["simulate"], ["explain"],
  ["test"], ["test", "generate"], ["audit"], ["recommend"], ["whatif"],
];

describe("the command line", () => {
  it("prints help for the program and every command", async () => {
    const top = await runCli(["--help"]);
    expect(top.code).toBe(0);
    for (const command of COMMANDS) {
      const result = await runCli([...command, "--help"]);
      expect(result.code, command.join(" ")).toBe(0);
      expect(result.stdout).toContain(`Usage: hubble-auditor ${command.join(" ")}`);
    }
  });

  it.each([
    ["an unknown option", ["serve", "--bogus"], "unknown option '--bogus'"],
    ["an unknown command", ["frobnicate"], "unknown command 'frobnicate'"],
    ["a bad option value", ["serve", "--summary-interval", "soon"], "--summary-interval must be a positive integer"],
    ["serve without policies", ["serve", "--hubble", "127.0.0.1:1"], "give the policies to audit against: --policies k8s"],
    ["a bad audit interval", ["serve", "--demo", "--audit-interval", "soon"], "--audit-interval must be a duration"],
    ["a missing token file", ["serve", "--demo", "--api-token-file", "/nonexistent/token"], "--api-token-file /nonexistent/token: cannot read it"],
    ["a listen address that is not host:port", ["serve", "--demo", "--listen", "8080"], '--listen must be host:port, [v6]:port, :port or off, got "8080"'],
    ["k8s mixed with files", ["serve", "--policies", "k8s", "p.yaml"], "--policies takes either k8s or files and directories, not both"],
    ["policies diff without a graph", ["policies", "diff", "old.yaml", "new.yaml"], "policies diff compares the two policy sets over connections: give --db FILE"],
    ["policies explain of k8s and files", ["policies", "explain", "k8s", "p.yaml"], "policies explain takes either k8s or files and directories, not both"],
    ["a policy path that does not exist", ["serve", "--policies", "/nonexistent/policies", "--hubble", "127.0.0.1:1", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"], "hubble-auditor: cannot read policies from /nonexistent/policies: no such file or directory"],
    ["a missing required option", ["replay"], "required option '--file <path>' not specified"],
    ["an API other hosts can reach, without a token", ["serve", "--demo", "--listen", "0.0.0.0:0"], "--listen 0.0.0.0:0 can be reached from other hosts: give --api-token-file FILE, or --insecure-no-auth"],
    ["metrics other hosts can reach, without a token", ["serve", "--demo", "--listen", "off", "--metrics-listen", ":0"], "--metrics-listen :0 can be reached from other hosts"],
    ["a bad --metrics-auth", ["serve", "--demo", "--metrics-auth", "basic"], '--metrics-auth must be token or none, got "basic"'],
    ["a bad --stall-after", ["serve", "--demo", "--stall-after", "0s"], "--stall-after must be a duration of at least 1s"],
  ])("rejects %s with exit code 2 and one line", async (_name, args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stdout).toBe("");
  });
});

describe("serve --demo", () => {
  const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-demo-"));
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it("replays generated flows over loopback gRPC, prints live summaries and stops cleanly on SIGINT", async () => {
    const child = startCli(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir", join(dir, "data"), "--summary-interval", "1", "--metrics-listen", "127.0.0.1:0"]);
    const text = await waitForOutput(child, (t) => /flows [1-9][\d,]* .*identities [1-9].*stream connected/.test(t), 60_000);
    expect(text).toMatch(/^demo: replaying .*demo-capture\.ndjson on 127\.0\.0\.1:\d+/m);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});

describe("serve's environment variables", () => {
  it("every option has one, and the README documents each", async () => {
    const help = (await runCli(["serve", "--help"])).stdout;
    const vars = [...help.matchAll(/env:\s+(HUBBLE_AUDITOR_[A-Z_]+)/g)].map((m) => m[1] ?? "");
    const options = [...help.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1] ?? "").filter((o) => o !== "--help");
    expect(vars).toHaveLength(options.length);
    const readme = readFileSync(join(import.meta.dirname, "../README.md"), "utf8");
    for (const v of vars) expect(readme, v).toContain(`\`${v}\``);
  });

  it("are read: a bad value from the environment is refused like the flag", () => {
    const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-env-"));
    try {
      writeFileSync(join(dir, "empty-token"), "\n");
      const run = (env: Record<string, string>): { status: number | null; stderr: string } =>
        spawnSync(process.execPath, [CLI, "serve", "--demo", "--data-dir", dir], { env: { ...process.env, LOG_LEVEL: "warn", ...env }, encoding: "utf8", timeout: 20_000 });
      expect(run({ HUBBLE_AUDITOR_AUDIT_INTERVAL: "soon" })).toMatchObject({ status: 2, stderr: expect.stringContaining('--audit-interval must be a duration of at least 1s such as 1m or 30s, got "soon"') as unknown });
      expect(run({ HUBBLE_AUDITOR_API_TOKEN_FILE: join(dir, "empty-token") })).toMatchObject({ status: 2, stderr: expect.stringContaining("must hold one token") as unknown });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
