import type { Capture } from "./capture.js";
import { ReplayServer } from "./replay-server.js";
import type { ReplayServerOptions } from "./replay-server.js";
import { ReplaySource } from "./replay-source.js";
import type { ReplaySourceOptions } from "./replay-source.js";

/** A running replay: the modelled node, the server in front of it and where it listens. */
export interface RunningReplay {
  readonly source: ReplaySource;
  readonly server: ReplayServer;
  /** The bound address, e.g. `127.0.0.1:4245`. */
  readonly address: string;
  /** Stops live replay and the server. */
  close(): Promise<void>;
}

/** Builds the source, starts live replay (when a rate is given) and listens. */
export async function startReplay(capture: Capture, options: ReplaySourceOptions & ReplayServerOptions = {}): Promise<RunningReplay> {
  const source = new ReplaySource(capture, options);
  const server = new ReplayServer(source, options);
  const address = await server.listen();
  source.start();
  return {
    source,
    server,
    address,
    async close() {
      source.stop();
      await server.close();
    },
  };
}
