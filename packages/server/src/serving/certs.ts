/**
 * Certificates for serving: a self-signed CA and certificates it signs, created on first start
 * and kept in the data directory, so clients that trust the CA keep trusting restarts.
 * @module
 */
import { generateKeyPair as generateKeyPairCb, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateKeyPair = promisify(generateKeyPairCb);

/** A PEM certificate and its PEM private key. */
export interface KeyPair {
  cert: string;
  key: string;
}

/** What a serving setup needs: the CA that clients trust, and the server's own pair. */
export interface ServingCertificates {
  ca: KeyPair;
  serving: KeyPair;
}

/** What to put in a certificate the CA signs. */
export interface CertificateRequest {
  commonName: string;
  /** Becomes the user's groups when the certificate authenticates a client (subject O). */
  organizations?: readonly string[];
  /** DNS names and IP addresses for a serving certificate. */
  hosts?: readonly string[];
  usage: 'server' | 'client';
  validityDays?: number;
}

async function newRsaKey(): Promise<{ privateKey: string; publicKey: string }> {
  // node's native key generation: forge's own would take seconds
  return generateKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

function serialNumber(): string {
  // positive, 16 bytes
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, days: number): void {
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + days * 24 * 60 * 60 * 1000);
}

/** Creates a self-signed certificate authority. */
export async function createCertificateAuthority(
  commonName: string,
  validityDays = 3650,
): Promise<KeyPair> {
  const { privateKey, publicKey } = await newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = serialNumber();
  validity(cert, validityDays);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}

/** Issues a certificate signed by `ca`. */
export async function signCertificate(ca: KeyPair, request: CertificateRequest): Promise<KeyPair> {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const { privateKey, publicKey } = await newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = serialNumber();
  validity(cert, request.validityDays ?? 365);
  cert.setSubject([
    ...(request.organizations ?? []).map((o) => ({ name: 'organizationName', value: o })),
    { name: 'commonName', value: request.commonName },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = (request.hosts ?? []).map((h) =>
    isIP(h) !== 0 ? { type: 7, ip: h } : { type: 2, value: h },
  );
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    request.usage === 'server'
      ? { name: 'extKeyUsage', serverAuth: true }
      : { name: 'extKeyUsage', clientAuth: true },
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}

async function readPair(dir: string, name: string): Promise<KeyPair | undefined> {
  try {
    const [cert, key] = await Promise.all([
      readFile(join(dir, `${name}.crt`), 'utf8'),
      readFile(join(dir, `${name}.key`), 'utf8'),
    ]);
    return { cert, key };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function writePair(dir: string, name: string, pair: KeyPair): Promise<void> {
  await writeFile(join(dir, `${name}.crt`), pair.cert, { mode: 0o644 });
  await writeFile(join(dir, `${name}.key`), pair.key, { mode: 0o600 });
}

/**
 * Loads `<dir>/ca.{crt,key}` and `<dir>/apiserver.{crt,key}`, creating what is missing: the CA
 * once, the serving certificate for `hosts` (default `localhost`, `127.0.0.1`, `::1`).
 */
export async function loadOrCreateServingCertificates(
  dir: string,
  options: { hosts?: readonly string[]; caName?: string } = {},
): Promise<ServingCertificates> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let ca = await readPair(dir, 'ca');
  if (ca === undefined) {
    ca = await createCertificateAuthority(options.caName ?? 'kapi-ca');
    await writePair(dir, 'ca', ca);
  }
  let serving = await readPair(dir, 'apiserver');
  if (serving === undefined) {
    serving = await signCertificate(ca, {
      commonName: 'kapi-apiserver',
      hosts: options.hosts ?? ['localhost', '127.0.0.1', '::1'],
      usage: 'server',
    });
    await writePair(dir, 'apiserver', serving);
  }
  return { ca, serving };
}
