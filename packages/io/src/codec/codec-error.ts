/** Thrown by the value codec: a value it cannot encode, or bytes that are not a valid encoding. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
}
