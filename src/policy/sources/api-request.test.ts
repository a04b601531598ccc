import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { limitConnectTime } from "./api-request.js";

class FakeSocket extends EventEmitter {
  constructor(readonly connecting: boolean) {
    super();
  }
}

class FakeRequest extends EventEmitter {
  destroyedWith: Error | undefined;
  destroy(err?: Error): this {
    this.destroyedWith = err;
    return this;
  }
}

describe("limitConnectTime", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fails a request whose socket has not connected in time, as to an address that drops packets", () => {
    vi.useFakeTimers();
    const request = new FakeRequest();
    limitConnectTime(request, 3_000);
    request.emit("socket", new FakeSocket(true));
    vi.advanceTimersByTime(2_999);
    expect(request.destroyedWith).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(request.destroyedWith?.message).toBe("connect timed out after 3000 ms");
  });

  it.each([
    ["connected in time", (socket: FakeSocket) => socket.emit("connect")],
    ["closed first", (socket: FakeSocket) => socket.emit("close")],
  ])("leaves a request alone whose socket %s", (_name, event) => {
    vi.useFakeTimers();
    const request = new FakeRequest();
    limitConnectTime(request, 3_000);
    const socket = new FakeSocket(true);
    request.emit("socket", socket);
    event(socket);
    vi.advanceTimersByTime(10_000);
    expect(request.destroyedWith).toBeUndefined();
  });

  it("does not time a reused keep-alive socket", () => {
    vi.useFakeTimers();
    const request = new FakeRequest();
    limitConnectTime(request, 3_000);
    request.emit("socket", new FakeSocket(false));
    vi.advanceTimersByTime(10_000);
    expect(request.destroyedWith).toBeUndefined();
  });
});
