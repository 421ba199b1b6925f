// A small translation layer over Intl: typed keys and placeholders, CLDR plurals through
// Intl.PluralRules, numbers and dates through Intl.NumberFormat / Intl.DateTimeFormat. English
// is in the first bundle; every other catalogue is its own chunk, loaded only when chosen.
import type { RodaDB } from '../../core/store/db.ts'
import { getSetting, setSetting } from '../../core/store/repo.ts'
import { Observable } from '../../core/observable.ts'
import { useObservable } from '../use-observable.ts'
import en, { type Catalogue, type English, type Key } from './en.ts'

export type { Key } from './en.ts'

export const LOCALES = ['en', 'pt-BR', 'es', 'fr'] as const
export type Locale = (typeof LOCALES)[number]

/** Each language by its own name, as a language menu should show it. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'pt-BR': 'Português (Brasil)', es: 'Español', fr: 'Français' }

/** Setting key of the language the user chose; absent means "the browser's". */
export const LOCALE_SETTING = 'locale'

const loaders: Record<Exclude<Locale, 'en'>, () => Promise<{ default: Catalogue }>> = {
  'pt-BR': () => import('./pt-BR.ts'),
  es: () => import('./es.ts'),
  fr: () => import('./fr.ts'),
}

export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value)
}

/** The first of the browser's languages that Roda speaks (any Portuguese gets pt-BR), else English. */
export function matchLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const lower = tag.toLowerCase()
    const exact = LOCALES.find((l) => l.toLowerCase() === lower)
    if (exact) return exact
    const base = lower.split('-')[0]
    if (base === 'pt') return 'pt-BR'
    const byBase = LOCALES.find((l) => l === base)
    if (byBase) return byBase
  }
  return 'en'
}

type Placeholders<S> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never
type ParamsOf<K extends Key> = English[K] extends string ? Placeholders<English[K]> : Placeholders<(English[K] & { other: string })['other']> | 'count'
type Vars<K extends Key> = { [P in ParamsOf<K>]: P extends 'count' ? number : string | number }
/** `t('key')` when the message has no placeholder, `t('key', { name, count })` otherwise. */
export type TArgs<K extends Key> = [ParamsOf<K>] extends [never] ? [] : [vars: Vars<K>]

const DAY_MS = 24 * 60 * 60 * 1000

export class Translator {
  private readonly plural: Intl.PluralRules
  private readonly number: Intl.NumberFormat
  private readonly timeOnly: Intl.DateTimeFormat
  private readonly dayAndTime: Intl.DateTimeFormat
  private readonly full: Intl.DateTimeFormat

  constructor(
    readonly locale: Locale,
    private readonly messages: Catalogue,
  ) {
    this.plural = new Intl.PluralRules(locale)
    this.number = new Intl.NumberFormat(locale)
    this.timeOnly = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' })
    this.dayAndTime = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })
    this.full = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' })
  }

  t = <K extends Key>(key: K, ...args: TArgs<K>): string => {
    const vars = (args[0] ?? {}) as Record<string, string | number>
    const entry = this.messages[key] ?? en[key]
    const text = typeof entry === 'string' ? entry : (entry[this.plural.select(Number(vars.count))] ?? entry.other)
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const v = vars[name]
      return typeof v === 'number' ? this.number.format(v) : (v ?? whole)
    })
  }

  // The texts below show minutes at most, so the posts of one minute share them (formatting
  // dates was a large part of the cost of drawing a post): one cache per kind, by minute.
  private readonly days = new Map<number, string>()
  private readonly times = new Map<number, string>()
  private readonly daysAndTimes = new Map<number, string>()
  private readonly fullDates = new Map<number, string>()

  /** A post's time: hours and minutes today, with the day before that. */
  formatPostTime = (ts: number, now = Date.now()): string => {
    const day = (t: number) => remember(this.days, minuteOf(t), () => new Date(t).toDateString())
    return day(ts) === day(now) && Math.abs(now - ts) < DAY_MS
      ? remember(this.times, minuteOf(ts), () => this.timeOnly.format(ts))
      : remember(this.daysAndTimes, minuteOf(ts), () => this.dayAndTime.format(ts))
  }

  /** The full date and time, for a tooltip. */
  formatFullDate = (ts: number): string => remember(this.fullDates, minuteOf(ts), () => this.full.format(ts))

  private readonly memo = new Map<string, string>()

  /** `t(key, vars)` for texts drawn on every post (few distinct values), computed once each. */
  tOnce = <K extends Key>(key: K, ...args: TArgs<K>): string => remember(this.memo, `${key}\n${JSON.stringify(args[0] ?? null)}`, () => this.t(key, ...args))
}

// Enough for every minute and author in view; past that, start afresh rather than track age.
const MEMO_LIMIT = 1000

const minuteOf = (ts: number): number => Math.floor(ts / 60_000)

function remember<K>(cache: Map<K, string>, key: K, compute: () => string): string {
  let value = cache.get(key)
  if (value === undefined) {
    if (cache.size >= MEMO_LIMIT) cache.clear()
    value = compute()
    cache.set(key, value)
  }
  return value
}

const current = new Observable(new Translator('en', en))
/** False until the saved or browser language is in place (so the first paint is in it). */
export const localeReady = new Observable(false)

/** The translator in use, for code outside React (notifications). */
export function translator(): Translator {
  return current.value
}

/** The translator in use; the component re-renders when the language changes. */
export function useT(): Translator {
  return useObservable(current)
}

let applying = 0

/** Loads the locale's catalogue (English is always there) and switches the whole UI to it. */
export async function applyLocale(locale: Locale): Promise<void> {
  const ticket = ++applying
  let next = new Translator('en', en)
  if (locale !== 'en') {
    try {
      next = new Translator(locale, (await loaders[locale]()).default)
    } catch (err) {
      // Offline with that chunk not cached yet: English rather than nothing.
      console.warn(`The ${locale} translation could not load`, err)
    }
  }
  if (ticket !== applying) return // a later choice won
  document.documentElement.lang = next.locale
  current.set(next)
}

function browserLanguages(): readonly string[] {
  return navigator.languages?.length ? navigator.languages : [navigator.language]
}

let starting: Promise<void> | undefined

/** Once per page: the language saved in Settings, else the browser's, else English. */
export function startLocale(db: RodaDB): Promise<void> {
  return (starting ??= (async () => {
    const saved = await getSetting<string>(db, LOCALE_SETTING).catch(() => undefined)
    await applyLocale(isLocale(saved) ? saved : matchLocale(browserLanguages()))
  })().finally(() => localeReady.set(true)))
}

/** The user's choice (Settings, onboarding): saved, and applied at once. */
export async function chooseLocale(db: RodaDB, locale: Locale): Promise<void> {
  await setSetting(db, LOCALE_SETTING, locale)
  await applyLocale(locale)
}
