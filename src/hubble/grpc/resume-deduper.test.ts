import { describe, expect, it } from "vitest";
import type { Flow } from "../../flows/index.js";
import { CAPTURES, captureFlows } from "../replay/testdata/captures.js";
import { ResumeDeduper } from "./resume-deduper.js";

const flows: readonly Flow[] = captureFlows(CAPTURES[0]);
const slice = (from: number, to: number): Flow[] => flows.slice(from, to);
const timeOf = (i: number): Flow["time"] => {
  const flow = flows[i];
  if (!flow) throw new Error(`no flow ${i}`);
  return flow.time;
};

describe("dropping what a resumed call re-sends", () => {
  it("accepts everything while nothing was resumed, even repeats", () => {
    const d = new ResumeDeduper(10_000);
    expect([...slice(0, 10), ...slice(0, 10)].every((f) => d.accept(f))).toBe(true);
    expect(d.duplicates).toBe(0);
  });

  it("drops the flows re-sent after a resume and keeps the new ones", () => {
    const d = new ResumeDeduper(10_000);
    for (const f of slice(0, 200)) d.accept(f);
    d.resume(timeOf(150), timeOf(199));
    const accepted = slice(150, 300).filter((f) => d.accept(f));
    expect(accepted).toEqual(slice(200, 300));
    expect(d.duplicates).toBe(50);
  });

  it("recognises re-sent flows without a uuid by their other fields", () => {
    const bare = flows.slice(0, 300).map((f) => ({ ...f, uuid: "" }));
    const d = new ResumeDeduper(10_000);
    for (const f of bare.slice(0, 200)) d.accept(f);
    d.resume(timeOf(150), timeOf(199));
    // Copies, as a new call decodes them again: only the fields can match.
    const accepted = bare.slice(150, 300).map((f) => ({ ...f })).filter((f) => d.accept(f));
    expect(accepted).toEqual(bare.slice(200, 300));
    expect(d.duplicates).toBe(50);
  });

  it("forgets flows older than its window", () => {
    const d = new ResumeDeduper(1);
    for (const f of slice(0, 200)) d.accept(f);
    d.resume(timeOf(0), timeOf(199));
    // Only the flows within 1 ms of the newest are remembered; older re-sent ones pass.
    expect(d.accept(flows[0] as Flow)).toBe(true);
    expect(d.accept(flows[199] as Flow)).toBe(false);
  });
});
