// Ed25519 verifications per second in Chromium, @noble/ed25519 against WebCrypto, in one page.
import '../scripts/polyfill.mjs'
import { test } from '../e2e/fixtures.ts'
import { onboard } from '../e2e/helpers.ts'
import { record, round } from './results.ts'

test('crypto: ed25519 verify, noble vs WebCrypto', async ({ newDevice }) => {
  const d = await newDevice('crypto')
  await onboard(d.page, 'ana')
  await d.page.waitForFunction(() => window.rodaBench !== undefined)
  const r = await d.page.evaluate(async () => {
    const b = window.rodaBench!
    const id = await b.generateIdentity()
    const msgs = Array.from({ length: 200 }, (_, i) => new TextEncoder().encode(`message ${i} `.repeat(8)))
    const sigs = await Promise.all(msgs.map((m) => b.sign(id, m)))
    const rate = async (verify: typeof b.verifyWithNoble, n: number, concurrent: boolean) => {
      await verify(id.publicKey, msgs[0]!, sigs[0]!) // warm up (key import, JIT)
      const t0 = performance.now()
      if (concurrent) await Promise.all(Array.from({ length: n }, (_, i) => verify(id.publicKey, msgs[i % 200]!, sigs[i % 200]!)))
      else for (let i = 0; i < n; i++) await verify(id.publicKey, msgs[i % 200]!, sigs[i % 200]!)
      return n / ((performance.now() - t0) / 1000)
    }
    const signRate = async (signer: typeof b.sign, n: number) => {
      const t0 = performance.now()
      for (let i = 0; i < n; i++) await signer(id, msgs[i % 200]!)
      return n / ((performance.now() - t0) / 1000)
    }
    return {
      nobleSerial: await rate(b.verifyWithNoble, 1000, false),
      webSerial: await rate(b.verifyWithWebCrypto, 5000, false),
      webConcurrent: await rate(b.verifyWithWebCrypto, 5000, true),
      nobleSign: await signRate(b.signWithNoble, 500),
      webSign: await signRate(b.sign, 2000),
    }
  })
  record('Crypto (one Chromium page)', [
    { label: 'verify, WebCrypto Ed25519, one at a time', value: round(r.webSerial, 0), unit: '/s', baseline: { label: '@noble/ed25519', value: round(r.nobleSerial, 0) } },
    { label: 'verify, WebCrypto Ed25519, 5,000 concurrent', value: round(r.webConcurrent, 0), unit: '/s' },
    { label: 'verify, @noble/ed25519, one at a time', value: round(r.nobleSerial, 0), unit: '/s' },
    { label: 'sign, WebCrypto Ed25519 (used when available)', value: round(r.webSign, 0), unit: '/s', baseline: { label: '@noble/ed25519', value: round(r.nobleSign, 0) } },
  ])
  console.log(r)
})
