import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type Json = Record<string, unknown> & { metadata: { name: string; namespace?: string; resourceVersion?: string } };
type EventType = "ADDED" | "MODIFIED" | "DELETED";

interface Collection {
  readonly apiVersion: string;
  readonly kind: string;
  readonly objects: Map<string, Json>;
  readonly history: { readonly rv: number; readonly type: EventType; readonly object: Json }[];
  readonly watchers: Set<ServerResponse>;
  absent: boolean;
  failures: number;
  expireNextWatch: "event" | "status" | undefined;
}

/** One request the server answered, for assertions. */
export interface SeenRequest {
  readonly path: string;
  readonly watch: boolean;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
}

/**
 * A small Kubernetes API server on 127.0.0.1 speaking the list and watch protocol: paginated
 * lists with resourceVersion, chunked `?watch=true` streams replaying history after a
 * resourceVersion, 404 for absent collections, 410 Gone for expired watches, 500 on demand.
 */
export class KubeApiServer {
  readonly requests: SeenRequest[] = [];
  private rv = 1000;
  private readonly collections = new Map<string, Collection>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<KubeApiServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo; // listening on TCP, so an AddressInfo
    const api = new KubeApiServer(server, `http://127.0.0.1:${port}`);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      api.handle(req, res);
    });
    return api;
  }

  define(path: string, apiVersion: string, kind: string): void {
    this.collections.set(path, {
      apiVersion, kind, objects: new Map(), history: [], watchers: new Set(), absent: false, failures: 0, expireNextWatch: undefined,
    });
  }

  /** Creates or replaces an object and tells watchers. */
  apply(path: string, object: Json): void {
    const c = this.collection(path);
    const key = keyOf(object);
    this.record(c, c.objects.has(key) ? "MODIFIED" : "ADDED", object);
  }

  remove(path: string, namespace: string | undefined, name: string): void {
    const c = this.collection(path);
    const object = c.objects.get(`${namespace ?? ""}/${name}`);
    if (object !== undefined) this.record(c, "DELETED", object);
  }

  /** Changes an object without any watch event, as if the event had been lost to compaction. */
  applySilently(path: string, object: Json): void {
    this.rv++;
    const stored = withVersion(object, this.rv);
    this.collection(path).objects.set(keyOf(stored), stored);
  }

  setAbsent(path: string, absent: boolean): void {
    this.collection(path).absent = absent;
  }

  failNext(path: string, count: number): void {
    this.collection(path).failures = count;
  }

  /** The next watch on the path is answered 410 Gone, as a watch ERROR event or as the HTTP status. */
  expireNextWatch(path: string, how: "event" | "status"): void {
    this.collection(path).expireNextWatch = how;
  }

  /** Cuts every open watch connection without ending the stream properly. */
  dropWatches(): void {
    for (const c of this.collections.values()) {
      for (const res of c.watchers) res.socket?.destroy();
    }
  }

  /** Ends every open watch stream properly, as the server does when `timeoutSeconds` runs out. */
  endWatches(): void {
    for (const c of this.collections.values()) {
      for (const res of c.watchers) res.end();
      // An ended stream takes no more events; its "close" comes later.
      c.watchers.clear();
    }
  }

  openWatches(): number {
    let open = 0;
    for (const c of this.collections.values()) open += c.watchers.size;
    return open;
  }

  /** Lists (first pages only) or watches requested on a path. */
  count(path: string, kind: "list" | "watch"): number {
    return this.requests.filter((r) => r.path === path && r.watch === (kind === "watch") && !r.query.has("continue")).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => { resolve(); }));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", this.url);
    const watch = url.searchParams.get("watch") === "true";
    this.requests.push({ path: url.pathname, watch, query: url.searchParams, authorization: req.headers.authorization });
    const c = this.collections.get(url.pathname);
    if (c === undefined || c.absent) {
      status(res, 404, "NotFound", "the server could not find the requested resource");
      return;
    }
    if (c.failures > 0) {
      c.failures--;
      status(res, 500, "InternalError", "etcdserver: request timed out");
      return;
    }
    if (watch) this.watch(c, url, res);
    else this.list(c, url, res);
  }

  private list(c: Collection, url: URL, res: ServerResponse): void {
    const all = [...c.objects.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    const offset = Number(url.searchParams.get("continue") ?? "0");
    const limit = Number(url.searchParams.get("limit") ?? "0") || all.length;
    const page = all.slice(offset, offset + limit);
    const more = offset + limit < all.length;
    // Like the real server, list items carry no apiVersion or kind.
    const items = page.map((o) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== "apiVersion" && k !== "kind")));
    const metadata = { resourceVersion: String(this.rv), ...(more ? { continue: String(offset + limit) } : {}) };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ apiVersion: c.apiVersion, kind: `${c.kind}List`, metadata, items }));
  }

  private watch(c: Collection, url: URL, res: ServerResponse): void {
    const expire = c.expireNextWatch;
    c.expireNextWatch = undefined;
    if (expire === "status") {
      status(res, 410, "Expired", "too old resource version");
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    if (expire === "event") {
      const gone = { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Expired", message: "too old resource version", code: 410 };
      res.end(`${JSON.stringify({ type: "ERROR", object: gone })}\n`);
      return;
    }
    res.flushHeaders(); // the real server answers at once, before any event
    const from = Number(url.searchParams.get("resourceVersion") ?? "0");
    for (const event of c.history) {
      if (event.rv > from) res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
    }
    c.watchers.add(res);
    res.on("close", () => c.watchers.delete(res));
  }

  private record(c: Collection, type: EventType, object: Json): void {
    this.rv++;
    const stored = { apiVersion: c.apiVersion, kind: c.kind, ...withVersion(object, this.rv) };
    if (type === "DELETED") c.objects.delete(keyOf(stored));
    else c.objects.set(keyOf(stored), stored);
    c.history.push({ rv: this.rv, type, object: stored });
    for (const res of c.watchers) if (!res.writableEnded) res.write(`${JSON.stringify({ type, object: stored })}\n`);
  }

  private collection(path: string): Collection {
    const c = this.collections.get(path);
    if (c === undefined) throw new Error(`no collection ${path}`);
    return c;
  }
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code }));
}

function withVersion(object: Json, rv: number): Json {
  return { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } };
}

function keyOf(object: Json): string {
  return `${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}
