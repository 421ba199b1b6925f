// `npm start` (in this folder) or `npm run relay` (repo root): run a relay configured by env.
// Runs under `node --import ../scripts/polyfill.mjs --import tsx`: libp2p needs the polyfill on Node 20.
import { ConfigError, optionsFromEnv } from './config.ts'
import { createRelay, type Relay } from './index.ts'

function log(line: string): void {
  console.log(`${new Date().toISOString()} ${line}`)
}

async function main(): Promise<void> {
  let relay: Relay
  let options
  try {
    options = optionsFromEnv()
    relay = await createRelay({ ...options, log })
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    console.error(err instanceof ConfigError ? `Invalid configuration: ${message}` : `Relay could not start: ${message}`)
    process.exit(1)
  }
  console.log(`relay peer id ${relay.peerId}`)
  for (const addr of relay.addresses) console.log(`relay listening on ${addr}`)
  // The URLs only: the secret never goes to a log.
  const ice = options.turn?.urls ?? []
  console.log(ice.length > 0 ? `relay hands browsers these ICE servers: ${ice.join(', ')}` : 'relay hands browsers no STUN/TURN server (set TURN_URLS and TURN_SECRET to add yours)')

  let stopping = false
  const shutdown = (signal: string): void => {
    // A second Ctrl-C exits at once, in case closing connections hangs.
    if (stopping) process.exit(1)
    stopping = true
    log(`${signal}: stopping`)
    relay.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('Relay did not stop cleanly:', err)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

void main()
