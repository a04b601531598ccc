import { describe, expect, it } from "vitest";
import { compilePolicyModel, parsePolicyDocuments } from "../policy/index.js";
import { yamlDocuments } from "../policy/testdata/example-policies.js";
import { createPolicyView, sideText } from "../audit/index.js";
import { diffOverMatrix } from "./diff-matrix.js";
import { parseYamlMatrix } from "./parse-yaml-matrix.js";
import { SEED_POLICIES, seedView } from "./testdata/seed-policies.js";

// The seed app with postgres taking connections from web instead of api, and web's egress
// opened to postgres: api -> postgres breaks, web -> postgres opens, web -> api stays.
const PROPOSED = SEED_POLICIES
  .replace("  ingress:\n  - from: [{podSelector: {matchLabels: {app: api}}}]\n    ports: [{port: 5432}]", "  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: 5432}]")
  .replace("  - to: [{podSelector: {matchLabels: {app: api}}}]\n    ports: [{port: http}]", "  - to: [{podSelector: {matchLabels: {app: api}}}]\n    ports: [{port: http}]\n  - to: [{podSelector: {matchLabels: {app: postgres}}}]\n    ports: [{port: 5432}]");

const MATRIX = `
cases:
  - {from: shop/api, to: shop/postgres, port: 5432, expect: allow}
  - {from: shop/web, to: shop/postgres, port: 5432, expect: deny}
  - {from: shop/web, to: shop/api, port: http, expect: allow}
  - {from: shop/api, to: shop/postgres, port: 5430-5433, expect: allow}
`;

describe("diffOverMatrix", () => {
  it("lists the probes whose verdict changes, with the rules on each side, comparing a probe two cases share once", () => {
    expect(PROPOSED).not.toBe(SEED_POLICIES);
    const { view: old, pods } = seedView();
    const next = createPolicyView(compilePolicyModel(parsePolicyDocuments(yamlDocuments(PROPOSED, "proposed.yaml"))), { semantics: "cilium" });
    const parsed = parseYamlMatrix(MATRIX, "m.yaml");
    expect(parsed.problems).toEqual([]);
    const result = diffOverMatrix({ cases: parsed.cases, old, next, pods });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { diff } = result;
    // api -> postgres 5432, web -> postgres 5432, web -> api 8080, then 5430, 5431 and 5433 of the range.
    expect(diff).toMatchObject({ over: "matrix", compared: 6 });
    expect(diff.window).toBeUndefined();
    expect(diff.changes.map((c) => `${c.change} ${c.from} -> ${c.to} ${c.protocol}/${String(c.port)}`)).toEqual([
      "allowed-to-denied shop/api -> shop/postgres TCP/5432",
      "denied-to-allowed shop/web -> shop/postgres TCP/5432",
    ]);
    const [broken, opened] = diff.changes;
    expect(broken && sideText(broken.old)).toEqual([
      "egress allowed by netpol/shop/api spec.egress[0].to[0]", "ingress allowed by netpol/shop/postgres spec.ingress[0].from[0]",
    ]);
    expect(broken && sideText(broken.new)).toEqual(["ingress denied by default: isolated by netpol/shop/default-deny, netpol/shop/postgres, no rule allows it"]);
    // Before, both ends refused it: web's egress and postgres's ingress (which took api only).
    expect(opened && sideText(opened.old)).toEqual([
      "egress denied by default: isolated by netpol/shop/default-deny, netpol/shop/dns, netpol/shop/web, no rule allows it",
      "ingress denied by default: isolated by netpol/shop/default-deny, netpol/shop/postgres, no rule allows it",
    ]);
    expect(opened && sideText(opened.new)).toEqual(["egress allowed by netpol/shop/web spec.egress[1].to[0]", "ingress allowed by netpol/shop/postgres spec.ingress[0].from[0]"]);
  });

  it("refuses a case it cannot resolve, naming its file, line and field", () => {
    const { view, pods } = seedView();
    const parsed = parseYamlMatrix("cases:\n  - {from: shop/nowhere, to: shop/api, port: 8080, expect: allow}\n", "m.yaml");
    const result = diffOverMatrix({ cases: parsed.cases, old: view, next: view, pods });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toMatchObject([{ file: "m.yaml", line: 2, field: "cases[0].from" }]);
  });
});
