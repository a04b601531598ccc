import { describe, expect, it } from "vitest";
import { outputPath, pathSegment } from "./output-path.js";

// What a file system or tar reader could take for something other than one plain name.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNSAFE = /^\.|^-|[/\\\u0000-\u001f\u007f]/;

describe("pathSegment", () => {
  it.each(["prod", "kube-system", "a.b", "team-1", "0"])("keeps the valid name %j as it is", (name) => {
    expect(pathSegment(name)).toBe(name);
  });

  it.each([
    ["..", "_2E_2E"],
    [".", "_2E"],
    ["../..", "_2E_2E_2F_2E_2E"],
    ["/", "_2F"],
    [".hidden", "_2Ehidden"],
    ["a/b", "a_2Fb"],
    ["a\\b", "a_5Cb"],
    ["a\u0000b", "a_00b"],
    ["a\nb", "a_0Ab"],
    ["UPPER", "_55_50_50_45_52"],
    ["ü", "_C3_BC"],
    ["-x", "_2Dx"],
    ["a_2Fb", "a_5F2_46b"],
    ["", "_"],
  ])("encodes %j as %j", (name, encoded) => {
    expect(pathSegment(name)).toBe(encoded);
  });

  it("never yields an unsafe segment, and keeps different names apart", () => {
    const names = ["..", ".", "/", "a/b", "a_2Fb", "a\u0000", "\u001b[31m", "x".repeat(300), "y".repeat(300), "C:\\x", "a..b", "a.", "-", "--", "ns\r\n"];
    const segments = names.map(pathSegment);
    for (const s of segments) {
      expect(s).not.toMatch(UNSAFE);
      expect(s.length).toBeLessThanOrEqual(209);
      expect(s.includes("_")).toBe(true);
    }
    expect(new Set(segments).size).toBe(names.length);
  });
});

describe("outputPath", () => {
  it("joins path-safe segments and the extension", () => {
    expect(outputPath(["kind-kind"], "prod", ".yaml")).toBe("kind-kind/prod.yaml");
    expect(outputPath(["../.."], "../../etc/passwd", ".yaml")).toBe("_2E_2E_2F_2E_2E/_2E_2E_2F_2E_2E_2Fetc_2Fpasswd.yaml");
  });

  it("takes only a plain extension", () => {
    expect(() => outputPath([], "x", "/../y")).toThrow(/not a file extension/);
  });
});
