// The console in Chromium against web mode with a real bundled broker: topics, produce, browse,
// segments, consumer-group offset reset and quotas, as a person would use them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import type { Page } from 'playwright-core'
import { startConsole, type ConsoleHarness } from './support/console-harness.ts'
import { AppPage } from './pages/app.page.ts'
import { TopicsPage } from './pages/topics.page.ts'
import { TopicDetailPage } from './pages/topic-detail.page.ts'
import { GroupsPage } from './pages/groups.page.ts'
import { QuotasPage } from './pages/quotas.page.ts'
import { AclsPage } from './pages/acls.page.ts'

describe('console (web mode, bundled broker)', () => {
  let harness: ConsoleHarness
  let page: Page
  let app: AppPage
  let producedPartition = 0

  beforeAll(async () => {
    harness = await startConsole()
    page = await harness.newPage()
    app = new AppPage(page, harness.url)
    await app.open()
  }, 180_000)

  afterAll(async () => {
    await harness?.stop()
  })

  it('creates a topic, checking the name as it is typed', async () => {
    const topics = new TopicsPage(page)
    await app.go('Topics')
    expect(await topics.nameMessage('bad name!')).toMatch(/Only letters/)
    await topics.createTopic('e2e.orders', 3)
    await topics.filter('e2e.orders')
    await topics.row('e2e.orders').waitFor()
    expect(await topics.row('e2e.orders').textContent()).toContain('3')
    await app.screenshot('topics-created')
  })

  it('edits a topic config, checking the value first', async () => {
    const topics = new TopicsPage(page)
    const detail = new TopicDetailPage(page)
    await topics.open('e2e.orders')
    await detail.tab('Configs')
    await detail.configRow('retention.ms').waitFor()
    expect(await detail.editConfig('retention.ms', '-5')).toMatch(/At least -1/)
    expect(await detail.editConfig('retention.ms', '86400000')).toBeNull()
    await expect.poll(() => detail.configRow('retention.ms').textContent()).toMatch(/86400000.*topic/)
    await app.screenshot('topic-configs')
  })

  it('produces a message and finds it in the message browser', async () => {
    const detail = new TopicDetailPage(page)
    await detail.tab('Messages')
    const result = await detail.produce({
      key: 'order-42',
      value: '{"id":42,"note":"<b>not html</b>"}',
      header: ['source', 'e2e'],
    })
    expect(result).toMatch(/Written to partition \d+ at offset 0/)
    producedPartition = Number(/partition (\d+)/.exec(result)?.[1])
    await detail.read({ start: 'Oldest (beginning)' })
    await detail.waitForLoaded(1)
    await detail.search('order-42')
    await detail.messageRow('order-42').waitFor()
    await detail.openMessage('order-42')
    expect(await detail.valueContent().textContent()).toContain('"note": "<b>not html</b>"')
    expect(await page.locator('[aria-label="Value content"] b').count()).toBe(0)
    const exported = JSON.parse(await detail.exportAs('JSON')) as { key: string; headers: unknown[] }[]
    expect(exported.map((m) => m.key)).toEqual(['order-42'])
    expect(exported[0]?.headers).toEqual([{ key: 'source', value: 'e2e' }])
    expect(await detail.exportAs('CSV')).toMatch(
      /^partition,offset,timestamp,key,value,headers\r\n\d+,0,.*,order-42,/,
    )
    await app.screenshot('message-browser')
  })

  it('tails new messages live, with pause and a rate', async () => {
    const detail = new TopicDetailPage(page)
    await detail.search('')
    await detail.startTail()
    const kafka = new Kafka({
      clientId: 'e2e-tail',
      brokers: [harness.bootstrap],
      logLevel: logLevel.NOTHING,
    })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'e2e.orders', messages: [{ key: 'live-1', value: 'first live message' }] })
    await detail.messageRow('live-1').waitFor({ timeout: 20_000 })
    await expect.poll(() => detail.tailRate().textContent()).toMatch(/msg\/s/)
    await detail.pauseTail()
    await producer.send({ topic: 'e2e.orders', messages: [{ key: 'live-2', value: 'while paused' }] })
    await page.getByRole('button', { name: 'Resume (1 waiting)' }).waitFor({ timeout: 20_000 })
    expect(await detail.messageRow('live-2').count()).toBe(0)
    await app.screenshot('live-tail-paused')
    await detail.resumeTail()
    await detail.messageRow('live-2').waitFor()
    await detail.stopTail()
    await producer.disconnect()
  })

  it('shows the message in the segments tab with valid CRCs', async () => {
    const detail = new TopicDetailPage(page)
    await detail.tab('Segments')
    await page.getByLabel('Partition').selectOption(String(producedPartition))
    await detail.segmentsTable().waitFor()
    await detail.inspectFirstSegment()
    await expect.poll(() => detail.crcStatus().textContent()).toMatch(/All \d+ CRCs valid/)
    // The first batch of the partition holds the message produced from the console, at offset 0.
    expect(await detail.batchesTable().getByRole('row').nth(1).textContent()).toMatch(/^0/)
    await app.screenshot('segments')
  })

  it('resets a consumer group through the preview dialog', async () => {
    const kafka = new Kafka({ clientId: 'e2e', brokers: [harness.bootstrap], logLevel: logLevel.NOTHING })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      topic: 'e2e.orders',
      messages: Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    })
    await producer.disconnect()
    const admin = kafka.admin()
    await admin.connect()
    const total = (await admin.fetchTopicOffsets('e2e.orders')).reduce((sum, p) => sum + Number(p.high), 0)
    await admin.disconnect()
    const consumer = kafka.consumer({ groupId: 'e2e-billing' })
    await consumer.connect()
    await consumer.subscribe({ topic: 'e2e.orders', fromBeginning: true })
    let seen = 0
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async () => {
            if (++seen === total) resolve()
          },
        })
        .catch(reject)
    })
    await consumer.commitOffsets([]).catch(() => undefined)
    await consumer.disconnect()

    const groups = new GroupsPage(page)
    await app.go('Consumer groups')
    await groups.open('e2e-billing')
    await groups.offsetsTable().waitFor()
    await groups.previewReset('Earliest')
    expect(await groups.previewRows().count()).toBe(4)
    await app.screenshot('reset-preview')
    await groups.applyReset()
    await groups.closeReset()
    const committed = () =>
      groups
        .offsetsTable()
        .getByRole('row')
        .evaluateAll((rows) => rows.slice(1).map((r) => r.querySelectorAll('td')[2]?.textContent?.trim()))
    await expect.poll(committed, { timeout: 20_000 }).toEqual(['0', '0', '0'])
    await app.screenshot('group-after-reset')
  })

  it('shows the bundled broker running, with its log, and the overview', async () => {
    await app.go('Connections')
    await expect.poll(() => app.brokerState().textContent()).toBe('running')
    await expect.poll(() => app.brokerLog().textContent()).not.toBe('')
    await app.screenshot('connections')
    await app.go('Overview')
    await expect.poll(() => app.figure('Topics').textContent()).toMatch(/\d/)
    await app.screenshot('overview')
  })

  it('deletes a topic only after its name is typed', async () => {
    const topics = new TopicsPage(page)
    await app.go('Topics')
    await topics.createTopic('e2e.scratch')
    await topics.deleteTopic('e2e.scratch')
    await topics.filter('e2e.scratch')
    await page.getByText('No topic matches the filter.').waitFor()
  })

  it('opens views from the command palette', async () => {
    await app.runCommand('consumer groups')
    await page.getByRole('heading', { level: 1, name: 'Consumer groups' }).waitFor()
    await app.runCommand('go to topics')
    await page.getByRole('heading', { level: 1, name: 'Topics' }).waitFor()
  })

  it('saves an external cluster, switches to it, and hides the segments tab there', async () => {
    await app.go('Connections')
    await app.addCluster('Loopback', harness.bootstrap)
    expect(await page.getByRole('status').filter({ hasText: 'Connected' }).count()).toBe(1)
    await app.switchCluster('Loopback')
    await app.go('Topics')
    const topics = new TopicsPage(page)
    await topics.open('e2e.orders')
    expect(await page.getByRole('tab', { name: 'Segments' }).count()).toBe(0)
    await app.screenshot('external-cluster')
    await app.switchCluster('Bundled broker')
    await page.getByRole('tab', { name: 'Segments' }).waitFor()
  })

  it('adds partitions but never fewer', async () => {
    const topics = new TopicsPage(page)
    await app.go('Topics')
    expect(await topics.addPartitions('e2e.orders', 2)).toMatch(/never be removed/)
    await topics.addPartitions('e2e.orders', 5)
    await expect.poll(() => topics.row('e2e.orders').getByRole('cell').nth(1).textContent()).toBe('5')
  })

  it('sets and removes a client quota', async () => {
    const quotas = new QuotasPage(page)
    await app.go('Quotas')
    await quotas.setQuota({ type: 'Client ID', name: 'e2e-loader', quota: /Produce rate/, value: '1048576' })
    await quotas.row('e2e-loader').or(app.alert()).first().waitFor()
    await app.screenshot('quotas')
    expect(await app.alert().count()).toBe(0)
    expect(await quotas.row('e2e-loader').textContent()).toContain('1.00 MiB/s')
    await quotas.removeQuota('producer_byte_rate', 'client-id=e2e-loader')
    await quotas.row('e2e-loader').waitFor({ state: 'detached' })
  })

  it('creates, filters and deletes an ACL', async () => {
    const acls = new AclsPage(page)
    await app.go('ACLs')
    await acls.create({
      principal: 'User:alice',
      resourceType: 'topic',
      resource: 'e2e.orders',
      operation: 'read',
      permission: 'allow',
    })
    await acls.row('User:alice').or(app.alert()).first().waitFor()
    await app.screenshot('acls')
    expect(await app.alert().count()).toBe(0)
    await acls.filter('alice')
    expect(await acls.row('topic:e2e.orders').count()).toBe(1)
    await acls.remove('User:alice', 'read', 'e2e.orders')
    await acls.row('User:alice').waitFor({ state: 'detached' })
  })
})
