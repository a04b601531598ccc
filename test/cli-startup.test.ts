/**
 * Lazy commands through the built program (`npm run build` makes dist): `--version` and
 * `--help` load no command, and a command loads its own modules only.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const PROGRAM = join(import.meta.dirname, "../dist/src/cli/program.js");

/** The npm packages loaded (CommonJS ones, the heavy kind here) once the program is built for `args`. */
function packagesLoadedFor(args: readonly string[]): string[] {
  const script = `
    import { createRequire } from "node:module";
    const require = createRequire(import.meta.url);
    const { buildProgram } = await import(${JSON.stringify(PROGRAM)});
    await buildProgram(${JSON.stringify(args)}, { logger: async () => { throw new Error("no logger here"); } });
    const names = Object.keys(require.cache).flatMap((k) => {
      const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(k);
      return m ? [m[1]] : [];
    });
    process.stdout.write(JSON.stringify([...new Set(names)].sort()));`;
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" })) as string[];
}

describe.skipIf(!existsSync(PROGRAM))("lazy commands", () => {
  it.each([[["--version"]], [["--help"]], [["help"]], [["no-such-command"]]])("%j loads no command's modules", (args) => {
    expect(packagesLoadedFor(args)).toEqual(["commander"]);
  });

  it("graph loads SQLite but not the gRPC client, the HTTP server, metrics or the Kubernetes client", () => {
    const loaded = packagesLoadedFor(["graph", "--help"]);
    expect(loaded).toContain("better-sqlite3");
    for (const heavy of ["@grpc/grpc-js", "express", "prom-client", "@kubernetes/client-node"]) expect(loaded).not.toContain(heavy);
  });

  it("help COMMAND and a nested command load the command they name", () => {
    expect(packagesLoadedFor(["help", "graph"])).toContain("better-sqlite3");
    expect(packagesLoadedFor(["policies", "check", "--help"])).not.toEqual(["commander"]);
  });

  it("the policies commands load SQLite only when a diff runs", () => {
    expect(packagesLoadedFor(["policies", "diff", "--help"])).not.toContain("better-sqlite3");
    expect(packagesLoadedFor(["policies", "explain", "--help"])).not.toContain("better-sqlite3");
  });
});
