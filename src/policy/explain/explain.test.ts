import { describe, expect, it } from "vitest";
import { CILIUM_EXAMPLES, KUBERNETES_EXAMPLES } from "../testdata/example-policies.js";
import { pod, scenario, world } from "../testdata/harness.js";
import { explainEvaluation } from "./explain.js";

describe("explainEvaluation", () => {
  it("explains an allow with the deciding rule", () => {
    const run = scenario(KUBERNETES_EXAMPLES["test-network-policy"] ?? "");
    const text = explainEvaluation(run(world("172.17.2.9"), pod("default", { role: "db" }), "6379/TCP"), {
      source: "172.17.2.9",
      destination: "default/db",
      port: "6379/TCP",
    });
    expect(text).toBe(
      [
        "172.17.2.9 -> default/db on 6379/TCP: ALLOWED (semantics: cilium)",
        "Egress of 172.17.2.9: not enforced (172.17.2.9 is not a Cilium endpoint).",
        "Ingress of default/db: allowed by rule:",
        "  - netpol/default/test-network-policy spec.ingress[0].from[0]",
        "",
      ].join("\n"),
    );
  });

  it("explains default deny and deny precedence", () => {
    const run = scenario(CILIUM_EXAMPLES["deny-frontend-to-backend"] ?? "");
    const who = { source: "default/frontend", destination: "default/backend", port: "80/TCP" };
    const text = explainEvaluation(run(pod("default", { role: "frontend" }), pod("default", { role: "backend" })), who);
    expect(text).toContain("Ingress of default/backend: denied by deny rule (deny takes precedence):");
    expect(text).toContain("  - cnp/default/deny-rule spec.ingressDeny[0].fromEndpoints[0]");
    const other = explainEvaluation(run(pod("default", { role: "x" }), pod("default", { role: "backend" })), who);
    expect(other).toContain("denied by default; isolated by cnp/default/deny-rule and no rule allows 80/TCP from default/frontend.");
  });
});
