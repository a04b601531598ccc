import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * There is no container engine here, so this test replays the Dockerfile: each stage gets a
 * directory standing for its root filesystem, COPY copies into it, build-stage RUN commands
 * run in a shell in its WORKDIR (apt-get lines excepted: the build tools they install must
 * already be present), and the runtime stage's entrypoint is started from the copied tree.
 * The only liberty taken is npm's prefer-offline setting, which plays the part of a build cache.
 */

const ROOT = join(import.meta.dirname, "..");
const MINUTES = 60_000;

interface Instruction {
  readonly op: string;
  readonly args: string;
}

interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions (continuations joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && pending === "")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const full = `${pending}${line}`.trim();
    pending = "";
    if (full === "") continue;
    const [, op = "", args = ""] = /^(\w+)\s+(.*)$/s.exec(full) ?? [];
    if (op.toUpperCase() === "FROM") {
      const [, from = "", name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ from, name, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`instruction before FROM: ${full}`);
      stage.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}

function jsonArgs(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === "string")) throw new Error(`not a JSON string array: ${args}`);
  return parsed;
}

function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { op, args } of stage.instructions) {
    if (op !== "ENV") continue;
    const [, key = "", value = ""] = /^(\w+)=(.*)$/.exec(args) ?? [];
    env[key] = value;
  }
  return env;
}

/** Runs a shell command without blocking the test worker (builds take minutes). */
function run(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { cwd, env });
    let output = "";
    const keep = (d: Buffer): void => { output = (output + d.toString()).slice(-8000); };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), 15 * MINUTES);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`"${command}" failed (${String(code ?? signal)}):\n${output}`));
    });
  });
}

const dockerfile = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const build = dockerfile[0];
const runtime = dockerfile.at(-1);

describe("Dockerfile", { timeout: 5 * MINUTES }, () => {
  let tmp = "";
  const rootfs = new Map<Stage, string>();
  const workdirOf = (stage: Stage): string => stage.instructions.filter((i) => i.op === "WORKDIR").at(-1)?.args ?? "/";
  const inStage = (stage: Stage, path: string): string => join(rootfs.get(stage) ?? "/nonexistent", path.startsWith("/") ? path : join(workdirOf(stage), path));
  // The ENTRYPOINT's arguments after `node`, its absolute paths inside the replayed image.
  const entrypoint = (stage: Stage): string[] => jsonArgs(stage.instructions.find((i) => i.op === "ENTRYPOINT")?.args ?? "[]")
    .slice(1).map((a) => (a.startsWith("/") ? inStage(stage, a) : a));
  const runtimeEnv = (): NodeJS.ProcessEnv => {
    if (!runtime) return process.env;
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn" };
    for (const [key, value] of Object.entries(envOf(runtime))) env[key] = value.startsWith("/") ? inStage(runtime, value) : value;
    return env;
  };

  beforeAll(async () => {
    if (!build || !runtime) return;
    tmp = mkdtempSync(join(tmpdir(), "dockerfile-"));
    for (const [i, stage] of dockerfile.entries()) rootfs.set(stage, join(tmp, `stage-${i}`));
    for (const stage of dockerfile) {
      let workdir = "/";
      const env: NodeJS.ProcessEnv = { ...process.env, ...envOf(stage), npm_config_prefer_offline: "true" };
      for (const { op, args } of stage.instructions) {
        if (op === "WORKDIR") {
          workdir = args;
          mkdirSync(inStage(stage, workdir), { recursive: true });
        } else if (op === "COPY") {
          const words = args.split(/\s+/);
          const from = words.find((w) => w.startsWith("--from="))?.slice("--from=".length);
          const paths = words.filter((w) => !w.startsWith("--"));
          const dest = paths.pop() ?? ".";
          const source = from === undefined ? undefined : dockerfile.find((s) => s.name === from);
          for (const path of paths) {
            const src = source ? inStage(source, path) : join(ROOT, path);
            const target = dest.endsWith("/") ? join(inStage(stage, dest), path.split("/").at(-1) ?? path) : inStage(stage, dest);
            mkdirSync(dirname(target), { recursive: true });
            cpSync(src, target, { recursive: true });
          }
        } else if (op === "RUN") {
          const commands = args.split(/\s+&&\s+/).filter((c) => !/^apt-get\b/.test(c) && !c.startsWith("rm -rf /var/lib/apt/lists"));
          if (stage === runtime) {
            // The runtime stage may only prepare directories; they are made inside its rootfs.
            for (const c of commands) {
              const mkdir = /^mkdir -p (\/\S+)$/.exec(c);
              if (mkdir?.[1]) mkdirSync(inStage(stage, mkdir[1]), { recursive: true });
              else if (!/^chown node:node \/\S+$/.test(c)) throw new Error(`this test cannot replay "${c}" in the runtime stage`);
            }
          } else if (commands.length > 0) await run(commands.join(" && "), inStage(stage, workdir), env);
        }
      }
    }
  }, 20 * MINUTES);

  afterAll(() => {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  it("is multi-stage, builds on the runtime's base image, and installs only build tools with apt-get", () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    expect(build?.name).toBe("build");
    expect(runtime?.from).toBe(build?.from);
    const apt = build?.instructions.filter((i) => i.op === "RUN" && i.args.includes("apt-get install")) ?? [];
    for (const { args } of apt) for (const tool of /install -y --no-install-recommends ([\w+\s-]+?)(?:\s+&&|$)/.exec(args)?.[1]?.split(/\s+/) ?? []) {
      expect(spawnSync("sh", ["-c", `command -v ${tool}`]).status, `${tool} (installed by apt-get in the image) must exist here`).toBe(0);
    }
  });

  it("runs as a non-root user, copies only build output into the runtime, and has a HEALTHCHECK on /healthz:8080", () => {
    const ops = runtime?.instructions ?? [];
    const user = ops.filter((i) => i.op === "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
    for (const copy of ops.filter((i) => i.op === "COPY")) expect(copy.args).toMatch(/^--from=build /);
    const health = ops.find((i) => i.op === "HEALTHCHECK")?.args ?? "";
    expect(health).toContain("http://127.0.0.1:8080/healthz");
    expect(ops.find((i) => i.op === "EXPOSE")?.args.split(/\s+/)).toContain("8080");
  });

  it("the runtime tree has the compiled CLI and the better-sqlite3 addon, and no dev dependency", () => {
    if (!runtime) throw new Error("no runtime stage");
    expect(existsSync(inStage(runtime, "dist/src/cli/main.js"))).toBe(true);
    expect(existsSync(inStage(runtime, "node_modules/better-sqlite3/build/Release/better_sqlite3.node"))).toBe(true);
    // The lockfile marks packages only dev dependencies need with "dev": true.
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> }; // npm's lockfile v3
    const devOnly = Object.entries(lock.packages).filter(([path, p]) => p.dev === true && path.startsWith("node_modules/")).map(([path]) => path);
    expect(devOnly.length).toBeGreaterThan(10);
    const present = devOnly.filter((path) => existsSync(inStage(runtime, path)));
    expect(present).toEqual([]);
  });

  it("the entrypoint starts: --help lists the commands", () => {
    if (!runtime) throw new Error("no runtime stage");
    const entry = entrypoint(runtime);
    const result = spawnSync(process.execPath, [...entry, "--help"], { cwd: inStage(runtime, "."), env: runtimeEnv(), encoding: "utf8", timeout: MINUTES });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("serve");
    expect(jsonArgs(runtime.instructions.find((i) => i.op === "CMD")?.args ?? "[]")).toEqual(["serve"]);
  });

  it("the entrypoint starts from another working directory (docker run -w /work), reading files there", () => {
    if (!runtime) throw new Error("no runtime stage");
    const work = mkdtempSync(join(tmpdir(), "docker-work-"));
    try {
      writeFileSync(join(work, "policy.yaml"), "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n");
      const result = spawnSync(process.execPath, [...entrypoint(runtime), "policies", "check", "policy.yaml"], { cwd: work, env: runtimeEnv(), encoding: "utf8", timeout: MINUTES });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain("NetworkPolicy: 1");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("serve --demo runs from the production-only tree, passes the image's HEALTHCHECK and stops cleanly on SIGTERM", async () => {
    if (!runtime) throw new Error("no runtime stage");
    const entry = entrypoint(runtime);
    // The API listens on a free port here; the HEALTHCHECK command is run against that port.
    const child = spawn(process.execPath, [...entry, "serve", "--demo", "--summary-interval", "1", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"], { cwd: inStage(runtime, "."), env: runtimeEnv() });
    let stdout = "";
    let stderr = "";
    let healthExit: number | null = -1;
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`no summary line; stdout:\n${stdout}\nstderr:\n${stderr}`)); }, 2 * MINUTES);
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (/flows [\d,]+ \(.*stream connected/.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
    }).finally(() => {
      const api = /^api: http:\/\/([\d.]+:\d+)\/api\/v1$/m.exec(stdout)?.[1] ?? "";
      const health = runtime.instructions.find((i) => i.op === "HEALTHCHECK")?.args ?? "";
      const command = jsonArgs(/CMD\s+(\[.*\])\s*$/.exec(health)?.[1] ?? "[]").map((a) => a.replace("127.0.0.1:8080", api));
      healthExit = command[0] === "node" && api !== "" ? spawnSync(process.execPath, command.slice(1), { encoding: "utf8", timeout: MINUTES }).status : -1;
      child.kill("SIGTERM");
    });
    expect(healthExit, `HEALTHCHECK against ${stdout}`).toBe(0);
    expect(await exited, stderr).toBe(0);
    // The data directory the image declares (HUBBLE_AUDITOR_DATA_DIR) holds the database.
    expect(existsSync(inStage(runtime, "/data/hubble-auditor.db"))).toBe(true);
  });
});
