// Sign-in time with the Windows domain password against a real directory (slapd started by
// test/slapd.ts, StartTLS with its CA), through the real app without HTTP, next to a local
// Deltica password: the median of N sign-ins each.
//   TEST_DATABASE_URL=… node --import tsx bench/directory-login.ts [--runs 20]
import { parseArgs } from 'node:util'
import { DIRECTORY_DEFAULT } from '../domain/users/directory/config.ts'
import { harness, PASSWORD, putSettings } from '../test/app.ts'
import { BASE_DN, SERVICE_DN, SERVICE_PASSWORD, startSlapd } from '../test/slapd.ts'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } })
const runs = Number(values.runs)
const DOMAIN_PASSWORD = 'Domain-Pa55!'

const ldap = await startSlapd(
  [{ sam: 'bench', password: DOMAIN_PASSWORD, groups: ['deltica-lab', 'dept-gtl'] }],
  ['deltica-lab', 'dept-gtl'],
)
const h = await harness({ config: { directoryBindPassword: SERVICE_PASSWORD } })
try {
  await h.makeUser({ username: 'admin', role: 'admin' })
  const admin = await h.login('admin')
  const res = await putSettings(h, admin, {
    directory_max_attempts: 50,
    directory: {
      ...DIRECTORY_DEFAULT,
      enabled: true,
      urls: [ldap.url],
      starttls: true,
      ca_file: ldap.caFile,
      base_dn: BASE_DN,
      bind_dn: SERVICE_DN,
      domain: 'CORP',
      create_users: true,
      role_groups: [{ group: 'deltica-lab', role: 'laborant' }],
      department_groups: [{ group: 'dept-gtl', department: 'gtl' }],
    },
  })
  if (res.status !== 200) throw new Error(`settings: ${res.status} ${await res.text()}`)

  const median = async (username: string, password: string) => {
    await h.login(username, password) // warm-up (the first domain sign-in creates the account)
    const times: number[] = []
    for (let i = 0; i < runs; i++) {
      const t = performance.now()
      await h.login(username, password)
      times.push(performance.now() - t)
    }
    times.sort((a, b) => a - b)
    return times[Math.floor(times.length / 2)]
  }
  const windows = await median('CORP\\bench', DOMAIN_PASSWORD)
  const local = await median('admin', PASSWORD)
  console.log(`sign-in, median of ${runs}:`)
  console.log(`  Windows domain password (slapd, StartTLS): ${windows.toFixed(1)} ms`)
  console.log(`  local Deltica password (scrypt):           ${local.toFixed(1)} ms`)
} finally {
  await h.close()
  await ldap.stop()
}
