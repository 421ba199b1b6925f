// In their language, with any ability, on a small screen: translations checked against the
// catalogues (not by eye), axe-core on every main screen, and the whole path by keyboard alone.
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures.ts'
import { createRoom, message, onboard, roomId, send, waitForDirectPeer } from './helpers.ts'
import en, { type Catalogue, type PluralForms } from '../src/ui/i18n/en.ts'
import ptBR from '../src/ui/i18n/pt-BR.ts'
import es from '../src/ui/i18n/es.ts'
import fr from '../src/ui/i18n/fr.ts'

const PHONE = { width: 360, height: 740 }
const catalogues = { 'pt-BR': ptBR, es, fr } as const satisfies Record<string, Catalogue>

function texts(entry: string | PluralForms): string[] {
  return typeof entry === 'string' ? [entry] : Object.values(entry)
}

/**
 * The English phrases that must not appear in a screen shown in `locale`: every English
 * catalogue text (each plural form, cut at its placeholders) that differs from that locale's.
 */
function englishPhrases(locale: keyof typeof catalogues): string[] {
  const own = new Set(Object.values(catalogues[locale]).flatMap(texts))
  const phrases = new Set<string>()
  for (const entry of Object.values(en)) {
    for (const text of texts(entry)) {
      if (own.has(text)) continue
      for (const part of text.split(/\{\w+\}/)) {
        const phrase = part.trim().replace(/^[\s,:·()]+|[\s,:·()]+$/g, '')
        if (/\p{L}{3}/u.test(phrase) && !own.has(phrase)) phrases.add(phrase)
      }
    }
  }
  return [...phrases]
}

/** Every text a person meets on the page: text nodes (screen-reader-only ones too) and the attributes that name or describe. */
async function pageTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [document.title]
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim()
      if (text && !n.parentElement?.closest('script, style')) out.push(text)
    }
    for (const el of document.body.querySelectorAll('*')) {
      for (const attr of ['placeholder', 'aria-label', 'title', 'alt', 'aria-description']) {
        const v = el.getAttribute(attr)
        if (v) out.push(v)
      }
      if (el instanceof HTMLInputElement && (el.type === 'submit' || el.type === 'button')) out.push(el.value)
    }
    return out
  })
}

function englishIn(found: string[], phrases: string[]): string[] {
  const hits: string[] = []
  for (const phrase of phrases) {
    const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u')
    for (const text of found) if (re.test(text)) hits.push(`"${phrase}" in "${text}"`)
  }
  return hits
}

async function seriousViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze()
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`)
  expect(bad, `axe on ${what}`).toEqual([])
}

/** Presses Tab until the element matching `selector` has the focus (at most `max` times). */
async function tabTo(page: Page, selector: string, { max = 25, back = false } = {}): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab')
  }
  throw new Error(`${selector} never got the focus by keyboard`)
}

test('onboarding is entirely in pt-BR, es or fr when that is the browser’s language', async ({ newDevice }) => {
  const host = await newDevice('host')
  await onboard(host.page, 'ana')
  const link = await createRoom(host.page, 'praça')

  for (const locale of ['pt-BR', 'es', 'fr'] as const) {
    const phrases = englishPhrases(locale)
    const m = catalogues[locale]
    for (const path of ['/', link]) {
      const d = await newDevice(`${locale} ${path === '/' ? 'start' : 'invited'}`, { locale, path })
      await d.page.setViewportSize(PHONE)
      await expect(d.page.locator('html')).toHaveAttribute('lang', locale)
      await expect(d.page.getByTestId('name-save')).toHaveText(path === '/' ? m['onboarding.start'] : m['onboarding.join'])
      await expect(d.page.getByTestId('name-input')).toHaveAttribute('placeholder', m['onboarding.namePlaceholder'])
      const found = await pageTexts(d.page)
      expect(englishIn(found, phrases), `${locale} onboarding (${path})`).toEqual([])
      // Something of the catalogue is there, so the check above checked something.
      expect(found).toContain(m['onboarding.lead'])
      await d.context.close()
    }
  }

  // And the rest of the way in one of them: room list, room, peers, others' posts.
  const b = await newDevice('fr', { locale: 'fr', path: link })
  await onboard(b.page, 'bia')
  await waitForDirectPeer(b.page)
  await send(host.page, 'bonjour')
  await expect(message(b.page, 'bonjour')).toBeVisible()
  await send(b.page, 'salut')
  await expect(b.page.getByTestId('composer')).toHaveAttribute('placeholder', fr['composer.placeholder'])
  expect(englishIn(await pageTexts(b.page), englishPhrases('fr')), 'fr room').toEqual([])
  // Times in the French way (24 h, no AM/PM).
  await expect(message(b.page, 'salut').locator('time')).toHaveText(/^\d{2}:\d{2}$/)
  await b.page.getByRole('button', { name: fr['header.home'] }).click()
  await expect(b.page.getByRole('heading', { name: fr['rooms.heading'] })).toBeVisible()
  expect(englishIn(await pageTexts(b.page), englishPhrases('fr')), 'fr room list').toEqual([])
})

test('switching the language in Settings changes the UI at once and is remembered', async ({ newDevice }) => {
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  await createRoom(a.page, 'praça')
  await send(a.page, 'olá')
  await expect(a.page.locator('html')).toHaveAttribute('lang', 'en')
  await expect(a.page.getByTestId('send')).toHaveText(en['composer.send'])
  await expect(message(a.page, 'olá').locator('time')).toHaveText(/\d{2}:\d{2}\s?[AP]M/)

  await a.page.getByRole('button', { name: en['header.settings'] }).click()
  await a.page.locator('#settings').getByLabel(en['language.label']).selectOption('pt-BR')
  await expect(a.page.locator('html')).toHaveAttribute('lang', 'pt-BR')
  await expect(a.page.getByTestId('send')).toHaveText(ptBR['composer.send'])
  await expect(a.page.getByRole('heading', { name: ptBR['settings.heading'] })).toBeVisible()
  await expect(a.page.getByRole('button', { name: ptBR['header.settings'] })).toHaveAttribute('aria-expanded', 'true')
  await expect(message(a.page, 'olá').locator('time')).toHaveText(/^\d{2}:\d{2}$/)
  await expect(message(a.page, 'olá').getByTestId('receipt')).toHaveAttribute('title', ptBR['receipt.waitingTitle'])

  // Saved on the device: a reload comes back in Portuguese although the browser says English.
  await a.page.reload()
  await expect(a.page.locator('html')).toHaveAttribute('lang', 'pt-BR')
  await expect(a.page.getByTestId('send')).toHaveText(ptBR['composer.send'])
  await expect(a.page.getByTestId('connection-state').getByRole('status')).toHaveText(ptBR['connection.online'])
  await expect(a.page.getByTestId('relay-status')).toHaveText(ptBR['status.online'])

  await a.page.getByRole('button', { name: ptBR['header.settings'] }).click()
  await a.page.locator('#settings').getByLabel(ptBR['language.label']).selectOption('en')
  await expect(a.page.getByTestId('send')).toHaveText(en['composer.send'])
  await expect(a.page.locator('html')).toHaveAttribute('lang', 'en')
})

test('axe finds nothing serious on onboarding, the room list and a room with posts', async ({ newDevice }) => {
  const a = await newDevice('a')
  await a.page.setViewportSize(PHONE)
  await expect(a.page.getByTestId('name-input')).toBeVisible()
  await seriousViolations(a.page, 'onboarding')
  await onboard(a.page, 'ana')
  await seriousViolations(a.page, 'the empty room list')
  const link = await createRoom(a.page, 'praça')

  const b = await newDevice('b', { path: link })
  await expect(b.page.getByTestId('name-save')).toBeVisible()
  await seriousViolations(b.page, 'onboarding from an invitation')
  await onboard(b.page, 'bia')
  await waitForDirectPeer(a.page)
  await waitForDirectPeer(b.page)
  await send(a.page, 'bem-vinda')
  await send(b.page, 'obrigada')
  await expect(message(a.page, 'obrigada')).toBeVisible()
  await expect(message(b.page, 'bem-vinda')).toBeVisible()
  // A post from someone else is read out once; one's own never is.
  await expect(a.page.locator('.room [role="status"]')).toHaveText('New post from bia: obrigada')
  await expect(b.page.locator('.room [role="status"]')).toHaveText('New post from ana: bem-vinda')
  await expect(message(a.page, 'bem-vinda')).toHaveAttribute('data-status', 'sent', { timeout: 30_000 })
  await seriousViolations(a.page, 'a room with posts and a peer (phone)')
  await b.page.setViewportSize({ width: 1280, height: 800 })
  await seriousViolations(b.page, 'a room with posts and a peer (desktop)')

  await a.page.getByRole('button', { name: en['header.settings'] }).click()
  await expect(a.page.locator('#settings')).toBeVisible()
  await seriousViolations(a.page, 'settings')
  await a.page.getByRole('button', { name: en['header.home'] }).click()
  await expect(a.page.getByTestId('room-item')).toHaveCount(1)
  await seriousViolations(a.page, 'the room list with a room')
  // Nothing wider than the phone on any of these screens.
  expect(await a.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width)
})

test('axe finds nothing serious in a room long enough to be virtualised', async ({ newDevice }) => {
  const a = await newDevice('a')
  await a.page.setViewportSize(PHONE)
  await onboard(a.page, 'ana')
  await createRoom(a.page, 'longa')
  const room = await roomId(a.page)
  // Past the 1,000 posts up to which every row is in the page.
  await a.page.evaluate(async (r) => {
    for (let i = 0; i < 1_100; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => window.roda!.chat.send(r, `post ${i + j}`)))
  }, room)
  await expect(a.page.locator('.messages[role="region"] [data-index]').first()).toBeVisible()
  await seriousViolations(a.page, 'a virtualised room')
})

test('onboarding, creating a room, posting and the room list all work by keyboard alone', async ({ newDevice }) => {
  const a = await newDevice('a')
  const { page } = a
  await page.setViewportSize(PHONE)

  // The name field has the focus from the start; Enter submits.
  await expect(page.getByTestId('name-input')).toBeFocused()
  await page.keyboard.type('ana')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('my-key')).toHaveAttribute('data-key', /^[0-9a-f]{64}$/)

  await tabTo(page, '[data-testid="room-title-input"]')
  // The focus is visible: the :focus-visible ring.
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)
  expect(ring).toBe('solid')
  await page.keyboard.type('praça')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('room-title')).toHaveText('praça')

  // The QR code folds and unfolds from the keyboard.
  await tabTo(page, '[data-testid="share-toggle"]')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('room-qr')).toBeHidden()
  await page.keyboard.press('Space')
  await expect(page.getByTestId('room-qr')).toBeVisible()

  // Enter sends; Shift+Enter is a new line.
  await tabTo(page, '[data-testid="composer"]')
  await page.keyboard.type('olá')
  await page.keyboard.press('Shift+Enter')
  await page.keyboard.type('todos')
  await page.keyboard.press('Enter')
  await expect(message(page, 'olá\ntodos')).toBeVisible()
  await expect(page.getByTestId('composer')).toHaveValue('')
  await expect(page.getByTestId('composer')).toBeFocused()

  // Back to the list and into the room again, then Settings, all by keyboard.
  await tabTo(page, `button[aria-label="${en['header.home']}"]`, { back: true })
  await page.keyboard.press('Enter')
  await tabTo(page, '[data-testid="room-item"]')
  await page.keyboard.press('Enter')
  await expect(message(page, 'olá\ntodos')).toBeVisible()
  await tabTo(page, `button[aria-label="${en['header.settings']}"]`, { back: true })
  await page.keyboard.press('Enter')
  await expect(page.locator('#settings')).toBeVisible()
  await tabTo(page, '#settings-language')
  await tabTo(page, '#settings > button:last-child')
  await expect(page.locator('#settings > button:last-child')).toHaveText(en['settings.close'])
  await page.keyboard.press('Enter')
  await expect(page.locator('#settings')).toHaveCount(0)
})
