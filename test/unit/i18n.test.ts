import { describe, expect, it } from 'vitest'
import en, { type Catalogue, type PluralForms } from '../../src/ui/i18n/en.ts'
import ptBR from '../../src/ui/i18n/pt-BR.ts'
import es from '../../src/ui/i18n/es.ts'
import fr from '../../src/ui/i18n/fr.ts'
import { LOCALES, matchLocale, Translator, type Locale } from '../../src/ui/i18n/index.ts'

const catalogues: Record<Locale, Catalogue> = { en, 'pt-BR': ptBR, es, fr }

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()
}

function forms(entry: string | PluralForms): string[] {
  return typeof entry === 'string' ? [entry] : Object.values(entry)
}

describe('translation catalogues', () => {
  it('cover the four locales', () => {
    expect([...LOCALES].sort()).toEqual(Object.keys(catalogues).sort())
  })

  for (const locale of LOCALES) {
    const messages = catalogues[locale]
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories

    it(`${locale} has exactly the English keys`, () => {
      expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort())
    })

    it(`${locale} has exactly the plural forms its Intl.PluralRules selects (${categories.join(', ')})`, () => {
      for (const [key, source] of Object.entries(en)) {
        const entry = messages[key as keyof Catalogue]
        if (typeof source === 'string') {
          expect(typeof entry, key).toBe('string')
        } else {
          expect(typeof entry, key).toBe('object')
          expect(Object.keys(entry).sort(), key).toEqual([...categories].sort())
        }
      }
    })

    it(`${locale} keeps every placeholder of the English text`, () => {
      for (const [key, source] of Object.entries(en)) {
        const expected = placeholders(typeof source === 'string' ? source : source.other)
        for (const text of forms(messages[key as keyof Catalogue])) {
          expect(text.trim(), key).not.toBe('')
          // A plural form may leave out {count} (a word can stand for the number), nothing else.
          expect(placeholders(text).filter((p) => p !== 'count'), `${key}: ${text}`).toEqual(expected.filter((p) => p !== 'count'))
        }
      }
    })
  }
})

describe('Translator', () => {
  it('picks plural forms by the locale’s rules and formats numbers in it', () => {
    const t = (locale: Locale) => new Translator(locale, catalogues[locale]).t
    expect(t('en')('receipt.heldBy', { count: 1 })).toBe('Held by 1 other member')
    expect(t('en')('receipt.heldBy', { count: 2 })).toBe('Held by 2 other members')
    expect(t('en')('receipt.heldBy', { count: 1000 })).toBe('Held by 1,000 other members')
    // French and Brazilian Portuguese: 0 takes the singular.
    expect(t('fr')('receipt.heldBy', { count: 0 })).toBe('Reçu par 0 autre membre')
    expect(t('pt-BR')('messages.newCount', { count: 0 })).toBe('0 post novo')
    expect(t('es')('messages.newCount', { count: 0 })).toBe('0 mensajes nuevos')
    expect(t('fr')('messages.newCount', { count: 1_000_000 })).toBe('1\u202f000\u202f000 de nouveaux messages')
    expect(t('pt-BR')('rooms.unreadLabel', { name: 'praça', count: 3 })).toBe('praça, 3 posts não lidos')
  })

  it('formats post times in the locale', () => {
    const now = new Date(2026, 4, 17, 18, 30).getTime()
    const earlier = new Date(2026, 4, 17, 9, 5).getTime()
    const before = new Date(2026, 4, 3, 21, 7).getTime()
    expect(new Translator('en', en).formatPostTime(earlier, now)).toMatch(/09:05 AM/)
    expect(new Translator('fr', fr).formatPostTime(earlier, now)).toBe('09:05')
    expect(new Translator('pt-BR', ptBR).formatPostTime(before, now)).toMatch(/^3 de mai\.?,? 21:07$/)
    expect(new Translator('es', es).formatPostTime(before, now)).toMatch(/^3 may,? 21:07$/)
  })

  it('remembers full dates per minute and repeated texts, without mixing them up', () => {
    const tr = new Translator('en', en)
    const at = new Date(2026, 4, 17, 9, 5, 10).getTime()
    const full = new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'short' })
    expect(tr.formatFullDate(at)).toBe(full.format(at))
    expect(tr.formatFullDate(at + 40_000)).toBe(full.format(at))
    expect(tr.formatFullDate(at + 60_000)).toBe(full.format(at + 60_000))
    expect(tr.formatFullDate(at + 60_000)).not.toBe(tr.formatFullDate(at))
    expect(tr.tOnce('messages.keyTitle', { key: 'aa' })).toBe(tr.t('messages.keyTitle', { key: 'aa' }))
    expect(tr.tOnce('messages.keyTitle', { key: 'bb' })).toBe(tr.t('messages.keyTitle', { key: 'bb' }))
    expect(tr.tOnce('receipt.heldBy', { count: 2 })).toBe('Held by 2 other members')
    expect(tr.tOnce('receipt.heldBy', { count: 1 })).toBe('Held by 1 other member')
    for (let i = 0; i < 1500; i++) expect(tr.formatFullDate(at + i * 60_000)).toBe(full.format(at + i * 60_000))
    // A remembered time still follows "now": today only the time, from tomorrow on the day too.
    const late = new Date(2026, 4, 17, 23, 58).getTime()
    expect(tr.formatPostTime(late, late + 60_000)).toMatch(/^11:58 PM$/)
    expect(tr.formatPostTime(late, late + 3 * 60_000)).toMatch(/^May 17,? 11:58 PM$/)
    expect(tr.formatPostTime(late, late + 60_000)).toMatch(/^11:58 PM$/)
  })
})

describe('matchLocale', () => {
  it('takes the first language Roda speaks, else English', () => {
    expect(matchLocale(['pt-BR', 'en'])).toBe('pt-BR')
    expect(matchLocale(['pt-PT'])).toBe('pt-BR')
    expect(matchLocale(['de-DE', 'fr-CA', 'es'])).toBe('fr')
    expect(matchLocale(['es-419'])).toBe('es')
    expect(matchLocale(['de', 'ja'])).toBe('en')
    expect(matchLocale([])).toBe('en')
  })
})
