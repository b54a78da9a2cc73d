// Drives Debian's Chromium through the vcslink playground (a query, the Docs pane, autocompletion) and a cross-origin request.
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

  // The Docs pane loads the schema through GraphiQL's own introspection query and lists the types.
  await page.click('button[aria-label*="Documentation Explorer"]');
  await page.waitForFunction(() => {
    const pane = document.querySelector('.graphiql-doc-explorer');
    return pane && (pane.innerText.includes('Root Types') || pane.querySelector('.graphiql-doc-explorer-error'));
  }, null, { timeout: 20000 });
  const docs = await page.evaluate(() => document.querySelector('.graphiql-doc-explorer').innerText);
  if (!docs.includes('Root Types') || !docs.includes('Query')) await fail(`the Docs pane shows no schema: ${docs}`);
  await page.locator('.graphiql-doc-explorer a:text-is("Query")').first().click();
  await page.waitForFunction(() => document.querySelector('.graphiql-doc-explorer')?.innerText.includes('azureDevOpsIntegrations'), null, { timeout: 10000 })
    .catch(async () => fail(`the Docs pane does not list Query's fields: ${await page.evaluate(() => document.querySelector('.graphiql-doc-explorer').innerText)}`));

  // Typing in the query editor offers the schema's fields.
  await page.evaluate(() => {
    const cm = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
    cm.setValue('{\n  \n}');
    cm.focus();
    cm.setCursor({ line: 1, ch: 2 });
  });
  await page.keyboard.type('vie', { delay: 50 });
  await page.waitForSelector('.CodeMirror-hints', { timeout: 10000 })
    .catch(() => fail('no autocompletion popup in the query editor'));
  const hints = await page.evaluate(() => document.querySelector('.CodeMirror-hints').innerText);
  if (!hints.includes('viewer')) await fail(`autocompletion does not offer viewer: ${hints}`);

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
