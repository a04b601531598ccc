import { describe, expect, it } from "vitest";
import { mergePorts } from "./ports.js";

describe("ports", () => {
  const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
  it.each([
    ["single ports stay single without ranges", tcp(8080, 80, 80), "single", [{ protocol: "TCP", port: 80 }, { protocol: "TCP", port: 8080 }]],
    ["three contiguous ports become a range", tcp(5000, 5001, 5002, 6000), "ranges", [{ protocol: "TCP", port: 5000, endPort: 5002 }, { protocol: "TCP", port: 6000 }]],
    ["two contiguous ports stay single", tcp(5000, 5001), "ranges", [{ protocol: "TCP", port: 5000 }, { protocol: "TCP", port: 5001 }]],
    ["a gap is never filled", tcp(1, 2, 3, 5, 6, 7), "ranges", [{ protocol: "TCP", port: 1, endPort: 3 }, { protocol: "TCP", port: 5, endPort: 7 }]],
  ] as const)("%s", (_name, ports, mode, want) => {
    expect(mergePorts(ports, mode)).toEqual(want);
  });
  it("keeps protocols apart", () => {
    expect(mergePorts([{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }], "ranges")).toEqual([{ protocol: "TCP", port: 53 }, { protocol: "UDP", port: 53 }]);
  });
});

