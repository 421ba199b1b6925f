import { encodeVarint } from './fingerprint.ts'
import type { ItemIndex } from './item-index.ts'
import { MAX_TURNS, MAX_WANT_IDS } from './limits.ts'
import { encodeSyncMessage, parseSyncMessage, type Range, type SyncMessage } from './messages.ts'
import { initialRanges, isAllSkip, processRanges, type Budget } from './reconciler.ts'

/** One device in a simulated session. */
type Side = { readonly name: 'a' | 'b'; readonly index: ItemIndex; bytes: number; messages: number; readonly sent: string[] }

export type SimulationResult = {
  /** The two sets afterwards (copies: the inputs are not touched). */
  readonly a: ItemIndex
  readonly b: ItemIndex
  /** `open` and `ranges` messages, both directions. */
  readonly turns: number
  /** Whether the session reached `end` within the turn cap. */
  readonly complete: boolean
  /** Bytes of `open`, `ranges`, `want` and `end` messages, with their length prefixes; posts excluded. */
  readonly bytesAtoB: number
  readonly bytesBtoA: number
  readonly messagesAtoB: number
  readonly messagesBtoA: number
  /** The largest single sync message either side sent. */
  readonly largestMessage: number
  /** Ids of the posts each side sent the other, pushed or asked for, in sending order. */
  readonly sentAtoB: readonly string[]
  readonly sentBtoA: readonly string[]
}

/**
 * A whole session between two in-memory devices, turn by turn as the stream driver runs it
 * (PROTOCOL.md §9), with every message encoded and parsed again. `a` opens. Posts are not
 * framed: a delivered id is added to the receiver's set directly, as a post that verified would be.
 * Pure: it works on copies.
 */
export function simulateSync(a: ItemIndex, b: ItemIndex, options: { maxTurns?: number; budget?: Partial<Budget> } = {}): SimulationResult {
  const maxTurns = options.maxTurns ?? MAX_TURNS
  const lamportOf = new Map<string, number>()
  for (const index of [a, b]) for (const item of index.items) lamportOf.set(item.hex, item.lamport)
  const A: Side = { name: 'a', index: a.clone(), bytes: 0, messages: 0, sent: [] }
  const B: Side = { name: 'b', index: b.clone(), bytes: 0, messages: 0, sent: [] }
  let largest = 0

  const send = (from: Side, m: SyncMessage): SyncMessage => {
    const bytes = encodeSyncMessage(m)
    from.bytes += bytes.length + encodeVarint(bytes.length).length
    from.messages++
    largest = Math.max(largest, bytes.length)
    const parsed = parseSyncMessage(bytes)
    if (!parsed) throw new Error(`side ${from.name} sent a message that does not parse`)
    return parsed
  }
  // Frames are the driver's business; here a post "arrives" when its id reaches the other set.
  const deliver = (from: Side, to: Side, ids: readonly string[]) => {
    for (const id of ids) {
      const lamport = lamportOf.get(id)
      if (lamport === undefined || !from.index.has(id)) continue
      to.index.add(lamport, id)
      from.sent.push(id)
    }
  }
  const rangesOf = (m: SyncMessage): readonly Range[] => {
    if (m.type !== 'open' && m.type !== 'ranges') throw new Error(`expected ranges, got ${m.type}`)
    return m.ranges
  }

  let ranges = rangesOf(send(A, { type: 'open', room: new Uint8Array(16), ranges: initialRanges(A.index) }))
  let turns = 1
  let [me, peer] = [B, A]
  let complete = false
  for (;;) {
    if (isAllSkip(ranges)) {
      // Wants of the peer were served as they arrived, before this message.
      send(me, { type: 'end' })
      complete = true
      break
    }
    if (turns >= maxTurns) break
    const r = processRanges(me.index, ranges, options.budget)
    deliver(me, peer, r.theyLack)
    for (let i = 0; i < r.iLack.length; i += MAX_WANT_IDS) {
      const want = send(me, { type: 'want', ids: r.iLack.slice(i, i + MAX_WANT_IDS) })
      if (want.type === 'want') deliver(peer, me, want.ids)
    }
    ranges = rangesOf(send(me, { type: 'ranges', ranges: r.reply }))
    turns++
    ;[me, peer] = [peer, me]
  }

  return {
    a: A.index,
    b: B.index,
    turns,
    complete,
    bytesAtoB: A.bytes,
    bytesBtoA: B.bytes,
    messagesAtoB: A.messages,
    messagesBtoA: B.messages,
    largestMessage: largest,
    sentAtoB: A.sent,
    sentBtoA: B.sent,
  }
}
