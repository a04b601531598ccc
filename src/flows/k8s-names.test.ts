import { describe, expect, it } from "vitest";
import { dns1123LabelProblem, dns1123SubdomainProblem, kindProblem, labelKeyProblem, labelValueProblem, quoted } from "./k8s-names.js";

const a63 = "a".repeat(63);

describe("Kubernetes name syntax", () => {
  it.each([
    ["default", true], ["kube-system", true], ["a", true], ["0abc", true], [a63, true],
    [`${a63}b`, false], ["", false], ["../..", false], ["/", false], ["UPPER", false], ["a\nb", false],
    ["ñame", false], ["-lead", false], ["trail-", false], ["a.b", false], ["a_b", false],
  ])("namespace %j is a DNS-1123 label: %s", (name, valid) => {
    expect(dns1123LabelProblem(name) === undefined).toBe(valid);
  });

  it.each([
    ["web-7d9c8b5f6d-x2k4q", true], ["a.b.c", true], ["a".repeat(253), true], [`${"a".repeat(63)}.${"b".repeat(63)}`, true],
    ["a".repeat(254), false], ["a..b", false], [".a", false], ["a.", false], ["a/b", false], ["..", false], ["A", false], ["a.-b", false], ["", false],
  ])("pod or owner name %j is a DNS-1123 subdomain: %s", (name, valid) => {
    expect(dns1123SubdomainProblem(name) === undefined).toBe(valid);
  });

  it.each([
    ["app", true], ["app.kubernetes.io/name", true], ["A_b.c-D", true], ["example.com/" + a63, true],
    ["a/b/c", false], ["/name", false], ["prefix/", false], ["Example.com/name", false], ["_lead", false], [`${a63}b`, false], ["", false], ["a b", false],
  ])("label key %j is a qualified name: %s", (key, valid) => {
    expect(labelKeyProblem(key) === undefined).toBe(valid);
  });

  it.each([
    ["", true], ["v1", true], ["My_App.2", true], [a63, true],
    [`${a63}b`, false], ["-x", false], ["x_", false], ["a/b", false], ["a\nb", false],
  ])("label value %j is valid: %s", (value, valid) => {
    expect(labelValueProblem(value) === undefined).toBe(valid);
  });

  it.each([
    ["Deployment", true], ["ReplicaSet", true], ["CronJob", true], ["My-Kind", true],
    ["", false], ["1Kind", false], ["Kind_", false], ["Kind/x", false], ["K".repeat(64), false],
  ])("kind %j is valid: %s", (kind, valid) => {
    expect(kindProblem(kind) === undefined).toBe(valid);
  });

  it("names the rule a value breaks", () => {
    expect(dns1123LabelProblem("a".repeat(64))).toBe("DNS-1123 label: at most 63 characters");
    expect(labelKeyProblem("a/b/c")).toBe("a label key has at most one '/'");
    expect(labelKeyProblem("Bad_Prefix/x")).toMatch(/^a label key's prefix is a DNS-1123 subdomain/);
  });

  it("quotes a value with its control characters escaped and cuts a long one", () => {
    expect(quoted("a\nb")).toBe('"a\\nb"');
    expect(quoted("x".repeat(100))).toBe(`"${"x".repeat(77)}..."`);
  });
});
