import { describe, expect, it } from "vitest";
import { isLoopbackListen, parseListenAddress } from "./listen-address.js";

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

describe("isLoopbackListen", () => {
  it.each(["127.0.0.1:8080", "127.1.2.3:0", "localhost:80", "LOCALHOST:80", "[::1]:8080", "[::ffff:127.0.0.1]:9090"])("%s is loopback", (text) => {
    const address = parseListenAddress(text);
    expect(address && isLoopbackListen(address)).toBe(true);
  });

  it.each(["0.0.0.0:8080", ":8080", "[::]:8080", "10.0.0.5:8080", "[fe80::1]:80", "128.0.0.1:80", "example.com:80"])("%s is reachable from other hosts", (text) => {
    const address = parseListenAddress(text);
    expect(address && isLoopbackListen(address)).toBe(false);
  });
});
