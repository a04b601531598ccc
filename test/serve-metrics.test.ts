import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseExposition, valueOf } from "../src/metrics/testdata/exposition.js";
import type { Sample } from "../src/metrics/testdata/exposition.js";
import { runCli, startCli, waitForOutput } from "./cli-process.js";
import { readLabelValuesQuery, readPromql } from "./grafana-promql.js";

const ROOT = join(import.meta.dirname, "..");
const PROMQL_FILES = ["grafana/dashboards/hubble-auditor.json", "grafana/alerts/prometheus-rules.yaml", "grafana/provisioning/alerting/hubble-auditor-alerts.yaml"];
// Labels Prometheus adds to every scraped series (target labels), and histogram buckets.
const TARGET_LABELS = new Set(["instance", "job", "le"]);
/**
 * Families a freshly started daemon declares but may hold no series of yet: labelled counters
 * whose first series appears with the first policy drop, lost event or relay node status event.
 */
const MAY_BE_EMPTY = new Set(["hubble_auditor_policy_drops_total", "hubble_auditor_lost_events_total", "hubble_auditor_relay_node_status_events_total"]);

interface Scrape {
  readonly samples: Sample[];
  /** Metric family name → type, from the `# TYPE` lines. */
  readonly types: Map<string, string>;
}

async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
  const text = await response.text();
  const types = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) if (m[1] !== undefined && m[2] !== undefined) types.set(m[1], m[2]);
  return { samples: parseExposition(text), types };
}

/** Every PromQL expression in a parsed dashboard or rule file (`expr` values, label_values queries), and recording rule names. */
function collectPromql(value: unknown, exprs: string[], recorded: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectPromql(item, exprs, recorded);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  for (const [key, item] of Object.entries(value)) {
    if (key === "expr" && typeof item === "string") exprs.push(item);
    else if (key === "record" && typeof item === "string") recorded.add(item);
    else if (key === "query" && typeof item === "string") {
      const labelValues = readLabelValuesQuery(item);
      if (labelValues) exprs.push(labelValues.expr);
    } else collectPromql(item, exprs, recorded);
  }
}

/** The family a sample name belongs to (`x_bucket` of histogram `x` → `x`). */
function familyOf(name: string, types: ReadonlyMap<string, string>): string {
  if (types.has(name)) return name;
  const m = /^(.*)_(?:bucket|sum|count)$/.exec(name);
  return m?.[1] !== undefined && types.has(m[1]) ? m[1] : name;
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => { resolve(code); });
  });
}

/** Scrapes until `ready` accepts the scrape, at most `attempts` times 250 ms apart. */
async function scrapeUntil(url: string, ready: (s: Scrape) => boolean, attempts = 240): Promise<Scrape> {
  let last = await scrape(url);
  for (let i = 0; i < attempts && !ready(last); i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await scrape(url);
  }
  return last;
}

describe("serve --metrics-listen", () => {
  const dir = mkdtempSync(join(tmpdir(), "hubble-auditor-serve-metrics-"));
  const children: ChildProcessWithoutNullStreams[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the daemon's metrics over HTTP while it ingests, naming every metric the dashboard and rules use", async () => {
    const child = startCli(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir", join(dir, "demo"), "--metrics-listen", "127.0.0.1:0", "--summary-interval", "1"]);
    children.push(child);
    const text = await waitForOutput(child, (t) => /^metrics: http:\/\/127\.0\.0\.1:\d+\/metrics$/m.test(t), 60_000);
    const url = /^metrics: (http:\S+)$/m.exec(text)?.[1] ?? "";
    expect(url).not.toBe("");

    const flows = (s: Scrape): number => s.samples.filter((x) => x.name === "hubble_auditor_flows_received_total").reduce((sum, x) => sum + x.value, 0);
    const { samples, types } = await scrapeUntil(url, (s) =>
      flows(s) > 0 && valueOf(s.samples, "hubble_auditor_stream_connected") === 1 && (valueOf(s.samples, "hubble_auditor_writer_batch_size_count") ?? 0) > 0 &&
      // The demo's periodic audit (every 10 s) has seen traffic: its gauges have series.
      s.samples.some((x) => x.name === "hubble_auditor_namespace_readiness_ratio"),
    );
    expect(flows({ samples, types })).toBeGreaterThan(0);
    expect(valueOf(samples, "hubble_auditor_stream_connected")).toBe(1);
    expect(samples.some((s) => s.name === "hubble_auditor_connections_total" && s.value > 0)).toBe(true);
    expect(types.get("hubble_auditor_writer_batch_size")).toBe("histogram");
    expect(types.get("hubble_auditor_writer_flush_duration_seconds")).toBe("histogram");
    expect(valueOf(samples, "hubble_auditor_writer_batch_size_count")).toBeGreaterThan(0);
    expect(valueOf(samples, "hubble_auditor_writer_flush_duration_seconds_count")).toBe(valueOf(samples, "hubble_auditor_writer_batch_size_count"));
    expect(valueOf(samples, "hubble_auditor_db_size_bytes")).toBeGreaterThan(0);
    expect(valueOf(samples, "hubble_auditor_last_flow_timestamp_seconds")).toBeGreaterThan(0);
    expect(types.has("process_cpu_seconds_total")).toBe(true);
    expect(samples.some((s) => s.name === "hubble_auditor_would_be_drops" && s.labels.namespace === "shop" && s.value > 0)).toBe(true);
    expect(valueOf(samples, "hubble_auditor_audit_duration_seconds_count")).toBeGreaterThan(0);

    // Every metric the dashboard and the rules query is one this running daemon exports.
    const exprs: string[] = [];
    const recorded = new Set<string>();
    for (const file of PROMQL_FILES) {
      const body = readFileSync(join(ROOT, file), "utf8");
      collectPromql(file.endsWith(".json") ? JSON.parse(body) : parse(body), exprs, recorded);
    }
    expect(exprs.length).toBeGreaterThan(20);
    const named = new Set(exprs.flatMap((e) => readPromql(e).selectors.map((s) => s.metric)));
    for (const name of ["hubble_auditor_policy_drops_total", "hubble_auditor_stream_connected", "hubble_auditor_writer_flush_duration_seconds_bucket", "hubble_auditor_namespace_readiness_ratio"]) {
      expect(named, name).toContain(name);
    }
    const sampledLabels = new Map<string, Set<string>>();
    for (const s of samples) {
      const labels = sampledLabels.get(s.name) ?? new Set(TARGET_LABELS);
      for (const l of Object.keys(s.labels)) labels.add(l);
      sampledLabels.set(s.name, labels);
    }
    const problems: string[] = [];
    for (const expr of exprs) {
      for (const { metric, labels } of readPromql(expr).selectors) {
        if (recorded.has(metric)) continue;
        const have = sampledLabels.get(metric);
        if (have) {
          for (const l of labels) if (!have.has(l)) problems.push(`${metric} has no label ${l} (in ${expr.trim()})`);
          continue;
        }
        const family = familyOf(metric, types);
        if (!types.has(family)) problems.push(`${metric} is not exported (in ${expr.trim()})`);
        else if (!MAY_BE_EMPTY.has(family)) problems.push(`${metric} is declared but has no series (in ${expr.trim()})`);
      }
    }
    expect(problems).toEqual([]);

    const code = exited(child);
    child.kill("SIGINT");
    expect(await code).toBe(0);
    await expect(fetch(url, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  }, 90_000);

  it("serves no metrics with --metrics-listen off", async () => {
    const child = startCli(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir", join(dir, "off"), "--metrics-listen", "off", "--summary-interval", "1"]);
    children.push(child);
    const text = await waitForOutput(child, (t) => /^flows /m.test(t), 60_000);
    expect(text).not.toMatch(/^metrics:/m);
    const code = exited(child);
    child.kill("SIGINT");
    expect(await code).toBe(0);
  }, 90_000);

  it("rejects a listen address that is not host:port, before starting", async () => {
    const result = await runCli(["serve", "--demo", "--data-dir", join(dir, "bad"), "--metrics-listen", "9090"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--metrics-listen must be host:port");
  });
});
