// Drives Debian's Chromium through the vcslink playground and a cross-origin request.
// Usage: node playground.mjs <server> <token> <screenshot.png> <cors-server> <blocked-server>
import { chromium } from 'playwright-core';

const [server, token, screenshot, corsServer, blockedServer] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let current;
const fail = async (message) => {
  console.error(message);
  if (current) {
    console.error(await current.evaluate(() => document.body.innerText.slice(0, 2000)).catch(() => ''));
    await current.screenshot({ path: screenshot }).catch(() => {});
  }
  await browser.close();
  process.exit(1);
};
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  current = page;
  const offsite = [];
  page.on('request', (r) => { if (!r.url().startsWith(server)) offsite.push(r.url()); });
  await page.goto(`${server}/graphql`);
  await page.waitForSelector('.graphiql-container', { timeout: 20000 });
  // Open the Headers tab as a person would, then type into its editor.
  await page.click('button:has-text("Headers")');
  await page.waitForTimeout(300);
  await page.evaluate((auth) => {
    const editors = [...document.querySelectorAll('.CodeMirror')].map((e) => e.CodeMirror);
    // The tools pane holds the variables and headers editors; only the open tab's is visible.
    const headers = editors.find((cm) => {
      const el = cm.getWrapperElement();
      return el.closest('.graphiql-editor-tool') && !el.parentElement.classList.contains('hidden');
    });
    headers.setValue(JSON.stringify({ Authorization: `Bearer ${auth}` }));
    editors[0].setValue('{ viewer { tenant user role } }');
  }, token);
  await page.click('.graphiql-execute-button');
  page.on('console', (m) => console.error('console:', m.text()));
  await page.waitForFunction(() => document.querySelector('.result-window')?.innerText.includes('ADMIN'), null, { timeout: 20000 });
  const result = await page.evaluate(() => document.querySelector('.result-window').innerText);
  await page.screenshot({ path: screenshot, fullPage: true });
  if (!result.includes('"tenant": "default"')) await fail(`unexpected result: ${result}`);
  if (offsite.length) await fail(`the playground loaded assets from elsewhere: ${offsite.join(', ')}`);

  // A real cross-origin request (with a preflight, because of Authorization) to a server that
  // allows this page's origin, and one to a server that does not.
  const call = (url) => page.evaluate(async ([url, auth]) => {
    try {
      const r = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
        body: JSON.stringify({ query: '{ viewer { role } }' }),
      });
      return { ok: true, body: await r.text() };
    } catch (e) {
      return { ok: false, error: String(e) };
    }
  }, [url, token]);
  const allowed = await call(corsServer);
  if (!allowed.ok || !allowed.body.includes('ADMIN')) await fail(`cross-origin call refused: ${JSON.stringify(allowed)}`);
  const blocked = await call(blockedServer);
  if (blocked.ok) await fail(`a non-allowed origin got an answer: ${JSON.stringify(blocked)}`);
  console.log('playground and CORS ok');
} catch (e) {
  await fail(String(e));
}
await browser.close();
