// editor.mjs — the report editor of `nianbao serve` in a real browser (Debian's chromium,
// headless, driven by puppeteer-core).  Run by tests/e2e/serve_browser.sh:
//
//     node tests/browser/editor.mjs NIANBAO_BIN SRCDIR WORKDIR
//
// What it shows, each step failing the run with a message when it does not hold:
//   1. the page opens on a fresh server; "新建报告" with 2021 / 2024 builds the form from
//      the layout: every value cell of the layout's three tables has an input carrying its
//      JSON path in data-path;
//   2. every value of samples/county-bureau-2021.json is typed into its field by
//      data-path (some counts with full-width digits, which must arrive as ASCII), and
//      every paragraph and sub-heading into the sections; the totals the page computes
//      (read-only) equal the sample's, and the page's check is clean;
//   3. "下载数据文件" gives data equal to the sample (as JSON values), which
//      `nianbao check` passes; "下载 PDF" gives the very bytes of `nianbao render`;
//   4. with table 二 entered by hand, one wrong total flags exactly the fields of the
//      error findings `nianbao check --format json` reports for that data
//      (aria-invalid="true", the message in the aria-describedby element); fixing it
//      clears them;
//   5. the server is killed (SIGKILL) in the middle of typing, more is typed, the server
//      is started again on the same port and the page reloaded: nothing typed is lost,
//      and the server's draft has it once it is back;
//   6. the 2019 edition's form is built too;
//   7. screenshots of the form and of the preview are written to WORKDIR/artifacts for a
//      person to look at (not compared with anything).
// SIGTERM then stops the server cleanly (exit status 0).

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const puppeteer = require('puppeteer-core');

const [BIN, SRC, WORK] = process.argv.slice(2);
if (!BIN || !SRC || !WORK) {
  console.error('usage: node editor.mjs NIANBAO_BIN SRCDIR WORKDIR');
  process.exit(2);
}
const ART = path.join(WORK, 'artifacts');
const DL = path.join(WORK, 'downloads');
const DRAFTS = path.join(WORK, 'drafts');
for (const d of [ART, DL, DRAFTS, path.join(WORK, 'profile')]) fs.rmSync(d, { recursive: true, force: true });
for (const d of [ART, DL, DRAFTS]) fs.mkdirSync(d, { recursive: true });

const env = { ...process.env };
delete env.SOURCE_DATE_EPOCH; // the PDF's date from the data, as the CLI run below
for (const k of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) delete env[k];

function fail(msg) {
  throw new Error(msg);
}
const note = (...a) => console.error('editor:', ...a);

/* ---- the server ---- */
let server = null;
function startServer(listen) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, ['serve', '--listen', listen, '--drafts', DRAFTS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('nianbao serve did not print its address: ' + out)), 30000);
    p.stdout.on('data', d => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve({ proc: p, port: Number(m[1]), url: m[0] }); }
    });
    p.stderr.on('data', d => process.stderr.write('[serve] ' + d));
    p.on('exit', code => { clearTimeout(timer); if (!out.includes('http://')) reject(new Error('nianbao serve exited ' + code)); });
  });
}

function getJson(url) {
  return new Promise((resolve, reject) => {
    http.get(url, res => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', d => b += d);
      res.on('end', () => resolve({ status: res.statusCode, body: b }));
    }).on('error', reject);
  });
}

/* ---- JSON helpers ---- */
function leaves(v, prefix, out) {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) leaves(x, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix, v]);
  return out;
}
function deepEqual(a, b, where = '$', diffs = []) {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    diffs.push(`${where}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`);
  } else if (Array.isArray(a)) {
    if (a.length !== b.length) diffs.push(`${where}: ${a.length} items ≠ ${b.length} items`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) deepEqual(a[i], b[i], `${where}[${i}]`, diffs);
  } else if (a && typeof a === 'object') {
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) diffs.push(`${where}: keys ${ka} ≠ ${kb}`);
    for (const k of ka) if (k in b) deepEqual(a[k], b[k], `${where}.${k}`, diffs);
  } else if (a !== b) diffs.push(`${where}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`);
  return diffs;
}

async function waitForFile(file, ms = 30000) {
  const t0 = Date.now();
  for (;;) {
    if (fs.existsSync(file) && fs.statSync(file).size > 0) {
      await new Promise(r => setTimeout(r, 300));
      return fs.readFileSync(file);
    }
    if (Date.now() - t0 > ms) fail(`no download ${file} after ${ms} ms`);
    await new Promise(r => setTimeout(r, 100));
  }
}

/* ---- the page ---- */
async function typeInto(page, sel, text) {
  const h = await page.$(sel);
  if (!h) fail(`no field ${sel}`);
  await h.evaluate(e => { e.focus(); e.select && e.select(); });
  await page.keyboard.press('Backspace');
  if (text !== '') await h.type(text);
  return h;
}

async function valueOf(page, sel) {
  return page.$eval(sel, e => e.value);
}

/* The set of data-paths flagged aria-invalid="true". */
async function invalidPaths(page) {
  return page.$$eval('[aria-invalid="true"][data-path]', es => es.map(e => e.dataset.path).sort());
}

async function newReport(page, edition, year) {
  await page.waitForSelector('#new-dialog[open]', { timeout: 10000 }).catch(async () => {
    await page.click('#btn-new');
    await page.waitForSelector('#new-dialog[open]');
  });
  await page.select('#new-edition', edition);
  await typeInto(page, '#new-year', year);
  await page.click('#new-create');
  // a cell only this edition's form has: the form before it (the other edition's) has
  // applications.new.natural too, so waiting for that one could return before the rebuild
  const own = edition === '2019' ? 'active.rules.new_made' : 'active.rules.issued';
  await page.waitForSelector(`input[data-path="${own}"]`, { timeout: 15000 });
}

/* Every value cell of the layout's tables, as the page must name it. */
function layoutValuePaths(layout) {
  const out = [];
  for (const b of layout.content) {
    if (b.type !== 'table') continue;
    for (const row of b.rows) for (const c of row) {
      if (c && typeof c === 'object' && c.value) out.push(c.value);
      if (c && typeof c === 'object' && c.values) for (const vc of b.value_columns) out.push(`${c.values}.${vc}`);
    }
  }
  return out;
}

/* Replaces the items of section `group` with `items` through the page's buttons. */
async function typeItems(page, group, items, useEnter) {
  const box = `.items[data-group-path="${group}"]`;
  for (;;) {
    const del = await page.$(`${box} .item button[aria-label^="删除"]`);
    if (!del) break;
    await del.click();
  }
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const heading = it !== null && typeof it === 'object';
    const text = heading ? it.heading : it;
    const prev = i > 0 ? items[i - 1] : null;
    if (useEnter && i > 0 && !heading && !(prev !== null && typeof prev === 'object')) {
      // Enter at the end of a paragraph starts the next one
      await page.keyboard.press('Enter');
    } else {
      await page.click(`${box} > .item-add > ${heading ? '.add-h' : '.add-p'}`);
    }
    const tas = await page.$$(`${box} textarea`);
    if (tas.length !== i + 1) fail(`${group}: ${tas.length} items after adding item ${i + 1}`);
    const ta = tas[i];
    const isFocused = await ta.evaluate(e => document.activeElement === e);
    if (!isFocused) fail(`${group}[${i}]: the new item did not get the focus`);
    await page.keyboard.sendCharacter(text); // the whole paragraph at once, as an input method commits it
  }
}

async function main() {
  const sample = JSON.parse(fs.readFileSync(path.join(SRC, 'samples/county-bureau-2021.json'), 'utf8'));
  const layout21 = JSON.parse(fs.readFileSync(path.join(SRC, 'layouts/gov-annual-2021.json'), 'utf8'));
  const layout19 = JSON.parse(fs.readFileSync(path.join(SRC, 'layouts/gov-annual-2019.json'), 'utf8'));

  server = await startServer('127.0.0.1:0');
  const port = server.port, url = server.url;
  note('server at', url);

  const browser = await puppeteer.launch({
    executablePath: process.env.NB_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    userDataDir: path.join(WORK, 'profile'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--no-proxy-server', '--disable-dev-shm-usage',
      '--window-size=1400,1000', '--lang=zh-CN'],
    defaultViewport: { width: 1400, height: 1000 },
    env,
  });
  let ok = false;
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', e => { note('page error:', e.message); pageErrors.push(e.message); });
    page.on('console', m => { if (m.type() === 'error') note('console:', m.text()); });
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: DL, eventsEnabled: true });

    /* 1. a fresh page, a new 2021 report */
    await page.goto(url, { waitUntil: 'networkidle0' });
    await newReport(page, '2021', '2024');
    const want = layoutValuePaths(layout21);
    const have = await page.$$eval('[data-path]', es => es.map(e => e.dataset.path));
    const missing = want.filter(p => !have.includes(p));
    if (missing.length) fail(`2021 form lacks inputs for ${missing.slice(0, 5).join(', ')} (${missing.length})`);
    const rows = await page.$$eval('table.report-table', ts => ts.map(t => t.rows.length));
    note(`2021 form: ${want.length} value cells, tables of ${rows.join('/')} rows`);
    const spans = await page.$$eval('table.report-table [rowspan], table.report-table [colspan]', es => es.length);
    if (spans < 20) fail(`only ${spans} merged cells in the form's tables`);
    const name = await page.$eval('#draft-select', s => s.value);
    note('draft', name);

    /* 2. type the sample in, field by field */
    const computed = new Set(await page.$$eval('input[readonly][data-path]', es => es.map(e => e.dataset.path)));
    if (!computed.has('applications.results.total.natural') || !computed.has('reviews.reconsideration.total'))
      fail('the totals are not computed read-only fields');
    let fullWidth = 0;
    const flat = leaves(sample, '', []).filter(([p]) => !['edition'].includes(p) && !/^(opening|sections)/.test(p));
    for (const [p, v] of flat) {
      const sel = `[data-path="${p}"]`;
      if (computed.has(p)) continue;
      const tag = await page.$eval(sel, e => e.tagName).catch(() => fail(`no field with data-path="${p}"`));
      if (tag === 'SELECT') { await page.select(sel, String(v)); continue; }
      let text = String(v);
      if (typeof v === 'number' && Number.isInteger(v) && fullWidth < 40 && /^[0-9]+$/.test(text) && p.startsWith('applications')) {
        text = text.replace(/[0-9]/g, d => String.fromCharCode(0xFF10 + Number(d))); // ０-９ as an IME types them
        fullWidth++;
      }
      await typeInto(page, sel, text);
      const shown = await valueOf(page, sel);
      if (shown !== String(v)) fail(`${p}: typed ${text}, the field shows ${shown}, expected ${v}`);
    }
    note(`typed ${flat.length - computed.size} values (${fullWidth} with full-width digits)`);
    await typeItems(page, 'opening', sample.opening, true);
    await typeItems(page, 'sections.overview', sample.sections.overview, true);
    await typeItems(page, 'sections.problems', sample.sections.problems, false);
    await typeItems(page, 'sections.other', sample.sections.other, false);
    for (const p of computed) {
      const shown = await valueOf(page, `[data-path="${p}"]`);
      const expect = leaves(sample, '', []).find(([q]) => q === p);
      if (!expect) fail(`computed field ${p} is not in the sample`);
      if (shown !== String(expect[1])) fail(`computed total ${p}: the page shows ${shown}, the sample has ${expect[1]}`);
    }
    note(`the page computed ${computed.size} totals, all equal to the sample's`);
    await page.waitForFunction(() => /检查通过/.test(document.querySelector('#findings-summary').textContent), { timeout: 15000 })
      .catch(async () => fail('the page does not call the filled-in sample clean: ' + await page.$eval('#findings-summary', e => e.textContent) + ' ' + await page.$eval('#findings', e => e.textContent.slice(0, 400))));

    /* 3. the data file and the PDF */
    await page.click('#btn-download');
    const data = JSON.parse((await waitForFile(path.join(DL, name + '.json'))).toString('utf8'));
    const diffs = deepEqual(data, sample);
    if (diffs.length) fail('downloaded data ≠ the sample:\n  ' + diffs.slice(0, 10).join('\n  '));
    note('downloaded data equals samples/county-bureau-2021.json');
    fs.writeFileSync(path.join(WORK, 'downloaded.json'), JSON.stringify(data, null, 2));
    const chk = JSON.parse(execFileSync(BIN, ['check', path.join(WORK, 'downloaded.json'), '--format', 'json'], { env }).toString());
    if (chk.errors !== 0) fail(`nianbao check finds ${chk.errors} errors in the page's data`);
    await page.click('#btn-pdf');
    const pdf = await waitForFile(path.join(DL, name + '.pdf'));
    execFileSync(BIN, ['render', path.join(SRC, 'samples/county-bureau-2021.json'), '-o', path.join(WORK, 'cli.pdf')], { env });
    const cli = fs.readFileSync(path.join(WORK, 'cli.pdf'));
    if (!pdf.equals(cli)) fail(`the PDF from the button (${pdf.length} bytes) differs from nianbao render's (${cli.length} bytes)`);
    note(`PDF from the button = nianbao render's, ${pdf.length} bytes`);

    /* 7a. screenshots of the form */
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ART, 'form-2021-top.png') });
    const tb = await page.$('[data-table-box="2"]');
    await tb.evaluate(e => e.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => window.scrollBy(0, -90));
    await page.screenshot({ path: path.join(ART, 'form-2021-table.png') });

    /* 4. break one sum, then fix it */
    await page.click('label[for="manual-2"]');
    if (!(await page.$eval('#manual-2', e => e.checked))) fail('the 手工填写总计 switch of table 二 did not turn on');
    const target = 'applications.results.total.natural';
    const good = String(sample.applications.results.total.natural);
    const bad = String(sample.applications.results.total.natural + 1);
    const broken = JSON.parse(JSON.stringify(sample));
    broken.applications.results.total.natural += 1;
    fs.writeFileSync(path.join(WORK, 'broken.json'), JSON.stringify(broken));
    let out;
    try { out = execFileSync(BIN, ['check', path.join(WORK, 'broken.json'), '--format', 'json'], { env }).toString(); }
    catch (e) { out = e.stdout.toString(); }
    const expectFindings = JSON.parse(out).findings.filter(f => f.severity === 'error');
    const expected = [...new Set(expectFindings.flatMap(f => f.paths))].sort();
    if (!expected.includes(target)) fail('nianbao check does not name the broken total');
    const t0 = Date.now();
    await typeInto(page, `[data-path="${target}"]`, bad);
    await page.waitForFunction(exp => {
      const got = [...document.querySelectorAll('[aria-invalid="true"][data-path]')].map(e => e.dataset.path).sort();
      return got.join() === exp.join();
    }, { timeout: 15000 }, expected).catch(async () => fail(`flagged ${JSON.stringify(await invalidPaths(page))}, expected ${JSON.stringify(expected)}`));
    note(`broken total: ${expected.length} fields flagged (${expectFindings.map(f => f.rule).join(', ')}) after ${Date.now() - t0} ms`);
    for (const p of expected) {
      const msg = await page.$eval(`[data-path="${p}"]`, e => {
        const m = document.getElementById(e.getAttribute('aria-describedby'));
        return m ? m.textContent : '';
      });
      const mine = expectFindings.filter(f => f.paths.includes(p)).map(f => f.message);
      if (!mine.every(m => msg.includes(m))) fail(`${p}: aria-describedby says "${msg}", expected the findings ${JSON.stringify(mine)}`);
    }
    await page.$eval(`[data-path="${target}"]`, e => { e.scrollIntoView({ block: 'center' }); e.focus({ preventScroll: true }); });
    await page.screenshot({ path: path.join(ART, 'form-2021-error.png') });
    const links = await page.$$eval('#findings a.goto', as => as.length);
    if (links < expected.length) fail(`the findings list links ${links} fields, expected at least ${expected.length}`);
    await page.click('#findings a.goto');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.dataset.path);
    if (!expected.includes(focused)) fail(`a finding's link focused ${focused}`);
    const t1 = Date.now();
    await typeInto(page, `[data-path="${target}"]`, good);
    await page.waitForFunction(() => !document.querySelector('[aria-invalid="true"]') && /检查通过/.test(document.querySelector('#findings-summary').textContent), { timeout: 15000 })
      .catch(async () => fail(`still flagged after the fix: ${JSON.stringify(await invalidPaths(page))}`));
    note(`fixed: cleared after ${Date.now() - t1} ms`);
    await page.click('label[for="manual-2"]');

    /* 7b. the preview */
    await page.click('#btn-preview');
    await page.waitForSelector('#preview-panel:not([hidden])', { timeout: 15000 });
    const src = await page.$eval('#preview', f => f.src);
    if (!src.startsWith('blob:')) fail('the preview shows no PDF');
    // Chromium's PDF viewer is a frame of its own; give it time to draw the first page
    for (let i = 0; i < 100 && !page.frames().some(f => f.url().startsWith('chrome-extension:')); i++)
      await new Promise(r => setTimeout(r, 100));
    await new Promise(r => setTimeout(r, 4000));
    await page.screenshot({ path: path.join(ART, 'preview-2021.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#preview-panel[hidden]');

    /* 5. kill the server mid-edit, type on, restart, reload */
    await page.waitForFunction(() => document.body.dataset.sync === 'saved', { timeout: 15000 });
    const p1 = 'sections.problems[0]', p2 = 'signature.office';
    const extra1 = '（断电测试：这一句在服务器被杀死之前输入。）', extra2 = '办公室（服务器停止后输入）';
    await page.focus(`[data-path="${p1}"]`);
    await page.$eval(`[data-path="${p1}"]`, e => e.setSelectionRange(e.value.length, e.value.length));
    await page.keyboard.sendCharacter(extra1);
    server.proc.kill('SIGKILL');
    await new Promise(r => server.proc.on('exit', r));
    note('server killed');
    await typeInto(page, `[data-path="${p2}"]`, sample.signature.office + extra2);
    await new Promise(r => setTimeout(r, 1500)); // the page tries to save and cannot
    server = await startServer(`127.0.0.1:${port}`);
    await page.reload({ waitUntil: 'networkidle0' });
    await page.waitForSelector(`[data-path="${p2}"]`);
    const v1 = await valueOf(page, `[data-path="${p1}"]`), v2 = await valueOf(page, `[data-path="${p2}"]`);
    if (v1 !== sample.sections.problems[0] + extra1) fail(`after the restart ${p1} reads "${v1}"`);
    if (v2 !== sample.signature.office + extra2) fail(`after the restart ${p2} reads "${v2}"`);
    await page.waitForFunction(() => document.body.dataset.sync === 'saved', { timeout: 15000 });
    const saved = await getJson(`${url}api/drafts/${encodeURIComponent(name)}`);
    const sd = JSON.parse(saved.body);
    if (sd.signature.office !== sample.signature.office + extra2 || sd.sections.problems[0] !== v1)
      fail('the server\'s draft lacks what was typed while it was down');
    const versions = JSON.parse((await getJson(`${url}api/drafts/${encodeURIComponent(name)}/versions`)).body).versions;
    note(`nothing lost across the restart; the draft has ${versions.length} versions on disk`);
    if (versions.length < 2 || versions.length > 20) fail(`${versions.length} versions kept`);

    /* 6a. open a published report's data file (blank cells, an amount written as a
     * decimal string, no signature, a total over a blank): one click to open, one to
     * download, and nothing changed on the way */
    const realPath = path.join(SRC, 'samples/real-2021.json');
    const real = JSON.parse(fs.readFileSync(realPath, 'utf8'));
    const [chooser] = await Promise.all([page.waitForFileChooser(), page.click('#btn-open')]);
    await chooser.accept([realPath]);
    await page.waitForFunction(() => decodeURIComponent(location.hash) === '#d=real-2021', { timeout: 15000 });
    await page.waitForSelector('[data-path="active.fees.amount"]');
    if ((await valueOf(page, '[data-path="active.fees.amount"]')) !== real.active.fees.amount)
      fail('the decimal-string amount does not show as written');
    if ((await valueOf(page, '[data-path="active.rules.issued"]')) !== '') fail('a blank cell does not show blank');
    if (!(await page.$eval('#manual-3', e => e.checked)))
      fail('table 三, whose 总计 is given over a blank cell, was not kept as entered by hand');
    await page.waitForFunction(() => document.body.dataset.sync === 'saved', { timeout: 15000 });
    await page.click('#btn-download');
    const realBack = JSON.parse((await waitForFile(path.join(DL, 'real-2021.json'))).toString('utf8'));
    const rdiffs = deepEqual(realBack, real);
    if (rdiffs.length) fail('opening and downloading real-2021.json changed it:\n  ' + rdiffs.slice(0, 10).join('\n  '));
    await page.click('#btn-pdf');
    const realPdf = await waitForFile(path.join(DL, 'real-2021.pdf'));
    execFileSync(BIN, ['render', realPath, '-o', path.join(WORK, 'real-cli.pdf')], { env });
    if (!realPdf.equals(fs.readFileSync(path.join(WORK, 'real-cli.pdf')))) fail('real-2021: the PDF from the button differs from nianbao render\'s');
    note('real-2021.json opened and downloaded unchanged (blanks, "73802895.90", no signature); its PDF = nianbao render\'s');

    /* 6. the 2019 edition */
    await page.click('#btn-new');
    await newReport(page, '2019', '2020');
    const want19 = layoutValuePaths(layout19);
    const have19 = await page.$$eval('[data-path]', es => es.map(e => e.dataset.path));
    const miss19 = want19.filter(p => !have19.some(h => h === p || h.startsWith(p + '.')));
    if (miss19.length) fail(`2019 form lacks ${miss19.join(', ')}`);
    await typeInto(page, '[data-path="active.licensing.change"]', '－３');
    if ((await valueOf(page, '[data-path="active.licensing.change"]')) !== '-3') fail('a signed count does not take －３ as -3');
    note(`2019 form: ${want19.length} value cells`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ART, 'form-2019-top.png') });

    if (pageErrors.length) fail('the page threw: ' + pageErrors.join('; '));
    ok = true;
  } finally {
    await browser.close();
    if (server) {
      const code = await new Promise(r => { server.proc.on('exit', c => r(c)); server.proc.kill('SIGTERM'); });
      if (ok && code !== 0) { console.error(`FAIL: nianbao serve exited ${code} on SIGTERM`); process.exit(1); }
    }
  }
  note('screenshots in', ART);
}

main().then(() => { console.error('editor: all checks passed'); process.exit(0); },
  e => { console.error('FAIL: ' + e.message); if (server) server.proc.kill('SIGKILL'); process.exit(1); });
