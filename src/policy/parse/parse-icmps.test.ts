import { describe, expect, it } from "vitest";
import { cnp, docs, type ProblemCase } from "../testdata/problem-docs.js";
import { parsePolicyDocuments } from "./parse-documents.js";

const allowEntry = (path: string): string => `entry ${path} ignored: the model allows less than written; default deny still applies`;
const denyEntry = (path: string): string => `deny entry ${path} ignored: the model denies less than written`;
const egress = (icmps: string): string => cnp(`  endpointSelector: {}\n  egress: [{toEndpoints: [{}], icmps: ${icmps}}]`);

/** The `icmps` of the first entry of a section, as parsed. */
function icmpsOf(text: string, section: "ingress" | "egress" | "ingressDeny" | "egressDeny"): unknown {
  const parsed = parsePolicyDocuments(docs(text));
  expect(parsed.problems).toEqual([]);
  return parsed.ciliumPolicies[0]?.rules[0]?.[section]?.[0]?.icmps;
}

describe("icmps: good input (policy API ICMPField: family defaults to IPv4, type is a code or a CamelCase name)", () => {
  it.each([
    ["a number", "[{fields: [{type: 8}]}]", [{ family: "IPv4", type: 8 }]],
    ["a decimal string", `[{fields: [{type: "8"}]}]`, [{ family: "IPv4", type: 8 }]],
    ["type 0", "[{fields: [{type: 0}]}]", [{ family: "IPv4", type: 0 }]],
    ["type 255", "[{fields: [{type: 255, family: IPv6}]}]", [{ family: "IPv6", type: 255 }]],
    ["an IPv4 name", "[{fields: [{type: EchoRequest}]}]", [{ family: "IPv4", type: 8 }]],
    ["the IPv4 alias Echo", "[{fields: [{type: Echo, family: IPv4}]}]", [{ family: "IPv4", type: 8 }]],
    ["an IPv6 name", "[{fields: [{type: EchoRequest, family: IPv6}]}]", [{ family: "IPv6", type: 128 }]],
    ["an IPv6-only name", "[{fields: [{type: NeighborSolicitation, family: IPv6}]}]", [{ family: "IPv6", type: 135 }]],
    ["ExtendedEchoReply (agent table)", "[{fields: [{type: ExtendedEchoReply}]}]", [{ family: "IPv4", type: 43 }]],
    ["an empty family", `[{fields: [{type: 3, family: ""}]}]`, [{ family: "IPv4", type: 3 }]],
  ])("%s", (_name, icmps, fields) => {
    expect(icmpsOf(egress(icmps), "egress")).toEqual([
      { path: "spec.egress[0].icmps[0]", fields: fields.map((f) => ({ path: "spec.egress[0].icmps[0].fields[0]", ...f })) },
    ]);
  });

  it("keeps entries and fields in order, each with its path", () => {
    const text = cnp(`  endpointSelector: {}\n  ingress: [{icmps: [{fields: [{type: 8}, {type: 128, family: IPv6}]}, {fields: [{type: TimeExceeded}]}]}]`);
    expect(icmpsOf(text, "ingress")).toEqual([
      {
        path: "spec.ingress[0].icmps[0]",
        fields: [
          { path: "spec.ingress[0].icmps[0].fields[0]", family: "IPv4", type: 8 },
          { path: "spec.ingress[0].icmps[0].fields[1]", family: "IPv6", type: 128 },
        ],
      },
      { path: "spec.ingress[0].icmps[1]", fields: [{ path: "spec.ingress[0].icmps[1].fields[0]", family: "IPv4", type: 11 }] },
    ]);
  });

  it.each([
    ["ingressDeny", `  ingressDeny: [{fromEntities: [world], icmps: [{fields: [{type: 8}]}]}]`],
    ["egressDeny", `  egressDeny: [{icmps: [{fields: [{type: 8}]}]}]`],
  ] as const)("is read on %s", (section, body) => {
    expect(icmpsOf(cnp(`  endpointSelector: {}\n${body}`), section)).toEqual([
      { path: `spec.${section}[0].icmps[0]`, fields: [{ path: `spec.${section}[0].icmps[0].fields[0]`, family: "IPv4", type: 8 }] },
    ]);
  });

  it.each([
    ["an empty list is as if absent", "[]", undefined],
    ["an entry without fields is kept (it admits nothing)", "[{}]", [{ path: "spec.egress[0].icmps[0]", fields: [] }]],
  ])("%s", (_name, icmps, expected) => {
    expect(icmpsOf(egress(icmps), "egress")).toEqual(expected);
  });

  it("icmps with an empty toPorts is accepted (Cilium only rejects both non-empty)", () => {
    expect(icmpsOf(cnp(`  endpointSelector: {}\n  egress: [{toPorts: [], icmps: [{fields: [{type: 8}]}]}]`), "egress")).toHaveLength(1);
  });

  it("is no longer reported as an unsupported constraint", () => {
    const parsed = parsePolicyDocuments(docs(egress("[{fields: [{type: 8}]}]")));
    expect(parsed.ciliumPolicies[0]?.rules[0]?.egress?.[0]?.unsupportedConstraints).toEqual([]);
  });
});

const fields41 = `[{fields: [${Array.from({ length: 41 }, () => "{type: 8}").join(", ")}]}]`;

const BAD: readonly ProblemCase[] = [
  ["unknown name", egress("[{fields: [{type: 8}, {type: Ping}]}]"), "spec.egress[0].icmps[0].fields[1].type", '"Ping" is neither an ICMP type 0-255 nor an IPv4 type name Cilium knows', allowEntry("spec.egress[0]")],
  ["IPv6 name in IPv4", egress("[{fields: [{type: NeighborSolicitation}]}]"), "spec.egress[0].icmps[0].fields[0].type", '"NeighborSolicitation" is neither an ICMP type 0-255 nor an IPv4 type name Cilium knows (NeighborSolicitation is an IPv6 type: set family: IPv6)', allowEntry("spec.egress[0]")],
  ["IPv4-only name in IPv6", egress("[{fields: [{type: Redirect, family: IPv6}]}]"), "spec.egress[0].icmps[0].fields[0].type", '"Redirect" is neither an ICMP type 0-255 nor an IPv6 type name Cilium knows (Redirect is an IPv4 type: set family: IPv4)', allowEntry("spec.egress[0]")],
  ["names are case-sensitive", egress("[{fields: [{type: echorequest}]}]"), "spec.egress[0].icmps[0].fields[0].type", '"echorequest" is neither an ICMP type 0-255 nor an IPv4 type name Cilium knows', allowEntry("spec.egress[0]")],
  ["number above 255", egress("[{fields: [{type: 256}]}]"), "spec.egress[0].icmps[0].fields[0].type", "ICMP type 256 is out of range 0-255", allowEntry("spec.egress[0]")],
  ["negative number", egress("[{fields: [{type: -1}]}]"), "spec.egress[0].icmps[0].fields[0].type", "ICMP type -1 is out of range 0-255", allowEntry("spec.egress[0]")],
  ["fraction", egress("[{fields: [{type: 8.5}]}]"), "spec.egress[0].icmps[0].fields[0].type", "ICMP type 8.5 is out of range 0-255", allowEntry("spec.egress[0]")],
  ["string above 255", egress(`[{fields: [{type: "300"}]}]`), "spec.egress[0].icmps[0].fields[0].type", "ICMP type 300 is out of range 0-255", allowEntry("spec.egress[0]")],
  ["missing type", egress("[{fields: [{family: IPv4}]}]"), "spec.egress[0].icmps[0].fields[0].type", "type is required (an ICMP type 0-255 or its name)", allowEntry("spec.egress[0]")],
  ["boolean type", egress("[{fields: [{type: true}]}]"), "spec.egress[0].icmps[0].fields[0].type", "must be an ICMP type number 0-255 or a type name", allowEntry("spec.egress[0]")],
  ["bad family", egress("[{fields: [{type: 8, family: ipv4}]}]"), "spec.egress[0].icmps[0].fields[0].family", 'unknown family "ipv4" (want IPv4 or IPv6)', allowEntry("spec.egress[0]")],
  ["non-string family", egress("[{fields: [{type: 8, family: 4}]}]"), "spec.egress[0].icmps[0].fields[0].family", "must be a string", allowEntry("spec.egress[0]")],
  ["icmps not a list", egress("{fields: [{type: 8}]}"), "spec.egress[0].icmps", "must be a list", allowEntry("spec.egress[0]")],
  ["fields not a list", egress("[{fields: {type: 8}}]"), "spec.egress[0].icmps[0].fields", "must be a list", allowEntry("spec.egress[0]")],
  ["entry not an object", egress("[8]"), "spec.egress[0].icmps[0]", "must be an object", allowEntry("spec.egress[0]")],
  ["field not an object", egress("[{fields: [EchoRequest]}]"), "spec.egress[0].icmps[0].fields[0]", "must be an object", allowEntry("spec.egress[0]")],
  ["more than 40 fields", egress(fields41), "spec.egress[0].icmps[0].fields", "more than 40 fields (Cilium allows at most 40 ICMP types per entry)", allowEntry("spec.egress[0]")],
  [
    "icmps with toPorts",
    cnp(`  endpointSelector: {}\n  ingress: [{fromEndpoints: [{}], toPorts: [{ports: [{port: "80"}]}], icmps: [{fields: [{type: 8}]}]}]`),
    "spec.ingress[0].icmps",
    "icmps cannot be combined with toPorts in one rule (Cilium rejects it: write a separate rule for toPorts)",
    allowEntry("spec.ingress[0]"),
  ],
  [
    "icmps with toPorts in a deny rule",
    cnp(`  endpointSelector: {}\n  egressDeny: [{toPorts: [{ports: [{port: "80"}]}], icmps: [{fields: [{type: 8}]}]}]`),
    "spec.egressDeny[0].icmps",
    "icmps cannot be combined with toPorts in one rule (Cilium rejects it: write a separate rule for toPorts)",
    denyEntry("spec.egressDeny[0]"),
  ],
  ["bad type in a deny rule", cnp(`  endpointSelector: {}\n  ingressDeny: [{icmps: [{fields: [{type: 999}]}]}]`), "spec.ingressDeny[0].icmps[0].fields[0].type", "ICMP type 999 is out of range 0-255", denyEntry("spec.ingressDeny[0]")],
];

describe("icmps: bad input is a problem at the exact field, and the entry is dropped", () => {
  it.each(BAD)("%s", (_name, text, path, message, effect) => {
    const result = parsePolicyDocuments(docs(text));
    expect(result.problems).toEqual([
      {
        origin: { source: "file", file: "p.yaml", documentIndex: 0 },
        kind: "CiliumNetworkPolicy",
        namespace: "prod",
        name: "bad",
        path,
        message,
        ...(effect === undefined ? {} : { effect }),
      },
    ]);
    const rule = result.ciliumPolicies[0]?.rules[0];
    expect([...(rule?.ingress ?? []), ...(rule?.egress ?? []), ...(rule?.ingressDeny ?? []), ...(rule?.egressDeny ?? [])]).toEqual([]);
  });
});
