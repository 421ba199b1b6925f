// Renders the app icons (PNG) from public/favicon.svg with headless Chromium. Run it by hand after
// changing the SVG and commit the PNGs; the build only copies them (no image pipeline in CI):
//
//   npx tsx scripts/render-icons.ts
//
// "any" icons keep the SVG's rounded corners on a transparent background; the maskable icon and
// the apple-touch icon fill the whole square (platforms cut their own shape) with the drawing
// shrunk into the maskable safe zone (the central circle of 80% diameter).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const publicDir = path.join(root, 'public')
const source = process.argv[2] ?? path.join(publicDir, 'favicon.svg')
const outDir = process.argv[3] ?? publicDir
const BACKGROUND = '#1f6f5c'

interface Icon {
  file: string
  size: number
  /** Fill the square with the background and scale the drawing by this factor. */
  fullBleed?: number
}

const icons: Icon[] = [
  { file: 'pwa-64x64.png', size: 64 },
  { file: 'pwa-192x192.png', size: 192 },
  { file: 'pwa-512x512.png', size: 512 },
  { file: 'maskable-icon-512x512.png', size: 512, fullBleed: 0.8 },
  { file: 'apple-touch-icon-180x180.png', size: 180, fullBleed: 0.9 },
]

function page(svg: string, icon: Icon): string {
  const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
  const scale = icon.fullBleed ?? 1
  const inner = Math.round(icon.size * scale)
  const offset = Math.round((icon.size - inner) / 2)
  return `<!doctype html><html><body style="margin:0;background:transparent">
<div style="width:${icon.size}px;height:${icon.size}px;position:relative;background:${icon.fullBleed ? BACKGROUND : 'transparent'}">
<img src="${src}" width="${inner}" height="${inner}" style="position:absolute;left:${offset}px;top:${offset}px">
</div></body></html>`
}

async function main(): Promise<void> {
  const svg = fs.readFileSync(source, 'utf8')
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
  try {
    for (const icon of icons) {
      const p = await browser.newPage({ viewport: { width: icon.size, height: icon.size }, deviceScaleFactor: 1 })
      await p.setContent(page(svg, icon))
      await p.locator('img').evaluate((img: HTMLImageElement) => img.decode())
      const file = path.join(outDir, icon.file)
      await p.screenshot({ path: file, omitBackground: !icon.fullBleed, clip: { x: 0, y: 0, width: icon.size, height: icon.size } })
      await p.close()
      console.log(`${path.relative(root, file)} (${icon.size}×${icon.size})`)
    }
  } finally {
    await browser.close()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
