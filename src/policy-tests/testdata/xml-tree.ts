/**
 * A small XML reader for tests: elements, attributes and text, with the five predefined
 * entities and numeric references. It throws on anything malformed (a tag closed out of
 * order, an unescaped `<` or `&`, text outside the root), so output that parses here is
 * well-formed in the sense tests need.
 */

/** An element: name, attributes, child elements and the text directly inside it. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

function unescape(text: string): string {
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text)) throw new Error(`bare & in ${JSON.stringify(text)}`);
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (named[e] !== undefined) return named[e];
    return String.fromCodePoint(e.startsWith("#x") ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });
}

function attributesOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const rest = text.replace(/\s*([A-Za-z_][\w.-]*)="([^"<]*)"/g, (_, k: string, v: string) => {
    if (k in out) throw new Error(`attribute ${k} twice`);
    out[k] = unescape(v);
    return "";
  });
  if (rest.trim() !== "") throw new Error(`bad attributes: ${JSON.stringify(text)}`);
  return out;
}

/** Parses a document into its root element. */
export function parseXml(xml: string): XmlElement {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = token.exec(body)) !== null) {
    at = token.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = m;
    const top = stack[stack.length - 1];
    if (text !== undefined) {
      if (top === undefined) {
        if (text.trim() !== "") throw new Error(`text outside the root: ${JSON.stringify(text)}`);
      } else top.text += unescape(text);
      continue;
    }
    if (closing === "/") {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name ?? ""}> closes <${open?.name ?? "nothing"}>`);
      continue;
    }
    const element: XmlElement = { name: name ?? "", attributes: attributesOf(attrs ?? ""), children: [], text: "" };
    if (top === undefined) {
      if (root !== undefined) throw new Error("two roots");
      root = element;
    } else top.children.push(element);
    if (selfClosing !== "/") stack.push(element);
  }
  if (at !== body.length) throw new Error(`cannot read XML at ${JSON.stringify(body.slice(at, at + 40))}`);
  if (stack.length > 0 || root === undefined) throw new Error("unclosed element");
  return root;
}
