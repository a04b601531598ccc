import { describe, expect, it } from "vitest";
import { COMMANDS, commandNamed, summaryOf } from "./command-table.js";

describe("commandNamed", () => {
  it("is the first word that is not an option, or the one after help", () => {
    expect(commandNamed(["graph", "--db", "x.db"])).toBe("graph");
    expect(commandNamed(["--help"])).toBeUndefined();
    expect(commandNamed([])).toBeUndefined();
    expect(commandNamed(["help", "audit"])).toBe("audit");
    expect(commandNamed(["help"])).toBeUndefined();
    expect(commandNamed(["policies", "check", "a.yaml"])).toBe("policies");
  });
});

describe("the command table", () => {
  it("names each command once and gives each a summary", () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(["serve", "replay", "ingest", "graph", "generate", "policies", "simulate", "explain", "test", "audit", "recommend", "whatif"]);
    for (const name of names) expect(summaryOf(name).length).toBeGreaterThan(10);
    expect(() => summaryOf("nope")).toThrow(/no command named nope/);
  });
});
