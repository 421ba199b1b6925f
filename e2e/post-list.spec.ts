// The list of posts is drawn by hand (src/ui/post-rows.ts), not by React: it must still show
// the timeline exactly, in its order, and change rows in place rather than redraw them.
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { createRoom, message, onboard, roomId, sendMany, texts } from './helpers.ts'

/** Puts rows straight into the room's timeline, as the verified path and sync do. */
function upsert(page: Page, room: string, rows: object[]): Promise<void> {
  return page.evaluate(({ r, list }) => window.roda!.chat.channel(r)!.timeline.upsert(list as never), { r: room, list: rows })
}

/** Marks the row of `text` so a later check can tell whether it is still the same element. */
function mark(page: Page, text: string): Promise<void> {
  return message(page, text).evaluate((li) => {
    ;(li as HTMLElement & { marked?: true }).marked = true
  })
}
const isMarked = (page: Page, text: string) => message(page, text).evaluate((li) => (li as HTMLElement & { marked?: true }).marked === true)

test('the list shows the timeline in its order and changes rows in place', async ({ newDevice }) => {
  const a = await newDevice('a')
  const me = await onboard(a.page, 'ana')
  await createRoom(a.page, 'lista')
  const room = await roomId(a.page)
  await sendMany(a.page, room, ['one', 'two', 'three'])
  await expect.poll(() => texts(a.page)).toEqual(['one', 'two', 'three'])
  const rows = await a.page.evaluate((r) => window.roda!.chat.channel(r)!.timeline.value, room)
  for (const t of ['one', 'two', 'three']) await mark(a.page, t)

  // Posts that order before and between the ones shown (history from sync) go where they belong.
  const other = 'b'.repeat(64)
  const from = (id: string, lamport: number, text: string, name = 'bia') => ({ id: id.repeat(64), room, author: other, name, lamport, ts: rows[0]!.ts, text, receivedAt: rows[0]!.ts })
  await upsert(a.page, room, [from('1', 0, 'before all'), from('2', rows[1]!.lamport, 'beside two')])
  const timelineTexts = () => a.page.evaluate((r) => window.roda!.chat.channel(r)!.timeline.value.map((p) => p.text), room)
  // The timeline tells of rows not received from the network in a task of its own.
  await expect.poll(async () => (await timelineTexts()).length).toBe(5)
  const order = await timelineTexts()
  expect(order[0]).toBe('before all')
  await expect.poll(() => texts(a.page)).toEqual(order)
  for (const t of ['one', 'two', 'three']) expect(await isMarked(a.page, t), `"${t}" kept its row`).toBe(true)

  // A receipt changes in place: the same row, one receipt, and text selected in it stays selected.
  await expect(message(a.page, 'two')).toHaveAttribute('data-status', 'pending')
  await message(a.page, 'two').getByTestId('message-text').evaluate((p) => getSelection()!.selectAllChildren(p))
  const two = rows.find((p) => p.text === 'two')!
  await upsert(a.page, room, [{ ...two, status: 'sent', seenBy: ['c'.repeat(64), 'd'.repeat(64)] }])
  await expect(message(a.page, 'two')).toHaveAttribute('data-status', 'sent')
  await expect(message(a.page, 'two').getByTestId('receipt')).toHaveAttribute('data-count', '2')
  expect(await isMarked(a.page, 'two')).toBe(true)
  expect(await a.page.evaluate(() => getSelection()!.toString())).toBe('two')

  // Someone else takes the same name: every "ana" row now shows whose key it is, in place.
  await expect(message(a.page, 'one').getByTestId('message-author')).toHaveText('ana')
  await upsert(a.page, room, [{ ...from('3', rows[2]!.lamport + 1, 'another ana'), name: 'ana' }])
  await expect(message(a.page, 'one').getByTestId('message-author')).toHaveText(`ana #${me.slice(0, 8)}`)
  await expect(message(a.page, 'another ana').getByTestId('message-author')).toHaveText(`ana #${other.slice(0, 8)}`)
  // The fingerprint is in the label now, so not beside it as well.
  await expect(message(a.page, 'one').locator('.fp')).toHaveCount(0)
  await expect(message(a.page, 'beside two').locator('.fp')).toHaveText(`#${other.slice(0, 8)}`)
  // Read out once, in the label, not twice: the fingerprint beside it is hidden from screen readers.
  await expect(message(a.page, 'beside two').locator('.fp')).toHaveAttribute('aria-hidden', 'true')
  expect(await isMarked(a.page, 'one')).toBe(true)
  await expect.poll(() => texts(a.page)).toEqual(await timelineTexts())
})

test('switching rooms shows the other room’s posts only, and back', async ({ newDevice }) => {
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  const first = await createRoom(a.page, 'primeira')
  await sendMany(a.page, await roomId(a.page), ['in the first', 'also in the first'])
  await expect.poll(() => texts(a.page)).toEqual(['in the first', 'also in the first'])
  await a.page.locator('header .brand').click()
  await createRoom(a.page, 'segunda')
  await sendMany(a.page, await roomId(a.page), ['in the second'])
  await expect.poll(() => texts(a.page)).toEqual(['in the second'])
  // The same page, another fragment.
  await a.page.goto(first)
  await expect(a.page.getByTestId('room-title')).toHaveText('primeira')
  await expect.poll(() => texts(a.page)).toEqual(['in the first', 'also in the first'])
})

test('a long room’s rows change with their post too', async ({ newDevice }) => {
  const a = await newDevice('a')
  const me = await onboard(a.page, 'ana')
  await createRoom(a.page, 'longa')
  const room = await roomId(a.page)
  // Past the 1,000 posts up to which every row is in the page: the list is virtualised.
  await a.page.evaluate(async (r) => {
    for (let i = 0; i < 1_100; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => window.roda!.chat.send(r, `post ${i + j}`)))
  }, room)
  const list = a.page.locator('.messages[role="region"] ol')
  await expect(list.locator('li[data-index]').first()).toBeVisible()
  const newest = await a.page.evaluate((r) => window.roda!.chat.channel(r)!.timeline.value.at(-1)!, room)
  const row = message(a.page, newest.text)
  await expect(row).toBeInViewport()
  await expect(row).toHaveAttribute('data-status', 'pending')
  await expect(row.getByTestId('message-author')).toHaveText('ana')

  await upsert(a.page, room, [{ ...newest, status: 'sent', seenBy: ['c'.repeat(64)] }])
  await expect(row).toHaveAttribute('data-status', 'sent')
  await expect(row.getByTestId('receipt')).toHaveAttribute('data-count', '1')
  const other = 'b'.repeat(64)
  await upsert(a.page, room, [{ id: 'e'.repeat(64), room, author: other, name: 'ana', lamport: newest.lamport + 1, ts: newest.ts, text: 'the other ana', receivedAt: newest.ts }])
  await expect(row.getByTestId('message-author')).toHaveText(`ana #${me.slice(0, 8)}`)
  await expect(message(a.page, 'the other ana').getByTestId('message-author')).toHaveText(`ana #${other.slice(0, 8)}`)
  // Every row is a list item of the list itself.
  expect(await list.evaluate((ol) => [...ol.children].every((c) => c.tagName === 'LI'))).toBe(true)
})

test('text that looks like markup is shown as text', async ({ newDevice }) => {
  const a = await newDevice('a')
  await onboard(a.page, '<b>ana</b>')
  await createRoom(a.page)
  const room = await roomId(a.page)
  const text = '<img src=x onerror="window.__owned=1"> & <script>window.__owned=1</script>'
  await sendMany(a.page, room, [text])
  await expect(message(a.page, text)).toBeVisible()
  await expect(message(a.page, text).getByTestId('message-author')).toHaveText('<b>ana</b>')
  await expect(a.page.locator('.messages img, .messages script, .messages b')).toHaveCount(0)
  expect(await a.page.evaluate(() => (window as { __owned?: number }).__owned)).toBeUndefined()
})
