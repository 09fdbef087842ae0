// The one Content-Disposition builder (RFC 6266 / 5987): an ASCII fallback name for old clients
// plus the exact UTF-8 name. Every download (stored files, documents, exports, backups,
// installers) names itself through it.

// Russian letters → Latin for the ASCII fallback name (ГОСТ 7.79-2000 system B, simplified)
const CYRILLIC = 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя'
// ъ and ь have no Latin letter ('-' here, dropped)
const LATIN = 'a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e iu ia'
  .split(' ')
  .map((l) => (l === '-' ? '' : l))
const TRANSLIT: Record<string, string> = {
  ...Object.fromEntries([...CYRILLIC].map((c, i) => [c, LATIN[i]])),
  '№': 'N',
  '«': "'",
  '»': "'",
  '—': '-',
  '–': '-',
}

/** The ASCII fallback of a file name: Russian transliterated, anything else '_'. */
function asciiFileName(name: string): string {
  const out = [...name]
    .map((ch) => {
      const lower = ch.toLowerCase()
      const latin = TRANSLIT[lower]
      if (latin === undefined) return ch
      return ch !== lower && latin ? latin[0].toUpperCase() + latin.slice(1) : latin
    })
    .join('')
  return (
    out
      .replace(/[^\x20-\x7e]/g, '_')
      .replace(/["\\%;]/g, '_')
      .trim() || 'file'
  )
}

/** `inline` (view) or `attachment` (save) under `name`. */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const fallback = asciiFileName(name)
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  )
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`
}
