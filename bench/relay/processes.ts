// Child processes of relay.bench.ts (the relay and the load workers): spawning, IPC requests with
// timeouts, reading a process's memory and CPU time from /proc, and stopping everything by pid.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Reply } from './ipc.ts'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  } catch {
    return 100
  }
})()

export interface ProcSample {
  /** performance.now() of the reading. */
  at: number
  /** VmRSS and its parts (kB). */
  rssKB: number
  anonKB: number
  fileKB: number
  /** utime + stime of all threads, seconds. */
  cpuSeconds: number
  fds: number
  threads: number
}

export function sampleProc(pid: number): ProcSample {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const field = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN)
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after "(comm)": state is field 3, utime field 14, stime field 15 (proc(5)).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return {
    at: performance.now(),
    rssKB: field('VmRSS'),
    anonKB: field('RssAnon'),
    fileKB: field('RssFile'),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLK_TCK,
    fds: fs.readdirSync(`/proc/${pid}/fd`).length,
    threads: field('Threads'),
  }
}

/**
 * A Node child running TypeScript through tsx with the Promise.withResolvers polyfill. `imports`
 * are preloaded after tsx (so they may be TypeScript); `nodeArgs` go before everything.
 */
export function spawnNode(
  script: string,
  args: string[],
  options: { nodeArgs?: string[]; imports?: string[]; env?: Record<string, string> } = {},
): ChildProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...options.env }
  // Whatever loader the test runner put in NODE_OPTIONS is not for these processes.
  delete childEnv.NODE_OPTIONS
  return spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--disable-warning=ExperimentalWarning',
      '--import', './scripts/polyfill.mjs',
      '--import', 'tsx',
      ...(options.imports ?? []).flatMap((m) => ['--import', m]),
      script,
      ...args,
    ],
    { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  )
}

/** Requests over a child's IPC channel, each answered by a Reply with the same id. */
export class Rpc {
  private nextId = 0
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>()
  /** Resolves with the child's unsolicited id -1 message ("ready"). */
  readonly ready: Promise<void>

  constructor(readonly child: ChildProcess, readonly name: string) {
    let ready!: () => void
    this.ready = new Promise((resolve) => (ready = resolve))
    child.on('message', (msg: Reply) => {
      if (msg.id === -1) {
        ready()
        return
      }
      const p = this.pending.get(msg.id)
      if (p == null) return
      this.pending.delete(msg.id)
      clearTimeout(p.timer)
      if (msg.ok) p.resolve(msg.result)
      else p.reject(new Error(`${name}: ${msg.error}`))
    })
    child.on('exit', (code, signal) => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer)
        p.reject(new Error(`${name} exited (${code ?? signal}) before answering`))
      }
      this.pending.clear()
    })
  }

  call<T>(req: Record<string, unknown>, timeoutMs: number): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`${this.name}: no answer to ${String(req.cmd)} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer })
      this.child.send({ ...req, id })
    })
  }
}

/** Waits for a child to exit; SIGTERM first, SIGKILL after graceMs. Only ever signals this child's pid. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode != null || child.signalCode != null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

/** Calls onLine for every complete line the stream prints. */
export function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let buffered = ''
  stream?.setEncoding('utf8')
  stream?.on('data', (chunk: string) => {
    buffered += chunk
    let nl
    while ((nl = buffered.indexOf('\n')) !== -1) {
      onLine(buffered.slice(0, nl))
      buffered = buffered.slice(nl + 1)
    }
  })
}
