// Renders bench/results.json as the table in BENCHMARKS.md.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { RESULTS_FILE, type Results } from './results.ts'

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'BENCHMARKS.md')
const results = JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8')) as Results

const lines = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (real Chromium pages, the real relay, loopback-only network namespace).',
  'Every comparison is with a baseline measured in the same run. Figures on a 2-core machine are noisy:',
  'compare ratios rather than absolute numbers across runs.',
  '',
  'Latency is taken at two paces, each with its own baselines: a post every 100 ms, where each post',
  'meets devices done with the one before (as in a conversation), and a post every 15 ms, where each',
  'post also competes with drawing and storing the ones before it, on the 2 cores both devices share.',
  'It is measured in several runs from scratch (a fresh pair of devices each); each pace shows its',
  'median run, and the ratio to bare gossipsub of every run.',
  '',
  `- Date: ${results.date}`,
  `- Machine: ${results.cpus} CPUs (${results.cpuModel})`,
  '',
]
for (const [section, figures] of Object.entries(results.sections)) {
  lines.push(`## ${section}`, '', '| figure | value | same-run baseline | target |', '| --- | --- | --- | --- |')
  for (const f of figures) {
    // No ratio against a zero baseline (an idle relay's CPU can round to 0).
    const ratio = f.baseline && f.baseline.value !== 0 ? ` (×${(f.value / f.baseline.value).toFixed(2)})` : ''
    const base = f.baseline ? `${f.baseline.label}: ${f.baseline.value} ${f.unit}${ratio}` : ''
    const samples = f.samples ? ` (n=${f.samples})` : ''
    lines.push(`| ${f.label}${samples} | ${f.value} ${f.unit} | ${base} | ${f.target ?? ''} |`)
  }
  lines.push('')
}
fs.writeFileSync(out, lines.join('\n'))
console.log(`wrote ${path.relative(process.cwd(), out)}`)
