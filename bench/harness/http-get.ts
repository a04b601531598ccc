import { get } from "node:http";
import type { Agent } from "node:http";
import { performance } from "node:perf_hooks";

/** One finished GET: status, body size, time from sending to the last body byte. */
export interface HttpResult {
  readonly status: number;
  readonly bytes: number;
  /** performance.now() when the request was sent and when its body had fully arrived. */
  readonly sentAt: number;
  readonly doneAt: number;
  /** The body as text, when asked for. */
  readonly body: string | undefined;
}

/** Options of {@link httpGet}. */
export interface HttpGetOptions {
  /** Connection pool (keep-alive) the request uses. */
  readonly agent: Agent;
  /** Keep the body as text (otherwise only its size is counted). */
  readonly keepBody?: boolean;
  /** Abort after this many ms (default 30 s). */
  readonly timeoutMs?: number;
}

/** GETs `url` and reads the whole body; rejects on a network error or timeout, not on a status. */
export function httpGet(url: URL, options: HttpGetOptions): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    const request = get(url, { agent: options.agent, timeout: options.timeoutMs ?? 30_000 }, (response) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (options.keepBody === true) chunks.push(chunk);
      });
      response.on("end", () => {
        resolve({
          status: response.statusCode ?? 0, bytes, sentAt, doneAt: performance.now(),
          body: options.keepBody === true ? Buffer.concat(chunks).toString("utf8") : undefined,
        });
      });
      response.on("error", reject);
    });
    request.on("timeout", () => { request.destroy(new Error(`GET ${url.pathname} timed out`)); });
    request.on("error", reject);
  });
}
