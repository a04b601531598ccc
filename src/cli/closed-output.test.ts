import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ClosedOutput, isClosedPipe } from "./closed-output.js";

function epipe(): Error {
  return Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
}

function setup(): { output: ClosedOutput; stream: EventEmitter; exits: number[]; warnings: string[] } {
  const output = new ClosedOutput();
  const stream = new EventEmitter();
  const exits: number[] = [];
  const warnings: string[] = [];
  output.watch(stream, { exit: (code) => exits.push(code), warn: (text) => warnings.push(text), graceMs: 1000 });
  return { output, stream, exits, warnings };
}

describe("ClosedOutput", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("exits with code 0 and says nothing when the reader goes and no command can stop gracefully", () => {
    const { output, stream, exits, warnings } = setup();
    stream.emit("error", epipe());
    expect(exits).toEqual([0]);
    expect(warnings).toEqual([]);
    expect(output.closed).toBe(true);
  });

  it("stops a long-running command instead, and exits only if it has not ended within the grace time", () => {
    vi.useFakeTimers();
    const { output, stream, exits } = setup();
    const stop = vi.fn();
    output.onClose(stop);
    stream.emit("error", epipe());
    stream.emit("error", epipe());
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exits).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(exits).toEqual([0]);
  });

  it("does not call a command that unsubscribed, and calls a late one at once", () => {
    const { output, stream, exits } = setup();
    const gone = vi.fn();
    output.onClose(gone)();
    stream.emit("error", epipe());
    expect(gone).not.toHaveBeenCalled();
    expect(exits).toEqual([0]);
    const late = vi.fn();
    output.onClose(late);
    expect(late).toHaveBeenCalledTimes(1);
  });

  it("reports another write error in one line and exits with code 1", () => {
    const { output, stream, exits, warnings } = setup();
    stream.emit("error", Object.assign(new Error("no space left on device"), { code: "ENOSPC" }));
    expect(warnings).toEqual(["hubble-auditor: cannot write to standard output: no space left on device\n"]);
    expect(exits).toEqual([1]);
    expect(output.closed).toBe(false);
  });

  it.each([
    [epipe(), true],
    [Object.assign(new Error("x"), { code: "ECONNRESET" }), false],
    [new Error("write EPIPE"), false],
    [null, false],
  ])("isClosedPipe(%s) is %s", (err, expected) => {
    expect(isClosedPipe(err)).toBe(expected);
  });
});
