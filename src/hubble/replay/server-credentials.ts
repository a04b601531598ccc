import { readFileSync } from "node:fs";
import { ServerCredentials } from "@grpc/grpc-js";
import { ReplayServerError } from "./errors.js";

/**
 * Server TLS like Hubble Relay's: a certificate and key (Relay's is issued for
 * `*.hubble-relay.cilium.io`), and optionally a client CA, which turns on mTLS: clients
 * must then present a certificate signed by it (`hubble.relay.tls.server.mtls`).
 */
export interface ServerTlsOptions {
  readonly certFile: string;
  readonly keyFile: string;
  /** Undefined: clients are not asked for a certificate. */
  readonly clientCaFile?: string;
}

function read(what: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable"; // fs errors carry an errno code
    throw new ReplayServerError(`cannot read TLS ${what} file ${file} (${code})`, { cause: err });
  }
}

/** Server credentials for the options; insecure when undefined. Throws naming an unreadable file. */
export function serverCredentials(tls: ServerTlsOptions | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const cert = read("certificate", tls.certFile);
  const key = read("key", tls.keyFile);
  const ca = tls.clientCaFile === undefined ? null : read("client CA", tls.clientCaFile);
  return ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], ca !== null);
}
