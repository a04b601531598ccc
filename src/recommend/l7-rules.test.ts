import { describe, expect, it } from "vitest";
import { dnsRules, httpRules, pathRegex } from "./l7-rules.js";
import { dns, http } from "./testdata/graph.js";

describe("HTTP and DNS rules", () => {
  it.each([
    ["/api/users/123", "/api/users/[^/]+"],
    ["/api/users/{id}", "/api/users/[^/]+"],
    ["/orders/{uuid}/items", "/orders/[^/]+/items"],
    ["/a/b/c/d/e/f/g/h/i/j/k/l/{rest}", "/a/b/c/d/e/f/g/h/i/j/k/l/.*"],
    ["/v1.2/search+x", "/v1\\.2/search\\+x"],
    ["/", "/"],
  ])("path %s becomes %s", (path, want) => {
    expect(pathRegex(path)).toBe(want);
  });
  it("deduplicates and sorts HTTP rules, and gives up on overflowed detail", () => {
    expect(httpRules([http("GET", "/b/{id}"), http("GET", "/b/7"), http("POST", "/a")])).toEqual([{ method: "GET", path: "/b/[^/]+" }, { method: "POST", path: "/a" }]);
    expect(httpRules([http("GET", "/a"), http("<other>", "<other>")])).toBeUndefined();
  });
  it("names observed DNS queries, or lets every query through the proxy when none is known", () => {
    expect(dnsRules([dns("B.example.com."), dns("a.example.com."), dns("a.example.com")])).toEqual([{ matchName: "a.example.com" }, { matchName: "b.example.com" }]);
    expect(dnsRules([])).toEqual([{ matchPattern: "*" }]);
    expect(dnsRules([dns("a.example.com."), dns("<other>")])).toEqual([{ matchPattern: "*" }]);
  });
});

