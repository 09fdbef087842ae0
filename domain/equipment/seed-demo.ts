// Synthetic but realistic register data: the shape of a real branch's register —
// types, verification kinds, intervals, states, uneven departments, verifiers, budget items —
// with invented names, dates spread so that every status occurs. Deterministic for a seed.
// Bulk inserts of a few thousand rows per statement: 100,000 instruments in seconds.
import { processTimeZone, today as todayIn } from '../../runtime/clock.ts'
import type { Sql } from '../../runtime/db.ts'

/** mulberry32: a small deterministic PRNG */
function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Weighted<T> = readonly (readonly [T, number])[]

function weighted<T>(rand: () => number, table: Weighted<T>): T {
  const total = table.reduce((s, [, w]) => s + w, 0)
  let x = rand() * total
  for (const [value, w] of table) {
    x -= w
    if (x < 0) return value
  }
  return table[table.length - 1][0]
}

const pickOne = <T>(rand: () => number, list: readonly T[]): T =>
  list[Math.floor(rand() * list.length)]

// the commonest names first, heavier; the tail makes ~170 distinct names with the variants
const NAMES: Weighted<string> = [
  ['Манометр', 14],
  ['Сито лабораторное', 8],
  ['Индикатор часового типа', 6],
  ['Термометр', 6],
  ['Электрод', 5],
  ['Датчик температуры', 5],
  ['Ареометр', 4],
  ['Весы лабораторные', 4],
  ['Термогигрометр', 3],
  ['GNSS-приёмник', 3],
  ['Штангенциркуль', 3],
  ['Микрометр', 2],
  ['Мановакуумметр', 2],
  ['Барометр-анероид', 1],
  ['Секундомер', 1],
  ['Рулетка измерительная', 2],
  ['Линейка измерительная', 1],
  ['Гигрометр психрометрический', 1],
  ['pH-метр', 1],
  ['Кондуктометр', 1],
  ['Спектрофотометр', 1],
  ['Хроматограф газовый', 1],
  ['Анализатор влажности', 1],
  ['Вискозиметр', 1],
  ['Плотномер', 1],
  ['Пресс испытательный', 1],
  ['Шкаф сушильный', 1],
  ['Печь муфельная', 1],
  ['Баня водяная', 1],
  ['Термостат жидкостный', 1],
  ['Колба мерная', 1],
  ['Пипетка градуированная', 1],
  ['Бюретка', 1],
  ['Цилиндр мерный', 1],
  ['Мультиметр цифровой', 1],
  ['Мегаомметр', 1],
  ['Клещи токоизмерительные', 1],
  ['Газоанализатор', 1],
  ['Тахеометр электронный', 1],
  ['Нивелир', 1],
  ['Теодолит', 1],
  ['Дальномер лазерный', 1],
  ['Толщиномер ультразвуковой', 1],
  ['Твердомер', 1],
  ['Дозатор пипеточный', 1],
  ['Калибратор давления', 1],
  ['Прибор вакуумного фильтрования', 1],
  ['Аппарат для определения температуры вспышки', 1],
]
const NAME_VARIANTS = ['', '', '', '', ' показывающий', ' цифровой', ' технический', ' образцовый']

const MODEL_PREFIXES = [
  'МП',
  'ТЛ',
  'ВЛ',
  'ИЧ',
  'ДТ',
  'АОН',
  'ТКА',
  'ШЦ',
  'МК',
  'ЭСК',
  'ВЛТЭ',
  'GX',
  'TR',
  'HI',
  'ЛТ',
]
const SPECS: Weighted<string | null> = [
  ['КТ 1', 20],
  ['КТ 1,5', 20],
  ['КТ 0,5', 8],
  ['КТ 2,5', 5],
  ['-', 25],
  ['±0,1 °C', 5],
  ['±0,01 мм', 5],
  [null, 12],
]
const VERIFICATION_TYPES: Weighted<string> = [
  ['verification', 75],
  ['calibration', 16],
  ['certification', 9],
]
const INTERVALS: Weighted<number> = [
  [12, 56],
  [24, 22],
  [36, 14],
  [48, 4],
  [60, 3],
  [120, 1],
]
const STATES: Weighted<string> = [
  ['state_work', 74],
  ['state_storage', 23.5],
  ['state_verification', 2],
  ['state_repair', 0.5],
]
const DEPARTMENT_WEIGHTS: Weighted<string> = [
  ['gtl', 28],
  ['lhaiei', 18],
  ['lbr', 15],
  ['ltr', 13],
  ['es', 6],
  ['ogmk', 5],
  ['to', 4],
  ['ts', 3],
  ['oii', 3],
  ['soii', 2],
  ['smtsik', 1.5],
  ['ooops', 1],
  ['gruppa_sm', 0.5],
]
const VERIFIERS: Weighted<string> = [
  ['ТЦСМ', 80],
  ['ТЦСМ выезд', 6],
  ['ГПП', 4],
  ['ГЕОТЕК', 3],
  ['УРАЛТЕСТ', 3],
  ['ВНИИФТРИ', 2],
  ['ВНИИМ', 2],
]
const BUDGET_ITEMS: Weighted<string> = [
  ['11.03.02.01', 80],
  ['11.03.02.04', 12],
  ['11.03.02.05', 8],
]
// invented people: surname + initials, combined at random
const SURNAMES = [
  'Абрамов',
  'Белоусов',
  'Ветров',
  'Гордеев',
  'Дроздов',
  'Ерохин',
  'Жданов',
  'Зимин',
  'Ильин',
  'Клёнов',
  'Лужин',
  'Миронов',
  'Небольсин',
  'Оленев',
  'Прохоров',
  'Рябинин',
  'Сизов',
  'Тарасов',
  'Уткин',
  'Фомичёв',
  'Хлебников',
  'Цветков',
  'Чернов',
  'Шубин',
  'Щеглов',
  'Юдин',
  'Ястребов',
]
const INITIALS = 'АБВГДЕИКЛМНОПРСТ'

export interface SeedOptions {
  count: number
  seed?: number
  /** rows per statement */
  batch?: number
  /** 'YYYY-MM-DD', default today in the branch's time zone */
  today?: string
}

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** Builds `count` instruments in memory (plain objects), deterministic for the seed. */
function demoRows(opts: SeedOptions) {
  const rand = prng(opts.seed ?? 42)
  const today = Date.parse(`${opts.today ?? todayIn(processTimeZone())}T00:00:00Z`)
  const year = new Date(today).getUTCFullYear()
  const rows = []
  for (let i = 0; i < opts.count; i++) {
    const base = weighted(rand, NAMES)
    const name = base + (rand() < 0.35 ? pickOne(rand, NAME_VARIANTS) : '')
    const interval = weighted(rand, INTERVALS)
    // due = date + interval − 1 day; spreading the date over [interval + 40 days] ago gives
    // roughly 10 % expired, a few % expiring, the rest fit (for instruments in work)
    const ageDays = Math.floor(rand() * (interval * 30.44 + 40))
    const surname = pickOne(rand, SURNAMES)
    const person = `${surname} ${pickOne(rand, [...INITIALS])}. ${pickOne(rand, [...INITIALS])}.`
    const regRoll = rand()
    const costRate = Math.round((300 + rand() * 14_700) * 100) / 100
    rows.push({
      equipment_name: name,
      equipment_model: `${pickOne(rand, MODEL_PREFIXES)}-${Math.floor(rand() * 900) + 10}`,
      equipment_type: rand() < 0.9 ? 'SI' : 'IO',
      equipment_specs: weighted(rand, SPECS),
      // duplicates and '-' exist in practice
      factory_number: rand() < 0.03 ? '-' : String(Math.floor(rand() * (opts.count * 20 + 1000))),
      inventory_number:
        rand() < 0.02 ? '-' : String(Math.floor(rand() * (opts.count * 5 + 1000))).padStart(8, '0'),
      equipment_year: Math.min(year, 1975 + Math.floor(rand() * 51)),
      verification_type: weighted(rand, VERIFICATION_TYPES),
      registry_number:
        regRoll < 0.2
          ? null
          : regRoll < 0.33
            ? '-'
            : `${Math.floor(rand() * 90_000) + 10_000}-${String(Math.floor(rand() * 25)).padStart(2, '0')}`,
      verification_interval: interval,
      verification_date: iso(today - ageDays * DAY),
      verification_state: weighted(rand, STATES),
      certificate_number: rand() < 0.7 ? `С-${Math.floor(rand() * 1e6)}/${year % 100}` : null,
      department: weighted(rand, DEPARTMENT_WEIGHTS),
      responsible_person: person,
      verifier_org: weighted(rand, VERIFIERS),
      budget_item: weighted(rand, BUDGET_ITEMS),
      code_rate: `${String(year % 100)}ПВ${String(Math.floor(rand() * 9000) + 1000).padStart(4, '0')}`,
      cost_rate: costRate,
      quantity: rand() < 0.92 ? 1 : Math.floor(rand() * 10) + 2,
      coefficient: rand() < 0.9 ? 1 : 1.5,
      paid_amount: rand() < 0.5 ? costRate : null,
    })
  }
  return rows
}

/** Inserts `count` synthetic instruments; returns their ids. */
export async function seedDemo(sql: Sql, opts: SeedOptions): Promise<number[]> {
  const batch = opts.batch ?? 5000
  const rows = demoRows(opts)
  const allIds: number[] = []
  for (let start = 0; start < rows.length; start += batch) {
    const chunk = rows.slice(start, start + batch)
    await sql.begin(async (tx) => {
      const ids = await tx`
        select nextval(pg_get_serial_sequence('equipment', 'id'))::bigint as id
        from generate_series(1, ${chunk.length})`
      const data = chunk.map((r, i) => ({ id: ids[i].id as number, ...r }))
      allIds.push(...data.map((d) => d.id))
      const json = tx.json(data as any)
      // the grid keys (migrations/00013) are written with the row, so the sections' triggers
      // find nothing to copy: one write per instrument
      await tx`
        insert into equipment (
          id, equipment_name, equipment_model, equipment_type, equipment_specs, factory_number,
          inventory_number, equipment_year, k_verification_type, k_registry_number,
          k_verification_interval, k_verification_date, k_verification_due, k_verification_plan,
          k_verification_state, k_certificate_number, k_department, k_responsible_person,
          k_verifier_org, k_department_label, k_budget_item, k_code_rate, k_cost_rate, k_quantity,
          k_coefficient, k_total_cost, k_paid_amount
        )
        select id, equipment_name, equipment_model, equipment_type, equipment_specs,
               factory_number, inventory_number, equipment_year, verification_type,
               registry_number, verification_interval, verification_date,
               verification_due(verification_date, verification_interval),
               date_trunc('month', verification_due(verification_date, verification_interval))::date,
               verification_state, certificate_number, department, responsible_person,
               verifier_org, (select d.label from departments d where d.code = t.department),
               budget_item, code_rate, cost_rate, quantity, coefficient,
               round(cost_rate * quantity * coefficient, 2), paid_amount
        from jsonb_to_recordset(${json}) as t(
          id bigint, equipment_name text, equipment_model text, equipment_type text,
          equipment_specs text, factory_number text, inventory_number text, equipment_year integer,
          verification_type text, registry_number text, verification_interval integer,
          verification_date date, verification_state text, certificate_number text,
          department text, responsible_person text, verifier_org text, budget_item text,
          code_rate text, cost_rate numeric, quantity integer, coefficient numeric,
          paid_amount numeric
        )`
      await tx`
        insert into verification (
          equipment_id, verification_type, registry_number, verification_interval,
          verification_date, verification_plan, verification_state, certificate_number
        )
        select id, verification_type, registry_number, verification_interval, verification_date,
               date_trunc('month', verification_due(verification_date, verification_interval))::date,
               verification_state, certificate_number
        from jsonb_to_recordset(${json}) as t(
          id bigint, verification_type text, registry_number text, verification_interval integer,
          verification_date date, verification_state text, certificate_number text
        )`
      await tx`
        insert into responsibility (equipment_id, department, responsible_person, verifier_org)
        select id, department, responsible_person, verifier_org
        from jsonb_to_recordset(${json}) as t(
          id bigint, department text, responsible_person text, verifier_org text
        )`
      await tx`
        insert into finance (equipment_id, budget_item, code_rate, cost_rate, quantity, coefficient, paid_amount)
        select id, budget_item, code_rate, cost_rate, quantity, coefficient, paid_amount
        from jsonb_to_recordset(${json}) as t(
          id bigint, budget_item text, code_rate text, cost_rate numeric, quantity integer,
          coefficient numeric, paid_amount numeric
        )`
    })
  }
  await sql`analyze equipment`
  await sql`analyze verification`
  await sql`analyze responsibility`
  await sql`analyze finance`
  return allIds
}
