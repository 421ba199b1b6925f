/**
 * The cryptographic half of the chat core: signing, sealing and validating posts (CBOR, schemas,
 * ed25519, XChaCha20). It is loaded as its own chunk right after the first paint, so a stored
 * room is on screen before any of this is downloaded or parsed.
 */
export { generateIdentity } from '../identity/identity.ts'
export { encodeEnvelope, PayloadError, signPayload } from '../wire/envelope.ts'
export { encodePayload } from '../wire/payload.ts'
export { sealFrame } from '../wire/frame.ts'
export { validateEnvelope, validateFrame } from '../wire/validate.ts'
