// The analysis thread as serve runs it: the built worker (dist, compiled by the suite's global
// setup) over a read-only connection to a real SQLite file holding the recorded bookinfo
// captures, with a real policy file; its answers compared with the same analysis run here.
import { readFileSync, readdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { Worker } from "node:worker_threads";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Analysis, HttpError, LocalAnalysisService, policySnapshotOf } from "../api/index.js";
import type { AnalysisRequest, PolicySnapshot } from "../api/index.js";
import { FILE_ORDER } from "../cli/commands/ingest.js";
import { openGraphStore } from "../graph/index.js";
import type { GraphStore } from "../graph/index.js";
import { eventBatches, readFlowFile } from "../hubble/index.js";
import { persistFlows } from "../ingest/index.js";
import { parsePolicyText } from "../policy/sources/index.js";
import { AnalysisThread } from "./analysis-thread.js";
import type { AnalysisThreadConfig } from "./analysis-messages.js";

const WORKER = join(fileURLToPath(new URL(".", import.meta.url)), "../../dist/src/daemon/analysis-worker.js");
const DATA = join(fileURLToPath(new URL(".", import.meta.url)), "../../../shared/data/hubble-otel");
const POLICIES = join(fileURLToPath(new URL(".", import.meta.url)), "../recommend/testdata/bookinfo-networkpolicy.yaml");
/** The captures' days (November 2021), as an absolute window. */
const WINDOW = { since: "2021-11-01T00:00:00Z", until: "2021-12-01T00:00:00Z" };
const log = pino({ level: "silent" });

const dir = mkdtempSync(join(tmpdir(), "analysis-thread-"));
const db = join(dir, "graph.db");
let store: GraphStore;
let snapshot: PolicySnapshot;

beforeAll(async () => {
  store = openGraphStore({ path: db });
  for (const file of ["basic-sample-400-tcp-flows.json", "basic-sample-400-udp-flows.json"]) {
    const path = join(DATA, file);
    await persistFlows(eventBatches(readFlowFile(path), { batchSize: 64 }), { store, source: `file:${path}`, reorderMs: 60_000, order: FILE_ORDER });
  }
  const text = parsePolicyText(readFileSync(POLICIES, "utf8"), { name: POLICIES, format: "yaml" });
  snapshot = policySnapshotOf(text.documents, { origin: "files", semantics: "cilium", nowMs: Date.now(), sourceProblems: 0 });
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function thread(options: { onCrash?: () => void; onRestart?: () => void; spawned?: Worker[] } = {}): AnalysisThread {
  return new AnalysisThread({
    config: { db, defaultSince: "7d", semantics: "cilium" }, log, restartMs: 20,
    spawn: (config: AnalysisThreadConfig) => {
      const worker = new Worker(WORKER, { workerData: config });
      options.spawned?.push(worker);
      return worker;
    },
    ...(options.onCrash === undefined ? {} : { onCrash: options.onCrash }),
    ...(options.onRestart === undefined ? {} : { onRestart: options.onRestart }),
  }).start();
}

/** Runs `body` with a started thread, stopping it after, whatever happens. */
async function withThread(body: (analysis: AnalysisThread) => Promise<void>): Promise<void> {
  const analysis = thread();
  try {
    await body(analysis);
  } finally {
    await analysis.stop();
  }
}

/** A body as compared: JSON without the moment it was computed as of (each side has its own clock). */
function comparable(body: string | Buffer, type: string): unknown {
  if (typeof body !== "string") return type === "application/gzip" ? gunzipSync(body).toString("latin1").replace(/\d{11} \d{11}/g, "") : body.toString("base64");
  if (!type.startsWith("application/json")) return body;
  return JSON.parse(body, (key, value: unknown) => (key === "generatedAt" || key === "generatedAtMs" ? undefined : value));
}

const WHATIF = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: lock, namespace: bookinfo}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";

const REQUESTS: readonly AnalysisRequest[] = [
  { endpoint: "findings", query: { ...WINDOW } },
  { endpoint: "findings", query: { ...WINDOW, type: "would-be-drop", limit: "5" } },
  { endpoint: "namespaces", query: { ...WINDOW } },
  { endpoint: "recommendations", query: { ...WINDOW, kind: "cilium", l7: "true" } },
  { endpoint: "recommendations", query: { ...WINDOW, kind: "networkpolicy", namespace: "bookinfo" } },
  { endpoint: "recommendations-download", query: { ...WINDOW, kind: "both", format: "yaml" } },
  { endpoint: "recommendations-download", query: { ...WINDOW, kind: "cilium", format: "tar" } },
  { endpoint: "graph", query: { ...WINDOW, namespace: "bookinfo" } },
  { endpoint: "graph", query: { ...WINDOW, format: "dot" } },
  { endpoint: "explain", query: { from: "bookinfo/productpage-v1", to: "bookinfo/details-v1", port: "9080" } },
  { endpoint: "whatif", query: { ...WINDOW }, body: { text: WHATIF, format: "yaml" } },
  { endpoint: "policies-diff", query: { ...WINDOW }, body: { text: JSON.stringify({ new: WHATIF }), format: "json" } },
];

describe("AnalysisThread", () => {
  it("answers every analysis endpoint exactly as the analysis does in this thread", async () => {
    await withThread(async (analysis) => {
    const ready = await analysis.refresh(snapshot);
    expect(ready.generation).toBe(1);
    expect(analysis.generation).toBe(1);
    expect(ready.audit?.findings).toBeDefined();
    expect(ready.problems).toEqual([]);
    const local = new Analysis({ store, policies: () => snapshot, now: Date.now, defaultSince: "7d" });
    local.refresh();
    const here = new LocalAnalysisService(local, store);
    for (const request of REQUESTS) {
      const [theirs, ours] = await Promise.all([analysis.respond(request), here.respond(request)]);
      expect(theirs.generation, request.endpoint).toBe(1);
      expect(theirs.body.type).toBe(ours.body.type);
      expect(theirs.body.attachment).toBe(ours.body.attachment);
      expect(Buffer.isBuffer(theirs.body.body)).toBe(Buffer.isBuffer(ours.body.body));
      expect(comparable(theirs.body.body, theirs.body.type), `${request.endpoint} ${JSON.stringify(request.query)}`).toEqual(comparable(ours.body.body, ours.body.type));
    }
    // Something was found in the window, so the comparison compared something.
    const findings = JSON.parse(String((await analysis.respond(REQUESTS[0] as AnalysisRequest)).body.body)) as { total: number };
    expect(findings.total).toBeGreaterThan(0);
    });
  });

  it.runIf(process.platform === "linux")("runs below the other threads' CPU priority (nice 10), leaving this thread's alone", async () => {
    // Thread ids at nice 10: compared as sets, since a thread of an earlier test may still be exiting.
    const niced = (): Set<string> => new Set(readdirSync("/proc/self/task").filter((t) => {
      try {
        // Field 19 of /proc/<pid>/task/<tid>/stat (proc(5)), counted after the command's ")".
        return readFileSync(`/proc/self/task/${t}/stat`, "utf8").split(") ")[1]?.split(" ")[16] === "10";
      } catch {
        return false;
      }
    }));
    const before = niced();
    await withThread(async (analysis) => {
    await analysis.refresh(snapshot);
    expect([...niced()].filter((t) => !before.has(t))).toHaveLength(1);
    expect(readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1]?.split(" ")[16]).toBe("0");
    });
  });

  it("holds requests made before the first refresh and answers them from the first generation", async () => {
    await withThread(async (analysis) => {
    const early = analysis.respond({ endpoint: "namespaces", query: { ...WINDOW } });
    await new Promise((r) => setTimeout(r, 50));
    const ready = analysis.refresh(snapshot);
    const answer = await early;
    expect(answer.generation).toBe(1);
    expect((await ready).generation).toBe(1);
    expect(JSON.parse(String(answer.body.body))).toHaveProperty("namespaces");
    });
  });

  it("answers a request made during a refresh between its steps, before the generation is ready", async () => {
    await withThread(async (analysis) => {
    await analysis.refresh(snapshot);
    const order: string[] = [];
    const ready = analysis.refresh(snapshot).then((r) => { order.push(`ready ${r.generation}`); });
    const answered = analysis.respond({ endpoint: "findings", query: { ...WINDOW } }).then((a) => { order.push(`answer ${a.generation}`); });
    await Promise.all([ready, answered]);
    // The answer came after the audit step, from the new generation, before its recommendations were done.
    expect(order).toEqual(["answer 2", "ready 2"]);
    expect(analysis.generation).toBe(2);
    });
  });

  it("carries errors across: a bad parameter is the client's 400, no policy model a 503", async () => {
    await withThread(async (analysis) => {
    await analysis.refresh(undefined);
    await expect(analysis.respond({ endpoint: "recommendations", query: { worldPrefix: "3" } })).rejects.toMatchObject({ status: 400, parameter: "worldPrefix" });
    await expect(analysis.respond({ endpoint: "findings", query: {} })).rejects.toMatchObject({ status: 503, code: "policies-not-loaded" });
    const err = await analysis.respond({ endpoint: "recommendations", query: { bogus: "1" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    // The next generation with a model: findings again.
    const ready = await analysis.refresh(snapshot);
    expect(ready.generation).toBe(2);
    expect((await analysis.respond({ endpoint: "findings", query: {} })).generation).toBe(2);
    });
  });

  it("restarts after the thread dies: requests meanwhile get a 503, the restart re-audits with the model", async () => {
    const spawned: Worker[] = [];
    let crashes = 0;
    let restarted: () => void = () => undefined;
    const back = new Promise<void>((resolve) => { restarted = resolve; });
    const analysis = thread({ spawned, onCrash: () => { crashes++; }, onRestart: () => { restarted(); } });
    try {
      await analysis.refresh(snapshot);
      await spawned[0]?.terminate();
      await expect(analysis.respond({ endpoint: "findings", query: {} })).rejects.toMatchObject({ status: 503 });
      await back;
      expect(crashes).toBe(1);
      expect(analysis.restarts).toBe(1);
      // The new thread has no model until a refresh sends it, although the snapshot is the same.
      const ready = await analysis.refresh(snapshot);
      expect(ready.audit).toBeDefined();
      expect(ready.generation).toBe(2);
      const answer = await analysis.respond({ endpoint: "namespaces", query: { ...WINDOW } });
      expect(answer.generation).toBe(2);
    } finally {
      await analysis.stop();
    }
  });

  it("ends on stop, failing what is still pending", async () => {
    const analysis = thread();
    await analysis.refresh(snapshot);
    const pending = analysis.respond({ endpoint: "recommendations", query: { ...WINDOW, kind: "both", l7: "true" } });
    await analysis.stop();
    await expect(pending.then(() => "answered", (e: unknown) => (e instanceof HttpError ? e.status : e))).resolves.toSatisfy((v) => v === "answered" || v === 503);
    await expect(analysis.respond({ endpoint: "findings", query: {} })).rejects.toMatchObject({ status: 503 });
  });
});
