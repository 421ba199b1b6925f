import { describe, expect, it } from 'vitest'
import { failureText } from '../../src/core/net/relay-link.ts'

describe('failureText', () => {
  it('says why a relay could not be reached, whatever was thrown', () => {
    expect(failureText(new Error('dial timed out'))).toBe('dial timed out')
    // A failed WebSocket rejects with its bare error Event, which has no message.
    expect(failureText(new Event('error'))).toBe('the connection failed (error)')
    expect(failureText('refused')).toBe('refused')
  })
})
