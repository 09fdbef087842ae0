// Passwords (node's scrypt: slow, salted, constant-time compare) and session tokens (jose HS256,
// 12 h, carrying the user's token version so logout/password change/deactivation revoke them).
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import bcrypt from 'bcryptjs'
import { decodeJwt, SignJWT, jwtVerify } from 'jose'

const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32, maxmem: 64 * 1024 * 1024 }
const TOKEN_TTL_SECONDS = 12 * 60 * 60

function scrypt(password: string, salt: Buffer, opts: ScryptOptions, keylen: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, keylen, opts, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

/** `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, SCRYPT, SCRYPT.keylen)
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$')
}

/** A bcrypt hash carried over from Deltica 1.x (`$2a$`, `$2b$`, `$2y$`). */
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/

/** True when `stored` is not of the current KDF and should be replaced after a right password. */
export const needsRehash = (stored: string) => !stored.startsWith('scrypt$')

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (BCRYPT.test(stored)) return bcrypt.compare(password, stored)
  const [scheme, N, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await scrypt(
    password,
    Buffer.from(salt, 'base64url'),
    { N: Number(N), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem },
    expected.length,
  )
  return timingSafeEqual(key, expected)
}

/** A real hash of a random password: checked against when the user does not exist, so the
 *  answer takes as long as for a wrong password. */
let dummyHash: Promise<string> | null = null
export function timingDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  return dummyHash
}

export interface TokenClaims {
  userId: number
  tokenVersion: number
}

const key = (secret: string) => new TextEncoder().encode(secret)

export async function signToken(claims: TokenClaims, secret: string): Promise<string> {
  return new SignJWT({ tv: claims.tokenVersion })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(claims.userId))
    .setIssuedAt()
    .setIssuer('deltica')
    .setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
    .sign(key(secret))
}

/**
 * Tokens whose signature and claims were checked, until they expire: a client's every request
 * does not recompute the HMAC (jose imports the key and signs on each call). Bounded; the oldest
 * entry goes first. Revocation is not decided here (the token version is checked per request).
 */
const verified = new Map<string, { secret: string; claims: TokenClaims; until: number }>()
const MAX_VERIFIED = 10_000

/** Returns null for anything not valid: bad signature, expired, malformed. */
export async function verifyToken(token: string, secret: string): Promise<TokenClaims | null> {
  const kept = verified.get(token)
  if (kept && kept.secret === secret && kept.until > Date.now()) return kept.claims
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      issuer: 'deltica',
    })
    const userId = Number(payload.sub)
    const tokenVersion = Number(payload.tv)
    if (!Number.isInteger(userId) || !Number.isInteger(tokenVersion)) return null
    const claims = { userId, tokenVersion }
    if (typeof payload.exp === 'number') {
      if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!)
      verified.set(token, { secret, claims, until: payload.exp * 1000 })
    }
    return claims
  } catch {
    return null
  }
}

/** When a token (already verified) expires, in ms since the epoch; null when it does not say. */
export function tokenExpiresAt(token: string): number | null {
  try {
    const { exp } = decodeJwt(token)
    return typeof exp === 'number' ? exp * 1000 : null
  } catch {
    return null
  }
}

export function bearerToken(request: Request): string | null {
  const header = request.headers.get('authorization')
  if (!header) return null
  const m = /^Bearer\s+(\S+)$/i.exec(header)
  return m ? m[1] : null
}
