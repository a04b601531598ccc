import { describe, expect, it } from "vitest";
import { compileNameMatcher } from "./name-matcher.js";

const pattern = (p: string) => compileNameMatcher({ path: "", matchName: undefined, matchPattern: p });

describe("toFQDNs patterns (Cilium DNS-based policy docs)", () => {
  it.each([
    ["*.cilium.io", "sub.cilium.io", true],
    ["*.cilium.io", "cilium.io", false],
    ["*.cilium.io", "sub.sub.cilium.io", false],
    ["part*ial.com", "partial.com", true],
    ["part*ial.com", "part-extra-ial.com", true],
    ["*", "anything.example", true],
    ["**.cilium.io", "app.cilium.io", true],
    ["**.cilium.io", "test.app.cilium.io", true],
    ["**.cilium.io", "cilium.io", false],
    ["api.github.com", "API.GitHub.com.", true],
    ["api.github.com", "apixgithub.com", false],
  ])("%s matches %s: %s", (p, name, expected) => {
    expect(pattern(p).test(name)).toBe(expected);
  });

  it("matchName is exact after normalisation", () => {
    const m = compileNameMatcher({ path: "", matchName: "example.com", matchPattern: undefined });
    expect(m.test("Example.COM.")).toBe(true);
    expect(m.test("www.example.com")).toBe(false);
  });
});
