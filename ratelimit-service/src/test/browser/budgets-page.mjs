// Watches /budgets in headless Chromium as a person would: waits for a rule's bucket, prints what
// the page shows, then waits until the page shows the budget spent (tokens changed and denials
// counted) and prints that. One JSON line per reading, on stdout; BudgetsPageIT drives the budget.
//
// usage: node budgets-page.mjs URL RULE_KEY [SCREENSHOT.png]
import { chromium } from 'playwright-core';

const [url, rule, screenshot] = process.argv.slice(2);
const bucket = `[data-rule="${rule}"] .bucket`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.waitForSelector(`${bucket} .tokens`, { timeout: 20000 });
  const read = () => page.$eval(bucket, b => ({
    tokens: b.querySelector('.tokens').textContent,
    summary: b.querySelector('.summary').textContent,
    denied10s: b.querySelector('.denied-10s b').textContent,
  }));
  const first = await read();
  console.log(JSON.stringify({ reading: 'first', ...first }));
  await page.waitForFunction(({ bucket, tokens }) => {
    const b = document.querySelector(bucket);
    return b && b.querySelector('.tokens').textContent !== tokens
      && Number(b.querySelector('.denied-10s b').textContent) > 0;
  }, { bucket, tokens: first.tokens }, { timeout: 30000 });
  console.log(JSON.stringify({ reading: 'spent', ...(await read()) }));
  if (screenshot) {
    await page.screenshot({ path: screenshot, fullPage: true });
  }
} finally {
  await browser.close();
}
