import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ALERTS = join(import.meta.dirname, "../grafana/alerts");
const PROMTOOL = process.env.PROMTOOL ?? "promtool";
const IN_CI = process.env.CI === "true";

function promtoolVersion(): string | undefined {
  const result = spawnSync(PROMTOOL, ["--version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.split("\n")[0] : undefined;
}

function promtool(args: readonly string[]): { code: number | null; output: string } {
  const result = spawnSync(PROMTOOL, args, { cwd: ALERTS, encoding: "utf8", timeout: 60_000 });
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

  it("promtool test rules: a spike fires, a steady rate and a quiet namespace do not, a stalled stream fires", () => {
    const tests = readdirSync(join(ALERTS, "tests")).filter((f) => f.endsWith(".yaml")).sort();
    expect(tests).toEqual(["policy-drop-spike.yaml", "stream-stall.yaml"]);
    const { code, output } = promtool(["test", "rules", ...tests.map((t) => join("tests", t))]);
    expect(code, output).toBe(0);
    expect(output).not.toContain("FAILED");
  });
});

interface PrometheusAlert {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
}

interface GrafanaRule {
  uid: string;
  title: string;
  condition: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: { refId: string; datasourceUid: string; model: { expr?: string; type?: string; expression?: string } }[];
}

function read(path: string): unknown {
  return parse(readFileSync(join(import.meta.dirname, "..", path), "utf8"));
}

describe("Grafana-managed alert rules", () => {
  // The shapes are asserted field by field in the tests.
  const prometheus = (read("grafana/alerts/prometheus-rules.yaml") as { groups: { rules: PrometheusAlert[] }[] }).groups.flatMap((g) => g.rules)
    .filter((r) => r.alert !== undefined);
  const grafana = read("grafana/provisioning/alerting/hubble-auditor-alerts.yaml") as {
    apiVersion: number;
    groups: { name: string; folder: string; interval: string; rules: GrafanaRule[] }[];
  };
  const rules = grafana.groups.flatMap((g) => g.rules);

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

  it("the spike rule keeps both the baseline comparison and the absolute floor", () => {
    const spike = rules.find((r) => r.title === "HubbleAuditorPolicyDropSpike");
    const expr = spike?.data.find((d) => d.refId === "A")?.model.expr ?? "";
    expect(expr.replace(/\s+/g, " ")).toContain("> 3 * sum without (direction, reason) (rate(hubble_auditor_policy_drops_total[1h]))");
    expect(expr).toMatch(/\[5m\]\)\) > 1\n/);
  });
});
