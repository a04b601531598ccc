import { createServer } from "node:http";
import type { RequestListener } from "node:http";
import { Duplex } from "node:stream";

/** A request to send to an app: the body as bytes (already compressed, for a Content-Encoding). */
export interface InjectedRequest {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
}

/** The app's answer, read back from the bytes it wrote. */
export interface InjectedResponse {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly text: string;
}

/**
 * Sends one HTTP/1.1 request through node's own HTTP server and parser to `app`, over an
 * in-memory socket: every layer of a real request (header parsing, Content-Length,
 * decompression by the body parser) without opening a port.
 */
export function injectRequest(app: RequestListener, request: InjectedRequest): Promise<InjectedResponse> {
  const body = typeof request.body === "string" ? Buffer.from(request.body) : (request.body ?? Buffer.alloc(0));
  const headers = { host: "test", connection: "close", ...(request.method === "POST" ? { "content-length": String(body.length) } : {}), ...request.headers };
  const head = `${request.method} ${request.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
  return new Promise((resolve, reject) => {
    const written: Buffer[] = [];
    const socket = new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _encoding, done) => {
        written.push(chunk);
        done();
      },
    });
    // What node's HTTP server asks of a net.Socket beyond a Duplex.
    Object.assign(socket, { remoteAddress: "127.0.0.1", setTimeout: () => socket, setNoDelay: () => socket, setKeepAlive: () => socket });
    socket.on("finish", () => {
      try {
        resolve(parseResponse(Buffer.concat(written)));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    createServer(app).emit("connection", socket);
    socket.push(Buffer.concat([Buffer.from(head, "latin1"), body]));
  });
}

function parseResponse(raw: Buffer): InjectedResponse {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`no complete response head in ${raw.length} bytes`);
  const [statusLine = "", ...lines] = raw.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? NaN);
  const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  let body = raw.subarray(end + 4);
  if (headers.get("transfer-encoding") === "chunked") body = dechunk(body);
  return { status, headers, text: body.toString("utf8") };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", at);
    const size = Number.parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
