import { describe, expect, it } from 'vitest'
import { idFromQr, qrPayload } from './qr-payload.ts'

describe('the QR payload', () => {
  it('DLT:<id> round-trips; a bare number or other text is no payload', () => {
    expect(qrPayload(46)).toBe('DLT:46')
    expect(idFromQr('DLT:46')).toBe(46)
    expect(idFromQr(' dlt:46 ')).toBe(46)
    // a scanner typing with the Russian layout active
    expect(idFromQr('ВДЕЖ46')).toBe(46)
    for (const text of ['46', 'DLT:', 'DLT:0', 'DLT:4a', 'ИН-46', 'DLT:46 манометр'])
      expect(idFromQr(text), text).toBeNull()
  })
})
