import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createMetrics, startMetricsServer } from "../src/metrics/index.js";
import type { MetricsServer } from "../src/metrics/index.js";
import { parseExposition } from "../src/metrics/testdata/exposition.js";
import { exerciseAll } from "../src/metrics/testdata/samples.js";
import { readLabelValuesQuery, readPromql } from "./grafana-promql.js";

const ROOT = join(import.meta.dirname, "..");
// Labels Prometheus adds to every scraped series (target labels), and histogram buckets.
const TARGET_LABELS = ["instance", "job", "le"];

interface Expression {
  readonly where: string;
  readonly expr: string;
}

function yamlFile(path: string): unknown {
  return parse(readFileSync(join(ROOT, path), "utf8"));
}

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("expected an object");
  return value as Record<string, unknown>; // checked just above
}

function asArray(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error("expected an array");
  return value;
}

function ruleExpressions(): { exprs: Expression[]; recorded: Map<string, string> } {
  const exprs: Expression[] = [];
  const recorded = new Map<string, string>();
  for (const group of asArray(asRecord(yamlFile("grafana/alerts/prometheus-rules.yaml")).groups)) {
    for (const rule of asArray(asRecord(group).rules)) {
      const r = asRecord(rule);
      const name = String(r.alert ?? r.record);
      exprs.push({ where: `prometheus-rules.yaml ${name}`, expr: String(r.expr) });
      if (typeof r.record === "string") recorded.set(r.record, String(r.expr));
    }
  }
  for (const group of asArray(asRecord(yamlFile("grafana/provisioning/alerting/hubble-auditor-alerts.yaml")).groups)) {
    for (const rule of asArray(asRecord(group).rules)) {
      for (const query of asArray(asRecord(rule).data)) {
        const model = asRecord(asRecord(query).model);
        if (typeof model.expr === "string") exprs.push({ where: `grafana alert ${String(asRecord(rule).title)}`, expr: model.expr });
      }
    }
  }
  return { exprs, recorded };
}

function dashboardExpressions(): Expression[] {
  const dashboard = asRecord(JSON.parse(readFileSync(join(ROOT, "grafana/dashboards/hubble-auditor.json"), "utf8")));
  const exprs: Expression[] = [];
  for (const panel of asArray(dashboard.panels)) {
    const p = asRecord(panel);
    for (const target of asArray(p.targets ?? [])) exprs.push({ where: `panel "${String(p.title)}"`, expr: String(asRecord(target).expr) });
  }
  for (const variable of asArray(asRecord(dashboard.templating).list)) {
    const v = asRecord(variable);
    if (v.type !== "query") continue;
    const parsed = readLabelValuesQuery(String(asRecord(v.query).query));
    if (!parsed) throw new Error(`variable ${String(v.name)}: not a label_values query`);
    exprs.push({ where: `variable ${String(v.name)}`, expr: parsed.expr });
  }
  return exprs;
}

describe("PromQL in the dashboard and the alert rules", () => {
  let server: MetricsServer | undefined;
  // Metric name → label names, read from a real scrape of the daemon's metrics endpoint.
  const exported = new Map<string, Set<string>>();

  beforeAll(async () => {
    const metrics = createMetrics();
    exerciseAll(metrics);
    server = await startMetricsServer({ listen: "127.0.0.1:0", registry: metrics.registry });
    const text = await (await fetch(server.url)).text();
    for (const sample of parseExposition(text)) {
      const labels = exported.get(sample.name) ?? new Set(TARGET_LABELS);
      for (const label of Object.keys(sample.labels)) labels.add(label);
      exported.set(sample.name, labels);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it("the reader finds metric names and labels, and ignores functions, keywords and variables", () => {
    const use = readPromql('sum by (namespace) (rate(a_total{x=~"$v",y!="z"}[$__rate_interval] offset 5m)) > 3 * b:rec:rate1h and on(job) c unless d{k="sum(e)"} > 1e3');
    expect(use.selectors).toEqual([
      { metric: "a_total", labels: ["x", "y"] },
      { metric: "b:rec:rate1h", labels: [] },
      { metric: "c", labels: [] },
      { metric: "d", labels: ["k"] },
    ]);
    expect(use.groupingLabels).toEqual(["namespace", "job"]);
  });

  it("every metric named is one the daemon exports (or a recording rule of ours), with labels it has", () => {
    const { exprs, recorded } = ruleExpressions();
    const all = [...exprs, ...dashboardExpressions()];
    expect(all.length).toBeGreaterThan(20);
    const recordedLabels = new Map<string, Set<string>>();
    for (const [name, expr] of recorded) {
      const source = readPromql(expr).selectors[0]?.metric ?? "";
      const without = new Set(readPromql(expr).groupingLabels);
      recordedLabels.set(name, new Set([...(exported.get(source) ?? [])].filter((l) => !without.has(l))));
    }
    const problems: string[] = [];
    for (const { where, expr } of all) {
      const use = readPromql(expr);
      const known = new Set<string>();
      for (const { metric, labels } of use.selectors) {
        const metricLabels = exported.get(metric) ?? recordedLabels.get(metric);
        if (!metricLabels) {
          problems.push(`${where}: ${metric} is not exported`);
          continue;
        }
        for (const l of metricLabels) known.add(l);
        for (const l of labels) if (!metricLabels.has(l)) problems.push(`${where}: ${metric} has no label ${l}`);
      }
      for (const l of use.groupingLabels) if (!known.has(l)) problems.push(`${where}: no metric in the expression has label ${l}`);
    }
    expect(problems).toEqual([]);
  });

  it("the dashboard shows drops, would-be drops, unused allows, readiness, ingest rate, lag and lost events", () => {
    const metrics = new Set(dashboardExpressions().flatMap(({ expr }) => readPromql(expr).selectors.map((s) => s.metric)));
    for (const name of [
      "hubble_auditor_policy_drops_total", "hubble_auditor_would_be_drops", "hubble_auditor_unused_allows",
      "hubble_auditor_namespace_readiness_ratio", "hubble_auditor_flows_received_total", "hubble_auditor_ingest_lag_seconds",
      "hubble_auditor_lost_events_total", "hubble_auditor_stream_connected", "hubble_auditor_writer_flush_duration_seconds_bucket",
    ]) expect(metrics, name).toContain(name);
  });
});
