// Reads a plain TCP connection straight into buffers the connection chooses (Node's `onread` option), so
// request bytes are not first put in a fresh 64 KiB buffer per read and then copied into their frame: on
// the produce path those buffers and copies cost the broker about a third of its CPU.
//
// Node gives `onread` only to sockets constructed with it, and an accepted server socket is not. So the
// listener accepts with pauseOnConnect (nothing read yet) and the accepted handle moves into a new Socket
// that has the option: Node does the same when it accepts a connection or receives a handle from another
// process. The handle sits in the socket's `_handle`, which is not public API; where it is missing, the
// caller reads through 'data' events instead.
import { Socket, type SocketConstructorOpts } from 'node:net'

export interface ReadSink {
  /** Where the next read goes (never empty). */
  target(): Buffer
  /** `n` bytes were read into the start of the last target. Must not throw. */
  filled(n: number): void
}

/** The socket's libuv handle: what Node moves between Socket objects. */
interface HandleHolder {
  _handle?: unknown
}

/**
 * A socket on the handle of `accepted` (a paused plain TCP socket) whose reads go into `sink`'s targets;
 * `accepted` is left closed without its handle. Null when the handle cannot be taken.
 */
export function readInto(accepted: Socket, sink: ReadSink): Socket | null {
  const holder = accepted as unknown as HandleHolder
  const handle = holder._handle
  if (typeof handle !== 'object' || handle === null || !('readStart' in handle)) return null
  holder._handle = null
  accepted.destroy()
  // Typed as Node's public BoundSocket handle; the constructor takes an accepted TCP handle the same way.
  const options: Omit<SocketConstructorOpts, 'handle'> & { handle: object } = {
    handle,
    readable: true,
    writable: true,
    onread: {
      buffer: () => sink.target(),
      callback: (n) => {
        sink.filled(n)
        return true
      },
    },
  }
  return new Socket(options as SocketConstructorOpts)
}
