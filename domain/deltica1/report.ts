// The migration's report: counts per category, every value changed and why, every problem — in
// Russian, the same text printed and saved in DATA_DIR, for the dry run and the real run alike.

/** How many 1.x rows of a category were found, come over, and stay behind. */
export interface CategoryCount {
  label: string
  found: number
  imported: number
}

const COUNTERS = {
  planDays: 'Плановая дата: день отброшен (остаётся месяц)',
  archivedByState: 'Строки реестра в состоянии «В архиве» перенесены в архив',
  legacyTotals:
    'Итоговая стоимость, набранная вручную и отличная от расчёта, сохранена как «в Deltica 1.x»',
  emptyReasons: `Архив: пустая причина заменена на «не указана»`,
  archiveNewIds: 'Архив: повторяющийся исходный ID — выдан новый',
  bcryptUsers: 'Пользователи с паролем bcrypt (будет заменён при первом входе)',
  windowsOnlyUsers: 'Пользователи только с учётной записью Windows (без локального пароля)',
  filesCopied: 'Файлы: скопированы',
} as const
export type Counter = keyof typeof COUNTERS

export class Report {
  readonly categories: CategoryCount[] = []
  readonly counters = new Map<Counter, number>()
  readonly statusChanges = new Map<string, number>()
  readonly changes: string[] = []
  readonly flags: string[] = []
  readonly problems: string[] = []
  /** problems that stop the real run */
  readonly blocking: string[] = []

  count(counter: Counter, n = 1) {
    this.counters.set(counter, (this.counters.get(counter) ?? 0) + n)
  }
  category(label: string, found: number, imported: number) {
    this.categories.push({ label, found, imported })
  }
  statusChange(transition: string) {
    this.statusChanges.set(transition, (this.statusChanges.get(transition) ?? 0) + 1)
  }
  change(line: string) {
    this.changes.push(line)
  }
  flag(line: string) {
    this.flags.push(line)
  }
  problem(line: string) {
    this.problems.push(line)
  }
  block(line: string) {
    this.blocking.push(line)
  }

  toJSON() {
    return {
      categories: this.categories,
      counters: Object.fromEntries(this.counters),
      status_changes: Object.fromEntries(this.statusChanges),
      changes: this.changes.length,
      flags: this.flags,
      problems: this.problems,
      blocking: this.blocking,
    }
  }

  /** The full text; `limit` caps each list (the saved file has them whole). */
  render(head: string[], limit = Infinity): string {
    const n = (v: number) => v.toLocaleString('ru-RU')
    const out = [...head, '']
    out.push('Категории (найдено в Deltica 1.x → переносится / не переносится):')
    for (const c of this.categories) {
      out.push(`  ${c.label}: ${n(c.found)} → ${n(c.imported)} / ${n(c.found - c.imported)}`)
    }
    out.push('')
    const statusTotal = [...this.statusChanges.values()].reduce((a, b) => a + b, 0)
    out.push(
      `Статусы пересчитаны по сегодняшней дате: изменятся у ${n(statusTotal)} ` +
        '(Deltica 1.x обновляла статус только при записи строки, у неизменённых строк он устарел)',
    )
    for (const [t, v] of [...this.statusChanges].sort((a, b) => b[1] - a[1])) {
      out.push(`  ${t}: ${n(v)}`)
    }
    for (const [c, label] of Object.entries(COUNTERS) as [Counter, string][]) {
      const v = this.counters.get(c)
      if (v) out.push(`${label}: ${n(v)}`)
    }
    const list = (title: string, lines: string[]) => {
      out.push('', `${title}: ${n(lines.length)}`)
      for (const line of lines.slice(0, limit)) out.push(`  ${line}`)
      if (lines.length > limit)
        out.push(`  … ещё ${n(lines.length - limit)} — полностью в файле отчёта`)
    }
    list('Препятствия (перенос не выполняется, пока они есть)', this.blocking)
    list('Проблемы (эти записи или значения не переносятся)', this.problems)
    list('Отмечено для проверки', this.flags)
    list('Изменённые значения', this.changes)
    return out.join('\n') + '\n'
  }
}
