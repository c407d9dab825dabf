/** Where the user's code created a stream (its `creationSite`), when the stream records one. */
export function callSiteOf(stream: unknown): { shortForm: string; longForm: string } | undefined {
  const site = (stream as { creationSite?: { shortForm?: unknown; longForm?: unknown } } | undefined)?.creationSite;
  return typeof site?.shortForm === 'string' && typeof site.longForm === 'string' ? { shortForm: site.shortForm, longForm: site.longForm } : undefined;
}
