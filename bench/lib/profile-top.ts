// Top self-time functions of a .cpuprofile (from `node --cpu-prof`):
//   node bench/lib/profile-top.ts FILE.cpuprofile [count=25]
import { readFile } from 'node:fs/promises'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const [file, count = '25'] = process.argv.slice(2)
if (file === undefined) throw new Error('usage: profile-top.ts FILE.cpuprofile [count]')
const p = JSON.parse(await readFile(file, 'utf8')) as Profile
const byId = new Map(p.nodes.map((n) => [n.id, n]))
const self = new Map<string, number>()
let total = 0
p.samples.forEach((id, i) => {
  const n = byId.get(id)
  const dt = p.timeDeltas[i] ?? 0
  total += dt
  if (!n) return
  const f = n.callFrame
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/work\/main\//, '')}:${f.lineNumber + 1}`
  self.set(key, (self.get(key) ?? 0) + dt)
})
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(count))
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`)
for (const [k, us] of top)
  console.log(
    `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`,
  )
