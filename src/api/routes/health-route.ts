import type { Request, Response, Router } from "express";
import type { HealthCheck } from "../status.js";

/**
 * `/healthz`: the process is alive and its event loop turns (always 200 while it answers).
 * `/readyz`: 200 when every check passes, else 503; the body lists every check with its reason.
 */
export function addHealthRoutes(router: Router, checks: () => readonly HealthCheck[]): void {
  router.get("/healthz", (_req: Request, res: Response) => {
    res.set("Cache-Control", "no-store").json({ status: "ok", checks: [] });
  });
  router.get("/readyz", (_req: Request, res: Response) => {
    const all = checks();
    const ready = all.every((c) => c.ok);
    res.status(ready ? 200 : 503).set("Cache-Control", "no-store").json({ status: ready ? "ready" : "not-ready", checks: all });
  });
}
