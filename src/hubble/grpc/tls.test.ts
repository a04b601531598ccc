import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ReplayServerError, captureFromJson, startReplay } from "../replay/index.js";
import type { RunningReplay, ServerTlsOptions } from "../replay/index.js";
import { CAPTURES, captureRecords } from "../replay/testdata/captures.js";
import { HubbleConnectionError } from "./errors.js";
import { openFlowStream } from "./flow-stream.js";
import { fetchServerStatus } from "./server-status.js";
import type { ClientTlsOptions } from "./tls-options.js";
import { consume, flowsOf } from "./testdata/consume.js";
import { makeTestCertificates } from "./testdata/test-certs.js";

const certs = makeTestCertificates();
const records = captureRecords(CAPTURES[1]).slice(0, 20);
const RELAY_NAME = "ui.hubble-relay.cilium.io";

let replay: RunningReplay | undefined;
afterEach(async () => {
  await replay?.close();
  replay = undefined;
});
afterAll(() => {
  rmSync(certs.dir, { recursive: true, force: true });
});

async function serveTls(tls: ServerTlsOptions): Promise<string> {
  replay = await startReplay(captureFromJson(records), { listen: "127.0.0.1:0", tls });
  return `tls://${replay.address}`;
}

async function fetchAll(address: string, tls: ClientTlsOptions | undefined): Promise<number> {
  const events = await consume(openFlowStream({ address, ...(tls ? { tls } : {}), request: { number: 0 } }));
  return flowsOf(events).length;
}

async function failure(address: string, tls: ClientTlsOptions | undefined): Promise<HubbleConnectionError> {
  const error: unknown = await fetchAll(address, tls).catch((err: unknown) => err);
  if (!(error instanceof HubbleConnectionError)) throw new Error(`expected a HubbleConnectionError, got ${String(error)}`);
  return error;
}

const serverOnly = { certFile: certs.serverCert, keyFile: certs.serverKey };
const mutual = { ...serverOnly, clientCaFile: certs.caCert };

describe("TLS to a Relay-like server", () => {
  it("streams over TLS when the server name is overridden to match the certificate", async () => {
    const address = await serveTls(serverOnly);
    expect(await fetchAll(address, { caFile: certs.caCert, serverName: RELAY_NAME })).toBe(20);
    expect(await fetchServerStatus({ address, tls: { caFile: certs.caCert, serverName: RELAY_NAME } })).toMatchObject({ numFlows: 20 });
  });

  it("refuses a server whose certificate does not name the address", async () => {
    const address = await serveTls(serverOnly);
    const error = await failure(address, { caFile: certs.caCert });
    expect(error.problem).toBe("tls");
    expect(error.message).toContain(address);
    expect(error.message).toMatch(/altnames/);
  });

  it("refuses a server certificate from another CA with a clear error", async () => {
    const address = await serveTls(serverOnly);
    const error = await failure(address, { caFile: certs.otherCaCert, serverName: RELAY_NAME });
    expect(error.problem).toBe("tls");
    expect(error.message).toMatch(/unable to verify the first certificate/);
    expect(error.message).not.toMatch(/Resolution note/);
  });

  it("names a TLS file that cannot be read", async () => {
    const missing = join(certs.dir, "missing-ca.crt");
    const error = await failure("tls://127.0.0.1:1", { caFile: missing });
    expect(error.problem).toBe("tls-file");
    expect(error.message).toContain(missing);
  });

  it("rejects a client certificate without its key before connecting", () => {
    expect(() => openFlowStream({ address: "127.0.0.1:1", tls: { certFile: certs.clientCert } })).toThrow(/must be given together/);
  });
});

describe("mutual TLS", () => {
  it("streams when the client presents a certificate from the trusted CA", async () => {
    const address = await serveTls(mutual);
    const tls = { caFile: certs.caCert, certFile: certs.clientCert, keyFile: certs.clientKey, serverName: RELAY_NAME };
    expect(await fetchAll(address, tls)).toBe(20);
  });

  it("fails when the client has no certificate", async () => {
    const address = await serveTls(mutual);
    const error = await failure(address, { caFile: certs.caCert, serverName: RELAY_NAME });
    expect(error.problem).toBe("tls");
    expect(error.message).toMatch(/certificate required/);
  });

  it("the server names its own unreadable TLS file", async () => {
    const missing = join(certs.dir, "no-such.key");
    const error: unknown = await startReplay(captureFromJson(records), { listen: "127.0.0.1:0", tls: { certFile: certs.serverCert, keyFile: missing } }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ReplayServerError);
    expect((error as Error).message).toContain(missing);
  });
});
