import { describe, expect, it } from "vitest";
import { hasQuery, pathOf, pathWithQuery } from "./http-target.js";

describe("HTTP request targets", () => {
  it.each([
    ["http://details:9080/details/0", "/details/0", "/details/0", false],
    ["https://api.example.com", "/", "/", false],
    ["http://api:8080/api/search?q=shoes&page=2", "/api/search", "/api/search?q=shoes&page=2", true],
    ["http://api:8080/a?", "/a", "/a", false],
    ["/api/v1/items?page=2#top", "/api/v1/items", "/api/v1/items?page=2#top", true],
    ["/plain", "/plain", "/plain", false],
    ["", "/", "", false],
  ])("%s: path %s, matched as %s, query %s", (url, path, target, query) => {
    expect(pathOf(url)).toBe(path);
    expect(pathWithQuery(url)).toBe(target);
    expect(hasQuery(url)).toBe(query);
  });
});
