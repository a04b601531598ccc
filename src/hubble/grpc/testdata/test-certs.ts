import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import forge from "node-forge";

interface KeyPair {
  readonly privatePem: string;
  readonly publicKey: forge.pki.PublicKey;
  readonly privateKey: forge.pki.PrivateKey;
}

// Native RSA key generation is fast; forge then builds and signs the X.509 certificates.
function keyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return {
    privatePem,
    privateKey: forge.pki.privateKeyFromPem(privatePem),
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()),
  };
}

let serial = 1;

function certificate(subject: string, keys: KeyPair, issuer: { cert: forge.pki.Certificate; keys: KeyPair } | undefined, extensions: object[]): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = (serial++).toString(16).padStart(2, "0");
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: "commonName", value: subject }]);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : [{ name: "commonName", value: subject }]);
  cert.setExtensions(extensions);
  cert.sign((issuer ?? { keys }).keys.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create()); // RSA keys from generateKeyPairSync
  return cert;
}

function authority(name: string): { cert: forge.pki.Certificate; keys: KeyPair } {
  const keys = keyPair();
  const cert = certificate(name, keys, undefined, [
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
  ]);
  return { cert, keys };
}

/** Paths of PEM files for TLS tests. */
export interface TestCertificates {
  readonly dir: string;
  readonly caCert: string;
  /** A CA that signed nothing here: verifying the server with it must fail. */
  readonly otherCaCert: string;
  /** Issued for `*.hubble-relay.cilium.io` only, like Relay's server certificate. */
  readonly serverCert: string;
  readonly serverKey: string;
  /** A client certificate like Hubble UI's (`*.hubble-ui.cilium.io`). */
  readonly clientCert: string;
  readonly clientKey: string;
}

/** Generates a CA, a Relay-like server certificate and a client certificate into a temp dir. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "hubble-tls-"));
  const ca = authority("hubble-ca.cilium.io");
  const other = authority("other-ca.example");
  const serverKeys = keyPair();
  const server = certificate("*.hubble-relay.cilium.io", serverKeys, ca, [
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: [{ type: 2, value: "*.hubble-relay.cilium.io" }] },
  ]);
  const clientKeys = keyPair();
  const client = certificate("*.hubble-ui.cilium.io", clientKeys, ca, [
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", clientAuth: true },
  ]);
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  return {
    dir,
    caCert: write("ca.crt", forge.pki.certificateToPem(ca.cert)),
    otherCaCert: write("other-ca.crt", forge.pki.certificateToPem(other.cert)),
    serverCert: write("server.crt", forge.pki.certificateToPem(server)),
    serverKey: write("server.key", serverKeys.privatePem),
    clientCert: write("client.crt", forge.pki.certificateToPem(client)),
    clientKey: write("client.key", clientKeys.privatePem),
  };
}
