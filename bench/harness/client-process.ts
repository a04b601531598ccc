import { spawn } from "node:child_process";

/**
 * Which client a run measures: `raw` grpc-js receiving bytes with an identity deserializer
 * (transport only), `grpc` a plain grpc-js + proto-loader client that deserializes each
 * message and discards it, or `ours` end to end.
 */
export type ClientMode = "raw" | "grpc" | "ours";

/** What a client process reports about its run. */
export interface ClientResult {
  readonly mode: ClientMode;
  readonly messages: number;
  readonly flows: number;
  readonly connections: number;
  readonly seconds: number;
  readonly messagesPerSecond: number;
  /** CPU seconds used by the client process during the stream (all threads). */
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
}

const CLIENT = new URL("../ingest-client.js", import.meta.url).pathname;

/** Runs one client in a fresh process against `address`, reading `count` messages. */
export function runClientProcess(mode: ClientMode, address: string, count: number): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT, mode, address, String(count)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (out += chunk));
    child.once("exit", (code) => {
      if (code !== 0) { reject(new Error(`${mode} client exited with code ${code ?? "?"}`)); return; }
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "") as ClientResult); // our own child's JSON line
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}
