/**
 * What differs between the pages of the Streaming UI; {@link renderUIPage} wraps it in the
 * shell every page shares (head, stylesheet, top bar, `ui-common.js`).
 * @internal
 */
export interface UIPage {
  readonly title: string;
  /** Stylesheets loaded before the UI's own (`/static/...`). */
  readonly styles: readonly string[];
  /** Scripts run before `ui-common.js` (libraries the page script uses). */
  readonly libraries: readonly string[];
  /** The page's own script, run last. */
  readonly script: string;
  /** The tooltip of the live indicator, if any. */
  readonly liveTitle?: string;
  /** The file of the UI's static folder that holds the content of the page's `<main>`. */
  readonly main: string;
}

/** The whole HTML of `page`, with `main` (the content of its `<main>` file) inside the shared shell. @internal */
export function renderUIPage(page: UIPage, main: string): string {
  const live = page.liveTitle === undefined ? '<span class="live" id="live"></span>' : `<span class="live" id="live" title="${page.liveTitle}"></span>`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '  <meta charset="utf-8">',
    '  <meta name="viewport" content="width=device-width, initial-scale=1">',
    '  <meta name="color-scheme" content="light dark">',
    `  <title>${page.title}</title>`,
    '  <link rel="icon" href="/static/favicon.svg">',
    ...page.styles.map((href) => `  <link rel="stylesheet" href="${href}">`),
    '  <link rel="stylesheet" href="/static/streaming-ui.css">',
    '</head>',
    '<body>',
    '  <header class="topbar">',
    '    <a class="brand" href="/streaming/">Kindling</a>',
    '    <nav><a class="tab active" href="/streaming/">Streaming</a></nav>',
    '    <span class="app" id="app-name"></span>',
    `    ${live}`,
    '  </header>',
    '  <main id="app">',
    `${main}  </main>`,
    ...page.libraries.map((src) => `  <script src="${src}"></script>`),
    '  <script src="/static/ui-common.js"></script>',
    `  <script src="${page.script}"></script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
