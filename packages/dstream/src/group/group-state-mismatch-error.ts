/**
 * Group mode: an instance started with a graph whose stateful streams do not match the state its
 * group keeps (its state catalog). A stream the group keeps state of is not in the graph, or it
 * changed kind, slide, window or the log its state lives on. Starting anyway would restore
 * nothing for it while the offsets go on from the group's commits: its state would restart
 * empty, and the records before lost from it. `start()` fails with this error instead, listing
 * every difference and what to do (name the stream with the id its state is stored under, or
 * start a new group). The rule is a metadata checkpoint's (`IncompatibleCheckpointError`):
 * streams match by the name the user gave, else by structural key, so streams added elsewhere in
 * the program are compatible.
 */
export class GroupStateMismatchError extends Error {
  constructor(
    /** The group (`group.id`). */
    readonly group: string,
    /** The log stream that checked it (its name, for messages). */
    readonly streamName: string,
    /** Each difference, one sentence each. */
    readonly differences: readonly string[],
  ) {
    super(`${streamName}: this instance's graph does not match the state group ${group} keeps, so its state could not be restored beside the group's committed offsets:\n${differences.map((d) => `  - ${d}`).join('\n')}\nName each such stream with the id its state is stored under (stream.setName('<id>')) or restore the graph that wrote it; to drop a state for good, remove its entry from the group's state catalog; or start the application as a new group (another group.id).`);
    this.name = 'GroupStateMismatchError';
  }
}
