import type { Connection } from "../flows/index.js";
import type { HubbleEvent } from "../hubble/index.js";

/** Totals of what an ingest run has seen, for the live summary line and for tests. */
export interface IngestTotals {
  flows: number;
  flowsByVerdict: Record<string, number>;
  connections: number;
  newConnections: number;
  /** Packets whose direction no record settled (counted on their edge, not as connections). */
  unknownDirection: number;
  requests: number;
  droppedConnections: number;
  identities: number;
  lostEvents: number;
  lostBySource: Record<string, number>;
  nodeStatusChanges: number;
}

/** Counts events and connections as they pass; bounded by the number of identities. */
export class IngestSummary {
  private readonly identityKeys = new Set<string>();
  readonly totals: IngestTotals = {
    flows: 0, flowsByVerdict: {}, connections: 0, newConnections: 0, unknownDirection: 0, requests: 0, droppedConnections: 0,
    identities: 0, lostEvents: 0, lostBySource: {}, nodeStatusChanges: 0,
  };

  /** Counts one Hubble event. */
  addEvent(event: HubbleEvent): void {
    const t = this.totals;
    switch (event.kind) {
      case "flow":
        t.flows++;
        t.flowsByVerdict[event.flow.verdict] = (t.flowsByVerdict[event.flow.verdict] ?? 0) + 1;
        break;
      case "lost-events":
        t.lostEvents += event.count;
        t.lostBySource[event.source] = (t.lostBySource[event.source] ?? 0) + event.count;
        break;
      case "node-status":
        t.nodeStatusChanges++;
        break;
      case "empty":
        break;
    }
  }

  /** Counts connection events. */
  addConnections(connections: readonly Connection[]): void {
    const t = this.totals;
    for (const c of connections) {
      if (c.kind === "unknown") {
        t.unknownDirection++;
        continue;
      }
      t.connections++;
      if (c.kind === "new") t.newConnections++;
      else if (c.kind === "request") t.requests++;
      if (c.verdict === "DROPPED") t.droppedConnections++;
      this.identityKeys.add(c.source.key);
      this.identityKeys.add(c.destination.key);
    }
    t.identities = this.identityKeys.size;
  }
}

/** A one-line human summary; `rate` is flows per second since the previous line. */
export function formatSummaryLine(totals: IngestTotals, rate: number, state: string): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const lost = Object.entries(totals.lostBySource).map(([s, c]) => `${s}=${n(c)}`).join(",");
  return [
    `flows ${n(totals.flows)} (${n(Math.round(rate))}/s)`,
    `connections ${n(totals.newConnections)} new, ${n(totals.requests)} L7 requests, ${n(totals.droppedConnections)} dropped`,
    `identities ${n(totals.identities)}`,
    `lost events ${n(totals.lostEvents)}${lost ? ` (${lost})` : ""}`,
    `stream ${state}`,
  ].join(" · ");
}
