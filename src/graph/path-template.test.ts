import { describe, expect, it } from "vitest";
import { methodOf, pathTemplate } from "./path-template.js";

describe("pathTemplate", () => {
  it.each([
    ["", "/"],
    ["/", "/"],
    ["/healthz", "/healthz"],
    ["/api/v1/orders/8812", "/api/v1/orders/{id}"],
    ["/api/v1/orders/8812/items/3", "/api/v1/orders/{id}/items/{id}"],
    ["/users/3f2504e0-4f89-11d3-9a0c-0305e82c3301/profile", "/users/{uuid}/profile"],
    ["/blobs/9f86d081884c7d65", "/blobs/{hex}"],
    ["/session/Zx81kLmQp0aTr7Yw2vBn", "/session/{token}"],
    ["/products/reviews", "/products/reviews"],
    ["/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o", "/a/b/c/d/e/f/g/h/i/j/k/l/{rest}"],
    ["relative/7", "/relative/{id}"],
    ["/decaf", "/decaf"],
  ])("%s becomes %s", (path, template) => {
    expect(pathTemplate(path)).toBe(template);
  });

  it("keeps cardinality bounded for ids of any shape", () => {
    const templates = new Set(Array.from({ length: 1000 }, (_, i) => pathTemplate(`/orders/${i}/lines/ab${(i * 7919).toString(16).padStart(6, "0")}`)));
    expect([...templates]).toEqual(["/orders/{id}/lines/{hex}"]);
  });
});

describe("methodOf", () => {
  it.each([
    ["GET", "GET"],
    ["post", "POST"],
    ["BREW COFFEE", "OTHER"],
    ["", "OTHER"],
  ])("%s is stored as %s", (method, stored) => {
    expect(methodOf(method)).toBe(stored);
  });
});
