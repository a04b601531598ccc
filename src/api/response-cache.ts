import type { Request, Response } from "express";

/** A response body ready to send. */
export interface CachedBody {
  readonly type: string;
  readonly body: string | Buffer;
  /** File name for `Content-Disposition: attachment`; undefined: inline. */
  readonly attachment?: string;
}

/**
 * Encoded responses of the current analysis generation, keyed by request URL. Findings and
 * recommendations change only when a new generation starts, so a repeated request is
 * answered from its encoded bytes instead of being serialized again: the event loop that
 * serves the API spends almost nothing on it. Bounded by total bytes (oldest entries go
 * first); a body larger than a quarter of the bound is never kept.
 */
export class ResponseCache {
  private generation = -1;
  private readonly entries = new Map<string, CachedBody>();
  private bytes = 0;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  /**
   * Sends the cached body for this URL in `generation`, or produces and sends it, keeping it
   * when it belongs to the generation that is current once it is ready.
   */
  async send(req: Request, res: Response, generation: number, produce: () => Promise<{ readonly generation: number; readonly body: CachedBody }>): Promise<void> {
    if (generation !== this.generation) {
      this.entries.clear();
      this.bytes = 0;
      this.generation = generation;
    }
    const key = req.originalUrl;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const produced = await produce();
      entry = produced.body;
      // The generation may have moved on while the answer was computed; keep only what is current.
      if (produced.generation === this.generation) this.keep(key, entry);
    }
    sendBody(res, entry);
  }

  private keep(key: string, entry: CachedBody): void {
    const size = entry.body.length;
    if (size > this.maxBytes / 4) return;
    while (this.bytes + size > this.maxBytes) {
      const oldest = this.entries.entries().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value[0]);
      this.bytes -= oldest.value[1].body.length;
    }
    this.entries.set(key, entry);
    this.bytes += size;
  }
}

/** Sends a body: its type, and as an attachment when it names a file. */
export function sendBody(res: Response, body: CachedBody): void {
  if (body.attachment !== undefined) res.attachment(body.attachment);
  res.type(body.type).send(body.body);
}

/** A JSON response body. */
export function jsonBody(value: unknown): CachedBody {
  return { type: "application/json; charset=utf-8", body: JSON.stringify(value) };
}
