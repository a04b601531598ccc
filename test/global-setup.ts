import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * Compiles the CLI before the suite, so tests that run `dist/src/cli/main.js` in a child
 * process exercise the current sources. Type errors do not stop the suite here (tsc still
 * emits); `npm run typecheck` is where they fail the build.
 */
export function setup(): void {
  const root = join(import.meta.dirname, "..");
  const result = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], { encoding: "utf8" });
  if (result.status !== 0) process.stderr.write(`global setup: tsc reported errors; dist was still emitted\n${result.stdout.slice(0, 2000)}`);
}
