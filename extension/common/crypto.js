// @ts-check
// The PIN and the evidence excerpts, with WebCrypto only (no library, nothing remote).
//
// PIN: stored only as a salted PBKDF2-SHA-256 hash (AUTH_KEY.pin = {salt, hash, iterations}).
// Evidence: the worker must seal an excerpt when an alert fires, while no parent is there to
// type the PIN. So at setup an ECDH P-256 key pair is made; the public key is stored as is, the
// private key is encrypted with AES-GCM under a key derived from the PIN (PBKDF2, its own salt).
// Each excerpt is sealed with AES-GCM under a key agreed between a fresh ephemeral key pair and
// that public key; only someone who knows the PIN can unwrap the private key and open it.
// A 4-digit PIN is a lock against a child using the settings page, not strong cryptography
// against someone who copies the browser profile: the README says so and suggests a longer PIN.

export const PBKDF2_ITERATIONS = 210000;
const enc = new TextEncoder();
const dec = new TextDecoder();

export const b64 = (buf) => {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s);
};
export const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
export const randomBytes = (n) => crypto.getRandomValues(new Uint8Array(n));

/** A PIN is 4 to 12 digits. */
export const validPin = (pin) => typeof pin === 'string' && /^[0-9]{4,12}$/.test(pin);

async function pbkdf2Bits(pin, salt, iterations) {
  const base = await crypto.subtle.importKey('raw', enc.encode(pin), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
  return crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, 256);
}

/** {salt, hash, iterations} for a new PIN. */
export async function hashPin(pin, iterations = PBKDF2_ITERATIONS) {
  const salt = randomBytes(16);
  const hash = await pbkdf2Bits(pin, salt, iterations);
  return { salt: b64(salt), hash: b64(hash), iterations };
}

/** Whether `pin` matches the stored record (constant-time compare of the derived bytes). */
export async function verifyPin(pin, rec) {
  if (!validPin(pin) || !rec || typeof rec.salt !== 'string' || typeof rec.hash !== 'string') return false;
  const got = new Uint8Array(await pbkdf2Bits(pin, unb64(rec.salt), rec.iterations || PBKDF2_ITERATIONS));
  const want = unb64(rec.hash);
  if (got.length !== want.length) return false;
  let diff = 0;
  for (let i = 0; i < got.length; i++) diff |= got[i] ^ want[i];
  return diff === 0;
}

async function pinKey(pin, salt, iterations) {
  const base = await crypto.subtle.importKey('raw', enc.encode(pin), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base,
    { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

const ECDH = { name: 'ECDH', namedCurve: 'P-256' };

/**
 * The evidence key pair for a PIN: {pub (JWK), wrapped: {salt, iv, ct, iterations}}; the private
 * key exists in the clear only inside this call.
 */
export async function makeEvidenceKeys(pin, iterations = PBKDF2_ITERATIONS) {
  const pair = await crypto.subtle.generateKey(ECDH, true, ['deriveKey']);
  const pub = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const priv = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await pinKey(pin, salt, iterations);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, enc.encode(JSON.stringify(priv)));
  return { pub, wrapped: { salt: b64(salt), iv: b64(iv), ct: b64(ct), iterations } };
}

/** The evidence private key's JWK wrapped (AES-GCM) under a key derived from `secret`. */
export async function wrapJwk(secret, jwk, iterations = PBKDF2_ITERATIONS) {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await pinKey(secret, salt, iterations);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, enc.encode(JSON.stringify(jwk)));
  return { salt: b64(salt), iv: b64(iv), ct: b64(ct), iterations };
}

/** The JWK that wrapJwk() wrapped under `secret`, or null if the secret is wrong. */
export async function unwrapJwk(secret, wrapped) {
  try {
    const key = await pinKey(secret, unb64(wrapped.salt), wrapped.iterations || PBKDF2_ITERATIONS);
    return JSON.parse(dec.decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(wrapped.iv) }, key, unb64(wrapped.ct))));
  } catch (_) {
    return null;
  }
}

// The recovery code (issue 16): shown once at setup, kept by the parent on paper or in a file.
// 20 characters of Crockford's base32 (100 bits), in four groups; stored only as a PBKDF2 hash,
// like the PIN. It can replace a forgotten PIN (the alerts and excerpts are kept: the evidence
// key is wrapped under the code too); nothing else can.
const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function makeRecoveryCode() {
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => B32[b & 31]).join('');
  return chars.match(/.{5}/g).join('-');
}
/** A typed code, normalised (case, spaces, dashes; O -> 0, I/L -> 1), or '' if it can't be one. */
export function normalizeRecoveryCode(s) {
  const c = String(s || '').toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{20}$/.test(c) ? c.match(/.{5}/g).join('-') : '';
}
/** {salt, hash, iterations} of a recovery code (normalised). */
export const hashSecret = async (secret, iterations = PBKDF2_ITERATIONS) => {
  const salt = randomBytes(16);
  return { salt: b64(salt), hash: b64(await pbkdf2Bits(secret, salt, iterations)), iterations };
};
/** Whether a recovery code matches its stored hash (constant-time compare). */
export async function verifySecret(secret, rec) {
  if (!secret || !rec || typeof rec.salt !== 'string' || typeof rec.hash !== 'string') return false;
  const got = new Uint8Array(await pbkdf2Bits(secret, unb64(rec.salt), rec.iterations || PBKDF2_ITERATIONS));
  const want = unb64(rec.hash);
  if (got.length !== want.length) return false;
  let diff = 0;
  for (let i = 0; i < got.length; i++) diff |= got[i] ^ want[i];
  return diff === 0;
}

/**
 * The evidence key pair for a PIN and a recovery code: {pub, wrapped (under the PIN),
 * recovery (under the code)}; the private key exists in the clear only inside this call.
 */
export async function makeEvidenceKeysWith(pin, code, iterations = PBKDF2_ITERATIONS) {
  const pair = await crypto.subtle.generateKey(ECDH, true, ['deriveKey']);
  const pub = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const priv = await crypto.subtle.exportKey('jwk', pair.privateKey);
  return { pub, wrapped: await wrapJwk(pin, priv, iterations), recovery: await wrapJwk(code, priv, iterations) };
}

/** The private evidence key (a non-extractable CryptoKey) for the PIN, or null if it is wrong. */
export async function openEvidenceKey(pin, wrapped) {
  try {
    const key = await pinKey(pin, unb64(wrapped.salt), wrapped.iterations || PBKDF2_ITERATIONS);
    const jwk = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(wrapped.iv) }, key, unb64(wrapped.ct));
    return crypto.subtle.importKey('jwk', JSON.parse(dec.decode(jwk)), ECDH, false, ['deriveKey']);
  } catch (_) {
    return null;
  }
}

const agreed = (privateKey, publicKey, usage) => crypto.subtle.deriveKey(
  { name: 'ECDH', public: publicKey }, privateKey, { name: 'AES-GCM', length: 256 }, false, [usage]);

/** Seals a JSON value for the holder of the evidence private key: {epk, iv, ct}, all base64/JWK. */
export async function seal(pubJwk, value) {
  const pub = await crypto.subtle.importKey('jwk', pubJwk, ECDH, false, []);
  const eph = await crypto.subtle.generateKey(ECDH, true, ['deriveKey']);
  const key = await agreed(eph.privateKey, pub, 'encrypt');
  const iv = randomBytes(12);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, enc.encode(JSON.stringify(value)));
  return { epk: await crypto.subtle.exportKey('jwk', eph.publicKey), iv: b64(iv), ct: b64(ct) };
}

/** Opens what seal() made, or returns null. */
export async function unseal(privateKey, sealed) {
  try {
    const epk = await crypto.subtle.importKey('jwk', sealed.epk, ECDH, false, []);
    const key = await agreed(privateKey, epk, 'decrypt');
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(sealed.iv) }, key, unb64(sealed.ct));
    return JSON.parse(dec.decode(pt));
  } catch (_) {
    return null;
  }
}

/** SHA-256 of a value's canonical JSON (sorted keys), base64: the settings digest. */
export async function digest(value) {
  const canon = (v) => (Array.isArray(v) ? v.map(canon)
    : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v);
  return b64(await crypto.subtle.digest('SHA-256', enc.encode(JSON.stringify(canon(value)))));
}
