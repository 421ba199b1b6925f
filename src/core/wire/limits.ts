// Wire limits from PROTOCOL.md. Lengths of strings are in UTF-16 code units (`.length`).

/** Version slot of signed payloads and envelopes (the first array element). */
export const FORMAT_VERSION = 1
/** First byte of every frame. */
export const FRAME_VERSION = 1

export const MAX_FRAME_BYTES = 8192
export const NONCE_BYTES = 24
export const TAG_BYTES = 16
/** version byte + nonce */
export const FRAME_HEADER_BYTES = 1 + NONCE_BYTES
/** A frame shorter than this cannot even hold an empty ciphertext's tag. */
export const MIN_FRAME_BYTES = FRAME_HEADER_BYTES + TAG_BYTES
/** The largest envelope that still fits in a frame. */
export const MAX_ENVELOPE_BYTES = MAX_FRAME_BYTES - MIN_FRAME_BYTES

export const MAX_NAME = 64
export const MAX_TEXT = 4000
export const MAX_PEER_ID = 128

/** How far a payload's `ts` may be ahead of (any payload) or behind (hello) our clock. */
export const CLOCK_SKEW_MS = 5 * 60_000
