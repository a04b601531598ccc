import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isPolicyDrop } from "../flows/index.js";
import { POLICY_DROP_REASONS, knownOr } from "./label-values.js";

function dropReasonNames(): string[] {
  const proto = readFileSync(join(import.meta.dirname, "../../protos/flow/flow.proto"), "utf8");
  const body = /enum DropReason \{([^}]*)\}/.exec(proto)?.[1] ?? "";
  return [...body.matchAll(/^\s*([A-Z0-9_]+)\s*=/gm)].map((m) => m[1] ?? "");
}

describe("label values", () => {
  it("lists exactly the drop reasons that count as policy drops", () => {
    const names = dropReasonNames();
    expect(names.length).toBeGreaterThan(60);
    expect(names.filter((n) => isPolicyDrop(n)).sort()).toEqual([...POLICY_DROP_REASONS].sort());
  });

  it("maps values outside a fixed set to other", () => {
    expect(knownOr("DROPPED", ["DROPPED"])).toBe("DROPPED");
    expect(knownOr("99", ["DROPPED"])).toBe("other");
  });
});
