import { describe, expect, it } from "vitest";
import { compilePolicyModel } from "../compile/compile-model.js";
import { compileRe2 } from "../regex.js";
import { cnp, docs, type ProblemCase } from "../testdata/problem-docs.js";
import { parsePolicyDocuments } from "./parse-documents.js";

const entry = (path: string): string => `entry ${path} ignored: the model allows less than written; default deny still applies`;
const http = (rule: string, port = `{port: "80", protocol: TCP}`): string =>
  cnp(`  endpointSelector: {}\n  ingress: [{toPorts: [{ports: [${port}], rules: {http: [${rule}]}}]}]`);

const CASES: readonly ProblemCase[] = [
  ["bad HTTP regex", http(`{path: "/a(["}`), "spec.ingress[0].toPorts[0].rules.http[0].path", 'invalid regular expression "/a([" (missing closing ]: `[`)', entry("spec.ingress[0]")],
  ["backreference (not RE2)", http(`{path: "/(a)\\\\1"}`), "spec.ingress[0].toPorts[0].rules.http[0].path", "a backreference is not supported by RE2, which Cilium uses", entry("spec.ingress[0]")],
  ["lookahead (not RE2)", http(`{method: "(?!DELETE).*"}`), "spec.ingress[0].toPorts[0].rules.http[0].method", "lookahead or lookbehind is not supported by RE2, which Cilium uses", entry("spec.ingress[0]")],
  ["lookbehind (not RE2)", http(`{host: "(?<=a)b"}`), "spec.ingress[0].toPorts[0].rules.http[0].host", "lookahead or lookbehind is not supported by RE2, which Cilium uses", entry("spec.ingress[0]")],
  ["HTTP rules on UDP", http(`{path: "/"}`, `{port: "80", protocol: UDP}`), "spec.ingress[0].toPorts[0].ports[0].protocol", "L7 rules apply only to TCP (not UDP), except DNS rules", entry("spec.ingress[0]")],
  ["L7 rules on port 0", http(`{path: "/"}`, `{port: "0", protocol: TCP}`), "spec.ingress[0].toPorts[0].ports", "L7 rules need explicit, non-zero ports", entry("spec.ingress[0]")],
  ["DNS rules on ingress", cnp(`  endpointSelector: {}\n  ingress: [{toPorts: [{ports: [{port: "53"}], rules: {dns: [{matchPattern: "*"}]}}]}]`), "spec.ingress[0].toPorts[0].rules.dns", "DNS rules are not allowed on ingress", entry("spec.ingress[0]")],
  ["unknown entity", cnp(`  endpointSelector: {}\n  egress: [{toEntities: [internet]}]`), "spec.egress[0].toEntities[0]", 'unknown entity "internet" (want one of world, world-ipv4, world-ipv6, cluster, host, remote-node, kube-apiserver, health, init, ingress, unmanaged, none, all)', entry("spec.egress[0]")],
  ["toFQDNs with toEndpoints", cnp(`  endpointSelector: {}\n  egress: [{toFQDNs: [{matchName: a.com}], toEndpoints: [{}]}]`), "spec.egress[0].toFQDNs", "toFQDNs cannot be combined with other L3 fields in one rule", entry("spec.egress[0]")],
  ["bad FQDN pattern", cnp(`  endpointSelector: {}\n  egress: [{toFQDNs: [{matchPattern: "a/b.com"}]}]`), "spec.egress[0].toFQDNs[0].matchPattern", '"a/b.com" is not a valid DNS pattern', entry("spec.egress[0]")],
  ["cilium port out of range", cnp(`  endpointSelector: {}\n  ingress: [{toPorts: [{ports: [{port: "65536"}]}]}]`), "spec.ingress[0].toPorts[0].ports[0].port", "port 65536 is out of range 0-65535", entry("spec.ingress[0]")],
  ["cilium endPort below port", cnp(`  endpointSelector: {}\n  egress: [{toPorts: [{ports: [{port: "9000", endPort: 8000}]}]}]`), "spec.egress[0].toPorts[0].ports[0].endPort", "endPort 8000 is less than port 9000", entry("spec.egress[0]")],
  ["CIDRSet except outside", cnp(`  endpointSelector: {}\n  egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, except: [192.168.0.0/16]}]}]`), "spec.egress[0].toCIDRSet[0].except[0]", "192.168.0.0/16 is not inside 10.0.0.0/8", entry("spec.egress[0]")],
  ["bad fromEndpoints operator", cnp(`  endpointSelector: {}\n  ingress: [{fromEndpoints: [{matchExpressions: [{key: app, operator: Equal, values: [a]}]}]}]`), "spec.ingress[0].fromEndpoints[0].matchExpressions[0].operator", 'unknown operator "Equal" (want In, NotIn, Exists or DoesNotExist)', entry("spec.ingress[0]")],
  ["both selectors", cnp(`  endpointSelector: {}\n  nodeSelector: {}`), "spec", "set exactly one of endpointSelector or nodeSelector", "rule spec ignored: its allows, denies and default deny do not apply"],
  ["bad endpointSelector", cnp(`  endpointSelector: {matchLabels: {app: 1}}\n  ingress: [{}]`), "spec.endpointSelector.matchLabels.app", "label value must be a string", "rule spec ignored: its allows, denies and default deny do not apply"],
  ["L7 in deny", cnp(`  endpointSelector: {}\n  ingressDeny: [{toPorts: [{ports: [{port: "80"}], rules: {http: [{}]}}]}]`), "spec.ingressDeny[0].toPorts[0].rules", "deny rules cannot have L7 rules", "deny entry spec.ingressDeny[0] ignored: the model denies less than written"],
];

describe("bad Cilium policies: each problem names file, document, object, field and effect", () => {
  it.each(CASES)("%s", (_name, text, path, message, effect) => {
    const result = parsePolicyDocuments(docs(text));
    expect(result.problems).toContainEqual({
      origin: { source: "file", file: "p.yaml", documentIndex: 0 },
      kind: "CiliumNetworkPolicy",
      namespace: "prod",
      name: "bad",
      path,
      message,
      ...(effect === undefined ? {} : { effect }),
    });
  });

  it("a dropped entry keeps the direction in default deny", () => {
    const parsed = parsePolicyDocuments(docs(cnp(`  endpointSelector: {}\n  ingress: [{fromEntities: [internet]}]`)));
    const model = compilePolicyModel(parsed);
    expect(model.sections).toMatchObject([{ direction: "ingress", defaultDeny: true, allow: [] }]);
  });

  it("enableDefaultDeny without entries for the direction changes nothing", () => {
    const parsed = parsePolicyDocuments(docs(cnp(`  endpointSelector: {}\n  enableDefaultDeny: {ingress: true}\n  ingress: []\n  egress: [{toEntities: [world]}]`)));
    expect(parsed.problems).toEqual([]);
    expect(compilePolicyModel(parsed).sections.map((s) => s.direction)).toEqual(["egress"]);
  });

  it.each([
    ["(?i)get", "GET", true],
    ["(?P<v>v[0-9]+)/.*", "v2/x", true],
    ["[[:digit:]]+", "123", true],
    ["[[:digit:]]+", "12a", false],
    ["\\Aabc\\z", "abc", true],
    ["a\\\\1", "a\\1", true],
    ["\\p{L}+", "größe", true],
    ["\\p{L}+", "a1", false],
    ["a(?i)b", "aB", true],
    ["a(?i)b", "Ab", false],
    ["\\Qa.b\\E", "a.b", true],
    ["\\Qa.b\\E", "axb", false],
    ["GET|PUT", "GETX", false],
  ])("RE2 syntax %s matches %s -> %s as RE2 does", (re, value, expected) => {
    const r = compileRe2(re);
    expect(r.kind).toBe("ok");
    if (r.kind === "ok") expect(r.regex.test(value)).toBe(expected);
  });

  it("matches in linear time: a pattern that makes a backtracking engine run for ever answers at once", () => {
    // With JavaScript's own engine this one value would take longer than the age of the universe.
    const r = compileRe2("/(a+)+$");
    expect(r.kind).toBe("ok");
    if (r.kind === "ok") {
      expect(r.regex.test(`/${"a".repeat(5_000)}b`)).toBe(false);
      expect(r.regex.test(`/${"a".repeat(5_000)}`)).toBe(true);
    }
  });

  it("names an expression RE2 refuses, with RE2's reason", () => {
    expect(compileRe2("a(b")).toMatchObject({ kind: "problem", message: "invalid regular expression \"a(b\" (missing closing ): `a(b`)" });
  });
});
