import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { create } from "tar";
import type { OutputFile } from "../recommend/index.js";

/**
 * The files as a tar archive (gzip-compressed when asked), built from a private temporary
 * directory. Fixed mtimes and ownership make the archive depend only on its contents.
 */
export async function archiveOf(files: readonly OutputFile[], options: { readonly gzip: boolean }): Promise<Buffer> {
  const staging = mkdtempSync(join(tmpdir(), "hubble-auditor-archive-"));
  try {
    for (const f of files) {
      const path = join(staging, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content);
    }
    const chunks: Buffer[] = [];
    const stream = create({ cwd: staging, gzip: options.gzip, portable: true, mtime: new Date(0) }, files.map((f) => f.path));
    for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
