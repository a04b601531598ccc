import { execFileSync } from "node:child_process";
import { join } from "node:path";

/**
 * Compiles the CLI before the suite, so tests that run `dist/src/cli/main.js` in a child
 * process always exercise the current sources.
 */
export function setup(): void {
  const root = join(import.meta.dirname, "..");
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
}
