import { describe, expect, it } from "vitest";
import { parseListenAddress } from "./listen-address.js";

describe("parseListenAddress", () => {
  it.each([
    ["0.0.0.0:9090", { host: "0.0.0.0", port: 9090 }],
    ["127.0.0.1:0", { host: "127.0.0.1", port: 0 }],
    [":9090", { host: "0.0.0.0", port: 9090 }],
    ["[::1]:8080", { host: "::1", port: 8080 }],
    ["localhost:80", { host: "localhost", port: 80 }],
  ])("%s", (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });

  it.each(["9090", "host:", "host:70000", "a:b:1", "host:port"])("rejects %s", (text) => {
    expect(parseListenAddress(text)).toBeUndefined();
  });
});
