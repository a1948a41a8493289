// Entry of the bundled broker that the start-up benchmark measures next to the type-stripped sources.
import { main } from '../../broker/cli/main.ts'

process.exitCode = await main(process.argv.slice(2))
