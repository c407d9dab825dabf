import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

/** Debian's chromium (CI installs it with apt-get, as .ci/run does); `CHROMIUM_PATH` overrides. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Headless Chromium for the browser tests (the orders dashboard's and the Streaming UI's), with
 * its profile in `profileDir`, no network chatter of its own, and a laptop-sized viewport.
 */
export function launchChromium(profileDir: string, viewport = { width: 1280, height: 960 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
