import type { Connection } from "../../flows/index.js";
import { GraphWriter } from "../graph-writer.js";
import { openGraphStore } from "../store.js";

/** Creates (or extends) a graph database file holding `connections`, then closes it. */
export function writeGraphFile(path: string, connections: readonly Connection[]): void {
  const store = openGraphStore({ path });
  const writer = new GraphWriter(store);
  void writer.accept(connections);
  writer.close();
  store.close();
}
