import { describe, expect, it } from "vitest";
import { edge, graphOf, T0, DAY, wl } from "../audit/testdata/observed.js";
import type { MatrixReport } from "./case-result.js";
import { parseYamlMatrix } from "./parse-yaml-matrix.js";
import { matrixToJson } from "./render-json.js";
import { matrixToJunit } from "./render-junit.js";
import { matrixToTable } from "./render-table.js";
import { matrixToTap } from "./render-tap.js";
import { runMatrix } from "./run-matrix.js";
import { seedView } from "./testdata/seed-policies.js";
import { parseXml, type XmlElement } from "./testdata/xml-tree.js";

const MATRIX = `cases:
  - {name: web calls api, from: shop/web, to: shop/api, port: 8080, expect: allow}
  - {name: "web -> db <forbidden> & \\"logged\\"", from: shop/web, to: shop/postgres, port: 5432, expect: deny}
  - {name: api calls db, from: shop/api, to: shop/postgres, port: 5432, expect: allow}
  - {name: web reaches db, from: shop/web, to: shop/postgres, port: 5432, expect: allow}
`;

function report(): MatrixReport {
  const { view, pods } = seedView();
  const parsed = parseYamlMatrix(MATRIX, "shop.yaml");
  const graph = graphOf([edge(wl("shop", "web"), wl("shop", "api"), 8080), edge(wl("shop", "web"), wl("shop", "postgres"), 5432, { connections: { FORWARDED: 2 } })]);
  const result = runMatrix({ cases: parsed.cases, view, semantics: "cilium", pods, graph });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.report;
}

const WEB_TO_DB_RULE = "egress: default deny (isolated by netpol/shop/default-deny, netpol/shop/dns, netpol/shop/web); ingress: default deny (isolated by netpol/shop/default-deny, netpol/shop/postgres)";

function children(e: XmlElement, name: string): XmlElement[] {
  return e.children.filter((c) => c.name === name);
}

describe("the outputs of a run", () => {
  const r = report();

  it("counts: observed-forwarded and a policy contradiction fail, stale only warns", () => {
    expect(r.results.map((x) => x.status)).toEqual(["pass", "fail", "warn", "fail"]);
    expect(r.summary).toEqual({ cases: 4, passed: 2, failed: 2, warnings: 1 });
  });

  it("JUnit XML parses back: one testcase per case, failures with the rule, in the schema's shape", () => {
    const root = parseXml(matrixToJunit(r));
    expect(root.name).toBe("testsuites");
    expect(root.attributes).toMatchObject({ tests: "4", failures: "2", errors: "0" });
    const suites = children(root, "testsuite");
    expect(suites).toHaveLength(1);
    const [suite] = suites;
    if (suite === undefined) throw new Error("no testsuite");
    expect(suite.attributes).toMatchObject({ name: "shop.yaml", tests: "4", failures: "2", errors: "0", skipped: "0" });
    // Ant JUnit schema order: properties, then testcases.
    expect(suite.children.map((c) => c.name)).toEqual(["properties", "testcase", "testcase", "testcase", "testcase"]);
    expect(children(suite, "properties")[0]?.children[0]?.attributes).toEqual({ name: "semantics", value: "cilium" });
    const cases = children(suite, "testcase");
    expect(cases.map((c) => c.attributes.name)).toEqual(["web calls api", 'web -> db <forbidden> & "logged"', "api calls db", "web reaches db"]);
    for (const c of cases) {
      expect(c.attributes).toMatchObject({ classname: "shop.yaml", time: "0" });
      for (const child of c.children) expect(["failure", "system-out"]).toContain(child.name);
    }
    const failures = cases.map((c) => children(c, "failure")[0]?.attributes);
    expect(failures).toEqual([
      undefined,
      { message: "expected deny but observed forwarded: 2 connections got through in the window (enforcing would break them)", type: "observed-forwarded" },
      undefined,
      { message: `expected allow, policies say denied for shop/web -> shop/postgres 5432/TCP: ${WEB_TO_DB_RULE}`, type: "policy" },
    ]);
    expect(children(cases[3] as XmlElement, "failure")[0]?.text).toContain("shop.yaml:5\nshop/web -> shop/postgres on 5432/TCP: DENIED (semantics: cilium)");
    expect(children(cases[2] as XmlElement, "system-out")[0]?.text).toBe("stale: expected allow but never observed in the window");
    expect(cases[0]?.attributes.line).toBe("2");
  });

  it("TAP: ok / not ok per case, diagnostics for failures, a warning comment for stale", () => {
    const tap = matrixToTap(r).split("\n");
    expect(tap.slice(0, 4)).toEqual(["TAP version 13", "1..4", "ok 1 - web calls api", 'not ok 2 - web -> db <forbidden> & "logged"']);
    expect(tap).toContain("# warning: stale: expected allow but never observed in the window");
    expect(tap).toContain("not ok 4 - web reaches db");
    expect(tap).toContain(`  rule: ${JSON.stringify(WEB_TO_DB_RULE)}`);
    expect(tap).toContain('  at: "shop.yaml:5"');
    expect(tap.filter((l) => /^(not )?ok \d/.test(l))).toHaveLength(4);
  });

  it("the table: one row per case with history, then the failing and stale cases spelled out", () => {
    const lines = matrixToTable(r).split("\n");
    expect(lines[0]).toBe(`window ${new Date(T0).toISOString()} to ${new Date(T0 + DAY).toISOString()}, semantics cilium`);
    expect(lines[1]).toMatch(/^STATUS +NAME +FROM +TO +PORT +EXPECT +VERDICT +HISTORY +RULE$/);
    expect(lines[2]).toMatch(/^PASS +web calls api +shop\/web +shop\/api +8080\/TCP +allow +allowed +seen \(10\) +egress: allowed by netpol\/shop\/web spec\.egress\[0\]\.to\[0\]/);
    expect(lines[3]).toMatch(/^FAIL .* deny +denied +OBSERVED FORWARDED \(2\) /);
    expect(lines[4]).toMatch(/^WARN +api calls db .* STALE /);
    expect(lines).toContain("FAIL web reaches db (shop.yaml:5)");
    expect(lines).toContain(`  expected allow, policies say denied for shop/web -> shop/postgres 5432/TCP: ${WEB_TO_DB_RULE}`);
    expect(lines).toContain("  expected deny but observed forwarded: 2 connections got through in the window (enforcing would break them)");
    expect(lines.at(-2)).toBe("4 cases: 2 passed, 2 failed, 1 stale (warnings, not failures)");
  });

  it("JSON: each case with its location, verdict, rule and history", () => {
    const json = JSON.parse(matrixToJson(r)) as { summary: unknown; results: Record<string, unknown>[] };
    expect(json.summary).toEqual({ cases: 4, passed: 2, failed: 2, warnings: 1 });
    expect(json.results[1]).toMatchObject({ file: "shop.yaml", line: 3, status: "fail", policy: "pass", verdict: "denied", history: { kind: "observed-forwarded", passed: 2 } });
    expect(json.results[3]).toMatchObject({ status: "fail", policy: "fail", rule: WEB_TO_DB_RULE });
  });
});

describe("the test's XML reader", () => {
  it.each([["<a>&</a>"], ["<a><b></a></b>"], ["<a x=\"1\" x=\"2\"/>"], ["<a>1</a><b/>"], ["<a><b>"]])("refuses malformed %s", (xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});
