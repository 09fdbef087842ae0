// A temporary Kerberos realm for tests: Debian's krb5kdc on a free port with its own kdc.conf and
// krb5.conf in a temp folder (`kdb5_util create -s`, principals and keytabs with kadmin.local),
// users signed in with `kinit` (password on stdin) into their own ticket caches. Point this
// process's libkrb5 at it with `kdc.useIn(process.env)` before the first GSS call.
// startKdc() returns the reason instead when the binaries or the native module are missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadKerberos } from '../runtime/kerberos.ts'

export const REALM = 'DELTICA.TEST'

const BINARIES = ['/usr/sbin/krb5kdc', '/usr/sbin/kdb5_util', '/usr/sbin/kadmin.local']
const KINIT = ['/usr/bin/kinit', '/usr/bin/kdestroy']

export interface Kdc {
  dir: string
  /** the environment libkrb5 needs: KRB5_CONFIG, KRB5RCACHEDIR */
  env: Record<string, string>
  /** kadmin.local query (addprinc, ktadd, modprinc, …) */
  admin(query: string): void
  addUser(name: string, password: string): void
  /** a service principal with a random key, its key written to `keytab` */
  addService(principal: string, keytab: string): void
  /** `kinit` with the password on stdin; returns the ticket cache (FILE:…) */
  kinit(name: string, password: string): string
  /** sets KRB5_CONFIG and the replay-cache folder in `target` (process.env for in-process GSS) */
  useIn(target: NodeJS.ProcessEnv): void
  stop(): Promise<void>
}

/** Why the Kerberos tests cannot run here, or null. */
export async function kdcMissing(): Promise<string | null> {
  const sso = await loadKerberos()
  if (!sso.ok) return sso.reason
  const missing = [...BINARIES, ...KINIT].filter((b) => !existsSync(b))
  if (missing.length)
    return `нет программ Kerberos (${missing.join(', ')}): apt-get install krb5-kdc krb5-admin-server krb5-user`
  return null
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => (socket.destroy(), resolve(true)))
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((r) => setTimeout(r, 50))
  }
  const text = existsSync(log) ? readFileSync(log, 'utf8') : ''
  throw new Error(`krb5kdc did not start on port ${port}: ${text.slice(-2000)}`)
}

export async function startKdc(): Promise<Kdc> {
  const dir = mkdtempSync(join(tmpdir(), 'deltica-kdc-'))
  const port = await freePort()
  const kdcConf = join(dir, 'kdc.conf')
  const krb5Conf = join(dir, 'krb5.conf')
  const log = join(dir, 'kdc.log')
  writeFileSync(
    kdcConf,
    `[kdcdefaults]
 kdc_ports = ${port}
 kdc_tcp_ports = ${port}
[realms]
 ${REALM} = {
  database_name = ${dir}/principal
  acl_file = ${dir}/kadm5.acl
  key_stash_file = ${dir}/stash
  kdc_ports = ${port}
  kdc_tcp_ports = ${port}
  max_life = 10h 0m 0s
  supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
 }
[logging]
 kdc = FILE:${log}
`,
  )
  writeFileSync(
    krb5Conf,
    `[libdefaults]
 default_realm = ${REALM}
 dns_lookup_realm = false
 dns_lookup_kdc = false
 dns_canonicalize_hostname = false
 rdns = false
 udp_preference_limit = 1
[realms]
 ${REALM} = {
  kdc = 127.0.0.1:${port}
 }
[domain_realm]
 localhost = ${REALM}
 .test = ${REALM}
`,
  )
  writeFileSync(join(dir, 'kadm5.acl'), '')
  const env: Record<string, string> = {
    KRB5_CONFIG: krb5Conf,
    KRB5_KDC_PROFILE: kdcConf,
    KRB5RCACHEDIR: dir,
  }
  const run = (cmd: string, args: string[], input?: string, extra: Record<string, string> = {}) => {
    const r = spawnSync(cmd, args, {
      env: { ...process.env, ...env, ...extra },
      input,
      encoding: 'utf8',
      timeout: 20_000,
    })
    if (r.status !== 0)
      throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stdout}\n${r.stderr}`)
    return r.stdout
  }
  run('/usr/sbin/kdb5_util', ['create', '-s', '-r', REALM, '-P', 'master-key-of-the-test-realm'])
  const kdc = spawn('/usr/sbin/krb5kdc', ['-n', '-r', REALM], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  })
  await waitForPort(port, kdc, log)

  const admin = (query: string) => {
    run('/usr/sbin/kadmin.local', ['-r', REALM, '-q', query])
  }
  return {
    dir,
    env: { KRB5_CONFIG: krb5Conf, KRB5RCACHEDIR: dir },
    admin,
    addUser: (name, password) => admin(`addprinc -pw ${password} ${name}@${REALM}`),
    addService: (principal, keytab) => {
      admin(`addprinc -randkey ${principal}@${REALM}`)
      admin(`ktadd -k ${keytab} ${principal}@${REALM}`)
    },
    kinit: (name, password) => {
      const cache = `FILE:${join(dir, `cc_${name}_${Date.now()}`)}`
      run('/usr/bin/kinit', [`${name}@${REALM}`], `${password}\n`, { KRB5CCNAME: cache })
      return cache
    },
    useIn: (target) => {
      target.KRB5_CONFIG = krb5Conf
      target.KRB5RCACHEDIR = dir
    },
    stop: async () => {
      if (kdc.exitCode === null) {
        const exited = new Promise((r) => kdc.once('exit', r))
        kdc.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
