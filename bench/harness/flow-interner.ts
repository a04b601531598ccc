import type { Flow } from "../../src/flows/index.js";

/**
 * Makes equal parts of pooled flows one shared object (addresses, L4, services, policy
 * lists, L7 records, names, summaries), so a benchmark's replay pool costs little memory of
 * its own: the process then measures the pipeline, not the pool. Flows are immutable
 * downstream, so sharing their parts changes nothing the pipeline does with them.
 */
export class FlowInterner {
  private readonly values = new Map<string, unknown>();
  private readonly strings = new Map<string, string>();

  /** A copy of `flow` whose parts are shared with earlier flows where equal. */
  flow(flow: Flow): Flow {
    return {
      ...flow,
      dropReason: flow.dropReason === undefined ? undefined : this.string(flow.dropReason),
      ip: this.value(flow.ip),
      l4: this.value(flow.l4),
      nodeName: this.string(flow.nodeName),
      sourceNames: this.value(flow.sourceNames),
      destinationNames: this.value(flow.destinationNames),
      l7: this.value(flow.l7),
      eventType: this.value(flow.eventType),
      sourceService: this.value(flow.sourceService),
      destinationService: this.value(flow.destinationService),
      traceObservationPoint: this.string(flow.traceObservationPoint),
      traceReason: this.string(flow.traceReason),
      egressAllowedBy: this.value(flow.egressAllowedBy),
      ingressAllowedBy: this.value(flow.ingressAllowedBy),
      egressDeniedBy: this.value(flow.egressDeniedBy),
      ingressDeniedBy: this.value(flow.ingressDeniedBy),
      summary: this.string(flow.summary),
    };
  }

  /** The one shared copy of `text`. */
  string(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  private value<T>(value: T): T {
    if (value === undefined) return value;
    const key = JSON.stringify(value);
    const known = this.values.get(key);
    if (known !== undefined) return known as T; // stored under the JSON of an equal value of the same field
    this.values.set(key, value);
    return value;
  }
}
