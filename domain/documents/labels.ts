// Этикетка : name + model, Зав. №, Инв. №, «срок поверки с … по …», department and a QR
// code with the instrument's payload «DLT:<id>» (domain/shared/qr-payload.ts), one cell per
// instrument on the label sheet.
import { formatDate } from '../shared/labels.ts'
import { qrPayload } from '../shared/qr-payload.ts'
import type { DocumentRow, LabelSheet } from './model.ts'
import { nameAndModel, verificationGenitive } from './parts.ts'
import { DOCUMENT_KIND_INFO } from '../shared/document-kinds.ts'

export function verificationLabels(rows: DocumentRow[]): LabelSheet {
  return {
    title: DOCUMENT_KIND_INFO.labels.title,
    cells: rows.map((r) => ({
      qr: qrPayload(r.id),
      lines: [
        { text: nameAndModel(r), size: 10, bold: true },
        { text: `Зав. № ${r.factory_number}`, size: 9 },
        { text: `Инв. № ${r.inventory_number}`, size: 9 },
        {
          text: `Срок ${verificationGenitive(r.verification_type)}\nс ${formatDate(r.verification_date)} по ${formatDate(r.verification_due)}`,
          size: 9,
        },
        { text: `Подразделение: ${r.department_label}`, size: 9 },
        { text: `ID ${r.id}`, size: 7, color: '#595959' },
      ],
    })),
  }
}
