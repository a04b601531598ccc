import { readFileSync } from "node:fs";
import { UsageError } from "./usage-error.js";

/** Longest bearer token file read. */
const MAX_TOKEN_BYTES = 4096;

/** Reads `--api-token-file`: one token (surrounding whitespace ignored); a UsageError names the file otherwise. */
export function readApiToken(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`--api-token-file ${file}: cannot read it (${err instanceof Error ? err.message : String(err)})`);
  }
  const token = text.trim();
  if (token === "" || token.length > MAX_TOKEN_BYTES || /\s/.test(token)) {
    throw new UsageError(`--api-token-file ${file}: must hold one token of 1 to ${MAX_TOKEN_BYTES} characters without spaces`);
  }
  return token;
}
