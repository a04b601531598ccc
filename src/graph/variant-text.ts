import { endpointVariant } from "../flows/index.js";
import type { EndpointVariant } from "../flows/index.js";

function strings(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) && value.every((v): v is string => typeof v === "string") ? value : undefined;
}

/** The variant a stored text describes (see EndpointVariant.text); undefined for text this build did not write. */
export function variantFromText(text: string): EndpointVariant | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 5) return undefined;
  const parts: readonly unknown[] = value;
  const [labels, namespace, identity, ip, dnsNames] = parts;
  const l = strings(labels);
  const n = strings(dnsNames);
  if (l === undefined || n === undefined || typeof namespace !== "string" || typeof identity !== "number" || typeof ip !== "string") return undefined;
  const variant = endpointVariant({ labels: l, namespace, identity, ip, dnsNames: n });
  return variant.text === text ? variant : undefined;
}
