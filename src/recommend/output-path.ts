import { isDns1123Subdomain } from "../flows/index.js";

/**
 * A relative, `/`-separated path of a file in a directory or archive rendering. Only
 * {@link outputPath} makes one, so every name that reaches a file system or a tar entry has
 * gone through {@link pathSegment}.
 */
export type OutputPath = string & { readonly __outputPath: unique symbol };

// Longest segment kept whole (file systems take 255 bytes; an extension and a hash fit after it).
const MAX_SEGMENT = 200;

// FNV-1a over the UTF-16 code units: a short, stable tag that keeps cut segments apart.
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * The directory or file name (without extension) that stands for a cluster-supplied name
 * in output paths: the name itself when it is a DNS-1123 subdomain (what a namespace or
 * cluster name is), so `prod` stays `prod`; any other name is encoded, never used as it is.
 * The encoding writes each UTF-8 byte that is not a lower-case letter, digit or inner '-'
 * as `_XX` (upper-case hex, '_' and '.' included), so the result can never be `.`, `..` or
 * start with '.', holds no '/', '\', NUL or control character, differs from every valid
 * name (those hold no '_'), and differs between different names; past 200 characters it is
 * cut and tagged with a hash of the whole name. The empty name becomes `_`.
 */
export function pathSegment(name: string): string {
  if (isDns1123Subdomain(name)) return name;
  if (name === "") return "_";
  let out = "";
  for (const byte of new TextEncoder().encode(name)) {
    const c = String.fromCharCode(byte);
    // A leading '-' is encoded too, so no name reads as a command-line option.
    out += /[a-z0-9]/.test(c) || (c === "-" && out !== "") ? c : `_${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out.length <= MAX_SEGMENT ? out : `${out.slice(0, MAX_SEGMENT)}_${fnv1a(name)}`;
}

/** `dirs/.../name.ext`, each name through {@link pathSegment}; `extension` includes its dot (`.yaml`). */
export function outputPath(dirs: readonly string[], name: string, extension: string): OutputPath {
  if (!/^(\.[a-z0-9]+)*$/.test(extension)) throw new Error(`not a file extension: ${JSON.stringify(extension)}`);
  return [...dirs, name].map(pathSegment).join("/").concat(extension) as OutputPath; // built from safe segments only
}
