// The full record read in one statement answers exactly what the three reads it replaced did:
// the same keys in the same order, timestamps as a Date serialises them, dates, numerics and ids
// as before, finance hidden from a laborant — in the function and over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness, type Harness } from '../../test/app.ts'
import { equipmentFixture, insertEquipment } from '../../test/equipment-fixtures.ts'
import type { User } from '../../runtime/endpoint.ts'
import { visibleRecord } from './fields.ts'
import { listEquipmentFiles } from './files.ts'
import { archivedRecord, findEquipment, fullRecord, verificationHistory } from './record.ts'

let h: Harness
let id: number
let bare: number
const users: Record<'admin' | 'laborant', User> = {} as never

/** the record as the three separate reads built it */
async function threeReads(user: User, equipmentId: number) {
  const row = await findEquipment(h.sql, user, equipmentId)
  if (!row) throw new Error('not found')
  const history = await verificationHistory(h.sql, equipmentId)
  const { updated_at: _a, updated_by: _b, ...item } = row
  return {
    ...visibleRecord(item, user),
    history: history.map((x) => visibleRecord(x, user)),
    files: await listEquipmentFiles(h.sql, equipmentId),
  }
}

beforeAll(async () => {
  h = await harness()
  for (const [role, department] of [
    ['admin', null],
    ['laborant', 'gtl'],
  ] as const) {
    const uid = await h.makeUser({ username: `r.${role}`, role, department, full_name: '' })
    const [u] = await h.sql<User[]>`
      select id, username, full_name, department, role, token_version from users where id = ${uid}`
    users[role] = u
  }
  ;[id, bare] = await insertEquipment(h.sql, [equipmentFixture(1), equipmentFixture(2)])
  await h.sql`
    update finance set cost_rate = 12345.5, quantity = 3, coefficient = 1.2345, paid_amount = 100.1,
      payment_date = '2025-01-31'
    where equipment_id = ${id}`
  // microseconds in every timestamp: the answer keeps milliseconds, truncated like a Date
  await h.sql`
    insert into verification_history (equipment_id, verification_type, registry_number,
      verification_interval, verification_date, verification_due, verification_plan,
      verification_result, certificate_number, verifier_org, verification_cost, recorded_at,
      recorded_by)
    values
      (${id}, 'verification', '12345-67', 12, '2024-02-29', '2025-02-28', null, 'годен', 'С-1',
       'ФБУ «Тест»', 1500.50, '2025-03-01 10:11:12.345999+03', ${users.admin.id}),
      (${id}, 'calibration', null, 24, '2022-01-10', '2024-01-09', '2023-12-01', null, null, null,
       null, '2022-01-10 00:00:00.000001+00', null),
      (${id}, 'verification', null, 12, '2022-01-10', '2023-01-09', null, null, null, null,
       99999999999.99, '2023-06-15 23:59:59.999999+05', ${users.laborant.id})`
  await h.sql`
    insert into equipment_file (equipment_id, category, original_name, storage_name, size, sha256,
      mime, pinned, position, uploaded_at, uploaded_by)
    values
      (${id}, 'verification_docs', 'Свидетельство.pdf', ${crypto.randomUUID() + '.pdf'}, 1048576,
       ${'a'.repeat(64)}, 'application/pdf', true, 2, '2025-03-01 10:11:12.5+03', ${users.admin.id}),
      (${id}, 'general_docs', 'Паспорт.docx', ${crypto.randomUUID() + '.docx'}, 7,
       ${'b'.repeat(64)}, 'application/octet-stream', false, 1, '2024-12-31 23:59:59.999999+00',
       null)`
})
afterAll(() => h?.close())

describe('the full record in one statement', () => {
  for (const role of ['admin', 'laborant'] as const) {
    it(`${role}: the same JSON as the three reads, key order included`, async () => {
      const user = users[role]
      for (const equipmentId of [id, bare]) {
        const expected = JSON.stringify(await threeReads(user, equipmentId))
        expect(JSON.stringify(await fullRecord(h.sql, user, equipmentId))).toBe(expected)
      }
      const one = JSON.parse(JSON.stringify(await fullRecord(h.sql, user, id)))
      expect(one.history).toHaveLength(3)
      expect(one.files.map((f: any) => f.original_name)).toEqual([
        'Паспорт.docx',
        'Свидетельство.pdf',
      ])
      expect(one.history[0].recorded_at).toBe('2025-03-01T07:11:12.345Z')
      expect(one.files[0].uploaded_at).toBe('2024-12-31T23:59:59.999Z')
      if (role === 'laborant') expect(one.history[0]).not.toHaveProperty('verification_cost')
      else expect(one.history[0].verification_cost).toBe(1500.5)
    })
  }

  it('over HTTP: GET /api/equipment/:id answers the same body', async () => {
    const token = await h.login('r.laborant')
    const res = await h.call('GET', `/api/equipment/${id}`, { token })
    expect(res.status).toBe(200)
    expect(JSON.stringify(await res.json())).toBe(
      JSON.stringify(await threeReads(users.laborant, id)),
    )
  })

  it('another department or an unknown id: 404', async () => {
    const [other] = await insertEquipment(h.sql, [equipmentFixture(3, { department: 'ltr' })])
    await expect(fullRecord(h.sql, users.laborant, other)).rejects.toMatchObject({ status: 404 })
    await expect(fullRecord(h.sql, users.admin, 987654)).rejects.toMatchObject({ status: 404 })
  })
})

describe('the archived record in the same statement', () => {
  /** the record as the archive's own three reads built it, less the row's search columns */
  async function archiveThreeReads(user: User, equipmentId: number) {
    const [row] = await h.sql<Record<string, unknown>[]>`
      select e.*, d.label as department_label,
             coalesce(nullif(u.full_name, ''), u.username) as archived_by_name
      from equipment_full e
      left join departments d on d.code = e.department
      left join users u on u.id = e.archived_by
      where e.id = ${equipmentId} and e.archived_at is not null`
    const { search_text: _t, search_finance: _f, ...item } = row
    const history = await verificationHistory(h.sql, equipmentId)
    return {
      ...visibleRecord(item, user),
      history: history.map((x) => visibleRecord(x, user)),
      files: await listEquipmentFiles(h.sql, equipmentId),
    }
  }
  const sorted = (o: Record<string, unknown>) =>
    JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))))

  it('the same values as the three reads; no search text, so no finance for a laborant', async () => {
    const [gone] = await insertEquipment(h.sql, [equipmentFixture(4)])
    await h.sql`
      update equipment
      set archived_at = now(), archive_reason = 'Списан', archived_by = ${users.admin.id}
      where id in ${h.sql([id, gone])}`
    try {
      for (const role of ['admin', 'laborant'] as const) {
        for (const equipmentId of [id, gone]) {
          const one = JSON.parse(
            JSON.stringify(await archivedRecord(h.sql, users[role], equipmentId)),
          )
          expect(sorted(one)).toBe(
            sorted(JSON.parse(JSON.stringify(await archiveThreeReads(users[role], equipmentId)))),
          )
          expect(one).toMatchObject({ archive_reason: 'Списан', archived_by_name: 'r.admin' })
          expect(one).not.toHaveProperty('search_text')
          expect(one).not.toHaveProperty('search_finance')
          if (role === 'laborant') expect(JSON.stringify(one)).not.toContain('12345.5')
        }
      }
      expect((await archivedRecord(h.sql, users.admin, id)).history).toHaveLength(3)
      // an archived instrument is not in the register, an active one not in the archive
      await expect(fullRecord(h.sql, users.admin, id)).rejects.toMatchObject({ status: 404 })
      await expect(archivedRecord(h.sql, users.admin, bare)).rejects.toMatchObject({
        status: 404,
      })
    } finally {
      await h.sql`
        update equipment set archived_at = null, archive_reason = null, archived_by = null
        where id in ${h.sql([id, gone])}`
    }
  })
})
