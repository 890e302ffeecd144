/* app.js — the report editor of `nianbao serve`.
 *
 * The page never shows JSON.  It builds the form from the edition's layout (GET
 * /api/layout): the title, the opening, the six sections in order, the three tables with
 * their merged cells and labels, an input in every value cell, the signature.  Every input
 * carries the JSON path of its value in data-path; the report itself (`doc`) is the data
 * file, kept whole: what the form does not show is kept as it came.
 *
 * As the clerk types: counts take digits only (full-width digits become ASCII); the totals
 * the edition table's "sums" define (layouts/editions.json, docs/editions.md) are computed
 * and shown read-only, unless the table's "手工填写总计" switch is on; the checker runs
 * (POST /api/check, debounced) and each finding flags its fields (aria-invalid="true",
 * the message in the element aria-describedby names) and is listed with links to them.
 *
 * Nothing typed is lost: every change goes at once to the browser's storage, and
 * (debounced) to the server's drafts folder (PUT /api/drafts/NAME); a copy the server has
 * not confirmed wins over the server's on the next load.
 */
'use strict';

/* ---- small helpers ------------------------------------------------------------------ */

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/* "a.b[2].c" → ["a", "b", 2, "c"] */
function splitPath(path) {
  const out = [];
  for (const part of path.split('.')) {
    const m = part.match(/^([^[\]]+)((?:\[\d+\])*)$/);
    if (!m) { out.push(part); continue; }
    out.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}

function getPath(obj, path) {
  let v = obj;
  for (const k of splitPath(path)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[k];
  }
  return v;
}

function setPath(obj, path, value) {
  const keys = splitPath(path);
  let v = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i];
    if (v[k] === null || typeof v[k] !== 'object') v[k] = typeof keys[i + 1] === 'number' ? [] : {};
    v = v[k];
  }
  v[keys[keys.length - 1]] = value;
}

function utf8Length(s) { return new TextEncoder().encode(s).length; }

/* Full-width digits and signs typed with an input method → ASCII. */
function toAscii(s) {
  return s.replace(/[\uFF10-\uFF19]/g, c => String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48))
    .replace(/[\uFF0E\u3002]/g, '.').replace(/[\uFF0D\u2212\u2014]/g, '-');
}

function debounce(fn, ms) {
  let t = null;
  const d = (...a) => { clearTimeout(t); t = setTimeout(() => { t = null; fn(...a); }, ms); };
  d.flush = (...a) => { if (t) { clearTimeout(t); t = null; fn(...a); } };
  return d;
}

/* A draft name the server accepts: letters, digits, CJK, '-', '_'; 1 to 100 bytes. */
const NAME_RE = /^[A-Za-z0-9_\-\u3007\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{2EBEF}\u{30000}-\u{3134F}]+$/u;
function nameOk(n) { return NAME_RE.test(n) && utf8Length(n) <= 100; }
function toName(s) {
  let n = s.replace(/\.json$/i, '').replace(/[^A-Za-z0-9_\-\u3007\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/gu, '_');
  while (utf8Length(n) > 100) n = n.slice(0, -1);
  return n || '报告';
}

/* The data file's fields outside the tables, with their Chinese labels (docs/data-format.md). */
const LABELS = {
  body: '发布机关', year: '报告年度', edition: '模板版本', subject: 'PDF 主题',
  title: '标题', opening: '引言', 'signature.office': '落款单位', 'signature.date': '成文日期',
  'sections.overview': '一、总体情况', 'sections.problems': '五、存在的主要问题及改进情况',
  'sections.other': '六、其他需要报告的事项',
};

/* ---- state ---------------------------------------------------------------------------- */

const S = {
  editions: null,   /* layouts/editions.json */
  layouts: {},      /* edition id → layout */
  name: null,       /* the draft's name */
  doc: null,        /* the report's data, the data file itself */
  edition: null,
  manual: {},       /* table number → true when its totals are entered by hand */
  sums: [],         /* [{total, parts, table}] for this edition */
  inputs: new Map(),/* data-path → input element */
  kinds: {},        /* data-path → "count" | "signed" | "amount" | "text" | "date" | "year" */
  checkSeq: 0,
  saveSeq: 0,
  blank: new Set(), /* paths left blank, at the last check */
};

const storeKey = name => 'nianbao:draft:' + name;

function setStatus(text, kind = '') {
  const s = $('#status');
  s.textContent = text;
  s.className = kind;
}

async function api(method, url, body, type = 'application/json') {
  const opt = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) { opt.body = body; opt.headers['Content-Type'] = type; }
  return fetch(url, opt);
}

/* ---- the edition table: input kinds and sums --------------------------------------- */

function matches(pattern, path) {
  const p = pattern.split('.'), q = path.split('.');
  return p.length === q.length && p.every((s, i) => s === '*' || s === q[i]);
}

function kindOf(path) {
  const inputs = (S.editions.editions[S.edition] || {}).inputs || {};
  for (const [pat, kind] of Object.entries(inputs)) if (matches(pat, path)) return kind;
  return 'count';
}

/* The concrete sums of the edition: each {"for", "total", "parts"} rule with "{}" replaced
 * by each "for" entry ("*" in it matching one segment of the form's value paths), "*" in
 * the parts expanded over the form's value paths. */
function expandSums(rules, valuePaths) {
  const prefixes = new Set();
  for (const p of valuePaths) {
    const segs = p.split('.');
    for (let i = 1; i <= segs.length; i++) prefixes.add(segs.slice(0, i).join('.'));
  }
  const out = [];
  for (const r of rules || []) {
    for (const f of r.for) {
      const xs = f.includes('*') ? [...prefixes].filter(x => matches(f, x)) : [f];
      for (const x of xs) {
        const total = r.total.replace('{}', x);
        if (!valuePaths.has(total)) continue;
        const parts = [];
        for (const pp of r.parts) {
          const pat = pp.replace('{}', x);
          if (pat.includes('*')) { for (const v of valuePaths) if (matches(pat, v)) parts.push(v); }
          else if (valuePaths.has(pat)) parts.push(pat);
        }
        if (parts.length) out.push({ total, parts });
      }
    }
  }
  return out;
}

/* ---- building the form from the layout ---------------------------------------------- */

let uid = 0;
const nextId = p => `${p}-${++uid}`;

function numberText(v) {
  if (v === null || v === undefined) return '';
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : JSON.stringify(v);
}

/* An input for one value: its kind decides what it accepts. */
function valueInput(path, label, opts = {}) {
  const kind = opts.kind || kindOf(path);
  const id = nextId('f');
  const attrs = {
    id, 'data-path': path, 'aria-label': label, 'aria-describedby': id + '-msg',
    autocomplete: 'off', spellcheck: 'false',
  };
  let input;
  if (kind === 'amount_unit') {
    /* {"value": number, "unit": "元" | "万元"} */
    const wrap = el('span', { class: 'amount-unit' });
    wrap.append(valueInput(path + '.value', label + ' 金额', { kind: 'amount' }));
    const sel = el('select', { 'data-path': path + '.unit', 'aria-label': label + ' 单位', id: nextId('f') },
      el('option', { value: '', text: '（单位）' }), el('option', { value: '元', text: '元' }),
      el('option', { value: '万元', text: '万元' }));
    S.kinds[path + '.unit'] = 'unit';
    S.inputs.set(path + '.unit', sel);
    sel.addEventListener('change', () => onValue(sel));
    wrap.append(sel);
    return wrap;
  }
  if (kind === 'text' || kind === 'date') {
    input = el('input', { ...attrs, type: 'text', class: 'text-input' + (opts.class ? ' ' + opts.class : ''),
      inputmode: kind === 'date' ? 'numeric' : null, placeholder: kind === 'date' ? '如 2022-01-20' : null });
  } else {
    input = el('input', { ...attrs, type: 'text', class: 'num', inputmode: kind === 'count' || kind === 'year' ? 'numeric' : 'decimal' });
  }
  S.kinds[path] = kind;
  S.inputs.set(path, input);
  input.addEventListener('input', e => { if (!e.isComposing) onValue(input); });
  input.addEventListener('compositionend', () => onValue(input));
  const msg = el('span', { class: 'msg', id: id + '-msg', role: 'note' });
  return el('span', { class: 'cell-wrap' }, input, msg);
}

function labelled(path, label, input, cls = '') {
  const inp = input.querySelector('input,select,textarea') || input;
  return el('div', { class: 'field ' + cls }, el('label', { for: inp.id, text: label }), input);
}

/* The basic facts: issuing body, year, edition, subject. */
function buildFacts(form) {
  const ed = S.editions.editions[S.edition];
  const box = el('fieldset', { class: 'facts' }, el('legend', { text: '基本信息' }));
  box.append(labelled('body', LABELS.body, valueInput('body', LABELS.body, { kind: 'text' }), 'wide'));
  box.append(labelled('year', LABELS.year, valueInput('year', LABELS.year, { kind: 'year' })));
  box.append(el('div', { class: 'field' }, el('span', { class: 'label', text: LABELS.edition }),
    el('span', { class: 'edition-name', text: `${S.edition}年版（${ed ? ed.name : ''}）` })));
  box.append(labelled('subject', LABELS.subject + '（可不填）', valueInput('subject', LABELS.subject, { kind: 'text' }), 'wide'));
  form.append(box);
}

/* Paragraphs and sub-headings of a section (or the opening: paragraphs only). */
function buildItems(path, label, headings) {
  const box = el('div', { class: 'items', 'data-group-path': path, role: 'group', 'aria-label': label });
  const list = el('div', { class: 'item-list' });
  box.append(list);
  const add = (kind) => {
    const arr = Array.isArray(getPath(S.doc, path)) ? getPath(S.doc, path) : [];
    arr.push(kind === 'h' ? { heading: '' } : '');
    setPath(S.doc, path, arr);
    renderItems(path);
    changed();
    const tas = $$('textarea', list);
    if (tas.length) tas[tas.length - 1].focus();
  };
  const buttons = el('div', { class: 'item-add' },
    el('button', { type: 'button', class: 'add-p', text: '＋ 段落', 'aria-label': label + ' 添加段落', onclick: () => add('p') }));
  if (headings) buttons.append(el('button', { type: 'button', class: 'add-h', text: '＋ 小标题', 'aria-label': label + ' 添加小标题', onclick: () => add('h') }));
  box.append(buttons);
  box._headings = headings;
  box._label = label;
  return box;
}

function autoGrow(ta) {
  ta.style.height = 'auto';
  ta.style.height = ta.scrollHeight + 2 + 'px';
}

/* (Re)builds the item editors of `path` from the data. */
function renderItems(path) {
  const box = $(`.items[data-group-path="${path}"]`);
  if (!box) return;
  const list = $('.item-list', box);
  for (const ta of $$('textarea', list)) S.inputs.delete(ta.dataset.path);
  list.textContent = '';
  const arr = getPath(S.doc, path);
  if (!Array.isArray(arr)) return;
  arr.forEach((item, i) => {
    const isHead = item !== null && typeof item === 'object';
    const ipath = `${path}[${i}]` + (isHead ? '.heading' : '');
    const id = nextId('f');
    const text = isHead ? item.heading : item;
    const ta = el('textarea', {
      id, 'data-path': ipath, rows: 1, class: isHead ? 'heading' : 'para',
      'aria-label': `${box._label} 第${i + 1}项（${isHead ? '小标题' : '段落'}）`,
      'aria-describedby': id + '-msg',
    });
    ta.value = typeof text === 'string' ? text : '';
    S.kinds[ipath] = 'item';
    S.inputs.set(ipath, ta);
    ta.addEventListener('input', () => { onItem(path, i, ta); autoGrow(ta); });
    ta.addEventListener('keydown', e => onItemKey(e, path, i, ta));
    const row = el('div', { class: 'item' + (isHead ? ' is-heading' : '') });
    if (box._headings) {
      const sel = el('select', { class: 'kind', 'aria-label': `第${i + 1}项的类型` },
        el('option', { value: 'p', text: '段落' }), el('option', { value: 'h', text: '小标题' }));
      sel.value = isHead ? 'h' : 'p';
      sel.addEventListener('change', () => {
        const a = getPath(S.doc, path);
        const cur = a[i];
        const t = cur !== null && typeof cur === 'object' ? cur.heading : cur;
        a[i] = sel.value === 'h' ? { heading: t } : t;
        renderItems(path);
        changed();
        $$('select.kind', list)[i].focus();
      });
      row.append(sel);
    }
    row.append(el('span', { class: 'cell-wrap grow' }, ta, el('span', { class: 'msg', id: id + '-msg', role: 'note' })));
    const move = (d) => {
      const a = getPath(S.doc, path);
      const j = i + d;
      if (j < 0 || j >= a.length) return;
      [a[i], a[j]] = [a[j], a[i]];
      renderItems(path);
      changed();
      $$('textarea', list)[j].focus();
    };
    row.append(
      el('button', { type: 'button', class: 'mini', text: '↑', 'aria-label': `第${i + 1}项上移`, onclick: () => move(-1) }),
      el('button', { type: 'button', class: 'mini', text: '↓', 'aria-label': `第${i + 1}项下移`, onclick: () => move(1) }),
      el('button', { type: 'button', class: 'mini', text: '✕', 'aria-label': `删除第${i + 1}项`, onclick: () => {
        const a = getPath(S.doc, path);
        a.splice(i, 1);
        renderItems(path);
        changed();
        const tas = $$('textarea', list);
        if (tas.length) tas[Math.min(i, tas.length - 1)].focus();
      } }));
    list.append(row);
    requestAnimationFrame(() => autoGrow(ta));
  });
}

function onItem(path, i, ta) {
  const a = getPath(S.doc, path);
  if (!Array.isArray(a) || i >= a.length) return;
  let v = ta.value;
  if (v.includes('\n')) {
    /* a paragraph has no line breaks: pasted lines become paragraphs of their own */
    const lines = v.split(/\r?\n/);
    const rest = lines.slice(1).filter(l => l !== '');
    v = lines[0];
    if (a[i] !== null && typeof a[i] === 'object') a[i].heading = v; else a[i] = v;
    a.splice(i + 1, 0, ...(rest.length ? rest : ['']));
    renderItems(path);
    changed();
    $$(`.items[data-group-path="${path}"] textarea`)[i + (rest.length || 1)].focus();
    return;
  }
  if (a[i] !== null && typeof a[i] === 'object') a[i].heading = v; else a[i] = v;
  changed();
}

/* Enter starts a new paragraph after this one, with the text after the caret. */
function onItemKey(e, path, i, ta) {
  if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
  e.preventDefault();
  const a = getPath(S.doc, path);
  const before = ta.value.slice(0, ta.selectionStart), after = ta.value.slice(ta.selectionEnd);
  if (a[i] !== null && typeof a[i] === 'object') a[i].heading = before; else a[i] = before;
  a.splice(i + 1, 0, after);
  renderItems(path);
  changed();
  const next = $$(`.items[data-group-path="${path}"] textarea`)[i + 1];
  next.focus();
  next.setSelectionRange(0, 0);
}

/* A table of the layout: rows of cells placed the HTML way, text cells as headers, value
 * cells with an input each. */
function buildTable(block, tno) {
  const vcols = block.value_columns || [];
  const hrows = block.header_rows || 0;
  const table = el('table', { class: 'report-table', 'data-table': tno });
  const colgroup = el('colgroup');
  const totalw = (block.columns || []).reduce((a, b) => a + b, 0) || 1;
  for (const w of block.columns || []) {
    const col = el('col');
    col.style.width = `${(100 * w / totalw).toFixed(2)}%`;
    colgroup.append(col);
  }
  table.append(colgroup);
  const thead = el('thead'), tbody = el('tbody');
  /* grid[r][c] = the cell that covers it, to name each value by its row and column labels */
  const grid = [];
  const cells = [];
  block.rows.forEach((row, r) => {
    grid[r] = grid[r] || [];
    let c = 0;
    const expanded = [];
    for (const cell of row) {
      if (cell && typeof cell === 'object' && cell.values) {
        for (const vc of vcols) expanded.push({ value: `${cell.values}.${vc}` });
      } else expanded.push(cell);
    }
    for (const cell of expanded) {
      while (grid[r][c]) c++;
      const cs = (cell && cell.colspan) || 1, rs = (cell && cell.rowspan) || 1;
      const info = { r, c, cs, rs, cell, text: typeof cell === 'string' ? cell : cell && cell.text };
      for (let i = 0; i < rs; i++) {
        grid[r + i] = grid[r + i] || [];
        for (let j = 0; j < cs; j++) grid[r + i][c + j] = info;
      }
      cells.push(info);
      c += cs;
    }
  });
  const labelOf = (info) => {
    const rowLabels = [], colLabels = [];
    for (let c = 0; c < info.c; c++) {
      const g = grid[info.r][c];
      if (g && g.text && !rowLabels.includes(g.text)) rowLabels.push(g.text);
    }
    if (hrows > 0) {
      for (let r = 0; r < hrows; r++) {
        const g = grid[r][info.c];
        if (g && g.text && !colLabels.includes(g.text) && !(g.c === 0 && g.cs > 1 && g.c + g.cs <= info.c)) colLabels.push(g.text);
      }
    } else {
      for (let r = info.r - 1; r >= 0; r--) {
        const g = grid[r][info.c];
        if (g && g.text && g.cs === 1) { colLabels.push(g.text); break; }
        if (g && g.text) { colLabels.push(g.text); break; }
      }
    }
    return [...rowLabels, ...colLabels].join(' ');
  };
  const trs = block.rows.map((_, r) => el('tr'));
  const valuePaths = [];
  for (const info of cells) {
    const { cell, r, c, cs, rs } = info;
    const span = { colspan: cs > 1 ? cs : null, rowspan: rs > 1 ? rs : null };
    let td;
    if (cell === null || cell === undefined) {
      td = el('td', { class: 'blank', ...span });
    } else if (typeof cell === 'string' || cell.text !== undefined) {
      td = el('th', { ...span, scope: r < hrows ? (cs > 1 ? 'colgroup' : 'col') : (rs > 1 ? 'rowgroup' : 'row'), text: info.text });
    } else if (cell.value) {
      const path = cell.value;
      td = el('td', { class: 'value', ...span });
      const inp = valueInput(path, `${labelOf(info)}`);
      td.append(inp);
      for (const i of $$('input,select', inp)) { i.dataset.r = r; i.dataset.c = c; i.dataset.table = tno; }
      valuePaths.push(...$$('[data-path]', inp).map(i => i.dataset.path));
    } else {
      td = el('td', span);
    }
    trs[r].append(td);
  }
  trs.forEach((tr, r) => (r < hrows ? thead : tbody).append(tr));
  if (hrows) table.append(thead);
  table.append(tbody);
  return { table, valuePaths };
}

const TABLE_NAMES = ['表一', '表二', '表三', '表四', '表五'];

function buildForm() {
  const form = $('#report');
  form.textContent = '';
  S.inputs.clear();
  S.kinds = {};
  const layout = S.layouts[S.edition];
  buildFacts(form);
  const valuePaths = new Set();
  let tno = 0;
  let section = null;
  for (const block of layout.content) {
    switch (block.type) {
    case 'value': {
      const label = LABELS[block.value] || block.value;
      form.append(labelled(block.value, label, valueInput(block.value, label, { kind: 'text', class: block.style === 'title' ? 'title-input' : '' }), 'block-' + block.style));
      break;
    }
    case 'paragraphs': {
      const label = LABELS[block.value] || block.value;
      form.append(el('h2', { class: 'sub', text: label }), buildItems(block.value, label, false));
      break;
    }
    case 'text':
      section = block.text;
      form.append(el(block.style === 'h1' ? 'h2' : 'p', { class: 'sec-' + block.style, text: block.text }));
      break;
    case 'flow':
      form.append(buildItems(block.value, section || LABELS[block.value] || block.value, true));
      break;
    case 'table': {
      tno++;
      const { table, valuePaths: vp } = buildTable(block, tno);
      vp.forEach(p => valuePaths.add(p));
      const sw = el('input', { type: 'checkbox', id: `manual-${tno}`, class: 'manual' });
      const cap = el('div', { class: 'table-caption' },
        el('span', { text: `${TABLE_NAMES[tno - 1] || '表' + tno}` }),
        el('label', { class: 'manual-switch', for: `manual-${tno}` }, sw, ' 手工填写总计'));
      const t = tno;
      sw.addEventListener('change', () => setManual(t, sw.checked, true));
      form.append(el('div', { class: 'table-box', 'data-table-box': tno }, cap, el('div', { class: 'table-scroll' }, table)));
      break;
    }
    case 'lines':
      for (const line of block.lines) {
        if (line && typeof line === 'object' && line.value) {
          const label = LABELS[line.value] || line.value;
          const kind = line.format === 'date-zh' ? 'date' : 'text';
          form.append(labelled(line.value, label + (kind === 'date' ? '（年-月-日）' : ''), valueInput(line.value, label, { kind }), 'sig'));
        }
      }
      break;
    }
  }
  /* the sums, and which table each total belongs to */
  S.sums = expandSums((S.editions.editions[S.edition] || {}).sums, valuePaths);
  for (const s of S.sums) {
    const inp = S.inputs.get(s.total);
    s.table = inp ? Number(inp.dataset.table) : 0;
    if (inp) inp.classList.add('computed');
  }
  /* keyboard: up and down arrows move between a table's rows */
  form.addEventListener('keydown', e => {
    const t = e.target;
    if (!(t instanceof HTMLInputElement) || !t.dataset.table || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    const d = e.key === 'ArrowDown' ? 1 : -1;
    const same = $$(`input[data-table="${t.dataset.table}"][data-c="${t.dataset.c}"]`)
      .filter(i => !i.readOnly && Math.sign(i.dataset.r - t.dataset.r) === d)
      .sort((a, b) => d * (a.dataset.r - b.dataset.r));
    if (same.length) { e.preventDefault(); same[0].focus(); same[0].select(); }
  });
}

/* ---- values ------------------------------------------------------------------------- */

function fillForm() {
  for (const [path, inp] of S.inputs) {
    if (S.kinds[path] === 'item') continue;
    const v = getPath(S.doc, path);
    inp.value = inp.tagName === 'SELECT' ? (typeof v === 'string' ? v : '') : numberText(v);
  }
  for (const box of $$('.items')) renderItems(box.dataset.groupPath);
}

/* The value an input's text stands for; `clean` is the text as it should show. */
function parseValue(kind, raw) {
  let t = toAscii(raw);
  switch (kind) {
  case 'count':
  case 'year':
    t = t.replace(/[^0-9]/g, '');
    return { clean: t, value: t === '' ? null : Number(t) };
  case 'signed': {
    const neg = /^\s*-/.test(t);
    t = t.replace(/[^0-9]/g, '');
    const clean = (neg ? '-' : '') + t;
    return { clean, value: t === '' ? null : Number(clean) };
  }
  case 'amount': {
    /* kept as the clerk wrote it: a number when the number reads back the same ("86.42"),
     * else a decimal string ("1.50"), which is printed exactly as written */
    t = t.replace(/[^0-9.]/g, '');
    const dot = t.indexOf('.');
    if (dot >= 0) t = t.slice(0, dot + 1) + t.slice(dot + 1).replace(/\./g, '');
    if (t === '') return { clean: t, value: null };
    const n = Number(t);
    return { clean: t, value: Number.isFinite(n) && String(n) === t ? n : t };
  }
  case 'date':
    return { clean: t, value: t === '' ? null : t };
  default:
    return { clean: raw, value: raw === '' ? null : raw };
  }
}

function onValue(inp) {
  const path = inp.dataset.path, kind = S.kinds[path];
  if (inp.tagName === 'SELECT') {
    setPath(S.doc, path, inp.value === '' ? null : inp.value);
    changed();
    return;
  }
  const { clean, value } = parseValue(kind, inp.value);
  if (clean !== inp.value) {
    const pos = Math.max(0, (inp.selectionStart || 0) - (inp.value.length - clean.length));
    inp.value = clean;
    inp.setSelectionRange(pos, pos);
  }
  if (value === null && path === 'subject') {
    /* an optional field left empty is left out, as the data format allows */
    if (S.doc.subject !== undefined) delete S.doc.subject;
  } else if (value === null && path.startsWith('signature.')) {
    /* the signature is optional too: both parts empty, no signature */
    setPath(S.doc, path, null);
    const sig = S.doc.signature;
    if (sig && Object.values(sig).every(v => v === null || v === '')) delete S.doc.signature;
  } else {
    setPath(S.doc, path, value);
  }
  if (kind !== 'text' && kind !== 'date') computeSums();
  changed();
}

/* ---- computed totals ----------------------------------------------------------------- */

/* Recomputes every total of the tables not entered by hand: the sum of its parts, or blank
 * while any part is blank (a blank is not 0).  Returns the paths whose value changed. */
function computeSums() {
  const changedPaths = [];
  for (let pass = 0; pass < 8; pass++) {
    let any = false;
    for (const s of S.sums) {
      if (S.manual[s.table]) continue;
      let sum = 0, filled = true;
      for (const p of s.parts) {
        const v = getPath(S.doc, p);
        if (typeof v === 'number' && Number.isFinite(v)) sum += v; else filled = false;
      }
      const value = filled ? sum : null;
      if (getPath(S.doc, s.total) !== value) {
        setPath(S.doc, s.total, value);
        const inp = S.inputs.get(s.total);
        if (inp) inp.value = numberText(value);
        changedPaths.push(s.total);
        any = true;
      }
    }
    if (!any) break;
  }
  return changedPaths;
}

/* Whether table `tno`'s totals in the data are what the sums give. */
function tableAgrees(tno) {
  for (const s of S.sums) {
    if (s.table !== tno) continue;
    let sum = 0, filled = true;
    for (const p of s.parts) {
      const v = getPath(S.doc, p);
      if (typeof v === 'number') sum += v;
      else if (v === null || v === undefined) filled = false;
      else return false;
    }
    const t = getPath(S.doc, s.total);
    if ((filled ? sum : null) !== (t === undefined ? null : t)) return false;
  }
  return true;
}

function setManual(tno, on, byUser) {
  S.manual[tno] = on;
  const sw = $(`#manual-${tno}`);
  if (sw) sw.checked = on;
  for (const s of S.sums) {
    if (s.table !== tno) continue;
    const inp = S.inputs.get(s.total);
    if (!inp) continue;
    inp.readOnly = !on;
    inp.tabIndex = on ? 0 : -1;
    inp.classList.toggle('computed', !on);
    inp.setAttribute('aria-readonly', on ? 'false' : 'true');
  }
  if (byUser) {
    if (!on) {
      const ch = computeSums();
      setStatus(ch.length ? `${TABLE_NAMES[tno - 1]}的总计已按各项之和重新计算。` : `${TABLE_NAMES[tno - 1]}的总计由各项自动相加。`);
    } else {
      setStatus(`${TABLE_NAMES[tno - 1]}的总计改为手工填写。`);
    }
    changed();
  }
}

/* ---- saving: browser storage at once, the server's drafts debounced ------------------ */

function storeLocal(synced) {
  if (!S.name) return;
  try {
    localStorage.setItem(storeKey(S.name), JSON.stringify({
      doc: S.doc, synced, time: Date.now(), manual: S.manual, seq: S.saveSeq,
    }));
    localStorage.setItem('nianbao:current', S.name);
  } catch (e) {
    setStatus('浏览器存储已满，无法在本机保存副本：' + e.message, 'error');
  }
}

const saveServer = debounce(async () => {
  const name = S.name, seq = S.saveSeq, body = JSON.stringify(S.doc, null, 2) + '\n';
  try {
    const r = await api('PUT', '/api/drafts/' + encodeURIComponent(name), body);
    if (!r.ok) throw new Error((await r.json().catch(() => ({}))).error || r.status);
    const j = await r.json();
    if (name === S.name && seq === S.saveSeq) {
      storeLocal(true);
      document.body.dataset.sync = 'saved';
      setStatus(`已保存（草稿“${name}”第 ${j.version} 版）`, 'saved');
    }
  } catch (e) {
    if (name === S.name) document.body.dataset.sync = 'offline';
    if (name === S.name) setStatus('暂时无法保存到服务器，内容已保存在本浏览器中，恢复连接后会自动保存。', 'warn');
    setTimeout(() => { if (name === S.name && seq === S.saveSeq) saveServer(); }, 3000);
  }
}, 700);

const runCheckSoon = debounce(() => runCheck(), 250);

function changed() {
  S.saveSeq++;
  document.body.dataset.sync = 'pending';
  storeLocal(false);
  saveServer();
  runCheckSoon();
}

/* ---- checking ------------------------------------------------------------------------ */

/* The data as the checker should see it while the clerk is still filling in: a text or a
 * date left blank gets a stand-in (the page lists blanks itself, as 未填), so that the
 * rest of the report is checked. */
function checkDoc() {
  const d = JSON.parse(JSON.stringify(S.doc));
  const blank = new Set();
  const year = typeof d.year === 'number' ? d.year : (S.editions.editions[S.edition] || {}).first_year || 2021;
  for (const [path, inp] of S.inputs) {
    const kind = S.kinds[path];
    const v = getPath(d, path);
    if (path === 'subject') continue;
    if (path.startsWith('signature.') && !d.signature) continue; /* no signature: fine */
    if (v !== null && v !== undefined && v !== '') continue;
    blank.add(path);
    if (kind === 'text' || kind === 'item') setPath(d, path, '【未填】');
    else if (kind === 'date') setPath(d, path, `${year + 1}-01-01`);
    else if (kind === 'year') setPath(d, path, year);
  }
  return { d, blank };
}

async function runCheck() {
  if (!S.doc) return;
  const seq = ++S.checkSeq;
  const { d, blank } = checkDoc();
  let res, text;
  try {
    res = await api('POST', '/api/check?name=' + encodeURIComponent(S.name || 'data'), JSON.stringify(d));
    text = await res.text();
  } catch (e) {
    if (seq === S.checkSeq) $('#findings-summary').textContent = '无法连接服务器，暂不能检查。';
    return;
  }
  if (seq !== S.checkSeq) return; /* a later check is on its way */
  let j = {};
  try { j = JSON.parse(text); } catch (e) { /* shown below */ }
  S.blank = blank;
  if (res.ok) showFindings(j.findings || [], blank, null);
  else showFindings([], blank, j.error || `检查失败（${res.status}）`);
}

function clearMarks() {
  for (const inp of $$('[aria-invalid]')) inp.removeAttribute('aria-invalid');
  for (const m of $$('.msg')) m.textContent = '';
  for (const e of $$('.has-warning')) e.classList.remove('has-warning');
}

function focusPath(path) {
  let inp = S.inputs.get(path);
  if (!inp) {
    const box = $(`[data-group-path="${path}"]`);
    inp = box && (box.querySelector('textarea') || box.querySelector('button'));
  }
  if (!inp) return;
  if (inp.readOnly && inp.dataset.table) setManual(Number(inp.dataset.table), S.manual[inp.dataset.table], false);
  inp.scrollIntoView({ block: 'center' });
  inp.focus({ preventScroll: true });
}

/* The inputs a finding's path names: the input itself, or all inputs under a group. */
function targets(path) {
  const inp = S.inputs.get(path) || S.inputs.get(path + '.heading');
  if (inp) return [inp];
  const box = $(`[data-group-path="${path}"]`);
  if (box) return $$('textarea', box).slice(0, 1);
  return [];
}

function showFindings(findings, blank, failure) {
  clearMarks();
  const list = $('#findings');
  list.textContent = '';
  let errors = 0, warnings = 0;
  const flagged = new Map();
  const add = (inp, msg, sev) => {
    const m = document.getElementById(inp.getAttribute('aria-describedby') || '');
    if (sev === 'error') inp.setAttribute('aria-invalid', 'true');
    else inp.closest('.cell-wrap, td, .field')?.classList.add('has-warning');
    if (m) m.textContent = m.textContent ? m.textContent + '；' + msg : msg;
    flagged.set(inp, true);
  };
  if (failure) {
    errors++;
    const li = el('li', { class: 'error' }, el('span', { class: 'sev', text: '无法检查' }), ' ' + failure);
    const m = failure.match(/\$\.([A-Za-z0-9_.[\]]+)/);
    if (m) {
      for (const inp of targets(m[1])) add(inp, failure, 'error');
      li.append(' ', el('a', { href: '#', text: '转到该处', onclick: e => { e.preventDefault(); focusPath(m[1]); } }));
    }
    list.append(li);
  }
  for (const f of findings) {
    const paths = (f.paths || []).filter(p => !p.startsWith('previous:'));
    if (paths.some(p => blank.has(p))) continue; /* about a blank: listed as 未填 */
    if (f.severity === 'error') errors++; else warnings++;
    const li = el('li', { class: f.severity === 'error' ? 'error' : 'warning' },
      el('span', { class: 'sev', text: f.severity === 'error' ? '错误' : '提醒' }), ' ' + f.message);
    const links = el('span', { class: 'links' });
    for (const p of paths) {
      const ts = targets(p);
      for (const inp of ts) add(inp, f.message, f.severity);
      if (ts.length) {
        const label = ts[0].getAttribute('aria-label') || p;
        links.append(el('a', { href: '#' + ts[0].id, 'data-path': null, class: 'goto', text: label,
          onclick: e => { e.preventDefault(); focusPath(p); } }));
      }
    }
    if (links.childNodes.length) li.append(' ', links);
    list.append(li);
  }
  const nblank = blank.size;
  const parts = [];
  if (errors) parts.push(`${errors} 处错误`);
  if (warnings) parts.push(`${warnings} 处提醒`);
  if (nblank) parts.push(`${nblank} 处未填`);
  const sum = $('#findings-summary');
  sum.textContent = parts.length ? parts.join('，') + '。' : '检查通过：各项数据与表内勾稽关系一致。';
  sum.className = errors ? 'bad' : parts.length ? 'warn' : 'good';
  if (nblank) {
    const first = [...blank][0];
    sum.append(' ', el('a', { href: '#', text: '转到第一处未填', onclick: e => { e.preventDefault(); focusPath(first); } }));
  }
  document.body.dataset.checked = String(S.checkSeq);
}

/* ---- loading a report ---------------------------------------------------------------- */

async function loadLayout(edition) {
  if (S.layouts[edition]) return S.layouts[edition];
  const r = await api('GET', '/api/layout?edition=' + encodeURIComponent(edition));
  if (!r.ok) throw new Error(`无法读取 ${edition} 年版的版式（${r.status}）`);
  S.layouts[edition] = await r.json();
  return S.layouts[edition];
}

/* Shows `doc` as draft `name`.  `manual`: the tables entered by hand, when known. */
async function openReport(name, doc, manual) {
  const edition = typeof doc.edition === 'string' ? doc.edition : null;
  if (!edition || !S.editions.editions[edition])
    throw new Error(`数据文件的模板版本（edition）应为 ${Object.keys(S.editions.editions).join(' 或 ')}，实为 ${JSON.stringify(doc.edition)}`);
  await loadLayout(edition);
  S.name = name;
  S.doc = doc;
  S.edition = edition;
  S.manual = {};
  buildForm();
  fillForm();
  /* a table whose totals are not the sums of its parts keeps them: entered by hand */
  const tables = new Set(S.sums.map(s => s.table));
  const kept = [];
  for (const t of tables) {
    const on = manual && manual[t] !== undefined ? manual[t] : !tableAgrees(t);
    if (on && !(manual && manual[t] !== undefined)) kept.push(TABLE_NAMES[t - 1]);
    setManual(t, on, false);
  }
  location.hash = 'd=' + encodeURIComponent(name);
  document.title = `${name} · 年报编辑`;
  await refreshDrafts();
  if (kept.length) setStatus(`${kept.join('、')}的总计与各项之和不一致，已保持原数据并改为手工填写。`, 'warn');
  runCheck();
}

async function serverDraft(name) {
  try {
    const r = await api('GET', '/api/drafts/' + encodeURIComponent(name));
    if (r.ok) return await r.json();
  } catch (e) { /* offline: the browser's copy serves */ }
  return null;
}

function localDraft(name) {
  try { return JSON.parse(localStorage.getItem(storeKey(name)) || 'null'); } catch (e) { return null; }
}

/* Opens draft `name`: the browser's copy when the server never confirmed it, else the
 * server's latest version. */
async function openDraft(name) {
  const local = localDraft(name);
  const server = await serverDraft(name);
  if (local && (!local.synced || !server)) {
    await openReport(name, local.doc, local.manual);
    if (!local.synced) { changed(); setStatus('已恢复本浏览器中尚未保存到服务器的内容。', 'warn'); }
    return;
  }
  if (server) {
    await openReport(name, server, local && local.manual);
    storeLocal(true);
    document.body.dataset.sync = 'saved';
    return;
  }
  throw new Error(`找不到草稿“${name}”`);
}

async function refreshDrafts() {
  const sel = $('#draft-select');
  const names = new Set();
  try {
    const r = await api('GET', '/api/drafts');
    if (r.ok) for (const d of (await r.json()).drafts) names.add(d.name);
  } catch (e) { /* offline */ }
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k.startsWith('nianbao:draft:')) names.add(k.slice(14));
  }
  if (S.name) names.add(S.name);
  sel.textContent = '';
  for (const n of [...names].sort()) sel.append(el('option', { value: n, text: n }));
  if (S.name) sel.value = S.name;
  return names;
}

/* ---- the buttons --------------------------------------------------------------------- */

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

async function renderPdf() {
  saveServer.flush();
  setStatus('正在生成 PDF……');
  const r = await api('POST', '/api/render?name=' + encodeURIComponent(S.name), JSON.stringify(S.doc));
  if (r.ok) return r.blob();
  const j = await r.json().catch(() => ({}));
  if (j.findings && j.findings.findings) showFindings(j.findings.findings, new Set(), null);
  setStatus('未能生成 PDF：' + (j.error || r.status) + (j.findings ? '（请先改正检查结果中的错误）' : ''), 'error');
  return null;
}

let previewUrl = null;

async function preview() {
  const blob = await renderPdf();
  if (!blob) return;
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = URL.createObjectURL(blob);
  $('#preview').src = previewUrl + '#view=FitH';
  $('#preview-panel').hidden = false;
  $('#btn-preview-close').focus();
  setStatus(`已生成 PDF（${Math.round(blob.size / 1024)} KB）。`, 'saved');
}

function closePreview() {
  $('#preview-panel').hidden = true;
  $('#btn-preview').focus();
}

async function newReport(ev) {
  const dlg = $('#new-dialog');
  if (ev && ev.target && ev.target.returnValue === 'cancel') return;
  const edition = $('#new-edition').value, year = toAscii($('#new-year').value).trim();
  const body = $('#new-body').value.trim();
  let name = $('#new-name').value.trim();
  const err = $('#new-error');
  err.textContent = '';
  if (!/^\d{4}$/.test(year)) { err.textContent = '报告年度应为四位数字，如 2024。'; return false; }
  if (!name) name = toName((body || '') + year + '年度报告');
  if (!nameOk(name)) { err.textContent = '草稿名称只能用汉字、字母、数字、“-”和“_”，不超过 100 字节。'; return false; }
  const existing = await refreshDrafts();
  if (existing.has(name)) { err.textContent = `已有名为“${name}”的草稿，请换一个名称。`; return false; }
  const q = new URLSearchParams({ edition, year });
  if (body) q.set('body', body);
  const r = await api('GET', '/api/init?' + q);
  const j = await r.json().catch(() => ({}));
  if (!r.ok) { err.textContent = j.error || String(r.status); return false; }
  dlg.close();
  await openReport(name, j, null);
  changed();
  setStatus(`已新建草稿“${name}”。`, 'saved');
  return true;
}

function showNewDialog() {
  const sel = $('#new-edition');
  sel.textContent = '';
  for (const [id, e] of Object.entries(S.editions.editions))
    sel.append(el('option', { value: id, text: `${id}年版（${e.name}，${e.first_year}年${e.last_year ? '至' + e.last_year + '年' : '起'}）` }));
  sel.value = Object.keys(S.editions.editions).sort().slice(-1)[0];
  $('#new-year').value = String(new Date().getFullYear() - 1);
  $('#new-body').value = '';
  $('#new-name').value = '';
  $('#new-error').textContent = '';
  $('#new-dialog').showModal();
}

async function openFile(file) {
  const text = await file.text();
  let doc;
  try { doc = JSON.parse(text); } catch (e) {
    setStatus(`“${file.name}”不是有效的数据文件：${e.message}`, 'error');
    return;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    setStatus(`“${file.name}”不是报告数据文件。`, 'error');
    return;
  }
  try {
    await openReport(toName(file.name), doc, null);
    changed();
    setStatus(`已打开“${file.name}”。`, 'saved');
  } catch (e) {
    setStatus(`无法打开“${file.name}”：${e.message}`, 'error');
  }
}

/* ---- start ----------------------------------------------------------------------------- */

async function start() {
  $('#btn-new').addEventListener('click', showNewDialog);
  $('#new-form').addEventListener('submit', async e => {
    if (e.submitter && e.submitter.value === 'cancel') return;
    e.preventDefault();
    await newReport();
  });
  $('#btn-open').addEventListener('click', () => $('#file-open').click());
  $('#file-open').addEventListener('change', e => { if (e.target.files[0]) openFile(e.target.files[0]); e.target.value = ''; });
  $('#btn-download').addEventListener('click', () => {
    if (!S.doc) return;
    download(new Blob([JSON.stringify(S.doc, null, 2) + '\n'], { type: 'application/json' }), S.name + '.json');
  });
  $('#btn-pdf').addEventListener('click', async () => {
    const blob = await renderPdf();
    if (blob) { download(blob, S.name + '.pdf'); setStatus(`已生成“${S.name}.pdf”。`, 'saved'); }
  });
  $('#btn-preview').addEventListener('click', preview);
  $('#btn-preview-close').addEventListener('click', closePreview);
  document.addEventListener('keydown', e => { if (e.key === 'Escape' && !$('#preview-panel').hidden) closePreview(); });
  $('#draft-select').addEventListener('change', e => openDraft(e.target.value).catch(err => setStatus(err.message, 'error')));

  const r = await api('GET', '/api/editions');
  if (!r.ok) { setStatus('无法连接服务器（' + r.status + '）', 'error'); return; }
  S.editions = await r.json();
  const fromHash = decodeURIComponent((location.hash.match(/d=([^&]+)/) || [])[1] || '');
  const name = fromHash || localStorage.getItem('nianbao:current');
  if (name) {
    try { await openDraft(name); return; } catch (e) { setStatus(e.message, 'warn'); }
  }
  $('#report').textContent = '';
  $('#report').append(el('p', { class: 'empty-note', text: '请点击“新建报告”开始，或“打开数据文件”继续编辑已有的报告。' }));
  await refreshDrafts();
  showNewDialog();
}

start().catch(e => setStatus('页面出错：' + e.message, 'error'));
