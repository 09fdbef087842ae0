// Renders the logo (build/logo.svg) to PNGs and packs build/icon.ico with the sizes Windows and
// the NSIS installer use: 16, 32, 48, 64, 128, 256. Also writes build/icon.png (512) for Linux.
import { readFileSync, writeFileSync } from 'node:fs'
import { Resvg } from '@resvg/resvg-js'
import pngToIco from 'png-to-ico'

export const ICON_SIZES = [16, 32, 48, 64, 128, 256]
const svg = readFileSync(new URL('../build/logo.svg', import.meta.url))
const render = (size) => new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng()

const ico = await pngToIco(ICON_SIZES.map(render))
writeFileSync(new URL('../build/icon.ico', import.meta.url), ico)
writeFileSync(new URL('../build/icon.png', import.meta.url), render(512))
console.log(`build/icon.ico: ${ICON_SIZES.join(', ')} px, ${ico.length} bytes`)
