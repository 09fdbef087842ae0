// Fixtures for file tests: small but structurally real samples of every allowed type (a real ZIP
// with the OOXML entries for docx/xlsx, the OLE compound-file signature for doc/xls), executables,
// a multipart body builder, and an instrument inserted straight into the register's tables.
import { crc32 } from 'node:zlib'
import type { Sql } from '../runtime/db.ts'

/** A stored (uncompressed) ZIP archive of the given entries. */
function zipOf(entries: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content)
    const nameBuf = Buffer.from(name)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBuf.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBuf.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBuf, data)
    centrals.push(central, nameBuf)
    offset += 30 + nameBuf.length + data.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  const n = Object.keys(entries).length
  end.writeUInt16LE(n, 8)
  end.writeUInt16LE(n, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

const CT =
  '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'

export const SAMPLES = {
  pdf: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  doc: Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504, 1)]),
  xls: Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504, 2)]),
  docx: zipOf({ '[Content_Types].xml': CT, 'word/document.xml': '<w:document/>' }),
  xlsx: zipOf({ '[Content_Types].xml': CT, 'xl/workbook.xml': '<workbook/>' }),
  jpg: Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex'),
  png: Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    Buffer.from('0000000d49484452', 'hex'),
  ]),
  exe: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]),
  sh: Buffer.from('#!/bin/sh\nrm -rf /\n'),
  zip: zipOf({ 'readme.txt': 'just a zip' }),
}

export interface Part {
  name: string
  value?: string
  filename?: string
  content?: Buffer
  type?: string
}

/** A multipart/form-data body; file names are sent as raw UTF-8 like browsers do. */
export function multipart(parts: Part[]): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = '----deltica' + Math.random().toString(16).slice(2)
  const chunks: Buffer[] = []
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`
    if (p.filename !== undefined) {
      // as browsers encode names (HTML spec), or RFC 5987 when the name holds control characters
      head += /[\x00-\x09\x0b\x0c\x0e-\x1f]/.test(p.filename)
        ? `; filename*=UTF-8''${encodeURIComponent(p.filename)}`
        : `; filename="${p.filename.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`
      head += `\r\nContent-Type: ${p.type ?? 'application/octet-stream'}`
    }
    chunks.push(
      Buffer.from(head + '\r\n\r\n'),
      p.content ?? Buffer.from(p.value ?? ''),
      Buffer.from('\r\n'),
    )
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return {
    body: new Uint8Array(Buffer.concat(chunks)),
    contentType: `multipart/form-data; boundary=${boundary}`,
  }
}

/** An instrument with all its sections, inserted directly; returns its id. */
export async function insertEquipment(
  sql: Sql,
  e: {
    department?: string
    name?: string
    due_in_days?: number
    state?: string
    responsible_person?: string
  } = {},
): Promise<number> {
  return sql.begin(async (tx) => {
    const [{ id }] = await tx`
      insert into equipment (equipment_name, equipment_model, equipment_type, factory_number, inventory_number, equipment_year)
      values (${e.name ?? 'Манометр'}, 'МП-100', 'SI', 'F-1', 'I-1', 2020)
      returning id`
    // verification_due = date + 12 months − 1 day; pick the date so due = today + due_in_days
    const offset = e.due_in_days ?? 200
    await tx`
      insert into verification (equipment_id, verification_type, verification_interval, verification_date,
                                verification_plan, verification_state)
      values (${id}, 'verification', 12,
              (current_date + ${offset}::integer + 1 - interval '12 months')::date,
              date_trunc('month', current_date + ${offset}::integer)::date,
              ${e.state ?? 'state_work'})`
    await tx`
      insert into responsibility (equipment_id, department, responsible_person, verifier_org)
      values (${id}, ${e.department ?? 'gtl'}, ${e.responsible_person ?? 'Иванов И. И.'}, 'ТЦСМ')`
    await tx`
      insert into finance (equipment_id, budget_item, cost_rate, quantity)
      values (${id}, '11.03.02.01', 1500, 1)`
    return id as number
  })
}
