/**
 * The malformed-input corpus against real processes: hostile flow records in a file for
 * `ingest` (each must be refused, named by line and field, and change no count), the same
 * names over a gRPC stream into `serve` (refused and counted in its metrics), a graph an older
 * version stored with a namespace `../..` (recommendations and their tar download must still
 * answer, every path inside the output), hostile HTTP requests (each a 4xx that names the
 * problem, never a 500, and the daemon still answers afterwards), and policy files with
 * names an API server refuses (a problem naming file and field, no stack trace).
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { list } from "tar";
import { DEMO_POLICIES } from "../../src/daemon/index.js";
import { isDns1123Label } from "../../src/flows/index.js";
import { HOSTILE_NAMES, HOSTILE_NUMBERS, captureHead } from "../../src/hubble/testdata/hostile-records.js";
import type { HostileRecord } from "../../src/hubble/testdata/hostile-records.js";
import { graphCounts } from "./counts.js";
import type { FaultRow } from "./counts.js";
import { MAIN } from "./kill-loop.js";

const ENV = { ...process.env, LOG_LEVEL: "warn" };

function lines(records: readonly unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", env: ENV, timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function logLines(stderr: string): Record<string, unknown>[] {
  return stderr.split("\n").flatMap((l) => {
    try {
      const v: unknown = JSON.parse(l);
      return isRecord(v) ? [v] : [];
    } catch {
      return [];
    }
  });
}

/** A problem when the namespaces stored in `db` are not all valid names. */
function storedNamespaceProblem(db: string): string | undefined {
  const raw = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const rows = raw.prepare("SELECT DISTINCT namespace FROM identities WHERE namespace <> ''").all() as { namespace: string }[]; // the SELECT's column
    const bad = rows.map((r) => r.namespace).filter((ns) => !isDns1123Label(ns));
    return bad.length === 0 ? undefined : `stored namespaces that are not valid names: ${JSON.stringify(bad)}`;
  } finally {
    raw.close();
  }
}

/** Each hostile record alone after five valid ones: refused at line 6, named by field, and no count changed. */
function fileRecords(dir: string, failures: string[]): { tried: number; survived: number } {
  const valid = captureHead("basic-sample-400-tcp-flows.json", 5);
  const cleanFile = join(dir, "valid.json");
  writeFileSync(cleanFile, lines(valid));
  const cleanDb = join(dir, "valid.db");
  const clean = cli(["ingest", "--from", cleanFile, "--db", cleanDb]);
  if (clean.status !== 0) throw new Error(`ingest of the valid records failed: ${clean.stderr}`);
  const want = JSON.stringify([...graphCounts(cleanDb)]);
  const hostile: readonly HostileRecord[] = [...HOSTILE_NAMES, ...HOSTILE_NUMBERS];
  let survived = 0;
  hostile.forEach((h, i) => {
    const file = join(dir, `hostile-${i}.json`);
    const db = join(dir, `hostile-${i}.db`);
    writeFileSync(file, lines([...valid, h.record]));
    const run = cli(["ingest", "--from", file, "--db", db]);
    const named = logLines(run.stderr).some((l) => l.msg === "skipped an invalid record" && l.line === 6 && l.path === `$.${h.path}`);
    const problems = [
      run.status === 0 ? undefined : `exit ${String(run.status)}: ${run.stderr.trim().slice(-200)}`,
      /\b1 lines rejected\b/.test(run.stderr) ? undefined : "not counted as rejected",
      named ? undefined : `no warning naming line 6 and ${h.path}`,
      JSON.stringify([...graphCounts(db)]) === want ? undefined : "the graph differs from the valid records' graph",
      /\n\s+at /.test(run.stderr) ? "a stack trace" : undefined,
    ].filter((p): p is string => p !== undefined);
    if (problems.length === 0) survived++;
    else failures.push(`ingest of ${h.what}: ${problems.join("; ")}`);
  });
  return { tried: hostile.length, survived };
}

/** Policy files an API server would refuse: a problem line naming the file and the field each. */
function policyFiles(dir: string, db: string, failures: string[]): { tried: number; survived: number } {
  const np = (metadata: string, spec = "{podSelector: {}}"): string => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: ${metadata}\nspec: ${spec}\n`;
  const cases: readonly (readonly [string, string, string])[] = [
    ["a namespace ../..", np('{name: x, namespace: "../.."}'), "metadata.namespace"],
    ["a name with a slash", np('{name: "a/b", namespace: shop}'), "metadata.name"],
    ["a namespace in upper case", np("{name: x, namespace: Shop}"), "metadata.namespace"],
    ["spec: null", np("{name: x, namespace: shop}", "null"), "spec"],
    ["port 70000", np("{name: x, namespace: shop}", "{podSelector: {}, ingress: [{ports: [{port: 70000}]}]}"), "spec.ingress[0].ports[0].port"],
    ["an unknown selector operator", np("{name: x, namespace: shop}", '{podSelector: {matchExpressions: [{key: app, operator: Equals, values: [a]}]}}'), "spec.podSelector.matchExpressions[0].operator"],
    ["broken YAML", "a: [\n", "invalid YAML"],
    ["an HTTP path rule that backtracks", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x, namespace: shop}\nspec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: '80'}], rules: {http: [{path: '/(a+)+$'}]}}]}]}\n", ""],
  ];
  let survived = 0;
  cases.forEach(([what, text, field], i) => {
    const file = join(dir, `policy-${i}.yaml`);
    writeFileSync(file, text);
    const run = cli(["audit", "--db", db, "--policies", file, "--since", "100000d", "-o", "json"]);
    const problemLine = run.stderr.split("\n").find((l) => l.startsWith("problem: "));
    const problems = [
      run.status === 0 ? undefined : `exit ${String(run.status)}: ${run.stderr.trim().slice(-200)}`,
      /\n\s+at /.test(run.stderr) ? "a stack trace" : undefined,
      field === "" || (problemLine?.includes(file) === true && problemLine.includes(field)) ? undefined : `no problem naming ${file} and ${field}: ${run.stderr.trim().slice(0, 200)}`,
    ].filter((p): p is string => p !== undefined);
    if (problems.length === 0) survived++;
    else failures.push(`policy with ${what}: ${problems.join("; ")}`);
  });
  return { tried: cases.length, survived };
}

function waitFor(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolvePromise, reject) => {
    let text = "";
    const timer = setTimeout(() => { reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; got: ${text.slice(-500)}`)); }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      text += d.toString();
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match);
      }
    });
  });
}

async function metric(url: string, name: string): Promise<number> {
  const text = await fetch(url).then((r) => r.text(), () => "");
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
}

interface HostileRequest {
  readonly what: string;
  readonly path: string;
  readonly init?: RequestInit;
  /** Statuses that are right; anything else (a 500 above all) is a failure. */
  readonly want: readonly number[];
}

const YAML = { "Content-Type": "application/yaml" };
const REQUESTS: readonly HostileRequest[] = [
  { what: "an empty since=", path: "/api/v1/graph?since=", want: [400] },
  { what: "a since past the epoch", path: "/api/v1/graph?since=999999999999999999d", want: [400] },
  { what: "limit 0", path: "/api/v1/findings?limit=0", want: [400] },
  { what: "offset -1", path: "/api/v1/findings?offset=-1", want: [400] },
  { what: "offset 1e400", path: "/api/v1/findings?offset=1e400", want: [400] },
  { what: "a repeated parameter", path: "/api/v1/graph?since=1h&since=2h", want: [400] },
  { what: "an unknown parameter", path: "/api/v1/graph?sinse=1h", want: [400] },
  { what: "a finding type ../..", path: "/api/v1/findings?type=../..", want: [400] },
  { what: "a namespace ../..", path: "/api/v1/recommendations?namespace=..%2F..", want: [400] },
  { what: "a namespace with a newline", path: "/api/v1/graph?namespace=a%0Ab", want: [400] },
  { what: "an explain peer ../..", path: "/api/v1/explain?from=..%2F..&to=shop%2Fweb&port=80", want: [400, 503] },
  { what: "an explain port 99999999999", path: "/api/v1/explain?from=shop%2Fweb&to=shop%2Fapi&port=99999999999", want: [400, 503] },
  { what: "a path ../../etc/passwd", path: "/api/v1/recommendations/..%2F..%2Fetc%2Fpasswd", want: [404] },
  { what: "a dot-dot path", path: "/%2e%2e/%2e%2e/etc/passwd", want: [404] },
  { what: "a what-if as text/plain", path: "/api/v1/whatif", init: { method: "POST", headers: { "Content-Type": "text/plain" }, body: "kind: NetworkPolicy" }, want: [415] },
  { what: "a what-if as a form", path: "/api/v1/whatif", init: { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "a=b" }, want: [415] },
  { what: "a gzip what-if that is not gzip", path: "/api/v1/whatif", init: { method: "POST", headers: { ...YAML, "Content-Encoding": "gzip" }, body: "not gzip at all" }, want: [400] },
  { what: "a what-if in an unknown encoding", path: "/api/v1/whatif", init: { method: "POST", headers: { ...YAML, "Content-Encoding": "compress" }, body: "x" }, want: [415] },
  { what: "a what-if that inflates past the limit", path: "/api/v1/whatif", init: { method: "POST", headers: { ...YAML, "Content-Encoding": "gzip" }, body: gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)) }, want: [413] },
  { what: "a what-if of broken YAML", path: "/api/v1/whatif", init: { method: "POST", headers: YAML, body: "a: [\n" }, want: [400] },
  { what: "a what-if policy in namespace ../..", path: "/api/v1/whatif?since=100000d", init: { method: "POST", headers: YAML, body: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x, namespace: '../..'}\nspec: {podSelector: {}}\n" }, want: [200, 400] },
  { what: "JSON that is not an object", path: "/api/v1/whatif", init: { method: "POST", headers: { "Content-Type": "application/json" }, body: "[[[[[[[[[[[[[[[[[[[[" }, want: [400] },
];

/** Every entry of a tar.gz stays inside it: relative, no `..`, no absolute path. */
async function tarEntryProblem(bytes: Buffer, dir: string): Promise<string | undefined> {
  const file = join(dir, "download.tar.gz");
  writeFileSync(file, bytes);
  const entries: string[] = [];
  await list({ file, onReadEntry: (e) => { entries.push(e.path); } });
  const bad = entries.filter((p) => p.startsWith("/") || p.split("/").includes("..") || p.includes("\\"));
  if (entries.length === 0) return "an empty archive";
  return bad.length === 0 ? undefined : `entries outside the archive: ${JSON.stringify(bad)}`;
}

/** Files written under `dir` and nowhere else. */
function filesOutside(dir: string): string[] {
  const root = resolve(dir);
  const out: string[] = [];
  for (const name of readdirSync(root, { recursive: true, encoding: "utf8" })) {
    const rel = relative(root, resolve(root, name));
    if (rel.startsWith(`..${sep}`) || rel === "..") out.push(name);
  }
  return out;
}

/** serve over a graph with a stored bad name, a stream of hostile names, and the hostile requests. */
async function daemon(dir: string, seededDb: string, failures: string[]): Promise<{ tried: number; survived: number }> {
  // A graph an older version wrote: one namespace renamed `../..` behind every check.
  const db = join(dir, "daemon.db");
  copyFileSync(seededDb, db);
  const raw = new Database(db);
  const renamed = raw.prepare("UPDATE identities SET namespace = '../..', key = '../..' || substr(key, instr(key, '/')) WHERE id = (SELECT min(id) FROM identities WHERE namespace <> '')").run().changes;
  raw.close();
  if (renamed !== 1) throw new Error("the seeded graph holds no workload to rename");
  // The CLI on that graph: recommend to a directory and a tar file, every path inside.
  let tried = 2;
  let survived = 0;
  const out = join(dir, "recommended");
  const toDir = cli(["recommend", "--db", db, "--since", "100000d", "--kind", "both", "--default-deny", "all", "-o", `dir:${out}`]);
  if (toDir.status === 0 && /invalid|not a valid/.test(toDir.stderr) && filesOutside(out).length === 0 && statSync(out).isDirectory()) survived++;
  else failures.push(`recommend -o dir on a graph with a namespace ../..: exit ${String(toDir.status)}, ${toDir.stderr.trim().slice(-300)}`);
  const tarFile = join(dir, "recommended.tar.gz");
  const toTar = cli(["recommend", "--db", db, "--since", "100000d", "--kind", "both", "--default-deny", "all", "-o", `tar:${tarFile}`]);
  const tarProblem = toTar.status === 0 && existsSync(tarFile) ? await tarEntryProblem(readFileSync(tarFile), dir) : `exit ${String(toTar.status)}: ${toTar.stderr.trim().slice(-300)}`;
  if (tarProblem === undefined) survived++;
  else failures.push(`recommend -o tar on a graph with a namespace ../..: ${tarProblem}`);

  // A replay server streams valid flows with the hostile names among them.
  const capture = join(dir, "stream.json");
  writeFileSync(capture, lines([...captureHead("basic-sample-400-tcp-flows.json", 40), ...HOSTILE_NAMES.map((h) => h.record)]));
  writeFileSync(join(dir, "policies.yaml"), DEMO_POLICIES);
  const children: ChildProcessWithoutNullStreams[] = [];
  try {
    const replay = spawn(process.execPath, [MAIN, "replay", "--file", capture, "--listen", "127.0.0.1:0"], { env: ENV });
    children.push(replay);
    const hubble = (await waitFor(replay, /listening on (\S+)/, 30_000))[1] ?? "";
    const serve = spawn(process.execPath, [MAIN, "serve", "--hubble", hubble, "--db", db, "--policies", join(dir, "policies.yaml"), "--retention", "0",
      "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--audit-interval", "1h"], { env: ENV });
    children.push(serve);
    let stderr = "";
    serve.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    const printed = waitFor(serve, /^metrics: (http:\S+)$/m, 60_000);
    const api = ((await waitFor(serve, /^api: (http:\S+)$/m, 60_000))[1] ?? "").replace(/\/api\/v1$/, "");
    const metricsUrl = (await printed)[1] ?? "";
    // The stream: every hostile name refused and counted.
    tried += HOSTILE_NAMES.length;
    let rejected = Number.NaN;
    for (let i = 0; i < 100 && rejected !== HOSTILE_NAMES.length; i++) {
      await new Promise((r) => setTimeout(r, 300));
      rejected = await metric(metricsUrl, "hubble_auditor_stream_rejected_messages_total");
    }
    if (rejected === HOSTILE_NAMES.length) survived += HOSTILE_NAMES.length;
    else failures.push(`serve counted ${rejected} rejected stream messages of ${HOSTILE_NAMES.length} hostile ones`);
    // Recommendations over the graph with the stored bad name still answer, paths safe.
    tried += 2;
    const recs = await fetch(`${api}/api/v1/recommendations?since=100000d`);
    if (recs.status === 200) survived++;
    else failures.push(`GET /api/v1/recommendations on a graph with a namespace ../..: ${recs.status} ${(await recs.text()).slice(0, 200)}`);
    const download = await fetch(`${api}/api/v1/recommendations/download?since=100000d&format=tar`);
    const downloadProblem = download.status === 200 ? await tarEntryProblem(Buffer.from(await download.arrayBuffer()), dir) : `${download.status} ${(await download.text()).slice(0, 200)}`;
    if (downloadProblem === undefined) survived++;
    else failures.push(`the tar download on a graph with a namespace ../..: ${downloadProblem}`);
    // Hostile requests: each answered as documented, none a 500.
    for (const r of REQUESTS) {
      tried++;
      const res = await fetch(`${api}${r.path}`, r.init).catch((err: unknown) => err instanceof Error ? err : new Error(String(err)));
      if (res instanceof Error) failures.push(`${r.what}: no answer (${res.message})`);
      else if (r.want.includes(res.status)) survived++;
      else failures.push(`${r.what}: ${res.status} (want ${r.want.join(" or ")}): ${(await res.text()).slice(0, 200)}`);
    }
    tried++;
    const health = await fetch(`${api}/healthz`).then((r) => r.status, () => 0);
    if (health === 200 && serve.exitCode === null) survived++;
    else failures.push(`after the hostile requests serve answers /healthz with ${health}`);
    const nsProblem = storedNamespaceProblem(db);
    // The bad name seeded above stays (it was stored before); nothing new may join it.
    const unexpected = nsProblem?.replace('"../.."', "").match(/"[^"]*"/);
    if (unexpected !== null && unexpected !== undefined) failures.push(`serve stored a hostile namespace: ${nsProblem ?? ""}`);
    if (/\n\s+at /.test(stderr)) failures.push("serve logged a stack trace");
    const hostileDb = join(dir, "hostile-0.db");
    const ingested = storedNamespaceProblem(hostileDb);
    if (ingested !== undefined) failures.push(`ingest stored a hostile namespace: ${ingested}`);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  }
  return { tried, survived };
}

/** The whole corpus; one row. */
export async function hostileInputScenario(): Promise<FaultRow> {
  const dir = mkdtempSync(join(tmpdir(), "faults-hostile-"));
  const failures: string[] = [];
  try {
    const files = fileRecords(dir, failures);
    const policies = policyFiles(dir, join(dir, "valid.db"), failures);
    const served = await daemon(dir, join(dir, "valid.db"), failures);
    const tried = files.tried + policies.tried + served.tried;
    const survived = files.survived + policies.survived + served.survived;
    return { name: "hostile input (flows, policies, names, API requests)", tried, survived, lost: 0, countedTwice: 0, failures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
