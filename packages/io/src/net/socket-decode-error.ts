/**
 * A built-in decoder of a socket source (e.g. the UTF-8 line decoder of `socketLines`) failed:
 * not the application's doing (there is no converter of its own to fix). The message names
 * the server and the decoder; `cause` is the failure.
 */
export class SocketDecodeError extends Error {
  override readonly name = 'SocketDecodeError';
}
