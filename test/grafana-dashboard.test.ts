import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
}

interface Dashboard {
  __inputs: { name: string; type: string; pluginId: string }[];
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; current?: { value: string } }[] };
}

const dashboard = JSON.parse(readFileSync(join(import.meta.dirname, "../grafana/dashboards/hubble-auditor.json"), "utf8")) as Dashboard; // asserted below

describe("Grafana dashboard", () => {
  it("is import-ready: the data source is an input and a variable, never a fixed uid", () => {
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus" })]);
    const variable = dashboard.templating.list.find((v) => v.name === "datasource");
    expect(variable).toMatchObject({ type: "datasource", query: "prometheus", current: { value: "${DS_PROMETHEUS}" } });
    for (const panel of dashboard.panels.filter((p) => p.type !== "row")) {
      expect(panel.datasource?.uid, panel.title).toBe("${datasource}");
      for (const t of panel.targets ?? []) expect(t.datasource?.uid, panel.title).toBe("${datasource}");
    }
  });

  it("has unique panel ids and refIds, and panels that do not overlap on the 24-column grid", () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      const refIds = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size, p.title).toBe(refIds.length);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          const cell = `${x},${y}`;
          expect(cells.has(cell), `${p.title} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
      }
    }
  });

  it("filters by namespace and instance with multi-value variables", () => {
    const names = dashboard.templating.list.map((v) => v.name);
    expect(names).toEqual(["datasource", "instance", "namespace"]);
    const drops = dashboard.panels.find((p) => p.title === "Policy drops by namespace and reason");
    expect(drops?.targets?.[0]?.expr).toContain('namespace=~"$namespace"');
  });
});
