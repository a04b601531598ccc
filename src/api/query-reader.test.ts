import { describe, expect, it } from "vitest";
import { HttpError } from "./http-error.js";
import { pageOf } from "./pagination.js";
import { QueryReader } from "./query-reader.js";

function problem(run: () => unknown): { parameter: string | undefined; message: string } | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    expect(err.status).toBe(400);
    return { parameter: err.parameter, message: err.message };
  }
}

describe("QueryReader", () => {
  it.each([
    ["an unknown parameter", { nmespace: "x" }, (q: QueryReader) => q.string("namespace"), "nmespace", "nmespace: unknown parameter; this endpoint takes namespace, limit, kind, flag, type, since"],
    ["a repeated parameter", { namespace: ["a", "b"] }, (q: QueryReader) => q.string("namespace"), "namespace", "namespace: given more than once"],
    ["an over-long value", { namespace: "a".repeat(513) }, (q: QueryReader) => q.string("namespace"), "namespace", "namespace: longer than 512 characters"],
    ["a bad namespace", { namespace: "Kube_System" }, (q: QueryReader) => q.namespace("namespace"), "namespace", 'namespace: must be a namespace name (lowercase letters, digits and \'-\', at most 63), got "Kube_System"'],
    ["a too long namespace", { namespace: "a".repeat(64) }, (q: QueryReader) => q.namespace("namespace"), "namespace", undefined],
    ["a non-integer", { limit: "1.5" }, (q: QueryReader) => q.integer("limit", { min: 1, max: 10, fallback: 5 }), "limit", 'limit: must be an integer from 1 to 10, got "1.5"'],
    ["an integer out of bounds", { limit: "11" }, (q: QueryReader) => q.integer("limit", { min: 1, max: 10, fallback: 5 }), "limit", "limit: must be an integer from 1 to 10, got 11"],
    ["an integer beyond the safe range", { limit: "99999999999999999999" }, (q: QueryReader) => q.integer("limit", { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 5 }), "limit", "limit: must be an integer from 0 to 9007199254740991, got 99999999999999999999"],
    ["an empty window bound", { since: "" }, (q: QueryReader) => q.given("since"), "since", "since: is empty; give a value or leave the parameter out"],
    ["an unknown choice", { kind: "calico" }, (q: QueryReader) => q.choice("kind", ["cilium", "networkpolicy"] as const, "cilium"), "kind", 'kind: must be one of cilium, networkpolicy, got "calico"'],
    ["a bad boolean", { flag: "yes" }, (q: QueryReader) => q.boolean("flag", false), "flag", 'flag: must be true or false, got "yes"'],
    ["a bad list item", { type: "a,z" }, (q: QueryReader) => q.choices("type", ["a", "b"] as const), "type", 'type: each value must be one of a, b, got "z"'],
  ])("rejects %s, naming the parameter", (_name, query, read, parameter, message) => {
    const found = problem(() => read(new QueryReader(query, ["namespace", "limit", "kind", "flag", "type", "since"])));
    expect(found?.parameter).toBe(parameter);
    if (message !== undefined) expect(found?.message).toBe(message);
  });

  it("reads good values and falls back when a parameter is absent or empty", () => {
    const q = new QueryReader({ namespace: "kube-system", limit: "7", flag: "1", type: "b,a,b", kind: "" }, ["namespace", "limit", "flag", "type", "kind", "absent"]);
    expect(q.namespace("namespace")).toBe("kube-system");
    expect(q.integer("limit", { min: 1, max: 10, fallback: 5 })).toBe(7);
    expect(q.boolean("flag", false)).toBe(true);
    expect(q.choices("type", ["a", "b"] as const)).toEqual(["b", "a"]);
    expect(q.choice("kind", ["x", "y"] as const, "y")).toBe("y");
    expect(q.string("absent")).toBeUndefined();
    expect(q.given("absent")).toBeUndefined();
    expect(q.given("namespace")).toBe("kube-system");
    expect(q.integer("limit", { min: 7, max: 7, fallback: 5 })).toBe(7);
    expect(problem(() => q.required("absent"))).toEqual({ parameter: "absent", message: "absent: is required" });
  });

  it("says when an endpoint takes no parameters", () => {
    expect(problem(() => new QueryReader({ x: "1" }, []))?.message).toBe("x: this endpoint takes no query parameters");
  });
});

describe("pageOf", () => {
  const items = Array.from({ length: 25 }, (_, i) => i);

  it("slices by limit and offset and says where the next page starts", () => {
    expect(pageOf(items, new QueryReader({ limit: "10", offset: "10" }, ["limit", "offset"]))).toEqual({ total: 25, offset: 10, limit: 10, nextOffset: 20, items: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19] });
    expect(pageOf(items, new QueryReader({ limit: "10", offset: "20" }, ["limit", "offset"]))).toEqual({ total: 25, offset: 20, limit: 10, items: [20, 21, 22, 23, 24] });
    expect(pageOf(items, new QueryReader({ offset: "99" }, ["limit", "offset"]))).toEqual({ total: 25, offset: 99, limit: 100, items: [] });
  });

  it("bounds the page size", () => {
    expect(problem(() => pageOf(items, new QueryReader({ limit: "1001" }, ["limit", "offset"])))?.parameter).toBe("limit");
    expect(problem(() => pageOf(items, new QueryReader({ offset: "-1" }, ["limit", "offset"])))?.parameter).toBe("offset");
  });
});
