/**
 * Pod and interface names in the formats Kubernetes and Cilium create them, with checks,
 * so a hand-written name that no controller could produce fails loudly.
 */

/**
 * Kubernetes' "safe" alphabet (`k8s.io/apimachinery/pkg/util/rand`): no vowels, no 0, 1
 * or 3, so generated names never spell words. Random pod-name suffixes use all of it.
 */
export const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/**
 * Characters a ReplicaSet's `pod-template-hash` can contain. The hash is a uint32 printed
 * in decimal and passed through `SafeEncodeString`, which maps each byte to
 * `SAFE_ALPHABET[byte % 27]`: the digits '0'..'9' (48..57) land on "4 5 6 7 8 9 b c d f".
 */
export const TEMPLATE_HASH_ALPHABET = "456789bcdf";

/** `rand.SafeEncodeString`: the pod-template-hash of a template whose FNV hash is `hash`. */
export function templateHash(hash: number): string {
  let out = "";
  for (const ch of String(hash >>> 0)) out += SAFE_ALPHABET.charAt(ch.charCodeAt(0) % SAFE_ALPHABET.length);
  return out;
}

function check(name: string, ok: boolean, what: string): string {
  if (!ok) throw new Error(`${name} is not a valid ${what} pod name`);
  return name;
}

function isSuffix(text: string, length: number, alphabet: string): boolean {
  if (text.length !== length) return false;
  for (const ch of text) if (!alphabet.includes(ch)) return false;
  return true;
}

/** `<deployment>-<pod-template-hash>-<5 chars>`, e.g. `web-7d4b9c8f56-x2k9p`. */
export function deploymentPodName(deployment: string, hash: string, suffix: string): string {
  const ok = hash.length >= 6 && hash.length <= 10 && isSuffix(hash, hash.length, TEMPLATE_HASH_ALPHABET)
    && isSuffix(suffix, 5, SAFE_ALPHABET);
  return check(`${deployment}-${hash}-${suffix}`, ok, "Deployment");
}

/** `<daemonset>-<5 chars>`. */
export function daemonSetPodName(daemonSet: string, suffix: string): string {
  return check(`${daemonSet}-${suffix}`, isSuffix(suffix, 5, SAFE_ALPHABET), "DaemonSet");
}

/** `<statefulset>-<ordinal>`. */
export function statefulSetPodName(statefulSet: string, ordinal: number): string {
  return check(`${statefulSet}-${ordinal}`, Number.isInteger(ordinal) && ordinal >= 0, "StatefulSet");
}

/**
 * The Job a CronJob creates for the run scheduled at `scheduled` (RFC 3339): the CronJob
 * controller names it `<cronjob>-<scheduled time in minutes since the epoch>`.
 */
export function cronJobRunName(cronJob: string, scheduled: string): string {
  const ms = Date.parse(scheduled);
  if (!Number.isFinite(ms) || ms % 60_000 !== 0) throw new Error(`${scheduled} is not a whole minute`);
  return `${cronJob}-${ms / 60_000}`;
}

/** `<job>-<5 chars>`: the pod of a Job run. */
export function jobPodName(job: string, suffix: string): string {
  return check(`${job}-${suffix}`, isSuffix(suffix, 5, SAFE_ALPHABET), "Job");
}

/** Host-side veth of a Cilium endpoint: `lxc` plus 12 hex digits (15 bytes, IFNAMSIZ-1). */
export function lxcName(hex12: string): string {
  if (!/^[0-9a-f]{12}$/.test(hex12)) throw new Error(`bad lxc suffix ${hex12}`);
  return `lxc${hex12}`;
}

/**
 * A locally administered unicast MAC derived from an address, so every peer keeps one MAC
 * for the whole capture without listing them by hand.
 */
export function macFor(address: string): string {
  let h = 2166136261;
  for (const ch of address) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const bytes = [((h >>> 24) & 0xfc) | 0x02, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff];
  const g = Math.imul(h ^ 0x5bd1e995, 16777619) >>> 0;
  bytes.push((g >>> 8) & 0xff, g & 0xff);
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}
