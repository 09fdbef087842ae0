// The document kinds (docs/documents.md) as both sides name them: the menu's title, the API's
// summary, who may print it and whether it needs a selection; the status labels' texts. The server
// adds how each is built (domain/documents/kinds.ts); the client's «Документы» menu lists these.

export const STATUS_LABEL_TEXTS = {
  storage: 'НА КОНСЕРВАЦИИ',
  repair: 'НЕ ИСПОЛЬЗОВАТЬ / В РЕМОНТЕ',
  forbidden: 'ЭКСПЛУАТАЦИЯ ЗАПРЕЩЕНА',
} as const

export type StatusLabel = keyof typeof STATUS_LABEL_TEXTS

interface KindInfo {
  /** the menu item */
  title: string
  /** the API's description */
  summary: string
  access: 'user' | 'admin'
  /** printable with nothing selected (a blank form, a year's schedule) */
  withoutSelection?: boolean
}

export const DOCUMENT_KIND_INFO = {
  labels: { title: 'Этикетки', summary: 'Этикетки с QR-кодом', access: 'user' },
  'status-labels': {
    title: 'Статусная этикетка',
    summary: 'Статусные этикетки (консервация, ремонт, запрет эксплуатации)',
    access: 'user',
  },
  'conservation-act': { title: 'Акт консервации', summary: 'Акт консервации', access: 'user' },
  'bid-verification': { title: 'Заявка на поверку', summary: 'Заявка на поверку', access: 'admin' },
  'bid-calibration': {
    title: 'Заявка на калибровку',
    summary: 'Заявка на калибровку',
    access: 'admin',
  },
  request: { title: 'Предписание', summary: 'Предписание о сдаче на поверку', access: 'admin' },
  'commissioning-act': {
    title: 'Акт ввода в эксплуатацию',
    summary: 'Акт ввода в эксплуатацию (без выбора — пустой бланк)',
    access: 'admin',
    withoutSelection: true,
  },
  schedule: {
    title: 'График поверки',
    summary: 'График поверки',
    access: 'admin',
    withoutSelection: true,
  },
} as const satisfies Record<string, KindInfo>

export type DocumentKindName = keyof typeof DOCUMENT_KIND_INFO

interface MenuItem {
  kind: DocumentKindName
  label: string
  admin: boolean
  needsSelection: boolean
  /** the request's extra body (which status label) */
  extra?: Record<string, string>
}

/** The «Документы» menu: one item per kind, one per status label. */
export const DOCUMENT_MENU: readonly MenuItem[] = (
  Object.entries(DOCUMENT_KIND_INFO) as [DocumentKindName, KindInfo][]
).flatMap(([kind, info]): MenuItem[] =>
  kind === 'status-labels'
    ? (Object.entries(STATUS_LABEL_TEXTS) as [StatusLabel, string][]).map(([label, text]) => ({
        kind,
        label: `Этикетка «${text}»`,
        admin: info.access === 'admin',
        needsSelection: !info.withoutSelection,
        extra: { label },
      }))
    : [
        {
          kind,
          label: info.title,
          admin: info.access === 'admin',
          needsSelection: !info.withoutSelection,
        },
      ],
)
