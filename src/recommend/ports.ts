/** A port or an inclusive range of ports of one protocol. */
export interface PortSpan {
  readonly protocol: string;
  readonly port: number;
  /** Inclusive end; undefined for a single port. */
  readonly endPort?: number;
}

/**
 * Sorts and deduplicates ports per protocol. With `ranges`, runs of at least three
 * contiguous observed ports become one `port`..`endPort` span; gaps are never filled, so
 * a range never allows a port that was not observed.
 */
export function mergePorts(ports: readonly { readonly protocol: string; readonly port: number }[], ranges: "ranges" | "single"): readonly PortSpan[] {
  const byProtocol = new Map<string, Set<number>>();
  for (const p of ports) {
    const set = byProtocol.get(p.protocol) ?? new Set<number>();
    set.add(p.port);
    byProtocol.set(p.protocol, set);
  }
  const out: PortSpan[] = [];
  for (const protocol of [...byProtocol.keys()].sort()) {
    const sorted = [...(byProtocol.get(protocol) ?? [])].sort((a, b) => a - b);
    if (ranges === "single") {
      for (const port of sorted) out.push({ protocol, port });
      continue;
    }
    let start = 0;
    for (let i = 1; i <= sorted.length; i++) {
      const prev = sorted[i - 1] ?? 0;
      if (i < sorted.length && sorted[i] === prev + 1) continue;
      const first = sorted[start] ?? 0;
      if (i - start >= 3) out.push({ protocol, port: first, endPort: prev });
      else for (let j = start; j < i; j++) out.push({ protocol, port: sorted[j] ?? 0 });
      start = i;
    }
  }
  return out;
}
