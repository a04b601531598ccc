import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditGraph } from "./audit.js";
import { edgesWantingExamples, withExamples } from "./attach-examples.js";
import { auditToJson, auditToTable } from "./render.js";
import { DAY, T0, viewOf } from "./testdata/observed.js";
import { SHOP_HISTORY, SHOP_POLICIES, SHOP_WINDOW } from "./testdata/shop-scenario.js";

// Regenerate on purpose: UPDATE_GOLDEN=1 npx vitest run src/audit
const GOLDEN = join(import.meta.dirname, "testdata", "shop-audit.golden.json");

function report(namespace?: string) {
  return auditGraph({
    graph: SHOP_WINDOW, history: SHOP_HISTORY, view: viewOf(SHOP_POLICIES), nowMs: T0 + DAY,
    ...(namespace === undefined ? {} : { namespace }),
  });
}

describe("audit of the shop scenario", () => {
  it("matches the golden findings", () => {
    const json = auditToJson(report());
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(GOLDEN, json);
    expect(json).toBe(readFileSync(GOLDEN, "utf8"));
  });

  it("is deterministic and lists each finding id once", () => {
    const a = report();
    expect(auditToJson(report())).toBe(auditToJson(a));
    const ids = a.findings.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("finds what the scenario plants", () => {
    const ids = report().findings.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining([
      "would-be-drop:egress:shop/Deployment/web",
      "would-be-drop:ingress:shop/Deployment/db",
      "would-be-drop:ingress:open/Deployment/api",
      "policy-drop:shop/Deployment/web -> shop/Deployment/db TCP/5432",
      "infrastructure-drop:open/Deployment/web -> open/Deployment/api TCP/80",
      "unused-allow:netpol/shop/api-ingress:spec.ingress[0].from[1]",
      "unselected-policy:cnp/shop/legacy:ingress",
      "over-broad-allow:cnp/shop/api-egress:spec.egress[1].toCIDR[0]:addresses",
    ]));
    const audit = report().findings.find((f) => f.id === "would-be-drop:ingress:shop/Deployment/db");
    expect(audit?.kind === "would-be-drop" && audit.evidence.edges.map((e) => e.causes)).toEqual([["audit-verdict", "denied"]]);
  });

  it("reports when an unused peer last matched, from the retained history", () => {
    const unused = report().findings.find((f) => f.id === "unused-allow:netpol/shop/api-ingress:spec.ingress[0].from[1]");
    expect(unused?.kind === "unused-allow" && unused.evidence.lastMatchedMs).toBe(T0 - 7 * DAY + 3_600_000);
  });

  it("scopes findings and readiness to one namespace", () => {
    const r = report("open");
    expect(new Set(r.findings.map((f) => f.namespace))).toEqual(new Set(["open"]));
    expect(r.readiness.map((x) => [x.namespace, x.connections, x.surviving, x.survivingShare])).toEqual([["open", 30, 0, 0]]);
  });

  it("attaches stored examples to would-be-drop edges", () => {
    const r = report("open");
    const wanted = edgesWantingExamples(r);
    expect(wanted).toEqual([{ source: "open/Deployment/web", destination: "open/Deployment/api", protocol: "TCP", port: 80 }]);
    const sample = { verdict: "FORWARDED", timeMs: T0 + 5, connection: { sourceIp: "10.0.0.1", destinationIp: "10.0.0.2", nodes: ["n1"], l7: { kind: "http", method: "GET", url: "/x" } } };
    const withEx = withExamples(r, new Map([["open/Deployment/web -> open/Deployment/api TCP/80", [sample]]]));
    const f = withEx.findings.find((x) => x.kind === "would-be-drop");
    expect(f?.kind === "would-be-drop" && f.evidence.edges[0]?.examples).toEqual([
      { timeMs: T0 + 5, verdict: "FORWARDED", sourceIp: "10.0.0.1", destinationIp: "10.0.0.2", nodes: ["n1"], l7: "GET /x" },
    ]);
  });

  it("renders a table with readiness, over-permission and findings", () => {
    const table = auditToTable(report());
    expect(table).toMatch(/^NAMESPACE\s+WORKLOADS\s+ISOLATED IN\/OUT\s+CONNECTIONS\s+SURVIVE DEFAULT-DENY/m);
    expect(table).toMatch(/^open\s+2\s+0\/0\s+30\s+0%/m);
    expect(table).toContain("over-permission:");
    expect(table).toMatch(/^high\s+would-be-drop\s+open\s+open\/Deployment\/api ingress/m);
  });

  it("states the graph's window, and why it is wider than asked when it is", () => {
    const exact = auditToTable(report()).split("\n")[1];
    expect(exact).toMatch(/^\d+ policies with/);
    const note = "widened since 2026-01-01T00:30:00.000Z to 2026-01-01T00:00:00.000Z: the graph holds traffic there by the hour";
    const widened = auditGraph({ graph: { ...SHOP_WINDOW, window: { ...SHOP_WINDOW.window, note } }, view: viewOf(SHOP_POLICIES), nowMs: T0 + DAY });
    expect(widened.window.note).toBe(note);
    expect(auditToTable(widened).split("\n")[1]).toBe(`window ${note}`);
    expect((JSON.parse(auditToJson(widened)) as { window: unknown }).window).toEqual({
      since: new Date(SHOP_WINDOW.window.sinceMs).toISOString(), until: new Date(SHOP_WINDOW.window.untilMs).toISOString(), note,
    });
  });
});
