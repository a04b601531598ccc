import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import type { IServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import type { IClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { parsePolicyDocuments } from "../src/policy/index.js";
import { VALIDATED_KINDS, validateManifest } from "./deploy-schema.js";

const BASE = join(import.meta.dirname, "../deploy/base");

interface Manifest {
  readonly file: string;
  readonly object: Record<string, unknown>;
}

function readYaml(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, "utf8")).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join("; ")}`);
    return doc.toJS() as unknown;
  });
}

function kustomization(): { namespace: string; resources: string[] } {
  const [doc] = readYaml(join(BASE, "kustomization.yaml"));
  return doc as { namespace: string; resources: string[] }; // the shape is asserted by the first test
}

function manifests(): Manifest[] {
  return kustomization().resources.flatMap((file) =>
    readYaml(join(BASE, file)).map((object) => ({ file, object: object as Record<string, unknown> })), // checked by validateManifest
  );
}

/**
 * The one manifest of `kind`, typed by its kubernetes-models interface. Every manifest is
 * schema-validated by the second test, which is what makes the cast hold.
 */
interface Kinds {
  ClusterRole: IClusterRole;
  ClusterRoleBinding: IClusterRoleBinding;
  Deployment: IDeployment;
  NetworkPolicy: INetworkPolicy;
  PersistentVolumeClaim: IPersistentVolumeClaim;
  PrometheusRule: IPrometheusRule;
  Service: IService;
  ServiceAccount: IServiceAccount;
  ServiceMonitor: IServiceMonitor;
}

function one<K extends keyof Kinds>(kind: K): Kinds[K] {
  const found = manifests().filter((m) => m.object.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]?.object as unknown as Kinds[K]; // see above
}

describe("deploy/base", () => {
  it("lists every manifest in kustomization.yaml and nothing that does not exist", () => {
    const k = kustomization();
    expect(k.namespace).toBe("hubble-auditor");
    const files = readdirSync(BASE).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml").sort();
    expect([...k.resources].sort()).toEqual(files);
  });

  it("every manifest is valid against its schema (core kinds strictly, with no unknown fields)", () => {
    const problems = manifests().flatMap((m) =>
      m.object.kind === "CiliumNetworkPolicy" ? [] : validateManifest(m.object).map((p) => `${m.file}: ${p}`),
    );
    expect(problems).toEqual([]);
    const kinds = new Set(manifests().map((m) => `${String(m.object.apiVersion)}/${String(m.object.kind)}`));
    for (const kind of VALIDATED_KINDS) expect(kinds, kind).toContain(kind);
  });

  it("the validator catches a misspelt field and a wrong type", () => {
    const deployment = structuredClone(one("Deployment"));
    const broken = { ...deployment, spec: { ...deployment.spec, replica: 1 } };
    const container = broken.spec.template?.spec?.containers[0];
    if (container?.ports?.[0]) Object.assign(container.ports[0], { containerPort: "8080" });
    const problems = validateManifest(broken).join("\n");
    expect(problems).toContain("spec.replica: unknown field");
    expect(problems).toContain("containerPort must be integer");
  });

  it("the network policies parse cleanly with the auditor's own policy parser", () => {
    const docs = manifests()
      .filter((m) => m.object.kind === "NetworkPolicy" || m.object.kind === "CiliumNetworkPolicy")
      .map((m) => ({ origin: { source: "file" as const, file: m.file }, object: m.object }));
    const parsed = parsePolicyDocuments(docs);
    expect(parsed.problems).toEqual([]);
    expect(parsed.networkPolicies).toHaveLength(1);
    expect(parsed.ciliumPolicies).toHaveLength(1);
  });

  it("the ClusterRole only reads policies, namespaces and pods", () => {
    const role = one("ClusterRole");
    const rules = role.rules ?? [];
    for (const rule of rules) expect([...rule.verbs].sort()).toEqual(["get", "list", "watch"]);
    const granted = rules.flatMap((r) => (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).map((res) => `${g}/${res}`))).sort();
    expect(granted).toEqual(["/namespaces", "/pods", "cilium.io/ciliumclusterwidenetworkpolicies", "cilium.io/ciliumnetworkpolicies", "networking.k8s.io/networkpolicies"]);
    const binding = one("ClusterRoleBinding");
    expect(binding.roleRef.name).toBe(role.metadata?.name);
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "hubble-auditor", namespace: "hubble-auditor" }]);
  });

  it("the Deployment runs one non-root replica with a read-only root, probes, resources, the PVC, the Relay TLS secret and the API token", () => {
    const d = one("Deployment");
    expect(d).toMatchObject({
      spec: {
        replicas: 1,
        strategy: { type: "Recreate" },
        template: {
          spec: {
            serviceAccountName: one("ServiceAccount").metadata?.name,
            securityContext: { runAsNonRoot: true },
            containers: [{
              securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              livenessProbe: { httpGet: { path: "/healthz", port: "http" } },
              readinessProbe: { httpGet: { path: "/readyz", port: "http" } },
              ports: [{ name: "http", containerPort: 8080 }, { name: "metrics", containerPort: 9090 }],
            }],
          },
        },
      },
    });
    const pod = d.spec?.template.spec;
    const container = pod?.containers[0];
    expect(Object.keys(container?.resources?.requests ?? {}).sort()).toEqual(["cpu", "memory"]);
    expect(Object.keys(container?.resources?.limits ?? {})).toEqual(["memory"]);
    const args = container?.args ?? [];
    const flag = (name: string): string | undefined => args[args.indexOf(name) + 1];
    expect(args[0]).toBe("serve");
    expect(flag("--hubble")).toBe("tls://hubble-relay.kube-system.svc:443");
    expect(flag("--policies")).toBe("k8s");
    expect(flag("--listen")).toBe("0.0.0.0:8080");
    expect(flag("--metrics-listen")).toBe("0.0.0.0:9090");

    const mountOf = (volume: string): string | undefined => container?.volumeMounts?.find((m) => m.name === volume)?.mountPath;
    const volume = (name: string) => pod?.volumes?.find((v) => v.name === name);
    expect(volume("data")?.persistentVolumeClaim?.claimName).toBe(one("PersistentVolumeClaim").metadata?.name);
    expect(flag("--db")).toBe(`${mountOf("data") ?? "?"}/hubble-auditor.db`);
    expect(volume("hubble-relay-tls")?.secret?.secretName).toBe("hubble-relay-client-certs");
    const tls = mountOf("hubble-relay-tls") ?? "?";
    expect([flag("--tls-ca"), flag("--tls-cert"), flag("--tls-key")]).toEqual([`${tls}/ca.crt`, `${tls}/tls.crt`, `${tls}/tls.key`]);
    // Listening on every interface needs a token (or --insecure-no-auth, which the base never uses).
    expect(args).not.toContain("--insecure-no-auth");
    expect(args).not.toContain("--metrics-auth");
    expect(volume("api-token")?.secret?.secretName).toBe("hubble-auditor-api-token");
    expect(flag("--api-token-file")).toBe(`${mountOf("api-token") ?? "?"}/token`);
  });

  it("the Service, ServiceMonitor and NetworkPolicy select the auditor's pods and ports", () => {
    const pod = one("Deployment").spec?.template;
    const podLabels = pod?.metadata?.labels ?? {};
    const service = one("Service");
    expect(podLabels).toMatchObject(service.spec?.selector ?? { missing: true });
    const containerPorts = (pod?.spec?.containers[0]?.ports ?? []).map((p) => p.name);
    for (const p of service.spec?.ports ?? []) expect(containerPorts).toContain(p.targetPort);
    const monitor = one("ServiceMonitor");
    expect(service.metadata?.labels).toMatchObject(monitor.spec.selector.matchLabels ?? { missing: true });
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: "metrics", path: "/metrics", honorLabels: true })]);
    // The scrape sends the token the Deployment's --api-token-file holds.
    const tokenVolume = pod?.spec?.volumes?.find((v) => v.name === "api-token")?.secret?.secretName;
    expect(monitor.spec.endpoints[0]?.authorization).toEqual({ type: "Bearer", credentials: { name: tokenVolume, key: "token" } });
    const policy = one("NetworkPolicy");
    expect(podLabels).toMatchObject(policy.spec?.podSelector.matchLabels ?? { missing: true });
    expect(policy.spec?.policyTypes).toEqual(["Ingress", "Egress"]);
    const egressTargets = (policy.spec?.egress ?? []).map((r) => (r.to ?? []).map((t) => t.podSelector?.matchLabels?.["k8s-app"]));
    expect(egressTargets).toEqual([["kube-dns"], ["hubble-relay"]]);
    const ingressPorts = (policy.spec?.ingress ?? []).map((r) => (r.ports ?? []).map((p) => p.port));
    expect(ingressPorts).toEqual([["metrics"], ["http"]]);
    const cilium = manifests().find((m) => m.object.kind === "CiliumNetworkPolicy")?.object;
    expect(cilium).toMatchObject({ spec: { egress: [{ toEntities: ["kube-apiserver"] }] } });
  });

  it("the PrometheusRule carries exactly grafana/alerts/prometheus-rules.yaml", () => {
    const [rules] = readYaml(join(import.meta.dirname, "../grafana/alerts/prometheus-rules.yaml"));
    expect(one("PrometheusRule").spec.groups).toEqual((rules as { groups: unknown }).groups);
  });
});
