import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, startCli, waitForOutput } from "./cli-process.js";

const COMMANDS = [
  ["serve"], ["replay"], ["generate"], ["ingest"], ["graph"], ["policies", "check"], ["simulate"], ["explain"],
  ["audit"], ["recommend"], ["whatif"],
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
    ["a missing required option", ["replay"], "required option '--file <path>' not specified"],
  ])("rejects %s with exit code 2 and one line", async (_name, args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
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
