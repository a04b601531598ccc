import Database from "better-sqlite3";
import { connection, workload } from "./connections.js";
import { writeGraphFile } from "./graph-file.js";

/**
 * Writes a graph as an older version could have stored it: shop's web -> api, and a
 * workload whose namespace row was then set to `../..` (and a peer of it, in shop, that
 * talks to nobody else), straight in SQL, bypassing every check.
 */
export function writeGraphWithBadNamespace(path: string, atMs: number): void {
  writeGraphFile(path, [
    connection(atMs, workload("shop", "web"), workload("shop", "api")),
    connection(atMs, workload("evil", "x"), workload("shop", "lonely"), { port: 9090 }),
    connection(atMs, workload("evil", "x"), workload("shop", "api"), { port: 8080 }),
  ]);
  const db = new Database(path);
  db.prepare("UPDATE identities SET namespace = '../..', key = '../../Deployment/x' WHERE namespace = 'evil'").run();
  db.close();
}
