import { describe, expect, it } from "vitest";
import { resolvePeer } from "./resolve-peer.js";

describe("resolvePeer", () => {
  it("takes an address no Pod holds for the world, and a name no one knows for its namespace alone", () => {
    expect(resolvePeer("203.0.113.7", { pods: [] })).toEqual({ ok: true, endpoint: { labels: ["reserved:world"], ip: "203.0.113.7" }, resolvedAs: "world" });
    expect(resolvePeer("shop/web", { pods: [] })).toMatchObject({ ok: true, endpoint: { labels: [], namespace: "shop" }, resolvedAs: "namespace-only" });
  });

  it.each([
    ["../..", /^"\.\." is not a valid namespace name \(DNS-1123 label/],
    ["Shop/web", /^"Shop" is not a valid namespace name/],
    ["shop/..", /^"\.\." is not a valid workload name \(DNS-1123 subdomain/],
    ["shop/we\nb", /^"we\\nb" is not a valid workload name/],
    ["shop/a/b", /^must be ns\/workload or an IP address/],
  ])("refuses %j, naming the part that is not a Kubernetes name", (text, message) => {
    const resolved = resolvePeer(text, { pods: [] });
    expect(resolved.ok).toBe(false);
    expect(resolved.ok ? "" : resolved.message).toMatch(message);
  });
});
