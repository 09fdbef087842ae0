// The categories of an instrument's files: codes and their Russian section titles, in the order
// the card shows them. Read by the upload API's validation, the Deltica 1.x import and the card.

export const FILE_CATEGORY_LABELS = {
  verification_docs: 'Документы по поверке/калибровке/аттестации',
  general_docs: 'Общие документы',
} as const

export type FileCategory = keyof typeof FILE_CATEGORY_LABELS

export const FILE_CATEGORIES = Object.keys(FILE_CATEGORY_LABELS) as [
  FileCategory,
  ...FileCategory[],
]
