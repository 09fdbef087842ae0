// The label sheet's geometry, shared by the PDF and DOCX renderers and by tests: A4 portrait,
// 2 × 5 labels of 95 × 55 mm, centred, so cut lines are the grid lines and labels never overlap.
export const LABEL_GRID = {
  pageWidthMm: 210,
  pageHeightMm: 297,
  columns: 2,
  rows: 5,
  widthMm: 95,
  heightMm: 55,
} as const

export const LABELS_PER_PAGE = LABEL_GRID.columns * LABEL_GRID.rows
export const MARGIN_X_MM = (LABEL_GRID.pageWidthMm - LABEL_GRID.columns * LABEL_GRID.widthMm) / 2
export const MARGIN_Y_MM = (LABEL_GRID.pageHeightMm - LABEL_GRID.rows * LABEL_GRID.heightMm) / 2

export interface LabelBox {
  page: number
  /** millimetres from the page's top-left corner */
  left: number
  top: number
  width: number
  height: number
}

/** Where label `index` (0-based) sits: page and box, top-left origin, in millimetres. */
export function labelBox(index: number): LabelBox {
  const page = Math.floor(index / LABELS_PER_PAGE)
  const slot = index % LABELS_PER_PAGE
  const row = Math.floor(slot / LABEL_GRID.columns)
  const column = slot % LABEL_GRID.columns
  return {
    page,
    left: MARGIN_X_MM + column * LABEL_GRID.widthMm,
    top: MARGIN_Y_MM + row * LABEL_GRID.heightMm,
    width: LABEL_GRID.widthMm,
    height: LABEL_GRID.heightMm,
  }
}

export const labelPages = (count: number) => Math.ceil(count / LABELS_PER_PAGE)
