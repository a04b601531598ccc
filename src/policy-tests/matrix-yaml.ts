import { Document } from "yaml";
import type { GeneratedCase } from "./generate-matrix.js";

/** A generated matrix as a YAML file, with a header saying where it came from (`origin`, one line per entry). */
export function matrixToYaml(cases: readonly GeneratedCase[], origin: readonly string[]): string {
  const doc = new Document({ cases: cases.map((c) => ({ from: c.from, to: c.to, port: c.port, protocol: c.protocol, expect: c.expect })) });
  const allow = cases.filter((c) => c.expect === "allow").length;
  doc.commentBefore = [...origin, `${allow} allow cases from observed traffic, ${cases.length - allow} deny probes`].map((l) => ` ${l}`).join("\n");
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
