// Bytes a browser downloads: the JavaScript needed before the first paint (what index.html loads
// eagerly) and all of it, gzipped, from the built dist/.
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { test } from '@playwright/test'
import { record, round } from './results.ts'

const dist = path.resolve('dist')
const gz = (file: string) => gzipSync(fs.readFileSync(path.join(dist, file)), { level: 9 }).length

test('size: JavaScript before first paint and in total (gzipped)', () => {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8')
  const eager = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!)
  const all = fs.readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`)
  const sum = (files: string[]) => files.reduce((s, f) => s + gz(f), 0)
  const initial = sum(eager)
  const total = sum(all)
  record('Size (gzipped JavaScript)', [
    { label: `before first paint (${eager.join(', ')})`, value: round(initial / 1024, 1), unit: 'KB', target: '≤ 150 KB' },
    { label: `all chunks (${all.length} files)`, value: round(total / 1024, 1), unit: 'KB' },
  ])
  console.log({ eager, initial, total })
})
