/* global process */
// The bare-Node baseline of the start-up figures (bench/startup.ts): Node started on a script file that
// prints a ready line, timed to that line exactly as the broker is timed to its own.
process.stdout.write('bare node ready on stdout\n')
