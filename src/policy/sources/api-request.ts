import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeConfigError, KubernetesApiError } from "./kubernetes-errors.js";

/** One GET against the API server. */
export interface GetJsonRequest {
  readonly kubeConfig: KubeConfig;
  /** Path plus query, e.g. `/api/v1/pods?limit=500`. */
  readonly path: string;
  readonly maxResponseBytes: number;
  /** Limit on connecting to the server; the whole request is bounded by `signal`. */
  readonly connectTimeoutMs: number;
  readonly signal: AbortSignal;
}

/**
 * GETs a path and returns the parsed JSON body. Authentication, TLS material and proxies come from
 * the kubeconfig exactly as the client library applies them to its own watch requests, so list and
 * watch reach the server the same way. The raw JSON is wanted here: the library's typed clients
 * rename fields (`from` becomes `_from`) and drop unknown ones, which would corrupt policies.
 * Throws {@link KubernetesApiError} on any failure.
 */
export async function getJson(req: GetJsonRequest): Promise<unknown> {
  const cluster = req.kubeConfig.getCurrentCluster();
  if (cluster === null) throw new KubeConfigError("kubeconfig has no current cluster");
  const url = new URL(cluster.server.replace(/\/+$/, "") + req.path);
  const options: RequestOptions = {};
  try {
    await req.kubeConfig.applyToHTTPSOptions(options);
  } catch (err) {
    throw new KubeConfigError("cannot apply kubeconfig credentials", { cause: err });
  }
  const send = url.protocol === "http:" ? httpRequest : httpsRequest;
  const headers = { ...headerObject(options.headers), accept: "application/json" };
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = send(url, { ...options, method: "GET", headers, signal: req.signal }, resolve);
    outgoing.on("error", (err) => {
      reject(new KubernetesApiError(`GET ${req.path} failed: ${err.message}`, { path: req.path, cause: err }));
    });
    limitConnectTime(outgoing, req.connectTimeoutMs);
    outgoing.end();
  });
  const body = await readBody(response, req);
  const status = response.statusCode ?? 0;
  if (status !== 200) {
    throw new KubernetesApiError(`GET ${req.path}: ${status} ${statusMessage(body) ?? response.statusMessage ?? ""}`.trim(), {
      path: req.path,
      statusCode: status,
    });
  }
  try {
    return JSON.parse(body) as unknown;
  } catch (err) {
    throw new KubernetesApiError(`GET ${req.path}: response is not JSON`, { path: req.path, statusCode: status, cause: err });
  }
}

/** What {@link limitConnectTime} uses of a `ClientRequest` (tests pass fakes). */
export interface ConnectingRequest {
  once(event: "socket", listener: (socket: ConnectingSocket) => void): unknown;
  destroy(err: Error): unknown;
}

/** What {@link limitConnectTime} uses of a `net.Socket`. */
export interface ConnectingSocket {
  readonly connecting: boolean;
  once(event: "connect" | "close", listener: () => void): unknown;
}

/**
 * Fails `outgoing` if its socket has not connected within `ms`. Without this, a server address
 * that silently drops packets holds a request for the whole list timeout (the OS gives up on a
 * connect only after minutes). A reused keep-alive socket is connected already.
 */
export function limitConnectTime(outgoing: ConnectingRequest, ms: number): void {
  outgoing.once("socket", (socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(() => {
      outgoing.destroy(new Error(`connect timed out after ${ms} ms`));
    }, ms);
    const done = (): void => {
      clearTimeout(timer);
    };
    socket.once("connect", done);
    socket.once("close", done);
  });
}

async function readBody(response: IncomingMessage, req: GetJsonRequest): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response) {
      const bytes = chunk as Buffer; // http bodies without setEncoding are Buffers
      size += bytes.length;
      if (size > req.maxResponseBytes) {
        response.destroy();
        throw new KubernetesApiError(`GET ${req.path}: response larger than ${req.maxResponseBytes} bytes`, {
          path: req.path,
        });
      }
      chunks.push(bytes);
    }
  } catch (err) {
    if (err instanceof KubernetesApiError) throw err;
    throw new KubernetesApiError(`GET ${req.path}: response interrupted`, { path: req.path, cause: err });
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The message of a Kubernetes `Status` error body, undefined if the body is not one. */
function statusMessage(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "message" in parsed && typeof parsed.message === "string") {
      return parsed.message;
    }
  } catch {
    // not JSON: fall back to the HTTP status text
  }
  return undefined;
}

/** The kubeconfig sets headers as an object; the array form of `RequestOptions.headers` never occurs. */
function headerObject(headers: RequestOptions["headers"]): OutgoingHttpHeaders {
  return headers === undefined || Array.isArray(headers) ? {} : (headers as OutgoingHttpHeaders); // isArray does not narrow readonly arrays
}
