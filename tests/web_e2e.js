#!/usr/bin/env node
// End-to-end tests of the organizer pages in a real headless Chromium
// (Debian's, driven by playwright-core) against a real signage-server on
// 127.0.0.1, with the real signage-player as the screen.
//
//   node tests/web_e2e.js SERVER PLAYER WORK_DIR [--screenshots DIR]
'use strict';

const { chromium } = require('./web/node_modules/playwright-core');
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const http = require('http');

const [SERVER, PLAYER, WORK] = process.argv.slice(2, 5);
const shotsAt = process.argv.indexOf('--screenshots');
const SHOTS = shotsAt > 0 ? process.argv[shotsAt + 1] : path.join(WORK, 'screenshots');
const ADMIN_PW = 'admin-pass-2026';
let passed = 0, failed = 0;
const children = [];

function check(cond, what) {
  if (cond) passed++;
  else { failed++; console.error('FAIL: ' + what); }
  return cond;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- a PNG of given size and colour ----
function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function png(w, h, rgb) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = (rgb[0] + x) & 255; raw[o + 1] = (rgb[1] + y) & 255; raw[o + 2] = rgb[2];
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// ---- the server and the API ----
function startServer(data, conf) {
  return new Promise((resolve, reject) => {
    fs.writeFileSync(path.join(WORK, 'server.conf'), conf);
    const p = spawn(SERVER, ['--config', path.join(WORK, 'server.conf'), '--data', data, '--listen', '127.0.0.1:0'],
      { env: Object.assign({}, process.env, { SIGNAGE_ADMIN_PASSWORD: ADMIN_PW }), stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(p);
    const log = fs.createWriteStream(path.join(WORK, 'server.log'));
    let buf = '';
    const timer = setTimeout(() => reject(new Error('server did not start')), 20000);
    p.stderr.on('data', (d) => {
      log.write(d);
      buf += d.toString();
      const m = buf.match(/\(port (\d+)\)/);
      if (m && !p.port) { p.port = Number(m[1]); clearTimeout(timer); resolve(p); }
    });
    p.on('exit', () => reject(new Error('server exited')));
  });
}

function request(port, method, p, body, headers) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const h = Object.assign({}, headers || {});
    if (data) { h['Content-Type'] = 'application/json'; h['Content-Length'] = data.length; }
    const r = http.request({ host: '127.0.0.1', port, method, path: p, headers: h }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString();
        let json = null;
        try { json = JSON.parse(text); } catch (e) { json = null; }
        resolve({ status: res.statusCode, headers: res.headers, json });
      });
    });
    r.on('error', reject);
    if (data) r.write(data);
    r.end();
  });
}

async function adminSession(port) {
  const r = await request(port, 'POST', '/api/v1/login', { name: 'admin', password: ADMIN_PW });
  const cookie = r.headers['set-cookie'][0].split(';')[0];
  return (method, p, body) => request(port, method, p, body, { Cookie: cookie, 'X-CSRF-Token': r.json.csrf });
}

function readStatus(file) {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { return null; }
}
async function waitStatus(file, pred, ms) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const s = readStatus(file);
    if (s && pred(s)) return s;
    await sleep(50);
  }
  return null;
}

// ---- the pages ----
async function login(page, base, name, pw) {
  await page.goto(base + '/#/login');
  await page.getByLabel(/用户名|User name/).fill(name);
  await page.getByLabel(/^密码$|^Password$/).fill(pw);
  await page.getByRole('button', { name: /^登录$|^Log in$/ }).click();
  await page.waitForSelector('#logout');
}

async function main() {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const srv = await startServer(path.join(WORK, 'data'), 'demo = none\n');
  const base = 'http://127.0.0.1:' + srv.port;
  const api = await adminSession(srv.port);
  const groups = (await api('GET', '/api/v1/groups')).json.groups;
  const def = groups[0].id;
  await api('PUT', '/api/v1/settings', { theme_title: '计算机学院党委', theme_subtitle: '学思践悟 砥砺前行' });
  for (const [name, role, gs] of [['王老师', 'editor', [def]], ['李同学', 'contributor', []]]) {
    const r = await api('POST', '/api/v1/users', { name, role, password: 'pass-' + role + '-1', groups: gs });
    check(r.status === 201, 'user ' + name + ' created: ' + r.status);
  }
  // the screen: a real player, long-polling
  const pdir = path.join(WORK, 'player');
  fs.mkdirSync(pdir);
  const status = path.join(pdir, 'status.json');
  fs.writeFileSync(path.join(pdir, 'player.conf'), 'heartbeat_interval = 5\nslide_duration = 5\n');
  const player = spawn(PLAYER, ['--config', path.join(pdir, 'player.conf'), '--server', base, '--display', 'lobby-1',
    '--cache', path.join(pdir, 'cache'), '--status', status, '--size', '640x360'],
  { env: Object.assign({}, process.env, { SDL_VIDEODRIVER: 'dummy', SDL_AUDIODRIVER: 'dummy' }), stdio: 'ignore' });
  children.push(player);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // HTTP refusals are the API talking (the tests check them); anything
    // else logged as an error, and every uncaught exception, is a fault
    page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) errors.push(m.text()); });

    // 1. log in as a contributor (Chinese by default)
    await page.goto(base + '/');
    check(await page.getByRole('button', { name: '登录' }).isVisible(), 'the login page is in Chinese');
    await page.getByLabel('用户名').fill('李同学');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForSelector('.field[data-field="password"] .error:not(:empty)');
    check((await page.textContent('.field[data-field="password"] .error')).includes('wrong'),
      'a wrong password is shown next to the password field');
    await page.getByLabel('密码').fill('pass-contributor-1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForSelector('#logout');
    check(true, 'contributor logged in');

    // 2. two pictures at once, with progress bars
    await page.goto(base + '/#/edit/new?kind=image');
    await page.waitForSelector('.drop');
    const f1 = path.join(WORK, '植树活动.png'), f2 = path.join(WORK, 'lecture.png');
    fs.writeFileSync(f1, png(1600, 900, [200, 40, 40]));
    fs.writeFileSync(f2, png(1200, 800, [40, 90, 200]));
    await page.setInputFiles('input[type=file]', [f1, f2]);
    await page.waitForFunction(() => document.querySelectorAll('ul.uploads li.done').length === 2, null, { timeout: 20000 });
    const bars = await page.$$eval('ul.uploads progress', (ps) => ps.map((p) => p.value));
    check(bars.length === 2 && bars.every((v) => v === 1), 'two uploads, each with a full progress bar: ' + bars);
    await page.getByLabel('图片说明').fill('“青春志愿行”植树活动');
    await page.waitForSelector('img.preview[src^="data:image/png"]', { timeout: 15000 });
    check(true, 'the picture slide has a preview');
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.waitForURL(/state=submitted/);
    let items = (await api('GET', '/api/v1/items')).json.items.filter((x) => x.kind === 'image');
    check(items.length === 2 && items.some((x) => x.state === 'submitted' && x.caption === '“青春志愿行”植树活动'),
      'one picture submitted with its caption, the other a draft slide: ' + items.map((x) => x.state));
    await page.screenshot({ path: path.join(SHOTS, 'web-content.png') });

    // 3. a notice whose preview follows the typing
    await page.goto(base + '/#/edit/new?kind=notice');
    await page.selectOption('select[aria-label="预览（与屏幕上完全一致）"]', '1920x1080');
    await page.getByLabel('标题').fill('关于开展12月主题党日活动的通知');
    await page.getByLabel('正文').fill('时间：12月10日14:30');
    await page.waitForSelector('img.preview[src^="data:image/png"]', { timeout: 15000 });
    const src1 = await page.getAttribute('img.preview', 'src');
    await page.getByLabel('正文').fill('时间：12月10日14:30\n地点：信息楼一层报告厅\n请各党支部组织党员准时参加。');
    await page.waitForFunction((s) => document.querySelector('img.preview').src !== s, src1, { timeout: 15000 });
    check(true, 'the preview is redrawn as the organizer types');
    const size = await page.$eval('img.preview', (i) => [i.naturalWidth, i.naturalHeight]);
    check(size[0] === 1920 && size[1] === 1080, 'the preview is at the screen size: ' + size);
    const opts = await page.$$eval('select[aria-label="预览（与屏幕上完全一致）"] option', (o) => o.map((x) => x.textContent));
    const scr = (readStatus(status) || {}).screen || {};
    check(scr.width > 0 && opts[0] === 'lobby-1 · ' + scr.width + '×' + scr.height,
      'the preview offers the screen\'s own size first: ' + opts[0] + ' (the player says ' + JSON.stringify(scr) + ')');
    await page.selectOption('select[aria-label="预览（与屏幕上完全一致）"]', '1080x1920');
    await page.waitForFunction(() => document.querySelector('img.preview').naturalHeight === 1920, null, { timeout: 15000 });
    check(true, 'portrait preview');
    await page.selectOption('select[aria-label="预览（与屏幕上完全一致）"]', '1920x1080');
    await page.waitForFunction(() => document.querySelector('img.preview').naturalWidth === 1920, null, { timeout: 15000 });
    await page.screenshot({ path: path.join(SHOTS, 'web-editor.png') });
    // a server error shows next to its field, and typing survives a lost session
    await page.getByLabel('链接（生成二维码）').fill('ftp://example.edu.cn/x');
    await page.waitForSelector('.field[data-field="link"] .error:not(:empty)', { timeout: 15000 });
    check(true, 'the server\'s error is shown next to the link field');
    await page.getByLabel('链接（生成二维码）').fill('https://www.example.edu.cn/party/2026-12');
    await page.waitForSelector('.field[data-field="link"] .error:empty', { state: 'attached', timeout: 15000 });
    await ctx.clearCookies();
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.waitForSelector('form.login', { timeout: 10000 });
    check(true, 'a lost session asks to log in again');
    await page.getByLabel('用户名').fill('李同学');
    await page.getByLabel('密码').fill('pass-contributor-1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForSelector('#logout');
    await page.goto(base + '/#/edit/new?kind=notice');
    await page.waitForFunction(() => document.querySelector('input[name=title]') && document.querySelector('input[name=title]').value.length > 0);
    const kept = await page.inputValue('input[name=title]');
    check(kept === '关于开展12月主题党日活动的通知', 'what was typed survived the lost session: ' + kept);
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.waitForURL(/state=submitted/);
    // hostile text stays text
    await page.goto(base + '/#/edit/new?kind=notice');
    await page.getByLabel('标题').fill('<img src=x onerror=alert(1)>测试');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.waitForURL(/state=draft/);
    await page.waitForSelector('li.item');
    const injected = await page.$$eval('li.item .what img', (x) => x.length);
    check(injected === 0 && dialogs.length === 0, 'markup in a title is shown as text, nothing runs');

    // 4. the editor approves it from the queue
    await page.click('#logout');
    await login(page, base, '王老师', 'pass-editor-1');
    await page.goto(base + '/#/review');
    const row = page.locator('li.item', { hasText: '关于开展12月主题党日活动的通知' });
    await row.waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'web-review.png') });
    const before = readStatus(status);
    await row.getByRole('button', { name: '通过' }).click();
    await page.waitForSelector('li.item >> text=关于开展12月主题党日活动的通知', { state: 'detached' });
    const notice = (await api('GET', '/api/v1/items?state=approved')).json.items.find((x) => x.title === '关于开展12月主题党日活动的通知');
    check(notice && notice.reviewed_by_name === '王老师', 'approved by the editor');
    // 5. the headless player shows it
    const on = await waitStatus(status, (s) => s.active_slides >= 1 && s.showing.kind === 'slide' && s.manifest_version !== (before && before.manifest_version), 15000);
    check(on !== null, 'the approved notice is on the player: ' + JSON.stringify(readStatus(status)));

    // 6. an emergency alert, with a confirm step, and its end
    await page.goto(base + '/#/alert');
    await page.getByLabel('内容').fill('消防疏散演练正在进行，请从最近的安全出口有序撤离。');
    await page.reload();
    await page.waitForSelector('form.alert-form');
    check((await page.inputValue('form.alert-form textarea')).startsWith('消防疏散演练'), 'the alert text survives a reload');
    await page.getByLabel('所有屏幕').check();
    await page.screenshot({ path: path.join(SHOTS, 'web-alert.png') });
    await page.getByRole('button', { name: '直接发布' }).click();
    check(await page.getByRole('button', { name: '确认发布' }).isVisible(), 'the alert asks for confirmation');
    const t0 = Date.now();
    await page.getByRole('button', { name: '确认发布' }).click();
    const al = await waitStatus(status, (s) => s.showing.kind === 'alert', 10000);
    const dt = (Date.now() - t0) / 1000;
    check(al !== null && dt < 5, 'the alert is on the player in ' + dt.toFixed(2) + ' s');
    await page.getByRole('button', { name: '结束紧急通知' }).click();
    const back = await waitStatus(status, (s) => s.showing.kind === 'slide', 10000);
    check(back !== null, 'the alert ended on the player');

    // 6b. the editor orders what is on air; hours; an admin's groups and roles
    for (const it of (await api('GET', '/api/v1/items?state=submitted')).json.items)
      await api('POST', '/api/v1/items/' + it.id + '/approve', {});
    await page.goto(base + '/#/content?state=approved');
    await page.waitForFunction(() => document.querySelectorAll('li.item').length >= 2);
    const order0 = await page.$$eval('li.item', (l) => l.map((x) => x.dataset.id));
    await page.locator('li.item').nth(1).getByRole('button', { name: /^上移/ }).click();
    await page.waitForFunction((o) => { const n = Array.from(document.querySelectorAll('li.item')).map((x) => x.dataset.id); return n[0] === o[1]; }, order0, { timeout: 10000 });
    check(true, 'reordered with the arrows');
    await page.goto(base + '/#/edit/new?kind=ticker');
    await page.getByLabel('滚动字幕').fill('午间微党课今日12:00开讲');
    await page.click('summary');
    await page.getByLabel('从').fill('08:00');
    await page.getByLabel('到').fill('12:00');
    await page.getByRole('button', { name: '添加时段' }).click();
    await page.getByLabel('从').nth(1).fill('14:00');
    await page.getByLabel('到').nth(1).fill('16:30');
    await page.getByRole('button', { name: '直接发布' }).click();
    await page.waitForURL(/state=approved/);
    const tick = (await api('GET', '/api/v1/items?kind=ticker')).json.items[0];
    check(tick && JSON.stringify(tick.hours) === JSON.stringify([{ from: '08:00', to: '12:00' }, { from: '14:00', to: '16:30' }]),
      'ticker with two hours ranges: ' + JSON.stringify(tick && tick.hours));
    await page.click('#logout');
    await login(page, base, 'admin', ADMIN_PW);
    await page.goto(base + '/#/users');
    await page.locator('form', { hasText: '屏幕分组' }).getByLabel('名称').fill('图书馆');
    await page.locator('form', { hasText: '屏幕分组' }).getByRole('button', { name: '创建' }).click();
    await page.waitForSelector('li.item input[value="图书馆"]');
    check((await api('GET', '/api/v1/groups')).json.groups.some((g) => g.name === '图书馆'), 'a group made on the page');
    await page.selectOption('select[aria-label="角色 李同学"]', 'editor');
    await sleep(500);
    check((await api('GET', '/api/v1/users')).json.users.find((u) => u.name === '李同学').role === 'editor', 'a role changed on the page');
    await page.click('#logout');
    await login(page, base, '王老师', 'pass-editor-1');

    // 7. the dashboard, English, and a phone
    await page.goto(base + '/#/dashboard');
    await page.waitForSelector('article.display[data-id="lobby-1"]');
    check((await page.textContent('article.display[data-id="lobby-1"]')).includes('在线'), 'the dashboard shows the screen online');
    await page.screenshot({ path: path.join(SHOTS, 'web-dashboard.png') });
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForSelector('text=Screens');
    check(await page.locator('h1', { hasText: 'Screens' }).isVisible(), 'the English switch');
    await page.getByRole('button', { name: '中文' }).click();
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const pp = await phone.newPage();
    await login(pp, base, '王老师', 'pass-editor-1');
    await pp.goto(base + '/#/dashboard');
    await pp.waitForSelector('article.display');
    const overflow = await pp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, 'no sideways scrolling on a 360 px phone (' + overflow + ' px)');
    await pp.screenshot({ path: path.join(SHOTS, 'web-phone-dashboard.png'), fullPage: false });
    await pp.goto(base + '/#/edit/new?kind=notice');
    await pp.getByLabel('标题').fill('午间微党课');
    await pp.getByLabel('正文').fill('工作日午间，十五分钟读原著、学原文、悟原理。');
    await pp.waitForSelector('img.preview[src^="data:image/png"]', { timeout: 15000 });
    const overflow2 = await pp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow2 <= 0, 'the editor fits a phone too (' + overflow2 + ' px)');
    await pp.screenshot({ path: path.join(SHOTS, 'web-phone-editor.png'), fullPage: true });
    await api('POST', '/api/v1/items', { kind: 'notice', title: '“青春志愿行”植树活动招募', body: '12月6日上午9:00在校园东区开展义务植树活动。', groups: [def], submit: true });
    await pp.goto(base + '/#/review');
    await pp.waitForSelector('li.item');
    await pp.screenshot({ path: path.join(SHOTS, 'web-phone-review.png') });
    await pp.goto(base + '/#/alert');
    await pp.waitForSelector('form.alert-form');
    const overflow3 = await pp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow3 <= 0, 'the alert page fits a phone (' + overflow3 + ' px)');
    await pp.screenshot({ path: path.join(SHOTS, 'web-phone-alert.png'), fullPage: true });
    check(errors.length === 0, 'no script errors in the page: ' + errors.slice(0, 3).join(' | '));
  } finally {
    await browser.close();
  }
}

main().catch((e) => { failed++; console.error('FAIL: ' + (e && e.stack || e)); })
  .finally(() => {
    for (const c of children) { try { c.kill('SIGTERM'); } catch (e) { /* gone */ } }
    console.log(passed + ' passed, ' + failed + ' failed');
    process.exitCode = failed ? 1 : 0;
  });
