import { describe, expect, it } from "vitest";
import { worldCidr } from "./world-cidr.js";

describe("world CIDRs", () => {
  it.each([
    ["203.0.113.7", 32, "203.0.113.7/32"],
    ["203.0.113.7", 24, "203.0.113.0/24"],
    ["10.250.3.4", 12, "10.240.0.0/12"],
    ["2001:DB8::1", 24, "2001:db8::1/128"],
    ["not-an-ip", 32, undefined],
  ] as const)("%s at /%d is %s", (ip, prefix, want) => {
    expect(worldCidr(ip, prefix)).toBe(want);
  });
});

