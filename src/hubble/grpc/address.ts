import { HubbleConnectionError } from "./errors.js";

/** Hubble Relay's listen port, and the address the hubble CLI uses by default. */
export const DEFAULT_HUBBLE_ADDRESS = "localhost:4245";
const DEFAULT_PORT = 4245;

/**
 * A parsed Hubble server address. `target` is what grpc-js dials; `tls` is true when the
 * address itself asked for TLS (`tls://`), which TLS options can also switch on.
 */
export type HubbleAddress =
  | { readonly kind: "tcp"; readonly host: string; readonly port: number; readonly tls: boolean; readonly target: string }
  | { readonly kind: "unix"; readonly path: string; readonly tls: false; readonly target: string };

const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+)$/;

/**
 * Parses an address the way the hubble CLI accepts `--server`: `host:port` (plaintext),
 * `tls://host:port`, or `unix:///path/to/hubble.sock` (a node's local socket, always
 * plaintext). A missing port means 4245 (Relay). Empty text means `localhost:4245`.
 * Throws {@link HubbleConnectionError} (problem `address`) for anything else.
 */
export function parseHubbleAddress(text: string | undefined): HubbleAddress {
  const raw = (text ?? "").trim() || DEFAULT_HUBBLE_ADDRESS;
  const bad = (why: string): HubbleConnectionError => new HubbleConnectionError(raw, "address", why);
  if (raw.startsWith("unix:")) {
    // grpc-js accepts unix:/abs, unix:///abs and unix:relative; normalise to one form.
    const path = raw.slice("unix:".length).replace(/^\/\/(?=\/)/, "");
    if (path === "" || path === "//") throw bad("a unix socket address needs a path, e.g. unix:///var/run/cilium/hubble.sock");
    return { kind: "unix", path, tls: false, target: `unix:${path}` };
  }
  let rest = raw;
  let tls = false;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw);
  if (scheme) {
    const name = (scheme[1] ?? "").toLowerCase();
    if (name !== "tls") throw bad(`unsupported scheme "${name}://" (use host:port, tls://host:port or unix:///path)`);
    tls = true;
    rest = raw.slice(scheme[0].length);
  }
  const m = /^(\[[^\]]*\]|[^:/]*)(?::(\d*))?$/.exec(rest);
  const host = m?.[1] ?? "";
  if (!m || !HOST.test(host)) throw bad("expected host:port, tls://host:port or unix:///path");
  const portText = m[2];
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || portText === "") throw bad(`invalid port "${portText ?? ""}"`);
  return { kind: "tcp", host, port, tls, target: `${host}:${port}` };
}
