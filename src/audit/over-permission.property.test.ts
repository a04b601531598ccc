import { describe, expect, it } from "vitest";
import { computeOverPermission } from "./over-permission.js";
import type { OverPermission } from "./over-permission.js";
import { overPermissionByEnumeration } from "./testdata/over-permission-reference.js";
import { randomScenario } from "./testdata/random-scenario.js";

/** Every number but `evaluations`, which differs by construction. */
function numbers(o: OverPermission): Omit<OverPermission, "evaluations"> {
  const { evaluations, ...rest } = o;
  expect(evaluations).toBeGreaterThanOrEqual(0);
  return rest;
}

/** Seeds per test; each seed is one random policy set and graph (see testdata/random-scenario.ts). */
const BATCH = 80;
const BATCHES = 3;

describe("over-permission by set algebra", () => {
  for (let batch = 0; batch < BATCHES; batch++) {
    const first = batch * BATCH + 1;
    it(`equals brute-force enumeration with the evaluator, overall and for one namespace (seeds ${first}-${first + BATCH - 1})`, () => {
      for (let seed = first; seed < first + BATCH; seed++) {
        const s = randomScenario(seed);
        const reference = overPermissionByEnumeration(s.graph, s.view);
        const context = `seed ${seed} (${s.semantics})`;
        expect(numbers(computeOverPermission(s.graph, s.view)), context).toEqual(numbers(reference()));
        const namespace = s.namespaces[seed % s.namespaces.length] ?? "";
        expect(numbers(computeOverPermission(s.graph, s.view, { namespace })), `${context}, namespace ${namespace}`).toEqual(numbers(reference({ namespace })));
      }
    });
  }
});
