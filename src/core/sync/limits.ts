// Limits and constants of /roda/sync/1.0.0 (PROTOCOL.md §9). Receivers enforce the wire limits
// when parsing; the reconciler keeps its own replies inside them.

export const SYNC_PROTOCOL = '/roda/sync/1.0.0'
/** First element of every sync message. */
export const SYNC_VERSION = 1

/** Largest encoded sync message (the CBOR array, without the stream's length prefix). */
export const MAX_SYNC_MESSAGE_BYTES = 65_536
/** Ranges in one `open` or `ranges` message. Bytes usually bind first; this caps CPU per turn. */
export const MAX_RANGES_PER_MESSAGE = 8192
/** Ids a receiver accepts in one id-list range. */
export const MAX_IDS_PER_RANGE = 64
/** Ids in one `want`. */
export const MAX_WANT_IDS = 1024
/** Frames in one `posts` message (the byte limit allows at most 7 full-size frames anyway). */
export const MAX_FRAMES_PER_POSTS = 1024
/** UTF-16 code units of an `error` text. */
export const MAX_ERROR_TEXT = 256

/** Bytes of a range fingerprint. */
export const FINGERPRINT_BYTES = 16
/** Bytes of a post id. */
export const ID_BYTES = 32

/**
 * A range where the sender holds at most this many items is answered with its ids rather than
 * split: below ~32, 16 sub-fingerprints plus another round trip cost about as much as the ids.
 * Kept at half of MAX_IDS_PER_RANGE so it can be tuned without a protocol change.
 */
export const ID_LIST_THRESHOLD = 32
/** How many sub-ranges a mismatching range with more than ID_LIST_THRESHOLD items is split into. */
export const SPLIT_BUCKETS = 16

/**
 * Turns (`open` and `ranges` messages, both sides counted) after which a driver gives up.
 * Honest syncs of 10,000 posts take 2–8; a peer that never agrees is cut off here.
 */
export const MAX_TURNS = 64
/** Each read of a sync stream. */
export const SYNC_READ_TIMEOUT_MS = 10_000
/** A whole sync session. */
export const SYNC_SESSION_TIMEOUT_MS = 120_000
