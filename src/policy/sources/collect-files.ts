import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { FileProblem } from "./file-problem.js";

/** Extensions picked up when walking a directory; a file named explicitly is read whatever its name. */
const POLICY_FILE = /\.(ya?ml|json)$/i;

/** The files found under the given paths, in load order, and the paths that could not be used. */
export interface CollectedFiles {
  readonly files: readonly string[];
  readonly problems: readonly FileProblem[];
}

interface Walk {
  readonly files: string[];
  readonly problems: FileProblem[];
  readonly seen: Set<string>;
  readonly maxFiles: number;
  truncated: boolean;
}

/**
 * Expands files and directories into the list of policy files to read. Directories are walked
 * recursively in code-point order of entry names, so the result does not depend on the filesystem.
 * Hidden entries are skipped: Kubernetes mounts a ConfigMap as `..data` and `..<timestamp>`
 * directories plus symlinks to them, and walking those would load every policy twice.
 * Each real file is listed once even if reached through several paths.
 */
export async function collectPolicyFiles(
  paths: readonly string[],
  maxFiles: number,
): Promise<CollectedFiles> {
  const walk: Walk = { files: [], problems: [], seen: new Set(), maxFiles, truncated: false };
  for (const path of paths) {
    const info = await statOrProblem(path, walk);
    if (info === undefined) continue;
    if (info.isDirectory()) await walkDirectory(path, walk);
    else if (info.isFile()) await addFile(path, walk);
    else walk.problems.push({ file: path, message: "not a regular file or directory" });
  }
  return { files: walk.files, problems: walk.problems };
}

async function walkDirectory(dir: string, walk: Walk): Promise<void> {
  const real = await realpath(dir).catch(() => dir);
  if (walk.seen.has(real)) return; // a symlink loop or the same directory named twice
  walk.seen.add(real);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    walk.problems.push({ file: dir, message: `cannot read directory: ${describe(err)}` });
    return;
  }
  names.sort(compareCodePoints);
  for (const name of names) {
    if (name.startsWith(".")) continue;
    const path = join(dir, name);
    const info = await statOrProblem(path, walk);
    if (info === undefined) continue;
    if (info.isDirectory()) await walkDirectory(path, walk);
    else if (info.isFile() && POLICY_FILE.test(name)) await addFile(path, walk);
  }
}

async function addFile(path: string, walk: Walk): Promise<void> {
  const real = await realpath(path).catch(() => path);
  if (walk.seen.has(real)) return;
  walk.seen.add(real);
  if (walk.files.length >= walk.maxFiles) {
    if (!walk.truncated) {
      walk.truncated = true;
      walk.problems.push({
        file: path,
        message: `more than ${walk.maxFiles} policy files; this file and the rest are ignored`,
      });
    }
    return;
  }
  walk.files.push(path);
}

async function statOrProblem(path: string, walk: Walk): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    const message = errorCode(err) === "ENOENT" ? "no such file or directory" : `cannot access: ${describe(err)}`;
    walk.problems.push({ file: path, message });
    return undefined;
  }
}

/** Locale-independent ordering, so two machines load the same directory in the same order. */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null || !("code" in err)) return undefined;
  return typeof err.code === "string" ? err.code : undefined;
}

/** A short reason for a filesystem error, without the stack. */
export function describe(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}
