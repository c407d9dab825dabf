/**
 * The name Spark's UI and REST API show for an input stream (Spark's `InputDStream.name`):
 * the class name with `InputDStream` shortened to `Stream`, split into lower-case words before
 * each capital, the first word capitalised, then the input id in brackets. `SocketInputDStream`
 * with id 0 is `Socket stream [0]`; `QueueInputDStream` with id 2 is `Queue stream [2]`.
 */
export function inputStreamName(className: string, id: number): string {
  const words = className.replaceAll('$', '').replaceAll('InputDStream', 'Stream').split(/(?=[A-Z])/).filter((w) => w.length > 0);
  const lower = words.join(' ').toLowerCase();
  return `${lower.charAt(0).toUpperCase()}${lower.slice(1)} [${id}]`;
}

/**
 * The name Spark gives a running receiver (`ReceiverInfo.name`, the receivers' `streamName` in
 * the REST API): the receiver's class name, a dash and its stream id, e.g. `SocketReceiver-0`.
 */
export function receiverName(receiverClassName: string, streamId: number): string {
  return `${receiverClassName}-${streamId}`;
}
