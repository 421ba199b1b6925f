// English: the source of every key. Other locales (pt-BR.ts, es.ts, fr.ts) must have exactly
// these keys (test/unit/i18n.test.ts checks it), and are loaded only when chosen.
//
// A value is a string with `{name}` placeholders, or, where it depends on a number, the plural
// forms that Intl.PluralRules of the locale selects from (`{count}` is that number).

/** Plural forms by CLDR category; `other` is always there. */
export type PluralForms = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>

const en = {
  'app.joining': 'Joining…',

  'language.label': 'Language',

  'onboarding.lead': 'A chat that lives in your browser. Your messages go straight to the people in the room, signed with a key made on this device.',
  'onboarding.invited': 'You were invited to a room. Choose a name to join it.',
  'onboarding.nameLabel': 'Your name',
  'onboarding.namePlaceholder': 'e.g. Ana',
  'onboarding.join': 'Join the room',
  'onboarding.start': 'Start',
  'onboarding.fingerprintNote': 'Anyone can pick any name. Your key’s fingerprint is what tells you apart.',

  'header.home': 'Roda: all rooms',
  'header.yourKey': 'Your key: {key}',
  'header.settings': 'Settings and diagnostics',

  'connection.online': 'Online',
  'connection.connecting': 'Connecting…',
  'connection.offline': 'Offline — posts will be sent later',
  'connection.retryIn': { one: 'trying again in {count} second', other: 'trying again in {count} seconds' },
  'connection.retryNow': 'Retry now',
  'status.online': 'Relay connected',
  'status.connecting': 'Connecting to relay…',
  'status.offline': 'Relay unreachable',
  'status.offlineRetry': { one: 'Relay unreachable, retrying in {count} second', other: 'Relay unreachable, retrying in {count} seconds' },
  'status.noRelay': 'No relay configured',

  'rooms.newLabel': 'New room',
  'rooms.titlePlaceholder': 'Title (optional)',
  'rooms.create': 'Create room',
  'rooms.heading': 'Your rooms',
  'rooms.empty': 'No rooms yet. Create one, or open a room link someone shared with you.',
  'rooms.fallbackName': 'Room {id}',
  'rooms.unreadLabel': { one: '{name}, {count} unread post', other: '{name}, {count} unread posts' },

  'room.untitled': 'Untitled room',
  'room.titleLabel': 'Room title',
  'room.rename': 'Rename room',
  'room.linkLabel': 'Room link',
  'room.copy': 'Copy link',
  'room.copied': 'Copied',
  'room.copyPrompt': 'Copy this link',
  'room.share': 'Share…',
  'room.shareTitle': 'Roda room',
  'room.shareText': 'Join me in this Roda room',
  'room.qrToggle': 'QR code: scan to join',
  'room.secretNote': 'Anyone with this link can read and write in the room. The secret is after the #, which is never sent to a server.',
  'room.qrLabel': 'QR code of the room link',
  'room.qrTooLong': 'This link is too long for a QR code: share it as text.',

  'peers.label': 'People here now',
  'peers.none': 'Nobody else is connected right now. Posts wait here until someone is.',
  'peers.someone': 'someone',
  'peers.direct': 'direct',
  'peers.relayed': 'connecting…',
  'peers.turn': 'relayed through your server',
  'peers.unreachable': 'can’t be reached from this network',
  'peers.path': 'Network path: {path}',
  'peers.noPath': 'Some people can’t be reached from this network: the routers on both sides allow no direct path. A TURN server next to the relay would connect you (see “Across networks” in the README). Your posts wait and go as soon as a path exists.',
  'peers.noPathWithTurn': 'Some people can’t be reached from this network, not even through the TURN server. Your posts wait and go as soon as a path exists.',

  'messages.label': 'Posts',
  'messages.keyTitle': 'Key {key}',
  'messages.newFrom': 'New post from {name}: {text}',
  'messages.newCount': { one: '{count} new post', other: '{count} new posts' },
  'receipt.waiting': 'waiting',
  'receipt.waitingTitle': 'Waiting: no other device has this post yet',
  'receipt.delivered': 'Delivered',
  'receipt.heldBy': { one: 'Held by {count} other member', other: 'Held by {count} other members' },

  'composer.label': 'Message',
  'composer.placeholder': 'Write a message',
  'composer.send': 'Send',

  'notify.unsupported': 'This browser cannot show notifications.',
  'notify.blocked': 'Notifications are blocked for this site in the browser’s settings.',
  'notify.on': 'Notifications are on.',
  'notify.turnOff': 'Turn off',
  'notify.turnOn': 'Notify me of new posts',
  'notify.oneTitle': '{name} · {room}',
  'notify.manyTitle': { one: '{room}: {count} new post', other: '{room}: {count} new posts' },
  'notify.manyBody': '{name}: {text}',

  'settings.heading': 'Settings',
  'settings.name': 'Display name',
  'settings.relays': 'Relays (one multiaddr per line; empty = the relay that served this app)',
  'settings.save': 'Save',
  'settings.saved': 'Saved. A changed relay is used after a reload.',
  'settings.notifications': 'Notifications',
  'settings.notificationsHelp': 'A notification when someone posts while Roda is in the background.',
  'settings.key': 'Your key',
  'settings.diagnostics': 'Diagnostics',
  'settings.relay': 'Relay: {relay} ({state})',
  'settings.relayNone': 'none',
  'settings.peerId': 'Peer id: {id}',
  'settings.iceServers': 'ICE servers: {servers}',
  'settings.iceServersNone': 'none (direct paths only)',
  'settings.networkNotStarted': 'network not started',
  'settings.rejected': 'Rejected messages',
  'settings.rejectedNone': 'None so far.',
  'settings.close': 'Close',

  'update.ready': 'A new version of Roda is ready.',
  'update.reload': 'Reload',
} as const satisfies Record<string, string | PluralForms>

export type English = typeof en
export type Key = keyof English

/** What every other locale provides: the same keys, a string or that locale's plural forms. */
export type Catalogue = { readonly [K in Key]: English[K] extends string ? string : PluralForms }

export default en satisfies Catalogue
