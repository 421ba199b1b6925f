import type { RodaDB } from './core/store/db.ts'
import { getSetting } from './core/store/repo.ts'

export interface AppConfig {
  relays: string[]
  iceServers: RTCIceServer[]
}

export const RELAYS_SETTING = 'relays'
export const ICE_SETTING = 'iceServers'

function splitList(s: string | undefined): string[] {
  return (s ?? '').split(/[\s,]+/).filter(Boolean)
}

/**
 * Which relays and ICE servers to use, first match wins: what the user saved in settings,
 * what the build was configured with (VITE_RODA_RELAYS, VITE_RODA_ICE_SERVERS as JSON), and
 * finally the relay that served this app (./roda-config.json, written by `npm start`).
 * No public STUN server is ever a default.
 */
export async function loadAppConfig(db: RodaDB): Promise<AppConfig> {
  const savedRelays = await getSetting<string[]>(db, RELAYS_SETTING)
  const savedIce = await getSetting<RTCIceServer[]>(db, ICE_SETTING)
  const buildRelays = splitList(import.meta.env.VITE_RODA_RELAYS as string | undefined)
  let buildIce: RTCIceServer[] = []
  try {
    buildIce = JSON.parse((import.meta.env.VITE_RODA_ICE_SERVERS as string | undefined) ?? '[]') as RTCIceServer[]
  } catch {
    console.warn('VITE_RODA_ICE_SERVERS is not valid JSON; using none')
  }
  let relays = savedRelays?.length ? savedRelays : buildRelays
  if (relays.length === 0) relays = await servedRelays()
  return { relays, iceServers: savedIce?.length ? savedIce : buildIce }
}

async function servedRelays(): Promise<string[]> {
  try {
    const res = await fetch(new URL('roda-config.json', document.baseURI), { cache: 'no-cache' })
    if (!res.ok) return []
    const body = (await res.json()) as { relays?: unknown }
    return Array.isArray(body.relays) ? body.relays.filter((r): r is string => typeof r === 'string') : []
  } catch {
    return []
  }
}
