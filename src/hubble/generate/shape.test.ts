import { describe, expect, it } from "vitest";
import { createFlowRun } from "./generator.js";
import { serializeLine } from "./serialize.js";

/** Flow members in flow.proto declaration order (the order protojson prints them). */
const FLOW_ORDER = [
  "time", "uuid", "emitter", "verdict", "drop_reason", "ethernet", "IP", "l4", "source", "destination", "Type",
  "node_name", "source_names", "destination_names", "l7", "event_type", "source_service", "destination_service",
  "traffic_direction", "policy_match_type", "trace_observation_point", "trace_reason", "drop_reason_desc", "is_reply",
  "interface", "proxy_port", "Summary", "egress_allowed_by", "ingress_allowed_by",
];
const VERDICTS = new Set(["FORWARDED", "DROPPED", "AUDIT", "REDIRECTED"]);
const POINTS = new Set(["TO_PROXY", "TO_STACK", "TO_OVERLAY", "FROM_ENDPOINT", "TO_ENDPOINT"]);
const REASONS = new Set(["NEW", "ESTABLISHED", "REPLY"]);
const LOST_SOURCES = new Set(["HUBBLE_RING_BUFFER", "PERF_EVENT_RING_BUFFER", "OBSERVER_EVENTS_QUEUE"]);
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Json = Record<string, unknown>;

function obj(value: unknown, path: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${path} is not an object`);
  return value as Json; // narrowed by the check above
}

/** Zero values never appear: protojson omits them (is_reply is a wrapper and may be false). */
function assertNoZeroValues(value: unknown, path: string): void {
  if (value === "" || value === 0 || (Array.isArray(value) && value.length === 0)) throw new Error(`${path} is a zero value`);
  if (value === false && !path.endsWith(".is_reply")) throw new Error(`${path} is false`);
  if (Array.isArray(value)) value.forEach((v, i) => { assertNoZeroValues(v, `${path}[${i}]`); });
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) assertNoZeroValues(v, `${path}.${k}`);
  }
}

/** Problems with one flow, each as `member: what is wrong`; empty when the flow is well formed. */
function flowProblems(f: Json): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  const keys = Object.keys(f);
  const positions = keys.map((k) => FLOW_ORDER.indexOf(k));
  check(positions.every((p) => p >= 0), `unknown member in ${keys.join(",")}`);
  check(positions.every((p, n) => n === 0 || p > (positions[n - 1] ?? -1)), `members out of declaration order: ${keys.join(",")}`);
  check(TIME.test(String(f.time)), "time");
  check(UUID.test(String(f.uuid)), "uuid");
  check(VERDICTS.has(String(f.verdict)), "verdict");
  check(f.Type === "L3_L4" || f.Type === "L7", "Type");
  check(typeof f.Summary === "string", "Summary");
  check(typeof f.node_name === "string", "node_name");
  const l4 = obj(f.l4, "l4");
  const ports = obj(l4.TCP ?? l4.UDP, "l4.*");
  check(Object.keys(l4).length === 1 && typeof ports.source_port === "number" && typeof ports.destination_port === "number", "l4");
  check(obj(f.IP, "IP").ipVersion === "IPv4", "IP.ipVersion");
  obj(f.source, "source");
  obj(f.destination, "destination");
  const eventType = obj(f.event_type, "event_type");
  check([1, 4, 5, 129].includes(Number(eventType.type)), "event_type.type");
  const isIn = (set: ReadonlySet<string>, v: unknown): boolean => typeof v === "string" && set.has(v);
  check(f.trace_observation_point === undefined || isIn(POINTS, f.trace_observation_point), "trace_observation_point");
  check(f.trace_reason === undefined || isIn(REASONS, f.trace_reason), "trace_reason");
  check(f.traffic_direction === undefined || f.traffic_direction === "INGRESS" || f.traffic_direction === "EGRESS", "traffic_direction");
  check(f.is_reply === undefined || typeof f.is_reply === "boolean", "is_reply");
  if (eventType.type === 4) check(f.trace_observation_point !== undefined, "trace without observation point");
  if (eventType.type === 1) {
    check(f.verdict === "DROPPED" && f.drop_reason === 133 && f.drop_reason_desc === "POLICY_DENIED" && eventType.sub_type === 133, "drop event");
  }
  if (eventType.type === 129) {
    const l7 = obj(f.l7, "l7");
    check(f.Type === "L7", "L7 Type");
    if (l7.type === "RESPONSE") check(/^[1-9]\d*$/.test(String(l7.latency_ns)), "l7.latency_ns");
    if (l7.dns !== undefined) check(String(obj(l7.dns, "dns").query).endsWith("."), "dns.query");
  }
  for (const list of [f.egress_allowed_by, f.ingress_allowed_by]) {
    if (Array.isArray(list)) for (const p of list) check(/^\d+$/.test(String(obj(p, "policy").revision)), "policy revision");
  }
  try {
    assertNoZeroValues(f, "flow");
  } catch (err) {
    problems.push(String(err));
  }
  return problems;
}

describe("generated lines", () => {
  const run = createFlowRun({ flows: 12_000, seed: 11, lostEvents: 0.002 });
  const text = [...run.lines].map(serializeLine);
  const lines = text.map((t) => obj(JSON.parse(t), "line"));

  it("are GetFlowsResponse objects in the jsonpb shape with known enum names", () => {
    let previous = "";
    const problems: string[] = [];
    lines.forEach((line, n) => {
      const at = (what: string): void => { problems.push(`line ${n + 1}: ${what}`); };
      const keys = Object.keys(line);
      if (keys.slice(1).join() !== "node_name,time") at(`top-level members ${keys.join(",")}`);
      if (!TIME.test(String(line.time))) at("time");
      if (String(line.time) < previous) at("time goes backwards");
      previous = String(line.time);
      if (keys[0] === "lost_events") {
        const lost = obj(line.lost_events, "lost_events");
        if (!LOST_SOURCES.has(String(lost.source))) at("lost_events.source");
        if (!/^[1-9]\d*$/.test(String(lost.num_events_lost))) at("lost_events.num_events_lost");
        return;
      }
      const flow = obj(line.flow, "flow");
      if (flow.time !== line.time || flow.node_name !== line.node_name) at("flow time/node differ from the response's");
      for (const p of flowProblems(flow)) at(p);
    });
    expect(problems.slice(0, 10)).toEqual([]);
    expect(lines.some((l) => "lost_events" in l)).toBe(true);
  });

  it("carry is_reply on most flows", () => {
    const flows = lines.filter((l) => "flow" in l).map((l) => obj(l.flow, "flow"));
    const withReply = flows.filter((f) => f.is_reply !== undefined).length;
    expect(withReply / flows.length).toBeGreaterThan(0.6);
  });

  it("open every TCP connection with a SYN before a SYN-ACK that is flagged as a reply", () => {
    const firstSyn = new Map<string, number>();
    let handshakes = 0;
    lines.forEach((line, i) => {
      if (!("flow" in line)) return;
      const f = obj(line.flow, "flow");
      const tcp = obj(f.l4, "l4").TCP;
      if (tcp === undefined) return;
      const t = obj(tcp, "TCP");
      const flags = t.flags === undefined ? {} : obj(t.flags, "flags");
      const ip = obj(f.IP, "IP");
      if (flags.SYN === true && flags.ACK !== true) {
        const key = `${String(ip.source)}:${String(t.source_port)}>${String(ip.destination)}:${String(t.destination_port)}`;
        if (!firstSyn.has(key)) firstSyn.set(key, i);
        expect(f.is_reply === true).toBe(false);
      }
      if (flags.SYN === true && flags.ACK === true) {
        const key = `${String(ip.destination)}:${String(t.destination_port)}>${String(ip.source)}:${String(t.source_port)}`;
        const syn = firstSyn.get(key);
        expect(syn, `SYN-ACK ${key} without an earlier SYN`).toBeDefined();
        expect(syn ?? Infinity).toBeLessThan(i);
        if (f.is_reply !== undefined) expect(f.is_reply).toBe(true);
        handshakes++;
      }
    });
    expect(handshakes).toBeGreaterThan(100);
  });

  it("pair every POLICY_DENIED drop with a DROPPED policy verdict just before it on the same node", () => {
    let drops = 0;
    lines.forEach((line, i) => {
      if (!("flow" in line)) return;
      const f = obj(line.flow, "flow");
      if (obj(f.event_type, "event_type").type !== 1) return;
      drops++;
      const verdict = lines.slice(0, i).reverse().map((l) => ("flow" in l ? obj(l.flow, "flow") : undefined))
        .find((g) => g !== undefined && JSON.stringify(g.IP) === JSON.stringify(f.IP) && JSON.stringify(g.l4) === JSON.stringify(f.l4)
          && obj(g.event_type, "event_type").type === 5);
      expect(verdict).toMatchObject({ verdict: "DROPPED", node_name: f.node_name, traffic_direction: f.traffic_direction });
    });
    expect(drops).toBeGreaterThan(0);
  });

  it("include HTTP requests with ID-like paths and responses with status codes", () => {
    const http = lines.filter((l) => "flow" in l).map((l) => obj(obj(l.flow, "flow").l7 ?? {}, "l7"))
      .filter((l7) => l7.http !== undefined);
    const urls = http.map((l7) => String(obj(l7.http, "http").url));
    expect(urls.some((u) => /\/api\/users\/\d+$/.test(u))).toBe(true);
    expect(http.some((l7) => l7.type === "RESPONSE" && typeof obj(l7.http, "http").code === "number")).toBe(true);
  });

  it("render exactly what JSON.stringify renders", () => {
    const again = createFlowRun({ flows: 3000, seed: 11, lostEvents: 0.002 });
    for (const line of again.lines) expect(serializeLine(line)).toBe(JSON.stringify(line));
  });

  it("checker itself rejects members out of order and zero values", () => {
    const good = obj(lines.find((l) => "flow" in l)?.flow, "flow");
    const { time, uuid, ...rest } = good;
    expect(flowProblems({ uuid, time, ...rest }).join()).toMatch(/declaration order/);
    expect(flowProblems({ ...good, policy_match_type: 0 }).join()).toMatch(/zero value/);
    expect(flowProblems(good)).toEqual([]);
  });
});
