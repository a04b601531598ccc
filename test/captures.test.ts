// Normalization of the two recorded Hubble captures into connections, checked against
// expectations computed by hand from the raw files (SYNs without ACK per 5-tuple, L7
// requests, DNS queries through the proxy).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConnectionTracker, IdentityResolver, describeIdentity } from "../src/flows/index.js";
import type { Connection } from "../src/flows/index.js";
import { eventFromMessage, responseFromJson } from "../src/hubble/proto/index.js";

const DATA = join(import.meta.dirname, "../../shared/data/hubble-otel");

function connectionsOf(file: string): { out: Connection[]; tracker: ConnectionTracker } {
  const tracker = new ConnectionTracker(new IdentityResolver());
  const out: Connection[] = [];
  for (const line of readFileSync(join(DATA, file), "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const conv = responseFromJson(JSON.parse(line));
    if (!conv.ok) throw new Error(conv.problem.message);
    const event = eventFromMessage(conv.message);
    if (event.kind === "flow") tracker.push(event.flow, out);
  }
  tracker.drain(out);
  return { out, tracker };
}

function tally(out: readonly Connection[], kind: Connection["kind"]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of out) {
    if (c.kind !== kind) continue;
    const key = `${describeIdentity(c.source)} -> ${describeIdentity(c.destination)} ${c.protocol}/${c.port}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe("recorded bookinfo capture, TCP", () => {
  const { out, tracker } = connectionsOf("basic-sample-400-tcp-flows.json");

  it("counts one new connection per SYN, merging the L7 proxy's upstream legs", () => {
    expect(tally(out, "new")).toEqual({
      "bookinfo/productpage-v1 -> bookinfo/details-v1 TCP/9080": 9,
      "bookinfo/productpage-v1 -> bookinfo/reviews-v1 TCP/9080": 2,
      "bookinfo/productpage-v1 -> bookinfo/reviews-v2 TCP/9080": 4,
      "bookinfo/productpage-v1 -> bookinfo/reviews-v3 TCP/9080": 3,
      "bookinfo/ratings-v1 -> bookinfo/productpage-v1 TCP/9080": 9,
      // Its client-side SYN to the proxy is not in the capture: only the upstream leg is.
      "bookinfo/reviews-v3 -> bookinfo/ratings-v1 TCP/9080": 1,
      "host -> jaeger/jaeger-default TCP/14269": 1,
    });
  });

  it("counts each HTTP request the proxy reported", () => {
    expect(tally(out, "request")).toEqual({
      "bookinfo/productpage-v1 -> bookinfo/details-v1 TCP/9080": 9,
      "bookinfo/productpage-v1 -> bookinfo/reviews-v1 TCP/9080": 2,
      "bookinfo/productpage-v1 -> bookinfo/reviews-v2 TCP/9080": 5,
      "bookinfo/productpage-v1 -> bookinfo/reviews-v3 TCP/9080": 3,
      "bookinfo/ratings-v1 -> bookinfo/productpage-v1 TCP/9080": 9,
      "bookinfo/reviews-v2 -> bookinfo/ratings-v1 TCP/9080": 5,
    });
  });

  it("marks proxied connections with the policy verdict of record", () => {
    const redirected = out.filter((c) => c.kind === "new" && c.verdict === "REDIRECTED");
    expect(redirected).toHaveLength(27);
    expect(redirected.every((c) => c.egress?.source === "policy-verdict")).toBe(true);
  });

  it("settles what other records settle, keeps the rest as unknown, and skips every reply", () => {
    // 100 flows marked is_reply, one SYN-ACK seen at TO_OVERLAY without is_reply, and three
    // records without it whose reverse 5-tuple was a request (ratings' answers to the proxy's
    // upstream leg, jaeger's to the collector).
    expect(tracker.stats.skipped.reply).toBe(71 + 29 + 1 + 3);
    expect(tracker.stats.unknownDirection).toBe(1);
    expect(tracker.settlerStats).toMatchObject({ unknown: 1, corrected: 28 });
    expect(tracker.stats.skipped["l7-response"]).toBe(32);
    expect(out.some((c) => c.source.key.startsWith("bookinfo/") && c.port !== 9080 && c.destination.key.startsWith("bookinfo/"))).toBe(false);
  });
});

describe("recorded bookinfo capture, UDP", () => {
  const { out } = connectionsOf("basic-sample-400-udp-flows.json");

  it("counts every DNS query datagram once, each DNS request record, and the DNS proxy's upstream leg", () => {
    const upstream = "remote-node -> kube-system/coredns UDP/53";
    expect(tally(out, "new")).toEqual({
      "bookinfo/productpage-v1 -> kube-system/coredns UDP/53": 48,
      "bookinfo/ratings-v1 -> kube-system/coredns UDP/53": 26,
      // Sent from the node without is_reply: requests, as coredns serves UDP/53 in settled requests.
      [upstream]: 74,
    });
    const { [upstream]: leg, ...clients } = tally(out, "new");
    expect(leg).toBe(74);
    expect(tally(out, "request")).toEqual(clients);
  });

  it("keeps the queried names", () => {
    const names = new Set(out.flatMap((c) => (c.l7?.kind === "dns" ? [c.l7.query] : [])));
    expect(names.size).toBeGreaterThan(0);
    expect([...names].every((n) => n.endsWith("."))).toBe(true);
  });
});
