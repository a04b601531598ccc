import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { ClientTlsOptions } from "../../hubble/grpc/index.js";
import { UsageError } from "../usage-error.js";

/** Where `ingest --from` reads: a flow-log file (or "-" for stdin) or a Hubble gRPC address. */
export type IngestSource =
  | { readonly kind: "file"; readonly path: string; readonly cursorName: string }
  | { readonly kind: "hubble"; readonly address: string; readonly cursorName: string };

const ADDRESS = /^(?:(?:tls|unix|unix-abstract|dns):|[A-Za-z0-9.-]+:\d{1,5}$|\[[0-9A-Fa-f:.]+\]:\d{1,5}$)/;

/**
 * Tells a file from an address: "-" and existing paths are files; `host:port`,
 * `tls://host:port` and `unix:///path` are Hubble addresses. Anything else is a usage error.
 */
export function ingestSourceOf(from: string): IngestSource {
  if (from === "-") return { kind: "file", path: "-", cursorName: "file:-" };
  if (existsSync(from)) {
    const path = resolve(from);
    return { kind: "file", path, cursorName: `file:${path}` };
  }
  if (ADDRESS.test(from)) return { kind: "hubble", address: from, cursorName: `hubble:${from}` };
  throw new UsageError(`--from: "${from}" is neither an existing file nor a Hubble address (host:port, tls://host:port, unix:///path)`);
}

/** TLS flags shared by commands that connect to Hubble. */
export interface TlsFlags {
  readonly tlsCa?: string[];
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsServerName?: string;
  readonly tlsAllowInsecure?: boolean;
}

/** Client TLS options from the flags; undefined when no TLS flag was given. */
export function tlsFromFlags(flags: TlsFlags): { tls?: ClientTlsOptions } {
  const tls: ClientTlsOptions = {
    ...(flags.tlsCa ? { caFile: flags.tlsCa } : {}),
    ...(flags.tlsCert ? { certFile: flags.tlsCert } : {}),
    ...(flags.tlsKey ? { keyFile: flags.tlsKey } : {}),
    ...(flags.tlsServerName ? { serverName: flags.tlsServerName } : {}),
    ...(flags.tlsAllowInsecure === true ? { insecureSkipVerify: true } : {}),
  };
  return Object.keys(tls).length > 0 ? { tls } : {};
}
