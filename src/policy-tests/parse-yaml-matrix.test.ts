import { describe, expect, it } from "vitest";
import { parseYamlMatrix } from "./parse-yaml-matrix.js";

describe("parseYamlMatrix", () => {
  it("reads cases with their lines, defaults TCP and names unnamed cases", () => {
    const parsed = parseYamlMatrix(`# the shop
cases:
  - name: web calls api
    from: shop/web
    to: shop/api
    port: 8080
    expect: allow
  - {from: shop/web, to: kube-system/coredns, port: 53/UDP, expect: allow}
  - {from: shop/api, to: fqdn:api.stripe.com, port: "8000-8010", protocol: tcp, expect: deny}
  - {from: shop/api, to: ip:8.8.8.8, protocol: ICMPv6, expect: deny}
`, "m.yaml");
    expect(parsed.problems).toEqual([]);
    expect(parsed.cases.map((c) => [c.name, c.named, c.at.line, c.protocol, c.port, c.expect])).toEqual([
      ["web calls api", true, 3, "TCP", { kind: "number", port: 8080 }, "allow"],
      ["shop/web -> kube-system/coredns 53/UDP", false, 8, "UDP", { kind: "number", port: 53 }, "allow"],
      ["shop/api -> fqdn:api.stripe.com 8000-8010/TCP", false, 9, "TCP", { kind: "range", first: 8000, last: 8010 }, "deny"],
      // ICMPv6 echo request is type 128.
      ["shop/api -> ip:8.8.8.8 ICMPv6/type 128", false, 10, "ICMPv6", { kind: "icmp", type: 128 }, "deny"],
    ]);
    expect(parsed.cases[0]?.fieldLines).toEqual({ name: 3, from: 4, to: 5, port: 6, expect: 7 });
  });

  it("names file, line and field of every problem, and keeps no case of a bad matrix", () => {
    const parsed = parseYamlMatrix(`cases:
  - from: shop/web
    to: shop/api
    port: 70000
    expect: allow
  - from: shop/web
    to: shop/api
    port: 80
    protocol: GRE
    expect: maybe
  - {from: shop/web, port: 80, expect: deny, via: x}
  - {from: shop/web, to: shop/api, expect: deny}
  - {from: shop/web, to: shop/api, port: 80/UDP, protocol: TCP, expect: deny}
  - just text
`, "bad.yaml");
    expect(parsed.cases).toEqual([]);
    expect(parsed.problems).toEqual([
      { file: "bad.yaml", line: 4, field: "cases[0].port", message: 'must be a port number (1-65535), a range such as 8000-8080, or a port name, got "70000"' },
      { file: "bad.yaml", line: 9, field: "cases[1].protocol", message: 'must be TCP, UDP, SCTP, ICMP or ICMPv6, got "GRE"' },
      { file: "bad.yaml", line: 10, field: "cases[1].expect", message: "must be allow or deny" },
      { file: "bad.yaml", line: 11, field: "cases[2].via", message: "unknown field; a case has from, to, port, protocol, expect, name" },
      { file: "bad.yaml", line: 11, field: "cases[2].to", message: "is required" },
      { file: "bad.yaml", line: 12, field: "cases[3].port", message: "is required (except for ICMP)" },
      { file: "bad.yaml", line: 13, field: "cases[4].port", message: 'says UDP but the protocol field says "TCP"' },
      { file: "bad.yaml", line: 14, field: "cases[5]", message: "must be a mapping with from, to, port, expect" },
    ]);
  });

  it.each([
    ["cases: [", { line: 1, field: "(document)" }],
    ["- a\n- b\n", { line: 1, field: "(document)", message: "must be a mapping with a cases list" }],
    ["tests: []\n", { line: 1, field: "cases", message: "is required: a list of cases" }],
    ["cases: {a: 1}\n", { line: 1, field: "cases", message: "must be a list of cases" }],
  ])("refuses a matrix that is not one: %j", (text, problem) => {
    const parsed = parseYamlMatrix(text, "x.yaml");
    expect(parsed.problems[0]).toMatchObject({ file: "x.yaml", ...problem });
  });

  it("refuses a value that expands aliases past the bound", () => {
    // Each level repeats the one before ten times: 10^4 strings from a few lines.
    const bomb = "[&a [x, x, x, x, x, x, x, x, x, x], &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a], &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]]";
    const parsed = parseYamlMatrix(`cases:\n  - from: shop/web\n    to: shop/api\n    port: 80\n    expect: allow\n    name: ${bomb}\n`, "l.yaml");
    expect(parsed.cases).toEqual([]);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatchObject({ file: "l.yaml", line: 6, field: "cases[0].name" });
    expect(parsed.problems[0]?.message).toMatch(/^cannot read the value: Excessive alias count/);
  });
});
