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

  it("runs the guard before serving, answering what it refuses with its status and message only", async () => {
    const registry = createMetrics({ defaultMetrics: false }).registry;
    const refusal = Object.assign(new Error("a bearer token is required"), { status: 401 });
    server = await startMetricsServer({
      listen: "127.0.0.1:0", registry,
      guard: (req, _res, next) => { next(req.get("authorization") === "Bearer s3cret" ? undefined : refusal); },
    });
    const refused = await fetch(server.url);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toBe("a bearer token is required\n");
    const allowed = await fetch(server.url, { headers: { authorization: "Bearer s3cret" } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("hubble_auditor_stream_connected");
  });

  it("answers a guard's unexpected error with a bare 500", async () => {
    server = await startMetricsServer({
      listen: "127.0.0.1:0", registry: createMetrics({ defaultMetrics: false }).registry,
      guard: (_req, _res, next) => { next(new Error("internal detail /var/lib/secret")); },
    });
    const res = await fetch(server.url);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("internal error\n");
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
