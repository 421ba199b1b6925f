import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json')

export interface Figure {
  /** What was measured, in words a reader of BENCHMARKS.md understands. */
  label: string
  value: number
  unit: string
  /** The same-run baseline it is compared with, if any. */
  baseline?: { label: string; value: number }
  target?: string
  /** How many samples the figure summarises. */
  samples?: number
}

export interface Results {
  date: string
  cpus: number
  cpuModel: string
  sections: Record<string, Figure[]>
}

export function median(xs: number[]): number {
  return percentile(xs, 50)
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN
  const sorted = [...xs].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** Adds or replaces one section of bench/results.json (each bench file owns its sections). */
export function record(section: string, figures: Figure[]): void {
  let results: Results
  try {
    results = JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8')) as Results
  } catch {
    results = { date: '', cpus: 0, cpuModel: '', sections: {} }
  }
  results.date = new Date().toISOString()
  results.cpus = os.cpus().length
  results.cpuModel = os.cpus()[0]?.model ?? 'unknown'
  results.sections[section] = figures
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n')
}
