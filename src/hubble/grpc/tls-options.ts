import { readFileSync } from "node:fs";
import { credentials } from "@grpc/grpc-js";
import type { ChannelCredentials, ChannelOptions } from "@grpc/grpc-js";
import type { HubbleAddress } from "./address.js";
import { HubbleConnectionError } from "./errors.js";

/**
 * Client TLS settings, named like the hubble CLI's `--tls-*` flags. Giving any of them turns
 * TLS on even for a plain `host:port` address (like `--tls`). Every field is optional:
 * undefined `caFile` means the system's trusted roots; no client cert/key means no mTLS.
 */
export interface ClientTlsOptions {
  /** PEM file(s) of the CA(s) that sign the server certificate (`--tls-ca-cert-files`). */
  readonly caFile?: string | readonly string[];
  /** PEM client certificate for mTLS (`--tls-client-cert-file`); needs `keyFile`. */
  readonly certFile?: string;
  /** PEM private key of `certFile` (`--tls-client-key-file`). */
  readonly keyFile?: string;
  /**
   * Name to verify the server certificate against instead of the host, e.g.
   * `ui.hubble-relay.cilium.io` for Relay's `*.hubble-relay.cilium.io` certificate.
   */
  readonly serverName?: string;
  /** Skip verification of the server certificate (`--tls-allow-insecure`); for testing only. */
  readonly insecureSkipVerify?: boolean;
}

/** What a channel needs for one connection attempt. */
export interface ChannelSecurity {
  readonly credentials: ChannelCredentials;
  readonly options: ChannelOptions;
}

function readPem(address: string, what: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable"; // fs errors carry an errno code
    throw new HubbleConnectionError(address, "tls-file", `cannot read TLS ${what} file ${file} (${code})`, { cause: err });
  }
}

/** True when TLS is on for this address and these options. */
export function usesTls(address: HubbleAddress, tls: ClientTlsOptions | undefined): boolean {
  return address.tls || tls !== undefined;
}

/**
 * Throws a {@link HubbleConnectionError} (problem `address`) for option combinations that
 * can never work, so a mistake is reported at start-up rather than retried.
 */
export function checkTlsOptions(address: HubbleAddress, tls: ClientTlsOptions | undefined, given: string): void {
  if (!tls) return;
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw new HubbleConnectionError(given, "address", "a TLS client certificate and its key must be given together");
  }
  if (address.kind === "unix") throw new HubbleConnectionError(given, "address", "TLS is not used over a unix socket");
}

/**
 * Builds channel credentials, reading the PEM files now: they are read again on every
 * connection attempt so rotated certificates (e.g. a renewed Kubernetes secret) are picked
 * up after a reconnect. Throws {@link HubbleConnectionError} naming an unreadable file.
 */
export function channelSecurity(address: HubbleAddress, tls: ClientTlsOptions | undefined, given: string): ChannelSecurity {
  if (!usesTls(address, tls)) return { credentials: credentials.createInsecure(), options: {} };
  const t = tls ?? {};
  const caFiles = t.caFile === undefined ? [] : typeof t.caFile === "string" ? [t.caFile] : t.caFile;
  const ca = caFiles.length === 0 ? null : Buffer.concat(caFiles.map((f) => readPem(given, "CA", f)));
  const cert = t.certFile === undefined ? null : readPem(given, "client certificate", t.certFile);
  const key = t.keyFile === undefined ? null : readPem(given, "client key", t.keyFile);
  const verify = t.insecureSkipVerify === true ? { rejectUnauthorized: false } : {};
  const options: ChannelOptions = {};
  if (t.serverName !== undefined && t.serverName !== "") {
    // grpc-js verifies the certificate against this name and sends it as SNI and :authority.
    options["grpc.ssl_target_name_override"] = t.serverName;
    options["grpc.default_authority"] = t.serverName;
  }
  return { credentials: credentials.createSsl(ca, key, cert, verify), options };
}
