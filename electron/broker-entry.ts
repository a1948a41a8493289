// The bundled broker's entry for Electron's utilityProcess: the same code as `strata broker`.
// Arguments start at 'broker' (what comes before depends on how the process was launched).
import { main } from '../broker/cli/main.ts'

const argv = process.argv
const at = argv.indexOf('broker')
process.exitCode = await main(at >= 0 ? argv.slice(at) : ['broker'])
