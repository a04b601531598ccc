import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** This package's version from its package.json (found by walking up from this module). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (typeof parsed === "object" && parsed !== null && "name" in parsed && parsed.name === "hubble-auditor") {
        return "version" in parsed && typeof parsed.version === "string" ? parsed.version : "0.0.0";
      }
    }
    dir = dirname(dir);
  }
  return "0.0.0";
}
