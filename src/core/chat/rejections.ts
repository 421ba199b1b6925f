import { Observable } from '../observable.ts'
import type { RejectReason } from '../wire/validate.ts'

export type RejectionCounts = Readonly<Partial<Record<RejectReason, number>>>

/** Counts frames dropped at the edge, by reason, for the diagnostics panel. */
export class Rejections extends Observable<RejectionCounts> {
  constructor() {
    super({})
  }

  count(reason: RejectReason): void {
    this.set({ ...this.value, [reason]: (this.value[reason] ?? 0) + 1 })
  }

  get total(): number {
    let n = 0
    for (const v of Object.values(this.value)) n += v ?? 0
    return n
  }
}
