// Preloaded into the relay process by relay.bench.ts, in front of the unchanged
// signaling-relay/src/main.ts:
//
//   node --expose-gc --import ./scripts/polyfill.mjs --import tsx --import ./bench/relay/relay-hook.ts \
//     signaling-relay/src/main.ts
//
// It answers `memory` requests over IPC with process.memoryUsage() (V8 heap, external buffers), so
// the benchmark can say what the relay's resident memory is made of, and with how late the event
// loop ran since the previous request. It stops the relay if the benchmark goes away without
// stopping it, and does nothing when started without an IPC channel.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { MemoryResult, RelayRequest, Reply } from './ipc.ts'

if (process.send != null) {
  // The histogram holds timer intervals, so every value includes the resolution: subtract it.
  const RESOLUTION_MS = 50
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  loop.enable()
  process.on('message', (req: RelayRequest) => {
    if (req.cmd !== 'memory') return
    const before = process.memoryUsage()
    const gc = (globalThis as { gc?: () => void }).gc
    let after: NodeJS.MemoryUsage | null = null
    if (req.gc && gc != null) {
      gc()
      after = process.memoryUsage()
    }
    const result: MemoryResult = {
      before,
      after,
      loopDelayMs: {
        p50: Math.max(0, loop.percentile(50) / 1e6 - RESOLUTION_MS),
        p99: Math.max(0, loop.percentile(99) / 1e6 - RESOLUTION_MS),
        max: Math.max(0, loop.max / 1e6 - RESOLUTION_MS),
      },
    }
    loop.reset()
    process.send!({ id: req.id, ok: true, result } satisfies Reply)
  })
  // The parent died without a SIGTERM: stop the relay the way main.ts does on SIGTERM.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'))
  process.channel?.unref()
}
