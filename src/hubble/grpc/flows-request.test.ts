import { describe, expect, it } from "vitest";
import { messageType } from "../proto/index.js";
import { FlowFilterError, encodeFlowsRequest } from "./flows-request.js";

function decoded(bytes: Buffer): Record<string, unknown> {
  const type = messageType("observer.GetFlowsRequest");
  return type.toObject(type.decode(bytes), { longs: String, enums: String });
}

describe("encoding GetFlows requests", () => {
  it("encodes follow, number, since and filters given as plain JSON objects", () => {
    const bytes = encodeFlowsRequest({
      follow: true,
      number: 2n ** 64n - 1n,
      since: new Date("2024-01-01T00:00:01.500Z"),
      whitelist: [{ source_pod: ["kube-system/"], verdict: ["DROPPED"] }],
      blacklist: [{ destination_port: ["53"] }],
    });
    expect(decoded(bytes)).toEqual({
      follow: true,
      number: "18446744073709551615",
      since: { seconds: "1704067201", nanos: 500_000_000 },
      whitelist: [{ source_pod: ["kube-system/"], verdict: ["DROPPED"] }],
      blacklist: [{ destination_port: ["53"] }],
    });
  });

  it.each([
    [{ whitelist: ["verdict=DROPPED"] }, "whitelist[0]: expected a FlowFilter object"],
    [{ whitelist: [{}, { sourcePod: ["x"] }] }, "whitelist[1].sourcePod: unknown FlowFilter field"],
    [{ blacklist: [{ source_pod: "x" }] }, "blacklist[0]: source_pod: array expected"],
  ])("rejects a bad filter %#", (request, message) => {
    expect(() => encodeFlowsRequest(request)).toThrow(FlowFilterError);
    expect(() => encodeFlowsRequest(request)).toThrow(message);
  });
});
