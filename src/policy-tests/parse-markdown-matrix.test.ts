import { describe, expect, it } from "vitest";
import { parseMarkdownMatrix } from "./parse-markdown-matrix.js";

const RUNBOOK = `# Shop connectivity

Who may talk to whom.

| Name | Source | Destination | Port | Protocol | Expected |
|------|--------|-------------|-----:|----------|----------|
| web calls api | \`shop/web\` | \`shop/api\` | 8080 | TCP | allow |
| dns | shop/web | kube-system/coredns | 53 | UDP | Allowed |
| labels form | {namespace: shop, labels: {app: batch}} | shop/postgres | 5432 |  | deny |

Text between tables.

| Source | Destination | Port | Expected |
| --- | --- | --- | --- |
| entity:world | shop/web | 443/TCP | deny |
`;

describe("parseMarkdownMatrix", () => {
  it("reads every table with the columns, in any order, with its line", () => {
    const parsed = parseMarkdownMatrix(RUNBOOK, "RUNBOOK.md");
    expect(parsed.problems).toEqual([]);
    expect(parsed.cases.map((c) => [c.name, c.at.line, c.text.from, c.text.to, c.text.port, c.expect])).toEqual([
      ["web calls api", 7, "shop/web", "shop/api", "8080/TCP", "allow"],
      ["dns", 8, "shop/web", "kube-system/coredns", "53/UDP", "allow"],
      ["labels form", 9, "shop{app=batch}", "shop/postgres", "5432/TCP", "deny"],
      ["entity:world -> shop/web 443/TCP", 15, "entity:world", "shop/web", "443/TCP", "deny"],
    ]);
  });

  it("names the line, row and column of a bad cell", () => {
    const parsed = parseMarkdownMatrix(`| Source | Destination | Port | Expected |
|---|---|---|---|
| shop/web | shop/api | 8080 | allow |
| shop/web | shop/api | http-x- | allow |
| shop/web | shop/api | 8080 |
| shop/web | nowhere | 8080 | deny |
`, "t.md");
    expect(parsed.cases).toEqual([]);
    expect(parsed.problems).toEqual([
      { file: "t.md", line: 4, field: "row 2.port", message: 'must be a port number (1-65535), a range such as 8000-8080, or a port name, got "http-x-"' },
      { file: "t.md", line: 5, field: "row 3", message: "has 3 cells; the table has 4 columns" },
      { file: "t.md", line: 6, field: "row 4.to", message: 'must be ns/workload, {namespace, labels}, ip:A.B.C.D, cidr:PREFIX/BITS, fqdn:NAME or entity:NAME, got "nowhere"' },
    ]);
  });

  it("says so when no table has the columns", () => {
    expect(parseMarkdownMatrix("| From | Port |\n|---|---|\n| a | 1 |\n", "n.md").problems).toEqual([
      { file: "n.md", field: "(table)", message: "no table with Source, Destination, Port and Expected columns" },
    ]);
  });
});
