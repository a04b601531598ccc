import { describe, expect, it } from "vitest";
import { EVIDENCE_PEERS, addToGroup, peersText } from "./render-common.js";
import type { RuleGroup } from "./render-common.js";

describe("rule groups", () => {
  it("gather each value and peer once, in the order first seen", () => {
    const groups = new Map<string, RuleGroup>();
    for (const peer of ["shop/web", "shop/api", "shop/web"]) {
      addToGroup(groups, { key: "toEndpoints|TCP/53", field: "toEndpoints", values: [{ matchLabels: { app: peer.split("/")[1] } }], peer, ports: [] });
    }
    const g = groups.get("toEndpoints|TCP/53");
    expect(g?.values).toEqual([{ matchLabels: { app: "web" } }, { matchLabels: { app: "api" } }]);
    expect(g?.peers).toEqual(["shop/web", "shop/api"]);
  });
});

describe("peersText", () => {
  it("names every peer up to the bound, then counts the rest, so a DNS server's evidence stays small", () => {
    const peers = Array.from({ length: 5000 }, (_, i) => `ns-${i % 50}/app-${i}`);
    expect(peersText(peers.slice(0, 3))).toBe("ns-0/app-0,ns-1/app-1,ns-2/app-2");
    expect(peersText(peers.slice(0, EVIDENCE_PEERS))).toBe(peers.slice(0, EVIDENCE_PEERS).join(","));
    const text = peersText(peers);
    expect(text).toBe(`${peers.slice(0, EVIDENCE_PEERS).join(",")} and ${5000 - EVIDENCE_PEERS} more`);
    expect(text.length).toBeLessThan(1000);
  });
});
