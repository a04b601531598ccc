import type { Stats } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { FileProblem } from "./file-problem.js";

/** Extensions picked up when walking a directory; a file named explicitly is read whatever its name. */
const POLICY_FILE = /\.(ya?ml|json)$/i;

/** The files found under the given paths, in load order, and the paths that could not be used. */
export interface CollectedFiles {
  readonly files: readonly string[];
  /** Every path that could not be used, named or found while walking, in order. */
  readonly problems: readonly FileProblem[];
  /** The named paths among `problems`: missing, inaccessible, neither file nor directory, or an unreadable directory. */
  readonly unusablePaths: readonly FileProblem[];
  /** Named directories in which, subdirectories included, no policy file was found. */
  readonly emptyDirectories: readonly string[];
  /** The named paths that are regular files, as given: a failure to read one makes it unusable too. */
  readonly namedFiles: ReadonlySet<string>;
}

interface Walk {
  readonly files: string[];
  readonly problems: FileProblem[];
  readonly seen: Set<string>;
  readonly maxFiles: number;
  truncated: boolean;
}

/** How walking one directory went: how many policy files it held, or why it was not walked. */
type DirectoryWalk =
  | { readonly kind: "walked"; readonly policyFiles: number }
  | { readonly kind: "already-walked" }
  | { readonly kind: "unreadable"; readonly problem: FileProblem };

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
  const unusablePaths: FileProblem[] = [];
  const emptyDirectories: string[] = [];
  const namedFiles = new Set<string>();
  const unusable = (problem: FileProblem): void => {
    walk.problems.push(problem);
    unusablePaths.push(problem);
  };
  for (const path of paths) {
    const info = await statOrProblem(path);
    if ("problem" in info) unusable(info.problem);
    else if (info.stats.isDirectory()) {
      const result = await walkDirectory(path, walk);
      if (result.kind === "unreadable") unusable(result.problem);
      else if (result.kind === "walked" && result.policyFiles === 0) emptyDirectories.push(path);
    } else if (info.stats.isFile()) {
      namedFiles.add(path);
      await addFile(path, walk);
    } else unusable({ file: path, message: "not a regular file or directory" });
  }
  return { files: walk.files, problems: walk.problems, unusablePaths, emptyDirectories, namedFiles };
}

async function walkDirectory(dir: string, walk: Walk): Promise<DirectoryWalk> {
  const real = await realpath(dir).catch(() => dir);
  if (walk.seen.has(real)) return { kind: "already-walked" }; // a symlink loop or the same directory named twice
  walk.seen.add(real);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    return { kind: "unreadable", problem: { file: dir, message: `cannot read directory: ${describe(err)}` } };
  }
  names.sort(compareCodePoints);
  let policyFiles = 0;
  for (const name of names) {
    if (name.startsWith(".")) continue;
    const path = join(dir, name);
    const info = await statOrProblem(path);
    if ("problem" in info) {
      walk.problems.push(info.problem);
      continue;
    }
    if (info.stats.isDirectory()) {
      const result = await walkDirectory(path, walk);
      if (result.kind === "unreadable") walk.problems.push(result.problem);
      else if (result.kind === "walked") policyFiles += result.policyFiles;
    } else if (info.stats.isFile() && POLICY_FILE.test(name)) {
      policyFiles++;
      await addFile(path, walk);
    }
  }
  return { kind: "walked", policyFiles };
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

async function statOrProblem(path: string): Promise<{ readonly stats: Stats } | { readonly problem: FileProblem }> {
  try {
    return { stats: await stat(path) };
  } catch (err) {
    const message = errorCode(err) === "ENOENT" ? "no such file or directory" : `cannot access: ${describe(err)}`;
    return { problem: { file: path, message } };
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
