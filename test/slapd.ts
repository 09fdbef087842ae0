// A real directory for tests and the bench: Debian's slapd started in a temporary folder on free
// ports (ldap:// with StartTLS, ldaps://), with a self-signed CA and server certificate made by
// openssl, a small AD-shaped schema (sAMAccountName, userPrincipalName, userAccountControl,
// memberOf, department) and the ppolicy overlay for real password expiry. The data is loaded
// with slapadd before the start, so operational attributes (pwdChangedTime) can be set.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const SLAPD = '/usr/sbin/slapd'
const SLAPADD = '/usr/sbin/slapadd'

/** Why the directory tests cannot run here, or null when slapd is installed. */
export const slapdMissing = (): string | null =>
  existsSync(SLAPD) && existsSync(SLAPADD)
    ? null
    : 'slapd не установлен (apt-get install slapd ldap-utils): тесты с настоящим каталогом пропущены'

export const BASE_DN = 'dc=corp,dc=test'
export const SERVICE_DN = `cn=svc-deltica,ou=service,${BASE_DN}`
export const SERVICE_PASSWORD = 'Svc-Pa55word!'
const groupDn = (cn: string) => `cn=${cn},ou=groups,${BASE_DN}`

export interface DirectoryUser {
  sam: string
  password: string
  groups?: string[]
  department?: string
  /** userAccountControl; 512 = normal, 514 = disabled */
  uac?: number
  /** the password changed long ago under a policy with a max age: a bind is refused as expired */
  expired?: boolean
  displayName?: string
}

export interface Slapd {
  /** ldap://127.0.0.1:port (StartTLS offered) */
  url: string
  /** ldaps://127.0.0.1:port */
  ldapsUrl: string
  /** the CA that signed the server's certificate (PEM file) */
  caFile: string
  /** a URL on which nothing listens (directory down) */
  deadUrl: string
  stop(): Promise<void>
}

const AD_SCHEMA = `
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.656 NAME 'userPrincipalName'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.2.102 NAME 'memberOf'
  EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )
attributetype ( 1.2.840.113556.1.2.141 NAME 'department'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
objectclass ( 1.2.840.113556.1.5.9 NAME 'user' AUXILIARY
  MAY ( sAMAccountName $ userPrincipalName $ userAccountControl $ memberOf $ department ) )
`

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })
}

function run(cmd: string, args: string[], input?: string) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout}`)
}

function makeCertificates(dir: string) {
  const ca = { key: join(dir, 'ca.key'), cert: join(dir, 'ca.pem') }
  const srv = {
    key: join(dir, 'server.key'),
    csr: join(dir, 'server.csr'),
    cert: join(dir, 'server.pem'),
  }
  const ext = join(dir, 'server.ext')
  run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    ca.key,
    '-out',
    ca.cert,
    '-days',
    '2',
    '-subj',
    '/CN=Deltica Test CA',
  ])
  run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    srv.key,
    '-out',
    srv.csr,
    '-subj',
    '/CN=127.0.0.1',
  ])
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  run('openssl', [
    'x509',
    '-req',
    '-in',
    srv.csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    srv.cert,
    '-days',
    '2',
    '-extfile',
    ext,
  ])
  return { caFile: ca.cert, certFile: srv.cert, keyFile: srv.key }
}

function userLdif(u: DirectoryUser): string {
  const lines = [
    `dn: cn=${u.sam},ou=people,${BASE_DN}`,
    'objectClass: inetOrgPerson',
    'objectClass: user',
    `cn: ${u.sam}`,
    `sn: ${u.sam}`,
    `displayName: ${u.displayName ?? `Сотрудник ${u.sam}`}`,
    `sAMAccountName: ${u.sam}`,
    `userPrincipalName: ${u.sam}@corp.test`,
    `userAccountControl: ${u.uac ?? 512}`,
    `userPassword: ${u.password}`,
    ...(u.department ? [`department: ${u.department}`] : []),
    ...(u.groups ?? []).map((g) => `memberOf: ${groupDn(g)}`),
  ]
  if (u.expired) {
    lines.push(`pwdPolicySubentry: cn=expiring,ou=policies,${BASE_DN}`)
    lines.push('pwdChangedTime: 20200101000000Z')
  }
  // slapadd takes non-ASCII values only base64-encoded
  return lines
    .map((l) => {
      const i = l.indexOf(': ')
      const value = l.slice(i + 2)
      return /^[\x20-\x7e]*$/.test(value)
        ? l
        : `${l.slice(0, i)}:: ${Buffer.from(value).toString('base64')}`
    })
    .join('\n')
}

function dataLdif(users: DirectoryUser[], groups: string[]): string {
  const entries = [
    `dn: ${BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: corp\no: Corp`,
    ...['people', 'groups', 'service', 'policies'].map(
      (ou) => `dn: ou=${ou},${BASE_DN}\nobjectClass: organizationalUnit\nou: ${ou}`,
    ),
    `dn: ${SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: svc-deltica\nuserPassword: ${SERVICE_PASSWORD}`,
    // pwdMaxAge 1 s, no grace binds: a password older than that is expired (ppolicy)
    `dn: cn=expiring,ou=policies,${BASE_DN}\nobjectClass: organizationalRole\nobjectClass: pwdPolicy\ncn: expiring\npwdAttribute: userPassword\npwdMaxAge: 1\npwdGraceAuthNLimit: 0`,
    ...groups.map(
      (g) => `dn: ${groupDn(g)}\nobjectClass: groupOfNames\ncn: ${g}\nmember: ${SERVICE_DN}`,
    ),
    ...users.map(userLdif),
  ]
  return entries.join('\n\n') + '\n'
}

async function waitForPort(port: number, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`slapd exited: ${log()}`)
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => (s.destroy(), resolve(true)))
      s.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`slapd did not listen on ${port}: ${log()}`)
}

/** Starts a directory with these users and groups; stop() kills it and removes its folder. */
export async function startSlapd(users: DirectoryUser[], groups: string[]): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'deltica-slapd-'))
  const dbDir = join(dir, 'db')
  mkdirSync(dbDir)
  const tls = makeCertificates(dir)
  writeFileSync(join(dir, 'ad.schema'), AD_SCHEMA)
  const conf = join(dir, 'slapd.conf')
  writeFileSync(
    conf,
    `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include ${join(dir, 'ad.schema')}
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile ${join(dir, 'slapd.pid')}
TLSCACertificateFile ${tls.caFile}
TLSCertificateFile ${tls.certFile}
TLSCertificateKeyFile ${tls.keyFile}
database mdb
maxsize 10485760
suffix "${BASE_DN}"
rootdn "cn=admin,${BASE_DN}"
rootpw admin-secret
directory ${dbDir}
index objectClass eq
index sAMAccountName eq
index userPrincipalName eq
access to attrs=userPassword by self read by anonymous auth by * none
access to * by dn.exact="${SERVICE_DN}" read by self read by * none
overlay ppolicy
`,
  )
  const ldif = join(dir, 'data.ldif')
  writeFileSync(ldif, dataLdif(users, groups))
  run(SLAPADD, ['-f', conf, '-l', ldif])
  const [port, tlsPort, deadPort] = await Promise.all([freePort(), freePort(), freePort()])
  const url = `ldap://127.0.0.1:${port}`
  const ldapsUrl = `ldaps://127.0.0.1:${tlsPort}`
  let output = ''
  const child = spawn(SLAPD, ['-d', '0', '-f', conf, '-h', `${url}/ ${ldapsUrl}/`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  try {
    await waitForPort(port, child, () => output)
    await waitForPort(tlsPort, child, () => output)
  } catch (e) {
    child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
  return {
    url,
    ldapsUrl,
    caFile: tls.caFile,
    deadUrl: `ldap://127.0.0.1:${deadPort}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
