// campus-signage organizer pages: plain JS over the JSON API (docs/api.md).
// Every text from the server goes into the page as text (textContent), never
// as HTML: a notice that holds <script> shows those characters.
'use strict';

(function () {
  // ---- words ------------------------------------------------------------
  const WORDS = {
    zh: {
      app: '校园信息屏', login: '登录', logout: '退出', user: '用户名', password: '密码',
      dashboard: '屏幕', content: '内容', review: '待我审核', alert: '紧急通知', users: '用户与分组',
      draft: '草稿', submitted: '待审核', approved: '已发布', archived: '已归档',
      notice: '通知', image: '图片', ticker: '滚动字幕', newNotice: '写通知', newImage: '上传图片',
      newTicker: '写滚动字幕', title: '标题', body: '正文', caption: '图片说明', link: '链接（生成二维码）',
      groups: '显示在', duration: '显示秒数', transition: '切换效果', start: '开始', end: '结束',
      days: '星期', hours: '时段', save: '保存草稿', submit: '提交审核', publish: '直接发布',
      approve: '通过', reject: '退回', archive: '归档', edit: '编辑', del: '删除', comment: '审核意见',
      preview: '预览（与屏幕上完全一致）', landscape: '横屏 1920×1080', portrait: '竖屏 1080×1920',
      online: '在线', offline: '离线', never: '从未连接', showing: '正在显示', version: '内容版本',
      lastError: '最近错误', shot: '截图', requestShot: '请求截图', accept: '接受', rename: '保存',
      name: '名称', location: '位置', token: '生成令牌', role: '角色', disabled: '停用', enable: '启用',
      addUser: '添加用户', create: '创建', alertTitle: '标题', alertBody: '内容', allScreens: '所有屏幕',
      confirm: '确认发布', cancel: '取消', endAlert: '结束紧急通知', activeAlerts: '正在显示的紧急通知',
      alertWarn: '紧急通知会立即覆盖所选屏幕的全部内容，直到结束或到达结束时间。',
      confirmAlert: '确定要立即发布这条紧急通知吗？', sent: '已发布', saved: '已保存', dropHere: '把图片拖到这里，或点击选择（可多选）',
      uploading: '上传中', uploaded: '已上传', fit: '填充方式', cover: '铺满（裁切）', contain: '完整显示',
      none: '暂无', restored: '已恢复上次未保存的内容', netError: '网络错误，内容已保留，请稍后重试',
      sessionLost: '登录已过期，请重新登录；您填写的内容已保留', by: '提交人', reviewer: '审核人', all: '全部',
      quiet: '长时间无心跳', newDisplay: '新屏幕', lang: 'English', warnings: '提示', mins: '分钟前',
      noPreview: '填写内容后显示预览', fade: '淡入淡出', cut: '直接切换', push: '推入',
      mon: '一', tue: '二', wed: '三', thu: '四', fri: '五', sat: '六', sun: '日', from: '从', to: '到',
      addHours: '添加时段', state: '状态', kind: '类型', actions: '操作', up: '上移', down: '下移', groupsTitle: '屏幕分组',
      k_slide: '节目', k_alert: '紧急通知', k_waiting: '等待内容（技术员页面）', k_idle: '当前无节目', k_none: '启动中', k_off: '已按时关屏',
      health: '屏幕自检', h_ok: '正常', h_recovering: '正在恢复', h_failed: '故障，正在重启', recovered: '已自动恢复 {n} 次',
    },
    en: {
      app: 'Campus signage', login: 'Log in', logout: 'Log out', user: 'User name', password: 'Password',
      dashboard: 'Screens', content: 'Content', review: 'To review', alert: 'Emergency alert', users: 'Users & groups',
      draft: 'Drafts', submitted: 'Waiting for review', approved: 'Published', archived: 'Archived',
      notice: 'Notice', image: 'Picture', ticker: 'Ticker', newNotice: 'Write a notice', newImage: 'Upload pictures',
      newTicker: 'Write a ticker line', title: 'Title', body: 'Text', caption: 'Caption', link: 'Link (QR code)',
      groups: 'Show on', duration: 'Seconds on screen', transition: 'Transition', start: 'From', end: 'Until',
      days: 'Days', hours: 'Hours', save: 'Save draft', submit: 'Submit for review', publish: 'Publish now',
      approve: 'Approve', reject: 'Send back', archive: 'Archive', edit: 'Edit', del: 'Delete', comment: 'Comment',
      preview: 'Preview (exactly as on screen)', landscape: 'Landscape 1920×1080', portrait: 'Portrait 1080×1920',
      online: 'online', offline: 'offline', never: 'never seen', showing: 'Showing', version: 'Version',
      lastError: 'Last error', shot: 'Screenshot', requestShot: 'Request screenshot', accept: 'Accept', rename: 'Save',
      name: 'Name', location: 'Location', token: 'New token', role: 'Role', disabled: 'Disabled', enable: 'Enable',
      addUser: 'Add user', create: 'Create', alertTitle: 'Title', alertBody: 'Text', allScreens: 'All screens',
      confirm: 'Confirm and publish', cancel: 'Cancel', endAlert: 'End alert', activeAlerts: 'Alerts on air',
      alertWarn: 'An alert covers everything on the chosen screens at once, until it is ended or its end time.',
      confirmAlert: 'Publish this emergency alert now?', sent: 'Published', saved: 'Saved', dropHere: 'Drop pictures here, or click to choose (several at once)',
      uploading: 'Uploading', uploaded: 'Uploaded', fit: 'Fit', cover: 'Fill (crop)', contain: 'Whole picture',
      none: 'Nothing yet', restored: 'Restored what you had not saved', netError: 'Network error: what you typed is kept, try again',
      sessionLost: 'Your session ended: log in again; what you typed is kept', by: 'By', reviewer: 'Reviewer', all: 'All',
      quiet: 'no heartbeat for a while', newDisplay: 'new screen', lang: '中文', warnings: 'Warnings', mins: 'min ago',
      noPreview: 'The preview appears as you type', fade: 'Fade', cut: 'Cut', push: 'Push',
      mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun', from: 'from', to: 'to',
      addHours: 'Add hours', state: 'State', kind: 'Kind', actions: 'Actions', up: 'Move up', down: 'Move down', groupsTitle: 'Groups of screens',
      k_slide: 'slide', k_alert: 'alert', k_waiting: 'waiting for content (technician screen)', k_idle: 'nothing on air', k_none: 'starting', k_off: 'off by the schedule',
      health: 'Self-check', h_ok: 'ok', h_recovering: 'recovering', h_failed: 'failed, restarting', recovered: 'recovered {n} times',
    },
  };
  let lang = localStorage.getItem('lang') || 'zh';
  const t = (k) => (WORDS[lang] && WORDS[lang][k]) || WORDS.zh[k] || k;

  // ---- DOM ----------------------------------------------------------------
  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'text') e.textContent = v;
      else if (v === true) e.setAttribute(k, '');
      else e.setAttribute(k, v);
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return e;
  }
  const $ = (sel, root) => (root || document).querySelector(sel);
  let uid = 0;
  const nextId = (p) => p + '-' + (++uid);

  function field(label, input, name) {
    const id = input.id || nextId('f');
    input.id = id;
    if (name) input.name = name;
    return h('div', { class: 'field', 'data-field': name || '' },
      h('label', { for: id, text: label }), input, h('p', { class: 'error', role: 'alert' }));
  }

  function showErrors(form, err) {
    form.querySelectorAll('.field .error').forEach((p) => { p.textContent = ''; });
    const general = form.querySelector('.form-error');
    if (general) general.textContent = '';
    if (!err) return;
    const f = err.field && form.querySelector('.field[data-field="' + CSS.escape(err.field) + '"] .error');
    if (f) {
      f.textContent = err.error;
      const input = f.parentNode.querySelector('input,textarea,select');
      if (input) input.focus();
    } else if (general) {
      general.textContent = err.error;
    }
  }

  function toast(text, bad) {
    const box = $('#toast') || document.body.appendChild(h('div', { id: 'toast', role: 'status', 'aria-live': 'polite' }));
    box.textContent = text;
    box.className = bad ? 'show bad' : 'show';
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { box.className = ''; }, 4000);
  }

  // ---- the API ------------------------------------------------------------
  const state = { me: null, csrf: null, groups: [] };

  async function api(method, path, body, raw) {
    const headers = {};
    if (method !== 'GET') headers['X-CSRF-Token'] = state.csrf || '';
    let payload;
    if (raw) { payload = body; headers['Content-Type'] = 'application/octet-stream'; }
    else if (body !== undefined) { payload = JSON.stringify(body); headers['Content-Type'] = 'application/json'; }
    let r;
    try {
      r = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
    } catch (e) {
      throw { error: t('netError'), network: true };
    }
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    if (r.status === 401 && path !== '/api/v1/login' && path !== '/api/v1/me') {
      state.me = null;
      toast(t('sessionLost'), true);
      showLogin();
      throw { error: t('sessionLost'), session: true };
    }
    if (!r.ok) throw Object.assign(data || { error: 'HTTP ' + r.status }, { busy: r.status === 503 });
    return data;
  }

  // An upload with a progress bar (fetch cannot report upload progress).
  function upload(file, onProgress) {
    return new Promise((resolve, reject) => {
      const x = new XMLHttpRequest();
      x.open('POST', '/api/v1/uploads?name=' + encodeURIComponent(file.name));
      x.setRequestHeader('X-CSRF-Token', state.csrf || '');
      x.setRequestHeader('Content-Type', 'application/octet-stream');
      x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
      x.onload = () => {
        let d = null;
        try { d = JSON.parse(x.responseText); } catch (e) { d = null; }
        if (x.status === 201) resolve(d); else reject(d || { error: 'HTTP ' + x.status });
      };
      x.onerror = () => reject({ error: t('netError') });
      x.send(file);
    });
  }

  // ---- shell ----------------------------------------------------------------
  function nav() {
    const role = state.me && state.me.role;
    const link = (hash, key, show) => show && h('a', { href: hash, class: location.hash.startsWith(hash) ? 'on' : null, text: t(key) });
    return h('header', { class: 'top' },
      h('strong', { class: 'brand', text: t('app') }),
      h('nav', { 'aria-label': 'main' },
        link('#/dashboard', 'dashboard', true),
        link('#/content', 'content', true),
        link('#/review', 'review', role === 'editor' || role === 'admin'),
        link('#/alert', 'alert', role === 'editor' || role === 'admin'),
        link('#/users', 'users', role === 'admin')),
      h('span', { class: 'who', text: state.me ? state.me.name + ' · ' + state.me.role : '' }),
      h('button', { type: 'button', class: 'link', onclick: () => { lang = lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('lang', lang); document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'; route(); }, text: t('lang') }),
      state.me && h('button', { type: 'button', class: 'link', id: 'logout', onclick: logout, text: t('logout') }));
  }

  // Each route() call has a number; a page whose data came back after the
  // organizer moved on is not drawn over the newer one.
  let seq = 0;
  function page(mine, ...kids) {
    if (mine !== seq) return;
    const app = $('#app');
    app.replaceChildren(nav(), h('main', { id: 'main' }, ...kids));
  }

  async function logout() {
    try { await api('POST', '/api/v1/logout'); } catch (e) { /* gone anyway */ }
    state.me = null;
    location.hash = '#/login';
  }

  function showLogin(again) {
    // one login form: a second call (a route racing a logout) keeps what is typed
    if (!again && $('form.login')) return;
    const name = h('input', { autocomplete: 'username', required: true });
    const pw = h('input', { type: 'password', autocomplete: 'current-password', required: true });
    const form = h('form', { class: 'card login', onsubmit: async (e) => {
      e.preventDefault();
      showErrors(form, null);
      try {
        const r = await api('POST', '/api/v1/login', { name: name.value, password: pw.value });
        state.me = r.user; state.csrf = r.csrf;
        const box = $('#toast');
        if (box) box.className = ''; /* "your session ended" is over */
        await loadGroups();
        if (!location.hash || location.hash === '#/login') location.hash = '#/dashboard'; else route();
      } catch (err) { showErrors(form, err); }
    } },
      h('h1', { text: t('app') }),
      field(t('user'), name, 'name'), field(t('password'), pw, 'password'),
      h('p', { class: 'form-error', role: 'alert' }),
      h('button', { type: 'submit', class: 'primary', text: t('login') }),
      h('button', { type: 'button', class: 'link', onclick: () => { lang = lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('lang', lang); showLogin(true); }, text: t('lang') }));
    $('#app').replaceChildren(h('main', { id: 'main', class: 'center' }, form));
    name.focus();
  }

  async function loadGroups() {
    const g = await api('GET', '/api/v1/groups');
    state.groups = g.groups;
  }

  // ---- dashboard ------------------------------------------------------------
  function ago(ts, now) {
    if (!ts) return t('never');
    const m = Math.round((now - ts) / 60);
    return m <= 0 ? '<1 ' + t('mins') : m + ' ' + t('mins');
  }

  // What the player's self-check saw (status "health"): a problem in red.
  function healthText(hl) {
    if (!hl) return h('dd', { text: '—' });
    const bad = hl.state && hl.state !== 'ok';
    let text = t('h_' + (hl.state || 'ok'));
    if (hl.recoveries) text += ' · ' + t('recovered').replace('{n}', String(hl.recoveries));
    if (hl.problem && (bad || hl.recoveries)) text += ' · ' + hl.problem;
    return h('dd', { class: bad ? 'bad health' : 'health', text });
  }

  async function showDashboard(mine) {
    const d = await api('GET', '/api/v1/displays');
    const admin = state.me.role === 'admin';
    const cards = d.displays.map((x) => {
      const st = x.status || {};
      const sync = st.sync || {};
      const quiet = x.last_seen && !x.online;
      const shot = x.shot_sha256 ? h('img', { class: 'shot', alt: t('shot') + ' ' + x.id, src: '/api/v1/displays/' + encodeURIComponent(x.id) + '/screenshot?v=' + x.shot_at, loading: 'lazy' }) : null;
      const name = h('input', { value: x.name || '' });
      const loc = h('input', { value: x.location || '' });
      const groups = groupChecks(x.groups || []);
      const form = admin && h('form', { class: 'edit', onsubmit: async (e) => {
        e.preventDefault();
        try {
          await api('PUT', '/api/v1/displays/' + encodeURIComponent(x.id), { name: name.value, location: loc.value, groups: groups.value(), accepted: true });
          toast(t('saved')); route();
        } catch (err) { showErrors(form, err); }
      } }, field(t('name'), name, 'name'), field(t('location'), loc, 'location'),
        h('fieldset', { class: 'field', 'data-field': 'groups' }, h('legend', { text: t('groups') }), groups.el, h('p', { class: 'error' })),
        h('p', { class: 'form-error', role: 'alert' }),
        h('button', { type: 'submit', text: x.accepted ? t('rename') : t('accept') }),
        h('button', { type: 'button', onclick: async () => { const r = await api('POST', '/api/v1/displays/' + encodeURIComponent(x.id) + '/token'); prompt('token', r.token); }, text: t('token') }));
      return h('article', { class: 'card display' + (x.online ? ' online' : '') + (quiet ? ' quiet' : '') + (x.accepted ? '' : ' new'), 'data-id': x.id },
        h('h2', {}, h('span', { class: 'dot', 'aria-hidden': 'true' }), x.name || x.id,
          h('small', { text: ' ' + x.id + (x.accepted ? '' : ' · ' + t('newDisplay')) })),
        h('p', { class: 'state', text: (x.online ? t('online') : quiet ? t('offline') + ' · ' + t('quiet') : t('offline')) + ' · ' + ago(x.last_seen, d.now) }),
        h('dl', {},
          h('dt', { text: t('showing') }), h('dd', { text: st.showing ? (t('k_' + st.showing.kind) + (st.showing.id ? ' ' + st.showing.id : '')) : '—' }),
          h('dt', { text: t('version') }), h('dd', { text: st.manifest_version || '—' }),
          h('dt', { text: t('lastError') }), h('dd', { class: sync.last_error ? 'bad' : '', text: sync.last_error || '—' }),
          h('dt', { text: t('health') }), healthText(st.health)),
        shot,
        h('button', { type: 'button', onclick: async () => { await api('POST', '/api/v1/displays/' + encodeURIComponent(x.id) + '/screenshot-request'); toast(t('requestShot') + ' ✓'); }, text: t('requestShot') }),
        form);
    });
    page(mine, h('h1', { text: t('dashboard') }), cards.length ? h('div', { class: 'grid' }, cards) : h('p', { text: t('none') }));
  }

  // ---- content list ---------------------------------------------------------
  const STATES = ['draft', 'submitted', 'approved', 'archived'];

  function groupName(id) {
    const g = state.groups.find((x) => x.id === id);
    return g ? g.name : '#' + id;
  }

  function itemTitle(it) {
    return it.title || it.caption || it.body || (it.kind === 'image' ? t('image') : '—');
  }

  async function itemAction(it, action, body) {
    try {
      await api('POST', '/api/v1/items/' + it.id + '/' + action, body || {});
      toast(t(action) + ' ✓');
      route();
    } catch (err) { toast(err.error, true); }
  }

  async function move(items, i, by) {
    const ids = items.map((x) => x.id);
    const j = i + by;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    try { await api('POST', '/api/v1/items/reorder', { ids }); route(); } catch (err) { toast(err.error, true); }
  }

  function itemRow(it, review, items, i) {
    const role = state.me.role;
    const editor = role === 'editor' || role === 'admin';
    const comment = review ? h('input', { placeholder: t('comment'), 'aria-label': t('comment') }) : null;
    return h('li', { class: 'item ' + it.state, 'data-id': it.id },
      it.media ? h('img', { class: 'thumb', alt: '', src: '/assets/' + it.media, loading: 'lazy' }) : h('span', { class: 'thumb kind', text: t(it.kind) }),
      h('div', { class: 'what' },
        h('strong', { text: itemTitle(it) }),
        h('small', { text: t(it.kind) + ' · ' + (it.groups || []).map(groupName).join('、') + ' · ' + t('by') + ' ' + (it.created_by_name || '—') }),
        it.review_comment ? h('p', { class: 'comment', text: t('reviewer') + ' ' + (it.reviewed_by_name || '') + '：' + it.review_comment }) : null),
      h('div', { class: 'actions' },
        it.state !== 'archived' && h('a', { class: 'button', href: '#/edit/' + it.id, text: t('edit') }),
        it.state === 'draft' && h('button', { type: 'button', onclick: () => itemAction(it, 'submit'), text: t('submit') }),
        editor && (it.state === 'submitted' || review) && h('button', { type: 'button', class: 'primary', onclick: () => itemAction(it, 'approve', { comment: comment ? comment.value : '' }), text: t('approve') }),
        comment,
        editor && it.state === 'submitted' && h('button', { type: 'button', onclick: () => itemAction(it, 'reject', { comment: comment ? comment.value : prompt(t('comment')) || '' }), text: t('reject') }),
        editor && it.state === 'approved' && h('button', { type: 'button', onclick: () => itemAction(it, 'archive'), text: t('archive') }),
        editor && items && it.state === 'approved' && h('button', { type: 'button', 'aria-label': t('up') + ' ' + itemTitle(it), disabled: i === 0, onclick: () => move(items, i, -1), text: '↑' }),
        editor && items && it.state === 'approved' && h('button', { type: 'button', 'aria-label': t('down') + ' ' + itemTitle(it), disabled: i === items.length - 1, onclick: () => move(items, i, 1), text: '↓' })));
  }

  async function showContent(params, mine) {
    const st = STATES.includes(params.get('state')) ? params.get('state') : 'approved';
    const group = params.get('group') || '';
    const q = '/api/v1/items?state=' + st + (group ? '&group=' + encodeURIComponent(group) : '');
    const data = await api('GET', q);
    const items = data.items.filter((x) => x.kind !== 'alert');
    const gsel = h('select', { 'aria-label': t('groups'), onchange: () => { location.hash = '#/content?state=' + st + '&group=' + gsel.value; } },
      h('option', { value: '', text: t('all') }),
      state.groups.map((g) => h('option', { value: g.id, selected: String(g.id) === group, text: g.name })));
    page(mine, h('h1', { text: t('content') }),
      h('div', { class: 'bar' },
        h('a', { class: 'button primary', href: '#/edit/new?kind=notice', text: t('newNotice') }),
        h('a', { class: 'button', href: '#/edit/new?kind=image', text: t('newImage') }),
        h('a', { class: 'button', href: '#/edit/new?kind=ticker', text: t('newTicker') })),
      h('nav', { class: 'tabs', 'aria-label': t('state') },
        STATES.map((s) => h('a', { href: '#/content?state=' + s + (group ? '&group=' + group : ''), class: s === st ? 'on' : null, 'aria-current': s === st ? 'page' : null, text: t(s) })), gsel),
      items.length ? h('ul', { class: 'items' }, items.map((it, i) => itemRow(it, false, items, i))) : h('p', { text: t('none') }));
  }

  async function showReview(mine) {
    const data = await api('GET', '/api/v1/items?state=submitted');
    const items = data.items;
    page(mine, h('h1', { text: t('review') }),
      items.length ? h('ul', { class: 'items' }, items.map((it) => itemRow(it, true))) : h('p', { text: t('none') }));
  }

  // ---- the editor with its preview ----------------------------------------------
  function groupChecks(selected) {
    const boxes = state.groups.map((g) => {
      const c = h('input', { type: 'checkbox', value: g.id, checked: selected.includes(g.id) });
      return h('label', { class: 'check' }, c, ' ' + g.name);
    });
    return { el: h('div', { class: 'checks' }, boxes), value: () => boxes.map((l) => l.firstChild).filter((c) => c.checked).map((c) => Number(c.value)) };
  }

  // datetime-local <-> ISO with the browser's offset (the server wants an offset)
  function toIso(v) {
    if (!v) return null;
    const d = new Date(v);
    const off = -d.getTimezoneOffset();
    const sign = off >= 0 ? '+' : '-';
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
    return v + (v.length === 16 ? ':00' : '') + sign + pad(off / 60) + ':' + pad(off % 60);
  }
  function fromIso(v) { return v ? v.slice(0, 16) : ''; }

  const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

  async function showEditor(idOrNew, params, mine) {
    let it = { kind: params.get('kind') || 'notice', groups: [] };
    if (idOrNew !== 'new') it = await api('GET', '/api/v1/items/' + idOrNew);
    const kind = it.kind;
    const key = 'draft:' + idOrNew + ':' + kind;
    const saved = JSON.parse(localStorage.getItem(key) || 'null');
    const v = Object.assign({}, it, saved || {});
    const inp = {
      title: h('input', { value: v.title || '', maxlength: 133 }),
      body: h('textarea', { rows: 8 }, v.body || ''),
      caption: h('input', { value: v.caption || '', maxlength: 133 }),
      link: h('input', { type: 'url', value: v.link || '', placeholder: 'https://' }),
      duration: h('input', { type: 'number', min: 1, max: 86400, step: 1, value: v.duration || '' }),
      transition: h('select', {}, ['fade', 'push', 'cut'].map((x) => h('option', { value: x, selected: (v.transition || 'fade') === x, text: t(x) }))),
      fit: h('select', {}, ['contain', 'cover'].map((x) => h('option', { value: x, selected: (v.fit || 'contain') === x, text: t(x) }))),
      start: h('input', { type: 'datetime-local', value: fromIso(v.start) }),
      end: h('input', { type: 'datetime-local', value: fromIso(v.end) }),
    };
    // hours: as many ranges as the organizer adds (the player takes 16)
    const hourList = h('div', { class: 'hours' });
    function addHours(r) {
      const from = h('input', { type: 'time', value: (r && r.from) || '' });
      const to = h('input', { type: 'time', value: (r && r.to) || '' });
      const row = h('div', { class: 'checks hour-row' },
        h('label', { class: 'check' }, t('from') + ' ', from), h('label', { class: 'check' }, t('to') + ' ', to),
        h('button', { type: 'button', class: 'link', 'aria-label': t('del') + ' ' + t('hours'), onclick: () => { row.remove(); schedulePreview(); }, text: '×' }));
      hourList.append(row);
    }
    (v.hours && v.hours.length ? v.hours : [null]).forEach(addHours);
    inp.body.value = v.body || '';
    const groups = groupChecks(v.groups && v.groups.length ? v.groups : state.groups.filter((g) => g.is_default).map((g) => g.id));
    const dayBoxes = DAYS.map((d) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: d, checked: (v.days || []).includes(d) }), ' ' + t(d)));
    let media = v.media || null;
    // the screens' own sizes first (each player reports what it lays out at)
    let screens = [];
    try { screens = (await api('GET', '/api/v1/displays')).displays.filter((d) => d.status && d.status.screen); } catch (e) { screens = []; }
    const orient = h('select', { 'aria-label': t('preview') },
      screens.map((d) => h('option', { value: d.status.screen.width + 'x' + d.status.screen.height, text: (d.name || d.id) + ' · ' + d.status.screen.width + '×' + d.status.screen.height })),
      h('option', { value: '1920x1080', text: t('landscape') }), h('option', { value: '1080x1920', text: t('portrait') }),
      ['1280x720', '1366x768', '3840x2160', '768x1366'].map((x) => h('option', { value: x, text: x.replace('x', '×') })));
    const previewImg = h('img', { class: 'preview', alt: t('preview') });
    const previewNote = h('p', { class: 'hint', text: t('noPreview') });
    const previewWarn = h('ul', { class: 'warnings', 'aria-live': 'polite' });

    function values() {
      const o = { kind };
      if (kind === 'notice') { o.title = inp.title.value || null; o.body = inp.body.value || null; }
      if (kind === 'ticker') o.body = inp.body.value || null;
      if (kind === 'image') { o.caption = inp.caption.value || null; o.fit = inp.fit.value; }
      if (kind !== 'ticker') {
        o.link = inp.link.value || null;
        o.duration = inp.duration.value ? Number(inp.duration.value) : null;
        o.transition = inp.transition.value;
        o.media = media;
      }
      o.start = toIso(inp.start.value);
      o.end = toIso(inp.end.value);
      const days = dayBoxes.map((l) => l.firstChild).filter((c) => c.checked).map((c) => c.value);
      o.days = days.length ? days : null;
      const hours = Array.from(hourList.querySelectorAll('.hour-row')).map((row) => {
        const [f, tt] = row.querySelectorAll('input');
        return { from: f.value, to: tt.value };
      }).filter((x) => x.from && x.to);
      o.hours = hours.length ? hours : null;
      o.groups = groups.value();
      return o;
    }

    // Typed text is kept in the browser until it is saved, so a lost session
    // or network never loses it.
    function keep() { localStorage.setItem(key, JSON.stringify(values())); }

    let timer = null, seq = 0;
    function schedulePreview() {
      keep();
      clearTimeout(timer);
      timer = setTimeout(runPreview, 500);
    }
    async function runPreview() {
      const o = values();
      if (kind === 'ticker' || (kind === 'notice' && !o.title && !o.body) || (kind === 'image' && !o.media)) return;
      const [w, hgt] = orient.value.split('x').map(Number);
      const mine = ++seq;
      const body = Object.assign({}, o, { width: w, height: hgt });
      if (!body.groups.length) delete body.groups;
      try {
        const r = await api('POST', '/api/v1/preview', body);
        if (mine !== seq) return;
        previewImg.src = r.png;
        previewImg.width = r.width; previewImg.height = r.height;
        previewImg.className = 'preview ' + (r.height > r.width ? 'tall' : 'wide');
        previewNote.textContent = '';
        previewWarn.replaceChildren(...r.warnings.map((x) => h('li', { text: x })));
        showErrors(form, null);
      } catch (err) {
        if (mine !== seq) return;
        if (err.busy) { setTimeout(runPreview, 700); return; } /* the server is drawing others */
        if (!err.session) showErrors(form, err);
      }
    }

    async function save(how) {
      const o = values();
      try {
        let r;
        if (idOrNew === 'new') {
          if (how === 'submit') o.submit = true;
          if (how === 'publish') o.publish = true;
          r = await api('POST', '/api/v1/items', o);
        } else {
          r = await api('PUT', '/api/v1/items/' + idOrNew, o);
          if (how === 'submit' && r.state === 'draft') r = await api('POST', '/api/v1/items/' + r.id + '/submit', {});
          if (how === 'publish' && r.state !== 'approved') r = await api('POST', '/api/v1/items/' + r.id + '/approve', {});
        }
        localStorage.removeItem(key);
        toast(t('saved'));
        location.hash = '#/content?state=' + r.state;
      } catch (err) { showErrors(form, err); }
    }

    // Pictures: several at once, each with its own progress bar; on a new
    // image slide, each further picture becomes a slide of its own.
    const bars = h('ul', { class: 'uploads' });
    const file = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', multiple: kind === 'image', id: nextId('file') });
    async function takeFiles(files) {
      const list = Array.from(files);
      for (let i = 0; i < list.length; i++) {
        const f = list[i];
        const bar = h('progress', { max: 1, value: 0, 'aria-label': f.name });
        const row = h('li', {}, h('span', { text: f.name }), bar, h('span', { class: 'pct', text: t('uploading') }));
        bars.append(row);
        try {
          const r = await upload(f, (p) => { bar.value = p; row.lastChild.textContent = Math.round(p * 100) + '%'; });
          bar.value = 1; row.lastChild.textContent = t('uploaded') + ' ' + r.width + '×' + r.height;
          row.classList.add('done');
          if (i === 0 || kind !== 'image' || idOrNew !== 'new') {
            media = r.sha256;
            schedulePreview();
          } else {
            // the second and later pictures: one draft slide each, same settings
            const o = Object.assign(values(), { media: r.sha256 });
            await api('POST', '/api/v1/items', o);
          }
        } catch (err) {
          row.classList.add('bad');
          row.lastChild.textContent = err.error;
        }
      }
    }
    file.addEventListener('change', () => takeFiles(file.files));
    const drop = h('label', { class: 'drop', for: file.id, ondragover: (e) => { e.preventDefault(); drop.classList.add('over'); }, ondragleave: () => drop.classList.remove('over'),
      ondrop: (e) => { e.preventDefault(); drop.classList.remove('over'); takeFiles(e.dataTransfer.files); } }, t('dropHere'));

    const editor = state.me.role !== 'contributor';
    const form = h('form', { class: 'editor', onsubmit: (e) => { e.preventDefault(); save('draft'); }, oninput: schedulePreview, onchange: schedulePreview },
      kind === 'notice' && field(t('title'), inp.title, 'title'),
      kind !== 'image' && field(kind === 'ticker' ? t('ticker') : t('body'), inp.body, 'body'),
      kind === 'image' && field(t('caption'), inp.caption, 'caption'),
      kind !== 'ticker' && h('div', { class: 'field', 'data-field': 'media' }, h('span', { class: 'label', text: kind === 'image' ? t('image') : t('image') + ' (' + t('none') + ')' }), drop, file, bars, h('p', { class: 'error', role: 'alert' })),
      kind === 'image' && field(t('fit'), inp.fit, 'fit'),
      kind !== 'ticker' && field(t('link'), inp.link, 'link'),
      h('fieldset', { class: 'field', 'data-field': 'groups' }, h('legend', { text: t('groups') }), groups.el, h('p', { class: 'error', role: 'alert' })),
      h('details', {}, h('summary', { text: t('start') + ' / ' + t('end') + ' / ' + t('days') }),
        field(t('start'), inp.start, 'start'), field(t('end'), inp.end, 'end'),
        h('fieldset', { class: 'field', 'data-field': 'days' }, h('legend', { text: t('days') }), h('div', { class: 'checks' }, dayBoxes), h('p', { class: 'error' })),
        h('fieldset', { class: 'field', 'data-field': 'hours' }, h('legend', { text: t('hours') }),
          hourList, h('button', { type: 'button', onclick: () => addHours(null), text: t('addHours') }),
          h('p', { class: 'error', role: 'alert' })),
        kind !== 'ticker' && field(t('duration'), inp.duration, 'duration'),
        kind !== 'ticker' && field(t('transition'), inp.transition, 'transition')),
      h('p', { class: 'form-error', role: 'alert' }),
      h('div', { class: 'bar' },
        h('button', { type: 'submit', text: t('save') }),
        h('button', { type: 'button', class: editor ? '' : 'primary', onclick: () => save('submit'), text: t('submit') }),
        editor && h('button', { type: 'button', class: 'primary', onclick: () => save('publish'), text: t('publish') })));
    orient.addEventListener('change', runPreview);
    page(mine, h('h1', { text: (idOrNew === 'new' ? '' : t('edit') + ' · ') + t(kind) }),
      h('div', { class: 'split' }, form,
        kind !== 'ticker' && h('section', { class: 'preview-box', 'aria-label': t('preview') }, h('h2', { text: t('preview') }), orient, previewNote, previewImg, previewWarn)));
    if (saved) toast(t('restored'));
    runPreview();
  }

  // ---- the emergency alert ------------------------------------------------------
  async function showAlert(mine) {
    const all = await api('GET', '/api/v1/items?state=approved&kind=alert');
    const kept = JSON.parse(localStorage.getItem('draft:alert') || '{}');
    const title = h('input', { value: kept.title || '紧急通知', maxlength: 133 });
    const body = h('textarea', { rows: 5 });
    body.value = kept.body || '';
    const end = h('input', { type: 'datetime-local', value: kept.end || '' });
    const keepAlert = () => localStorage.setItem('draft:alert', JSON.stringify({ title: title.value, body: body.value, end: end.value }));
    const everyone = h('input', { type: 'checkbox', id: nextId('all') });
    const groups = groupChecks([]);
    const confirmBox = h('div', { class: 'confirm', hidden: true },
      h('p', { class: 'warn', text: t('confirmAlert') }),
      h('button', { type: 'button', class: 'danger', id: 'alert-confirm', onclick: async () => {
        const o = { title: title.value, body: body.value, end: toIso(end.value) };
        if (everyone.checked) o.all = true; else o.groups = groups.value();
        try { await api('POST', '/api/v1/alerts', o); localStorage.removeItem('draft:alert'); toast(t('sent')); route(); }
        catch (err) { confirmBox.hidden = true; showErrors(form, err); }
      }, text: t('confirm') }),
      h('button', { type: 'button', onclick: () => { confirmBox.hidden = true; }, text: t('cancel') }));
    const form = h('form', { class: 'card alert-form', oninput: keepAlert, onsubmit: (e) => { e.preventDefault(); showErrors(form, null); confirmBox.hidden = false; $('#alert-confirm').focus(); } },
      h('p', { class: 'warn', text: t('alertWarn') }),
      field(t('alertTitle'), title, 'title'), field(t('alertBody'), body, 'body'),
      h('fieldset', { class: 'field', 'data-field': 'groups' }, h('legend', { text: t('groups') }),
        h('label', { class: 'check', for: everyone.id }, everyone, ' ' + t('allScreens')), groups.el, h('p', { class: 'error', role: 'alert' })),
      field(t('end'), end, 'end'),
      h('p', { class: 'form-error', role: 'alert' }),
      h('button', { type: 'submit', class: 'danger', text: t('publish') }), confirmBox);
    const active = all.items.map((a) => h('li', { class: 'item alert-on', 'data-id': a.id },
      h('div', { class: 'what' }, h('strong', { text: a.title || '紧急通知' }), h('small', { text: a.body || '' })),
      h('button', { type: 'button', class: 'danger', onclick: async () => { await api('POST', '/api/v1/alerts/' + a.id + '/end'); toast(t('endAlert') + ' ✓'); route(); }, text: t('endAlert') })));
    page(mine, h('h1', { class: 'danger-title', text: t('alert') }), form,
      h('h2', { text: t('activeAlerts') }), active.length ? h('ul', { class: 'items' }, active) : h('p', { text: t('none') }));
  }

  // ---- users (admin) --------------------------------------------------------------
  async function showUsers(mine) {
    const d = await api('GET', '/api/v1/users');
    const name = h('input', { autocomplete: 'off' });
    const pw = h('input', { type: 'password', autocomplete: 'new-password' });
    const role = h('select', {}, ['contributor', 'editor', 'admin'].map((r) => h('option', { value: r, text: r })));
    const groups = groupChecks([]);
    const form = h('form', { class: 'card', onsubmit: async (e) => {
      e.preventDefault();
      try { await api('POST', '/api/v1/users', { name: name.value, password: pw.value, role: role.value, groups: groups.value() }); toast(t('saved')); route(); }
      catch (err) { showErrors(form, err); }
    } }, h('h2', { text: t('addUser') }), field(t('user'), name, 'name'), field(t('password'), pw, 'password'), field(t('role'), role, 'role'),
      h('fieldset', { class: 'field', 'data-field': 'groups' }, h('legend', { text: t('groups') }), groups.el, h('p', { class: 'error' })),
      h('p', { class: 'form-error', role: 'alert' }), h('button', { type: 'submit', class: 'primary', text: t('create') }));
    const rows = d.users.map((u) => h('li', { class: 'item' + (u.disabled ? ' archived' : '') },
      h('div', { class: 'what' }, h('strong', { text: u.name }), h('small', { text: u.role + ' · ' + (u.groups || []).map(groupName).join('、') })),
      h('select', { 'aria-label': t('role') + ' ' + u.name, onchange: async (e) => { try { await api('PUT', '/api/v1/users/' + u.id, { role: e.target.value }); toast(t('saved')); } catch (err) { toast(err.error, true); route(); } } },
        ['contributor', 'editor', 'admin'].map((r) => h('option', { value: r, selected: r === u.role, text: r }))),
      h('button', { type: 'button', onclick: async () => { try { await api('PUT', '/api/v1/users/' + u.id, { disabled: !u.disabled }); route(); } catch (err) { toast(err.error, true); } }, text: u.disabled ? t('enable') : t('disabled') })));
    const gname = h('input', {});
    const gform = h('form', { class: 'card', onsubmit: async (e) => {
      e.preventDefault();
      try { await api('POST', '/api/v1/groups', { name: gname.value }); await loadGroups(); route(); } catch (err) { showErrors(gform, err); }
    } }, h('h2', { text: t('groupsTitle') }), field(t('name'), gname, 'name'), h('p', { class: 'form-error', role: 'alert' }), h('button', { type: 'submit', text: t('create') }));
    const grows = state.groups.map((g) => {
      const n = h('input', { value: g.name, 'aria-label': t('name') });
      return h('li', { class: 'item' }, n,
        h('button', { type: 'button', onclick: async () => { try { await api('PUT', '/api/v1/groups/' + g.id, { name: n.value }); await loadGroups(); toast(t('saved')); } catch (err) { toast(err.error, true); } }, text: t('rename') }),
        !g.is_default && h('button', { type: 'button', onclick: async () => { try { await api('DELETE', '/api/v1/groups/' + g.id); await loadGroups(); route(); } catch (err) { toast(err.error, true); } }, text: t('del') }));
    });
    page(mine, h('h1', { text: t('users') }), form, h('ul', { class: 'items' }, rows), gform, h('ul', { class: 'items' }, grows));
  }

  // ---- routing ---------------------------------------------------------------------
  async function route() {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    if (!state.me && location.hash === '#/login') { showLogin(); return; }
    if (!state.me) {
      try {
        const r = await api('GET', '/api/v1/me');
        state.me = r.user; state.csrf = r.csrf;
        await loadGroups();
      } catch (e) { showLogin(); return; }
    }
    const mine = ++seq;
    const hash = location.hash || '#/dashboard';
    const [path, query] = hash.slice(1).split('?');
    const params = new URLSearchParams(query || '');
    const parts = path.split('/').filter(Boolean);
    try {
      if (parts[0] === 'content') await showContent(params, mine);
      else if (parts[0] === 'edit') await showEditor(parts[1] || 'new', params, mine);
      else if (parts[0] === 'review') await showReview(mine);
      else if (parts[0] === 'alert') await showAlert(mine);
      else if (parts[0] === 'users') await showUsers(mine);
      else if (parts[0] === 'login') showLogin();
      else await showDashboard(mine);
    } catch (err) {
      if (!err.session) toast(err.error || String(err), true);
    }
  }

  window.addEventListener('hashchange', route);
  document.addEventListener('DOMContentLoaded', route);
})();
