import { afterEach, describe, expect, it } from "vitest";
import { createMetrics } from "./auditor-metrics.js";
import { MetricsServerError, startMetricsServer } from "./metrics-server.js";
import type { MetricsServer } from "./metrics-server.js";
import { parseExposition, valueOf } from "./testdata/exposition.js";
import { exerciseAll } from "./testdata/samples.js";

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("startMetricsServer", () => {
  it("serves the registry at /metrics in the text format over HTTP", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    exerciseAll(metrics);
    server = await startMetricsServer({ listen: "127.0.0.1:0", registry: metrics.registry });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const samples = parseExposition(await res.text());
    expect(valueOf(samples, "hubble_auditor_stream_connected")).toBe(1);
  });

  it("answers 404 elsewhere", async () => {
    server = await startMetricsServer({ listen: "127.0.0.1:0", registry: createMetrics({ defaultMetrics: false }).registry });
    const res = await fetch(server.url.replace("/metrics", "/api"));
    expect(res.status).toBe(404);
  });

  it("rejects a malformed address and a port in use with a named error", async () => {
    const registry = createMetrics({ defaultMetrics: false }).registry;
    await expect(startMetricsServer({ listen: "nope", registry })).rejects.toBeInstanceOf(MetricsServerError);
    server = await startMetricsServer({ listen: "127.0.0.1:0", registry });
    await expect(startMetricsServer({ listen: server.address, registry })).rejects.toBeInstanceOf(MetricsServerError);
  });
});
