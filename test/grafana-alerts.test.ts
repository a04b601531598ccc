import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";

const ALERTS = join(import.meta.dirname, "../grafana/alerts");
const PROMTOOL = process.env.PROMTOOL ?? "promtool";
const IN_CI = process.env.CI === "true";

function promtoolVersion(): string | undefined {
  const result = spawnSync(PROMTOOL, ["--version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.split("\n")[0] : undefined;
}

function promtool(args: readonly string[], cwd = ALERTS): { code: number | null; output: string } {
  const result = spawnSync(PROMTOOL, args, { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const version = promtoolVersion();
if (!version && !IN_CI) {
  // Outside CI a missing tool skips these tests; .ci/run installs it, and in CI they fail.
  console.warn("promtool not found: skipping the Prometheus rule tests (apt-get install prometheus to run them)");
}

describe.skipIf(!version && !IN_CI)("Prometheus rules (promtool)", () => {
  it("promtool is installed", () => {
    expect(version, "promtool is required in CI: .ci/run installs Debian's prometheus package").toBeDefined();
  });

  it("promtool check rules accepts the rules", () => {
    const { code, output } = promtool(["check", "rules", "prometheus-rules.yaml"]);
    expect(output).toContain("SUCCESS");
    expect(code, output).toBe(0);
  });

  it("promtool test rules: a spike fires and holds for its hour, a steady rate, a slow rise and a quiet namespace do not, a stalled stream fires", () => {
    const tests = ruleTests();
    expect(tests).toEqual(["policy-drop-spike.yaml", "stream-stall.yaml"]);
    const { code, output } = promtool(["test", "rules", ...tests.map((t) => join("tests", t))]);
    expect(code, output).toBe(0);
    expect(output).not.toContain("FAILED");
  });

  it("the Grafana-managed rules pass the same promtool tests as the Prometheus rules", () => {
    const dir = mkdtempSync(join(tmpdir(), "grafana-rules-"));
    try {
      // Each Grafana rule as a Prometheus alert: its query A filtered by its threshold C, with
      // the Prometheus rule's annotations (Grafana's use another template syntax).
      const rules = grafanaRules().map((rule) => {
        const prometheus = prometheusAlerts().find((a) => a.alert === rule.title);
        return { alert: rule.title, expr: `(${queryOf(rule)}) ${thresholdOf(rule)}`, for: rule.for, labels: rule.labels, annotations: prometheus?.annotations ?? {} };
      });
      // The tests' expression checks read the recording rules, so those come along, in the
      // alerts' group and before them, so each alert reads this evaluation's recorded values.
      const records = (read("grafana/alerts/prometheus-rules.yaml") as { groups: { rules: PrometheusAlert[] }[] }).groups.flatMap((g) => g.rules)
        .filter((r) => r.record !== undefined);
      writeFileSync(join(dir, "grafana-rules.yaml"), stringify({ groups: [{ name: "grafana-managed", rules: [...records, ...rules] }] }));
      mkdirSync(join(dir, "tests"));
      for (const file of ruleTests()) {
        const test = parse(readFileSync(join(ALERTS, "tests", file), "utf8")) as Record<string, unknown>; // a promtool test file, rewritten only at rule_files
        writeFileSync(join(dir, "tests", file), stringify({ ...test, rule_files: ["../grafana-rules.yaml"] }));
      }
      const { code, output } = promtool(["test", "rules", ...ruleTests().map((t) => join("tests", t))], dir);
      expect(code, output).toBe(0);
      expect(output).not.toContain("FAILED");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function ruleTests(): string[] {
  return readdirSync(join(ALERTS, "tests")).filter((f) => f.endsWith(".yaml")).sort();
}

/** The PromQL of a Grafana rule's query (refId A). */
function queryOf(rule: GrafanaRule): string {
  const expr = rule.data.find((d) => d.refId === "A")?.model.expr;
  if (expr === undefined) throw new Error(`${rule.title}: no PromQL query A`);
  return expr;
}

/** A Grafana rule's threshold condition as a PromQL comparison. */
function thresholdOf(rule: GrafanaRule): string {
  const evaluator = rule.data.find((d) => d.refId === rule.condition)?.model.conditions?.[0]?.evaluator;
  const operator = evaluator?.type === "gt" ? ">" : evaluator?.type === "lt" ? "<" : undefined;
  const [param] = evaluator?.params ?? [];
  if (operator === undefined || param === undefined) throw new Error(`${rule.title}: condition ${rule.condition} is not a gt/lt threshold`);
  return `${operator} ${String(param)}`;
}

interface PrometheusAlert {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface GrafanaRule {
  uid: string;
  title: string;
  condition: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: {
    refId: string;
    datasourceUid: string;
    model: { expr?: string; type?: string; expression?: string; conditions?: { evaluator?: { type?: string; params?: number[] } }[] };
  }[];
}

function read(path: string): unknown {
  return parse(readFileSync(join(import.meta.dirname, "..", path), "utf8"));
}

interface GrafanaProvisioning {
  apiVersion: number;
  groups: { name: string; folder: string; interval: string; rules: GrafanaRule[] }[];
}

// The shapes are asserted field by field in the tests.
function prometheusAlerts(): PrometheusAlert[] {
  return (read("grafana/alerts/prometheus-rules.yaml") as { groups: { rules: PrometheusAlert[] }[] }).groups.flatMap((g) => g.rules)
    .filter((r) => r.alert !== undefined);
}

function grafanaProvisioning(): GrafanaProvisioning {
  return read("grafana/provisioning/alerting/hubble-auditor-alerts.yaml") as GrafanaProvisioning; // asserted in the tests
}

function grafanaRules(): GrafanaRule[] {
  return grafanaProvisioning().groups.flatMap((g) => g.rules);
}

describe("Prometheus rule groups", () => {
  it("every rule that reads a recording rule sits after it in the same group", () => {
    // Groups are evaluated independently (promtool even picks their order at random), while
    // the rules of one group run in order at one timestamp: a rule reading a recorded series
    // from another group may see the evaluation before, and its alert text would say so.
    const groups = (read("grafana/alerts/prometheus-rules.yaml") as { groups: { name: string; rules: PrometheusAlert[] }[] }).groups;
    const records = groups.flatMap((g) => g.rules).flatMap((r) => (r.record === undefined ? [] : [r.record]));
    expect(records.length).toBeGreaterThan(0);
    let readers = 0;
    for (const group of groups) {
      group.rules.forEach((rule, i) => {
        const before = new Set(group.rules.slice(0, i).flatMap((r) => (r.record === undefined ? [] : [r.record])));
        for (const record of records.filter((name) => rule.expr.includes(name))) {
          readers++;
          expect(before.has(record), `${rule.alert ?? rule.record ?? "?"} reads ${record}`).toBe(true);
        }
      });
    }
    expect(readers).toBeGreaterThan(0);
  });
});

describe("Grafana-managed alert rules", () => {
  const prometheus = prometheusAlerts();
  const grafana = grafanaProvisioning();
  const rules = grafanaRules();

  it("mirror every Prometheus alert with the same name, duration and severity", () => {
    expect(grafana.apiVersion).toBe(1);
    expect(rules.map((r) => r.title).sort()).toEqual(prometheus.map((r) => r.alert).sort());
    for (const alert of prometheus) {
      const rule = rules.find((r) => r.title === alert.alert);
      expect(rule?.for, alert.alert).toBe(alert.for);
      expect(rule?.labels.severity, alert.alert).toBe(alert.labels?.severity);
    }
  });

  it("are well formed: unique uids, a condition over a PromQL query, templates without $ (env interpolation)", () => {
    expect(new Set(rules.map((r) => r.uid)).size).toBe(rules.length);
    for (const rule of rules) {
      const refs = rule.data.map((d) => d.refId);
      expect(refs, rule.title).toContain(rule.condition);
      const condition = rule.data.find((d) => d.refId === rule.condition);
      expect(condition?.datasourceUid).toBe("__expr__");
      expect(refs).toContain(condition?.model.expression);
      const query = rule.data.find((d) => d.refId === condition?.model.expression);
      expect(query?.datasourceUid).toBe("prometheus");
      expect(query?.model.expr).toMatch(/hubble_auditor_/);
      // Grafana expands $NAME from its environment in provisioning files.
      for (const text of Object.values(rule.annotations)) expect(text).not.toContain("$");
    }
  });

  it("the spike rule keeps the absolute floor and a baseline that ends an hour back, guarded by the instance's age", () => {
    const spike = rules.find((r) => r.title === "HubbleAuditorPolicyDropSpike");
    const expr = (spike?.data.find((d) => d.refId === "A")?.model.expr ?? "").replace(/\s+/g, " ");
    expect(expr).toMatch(/\[5m\]\)\) > 1 and /);
    expect(expr).toContain("> 3 * ( sum without (direction, reason) (rate(hubble_auditor_policy_drops_total[1h] offset 1h)) or 0 * ");
    expect(expr).toContain("and ignoring (namespace) hubble_auditor_stream_connected offset 2h");
    const recorded = (read("grafana/alerts/prometheus-rules.yaml") as { groups: { rules: PrometheusAlert[] }[] }).groups.flatMap((g) => g.rules)
      .find((r) => r.record === "namespace:hubble_auditor_policy_drops:rate1h_offset1h");
    expect(recorded?.expr).toBe("sum without (direction, reason) (rate(hubble_auditor_policy_drops_total[1h] offset 1h))");
  });
});
