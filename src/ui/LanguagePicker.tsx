import type { Chat } from '../core/chat/chat.ts'
import { chooseLocale, isLocale, LOCALE_NAMES, LOCALES, useT } from './i18n/index.ts'

/** The language of the whole UI: applied at once and remembered on this device. */
export function LanguagePicker({ chat, id }: { chat: Chat; id: string }) {
  const { t, locale } = useT()
  return (
    <div className="language">
      <label htmlFor={id}>{t('language.label')}</label>
      <select
        id={id}
        data-testid="locale-select"
        value={locale}
        onChange={(e) => {
          const next = e.target.value
          if (isLocale(next)) void chooseLocale(chat.db, next)
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  )
}
