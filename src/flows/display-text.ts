// C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Cluster-supplied text made safe for a line of text output (tables): every control
 * character is written as a `\uXXXX` escape, so a name cannot break a row, move the
 * cursor or recolour a terminal. Names are checked on the way in; this guards what an
 * older graph may still hold.
 */
export function displayText(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
