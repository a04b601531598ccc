import { describe, expect, it } from "vitest";
import { cidrContains, cidrWithin, parseCidr, parseIp } from "./cidr.js";

function ip(text: string) {
  const parsed = parseIp(text);
  if (parsed === undefined) throw new Error(`bad test ip ${text}`);
  return parsed;
}
function cidr(text: string) {
  const parsed = parseCidr(text, true);
  if (parsed === undefined) throw new Error(`bad test cidr ${text}`);
  return parsed;
}

describe("parseIp", () => {
  it.each([
    ["10.0.0.1", 4],
    ["::1", 6],
    ["2001:db8::8a2e:370:7334", 6],
    ["::ffff:10.0.0.1", 6],
    ["fe80::", 6],
  ])("accepts %s", (text, family) => {
    expect(parseIp(text)?.family).toBe(family);
  });
  it.each(["256.0.0.1", "1.2.3", "01.2.3.4", "1::2::3", "1:2:3:4:5:6:7:8:9", "abc", ""])(
    "rejects %s",
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );
});

describe("cidr membership", () => {
  it.each([
    ["10.0.0.0/8", "10.255.1.2", true],
    ["10.0.0.0/8", "11.0.0.1", false],
    ["0.0.0.0/0", "8.8.8.8", true],
    ["0.0.0.0/0", "::1", false],
    ["172.17.1.0/24", "172.17.1.255", true],
    ["172.17.1.0/24", "172.17.2.0", false],
    ["2001:db8::/32", "2001:db8:ffff::1", true],
    ["2001:db8::/32", "2001:db9::1", false],
    ["::/0", "::1", true],
    ["10.0.0.1", "10.0.0.1", true],
    ["192.168.1.17/24", "192.168.1.200", true],
  ])("%s contains %s: %s", (c, address, expected) => {
    expect(cidrContains(cidr(c), ip(address))).toBe(expected);
  });

  it("rejects prefixes too long or bare addresses unless allowed", () => {
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("10.0.0.1")).toBeUndefined();
    expect(parseCidr("10.0.0.0/abc")).toBeUndefined();
  });

  it("checks nesting", () => {
    expect(cidrWithin(cidr("172.17.1.0/24"), cidr("172.17.0.0/16"))).toBe(true);
    expect(cidrWithin(cidr("172.18.1.0/24"), cidr("172.17.0.0/16"))).toBe(false);
    expect(cidrWithin(cidr("172.0.0.0/8"), cidr("172.17.0.0/16"))).toBe(false);
  });
});
