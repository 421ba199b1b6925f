/** The short fingerprint shown next to names: the first 8 hex digits of the public key. */
export function shortFingerprint(keyHex: string): string {
  return keyHex.slice(0, 8)
}

/**
 * Author labels for the posts in view. A name alone proves nothing, so wherever two different
 * keys in view use the same name (ignoring case and spacing), both get their fingerprint.
 */
export function authorLabels(authors: Iterable<{ key: string; name: string }>): Map<string, string> {
  const keysByName = new Map<string, Set<string>>()
  const list = [...authors]
  for (const { key, name } of list) {
    const n = normalise(name)
    const set = keysByName.get(n) ?? new Set()
    set.add(key)
    keysByName.set(n, set)
  }
  const out = new Map<string, string>()
  for (const { key, name } of list) {
    const clash = (keysByName.get(normalise(name))?.size ?? 0) > 1
    out.set(`${key}:${name}`, clash ? `${name} #${shortFingerprint(key)}` : name)
  }
  return out
}

/** The label `authorLabels` gave to `name` written with `key`; the name alone if it gave none. */
export function labelFor(labels: Map<string, string>, key: string, name: string): string {
  return labels.get(`${key}:${name}`) ?? name
}

function normalise(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()
}
