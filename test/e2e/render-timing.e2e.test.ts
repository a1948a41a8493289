// Figures, printed and never asserted: the topics view with 5,000 topics and a 500-message page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import type { Page } from 'playwright-core'
import { startConsole, type ConsoleHarness } from './support/console-harness.ts'
import { AppPage } from './pages/app.page.ts'
import { TopicsPage } from './pages/topics.page.ts'
import { TopicDetailPage } from './pages/topic-detail.page.ts'

const TOPICS = 5000
const MESSAGES = 500

describe('render timing (web mode, bundled broker)', () => {
  let harness: ConsoleHarness
  let page: Page
  let app: AppPage
  let kafka: Kafka

  beforeAll(async () => {
    harness = await startConsole()
    page = await harness.newPage()
    app = new AppPage(page, harness.url)
    kafka = new Kafka({ clientId: 'e2e-timing', brokers: [harness.bootstrap], logLevel: logLevel.NOTHING })
  }, 180_000)

  afterAll(async () => {
    await harness?.stop()
  })

  it(`renders ${TOPICS.toLocaleString('en-US')} topics`, { timeout: 600_000 }, async () => {
    const admin = kafka.admin()
    await admin.connect()
    for (let start = 0; start < TOPICS; start += 250) {
      const names = Array.from(
        { length: Math.min(250, TOPICS - start) },
        (_, i) => `load-${String(start + i).padStart(5, '0')}`,
      )
      await admin.createTopics({
        topics: names.map((topic) => ({ topic, numPartitions: 1 })),
        timeout: 120_000,
      })
    }
    await admin.disconnect()

    await app.open('/overview')
    const topics = new TopicsPage(page)
    const began = Date.now()
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Topics' }).click()
    await topics.waitForRowCount(TOPICS)
    await topics.row('load-00000').waitFor()
    const ms = Date.now() - began
    console.log(
      `[figure] topics view: ${TOPICS} topics shown in ${ms} ms (click to rows); the back end's list call took ${await topics.listTime()} of it`,
    )
    const filterBegan = Date.now()
    await topics.filter('load-04999')
    await topics.row('load-04999').waitFor()
    console.log(`[figure] topics view: filter over ${TOPICS} topics shown in ${Date.now() - filterBegan} ms`)
    await topics.filter('')
    await app.screenshot('topics-5000')
    // Rendering alone: the list is in the store, so coming back shows it at once (a refresh runs behind).
    await app.go('Connections')
    const rendered = await topics.timeOpenFromNavigation(TOPICS)
    console.log(
      `[figure] topics view: ${TOPICS} topics rendered from the store in ${Math.round(rendered)} ms (timed in the page)`,
    )
    expect(await topics.table().getAttribute('aria-rowcount')).toBe(String(TOPICS + 1))
  })

  it(`shows a page of ${MESSAGES} messages`, { timeout: 300_000 }, async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'timing.messages', numPartitions: 1 }] })
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      topic: 'timing.messages',
      messages: Array.from({ length: MESSAGES }, (_, i) => ({
        key: `key-${i}`,
        value: JSON.stringify({ id: i, text: 'x'.repeat(100) }),
      })),
    })
    await producer.disconnect()

    await app.open('/topics/timing.messages?tab=messages')
    const detail = new TopicDetailPage(page)
    await detail.waitForLoaded(100)
    await page.getByLabel('Page size').selectOption(String(MESSAGES))
    await page.getByLabel('Start').selectOption({ label: 'Oldest (beginning)' })
    const began = Date.now()
    await page.getByRole('button', { name: 'Load', exact: true }).click()
    await detail.waitForLoaded(MESSAGES)
    await detail.messageRow('key-0').first().waitFor()
    console.log(
      `[figure] message view: page of ${MESSAGES} messages shown in ${Date.now() - began} ms (click to rows); the back end's read took ${await detail.loadTime()} of it`,
    )
    await app.screenshot('messages-500')
  })
})
