import { describe, expect, it } from "vitest";
import { exposureOf } from "./exposure.js";
import type { ExposureFlags } from "./exposure.js";
import { UsageError } from "./usage-error.js";

const loopback: ExposureFlags = { listen: "127.0.0.1:8080", metricsListen: "127.0.0.1:9090", token: undefined, metricsAuth: "token", insecureNoAuth: false };

describe("exposureOf", () => {
  it("serves loopback listeners without a token and without warnings", () => {
    expect(exposureOf(loopback)).toEqual({ apiToken: undefined, metricsToken: undefined, warnings: [] });
    expect(exposureOf({ ...loopback, listen: "[::1]:8080", metricsListen: "localhost:9090" }).warnings).toEqual([]);
  });

  it("refuses an API or metrics other hosts can reach unless a token guards it or --insecure-no-auth says so", () => {
    expect(() => exposureOf({ ...loopback, listen: "0.0.0.0:8080" })).toThrow(UsageError);
    expect(() => exposureOf({ ...loopback, listen: "0.0.0.0:8080" })).toThrow("--listen 0.0.0.0:8080 can be reached from other hosts");
    expect(() => exposureOf({ ...loopback, metricsListen: ":9090" })).toThrow("--metrics-listen :9090 can be reached from other hosts");
    const open = exposureOf({ ...loopback, listen: "0.0.0.0:8080", metricsListen: "10.0.0.2:9090", insecureNoAuth: true });
    expect(open.apiToken).toBeUndefined();
    expect(open.warnings).toEqual([
      "the API on 0.0.0.0:8080 answers anyone who can reach it (--insecure-no-auth)",
      "metrics on 10.0.0.2:9090 answer anyone who can reach them (--insecure-no-auth)",
    ]);
  });

  it("guards /metrics with the API token unless --metrics-auth none, which is warned about when others can reach it", () => {
    const guarded = exposureOf({ ...loopback, listen: "0.0.0.0:8080", metricsListen: "0.0.0.0:9090", token: "t" });
    expect(guarded).toEqual({ apiToken: "t", metricsToken: "t", warnings: [] });
    const openMetrics = exposureOf({ ...loopback, listen: "0.0.0.0:8080", metricsListen: "0.0.0.0:9090", token: "t", metricsAuth: "none" });
    expect(openMetrics).toEqual({ apiToken: "t", metricsToken: undefined, warnings: ["metrics on 0.0.0.0:9090 answer anyone who can reach them (--metrics-auth none)"] });
  });

  it("takes a token with the API off when it guards metrics, and refuses flags that contradict each other", () => {
    expect(exposureOf({ ...loopback, listen: undefined, token: "t" }).metricsToken).toBe("t");
    expect(() => exposureOf({ ...loopback, listen: undefined, metricsListen: undefined, token: "t" })).toThrow("--api-token-file guards nothing here");
    expect(() => exposureOf({ ...loopback, listen: undefined, token: "t", metricsAuth: "none" })).toThrow("--api-token-file guards nothing here");
    expect(() => exposureOf({ ...loopback, token: "t", insecureNoAuth: true })).toThrow("--insecure-no-auth and --api-token-file contradict each other");
    expect(() => exposureOf({ ...loopback, metricsAuth: "basic" })).toThrow('--metrics-auth must be token or none, got "basic"');
  });
});
