/**
 * Both webviews under VS Code's four built-in theme kinds: light, dark, high contrast and high
 * contrast light. Every kind of text the grid and the form draw is measured in Chromium against what
 * is really behind it (the stripes, a selection, a header), as WCAG computes contrast.
 */
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { ensurePostgresFixture, fixtureDatabase } from '../support/servers';
import {
  expand,
  fixtureWorkspace,
  openAddForm,
  resultsGrid,
  rowAction,
  showConnections,
  treeRow,
  useWorkbench,
  type Workbench,
} from './workbench';

const connectionName = 'Themes PG';
const allTypesColumns = [
  'id',
  'c_smallint',
  'c_integer',
  'c_bigint',
  'c_numeric',
  'c_real',
  'c_double',
  'c_bool',
  'c_text',
  'c_varchar',
  'c_char',
  'c_date',
  'c_time',
  'c_timestamp',
  'c_timestamptz',
  'c_interval',
  'c_uuid',
  'c_json',
  'c_jsonb',
  'c_bytea',
  'c_int_array',
  'c_inet',
];

/** A theme, the class VS Code puts on its workbench for it, and the one it puts on a webview's body. */
const themes = [
  { name: 'Default Light Modern', label: 'Light Modern', workbench: 'vs', webview: 'vscode-light' },
  { name: 'Default Dark Modern', label: 'Dark Modern', workbench: 'vs-dark', webview: 'vscode-dark' },
  {
    name: 'Default High Contrast',
    label: 'Dark High Contrast',
    workbench: 'hc-black',
    webview: 'vscode-high-contrast',
  },
  {
    name: 'Default High Contrast Light',
    label: 'Light High Contrast',
    workbench: 'hc-light',
    webview: 'vscode-high-contrast-light',
  },
];

/** Text that carries data or names it: WCAG AA for normal text. */
const body = 4.5;
/** Secondary text (types, row numbers, hints, the status line): WCAG AA for large text and UI parts. */
const secondary = 3;

interface Check {
  what: string;
  selector: string;
  min: number;
}

interface Measured {
  what: string;
  found: boolean;
  fg?: string;
  bg?: string;
  ratio?: number;
}

/**
 * Runs in the webview: for each check, the first matching element's text colour composited over the
 * colours behind it (its own background and its ancestors', down to the first opaque one), and the
 * contrast ratio between the two.
 */
const measure = `(root, checks) => {
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c);
    if (!m) return undefined;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1 });
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    let bg = parse(getComputedStyle(document.documentElement).backgroundColor) || { r: 255, g: 255, b: 255, a: 1 };
    if (bg.a < 1) bg = over(bg, { r: 255, g: 255, b: 255, a: 1 });
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const hex = (c) => '#' + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  return checks.map(({ what, selector }) => {
    const el = root.ownerDocument.querySelector(selector);
    if (!el) return { what, found: false };
    const bg = behind(el);
    const fg = over(parse(getComputedStyle(el).color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    return { what, found: true, fg: hex(fg), bg: hex(bg), ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100 };
  });
}`;

/** The measuring function, for Playwright to send to the page (this file has no DOM types to write it in). */
const measureFn = new Function(`return ${measure}`)() as (root: unknown, checks: Check[]) => Measured[];

/** Picks the theme as a user does, through Preferences: Color Theme (Ctrl+K Ctrl+T). */
async function setTheme(wb: Workbench, theme: (typeof themes)[number], frame: FrameLocator): Promise<void> {
  const { page } = wb;
  const widget = page.locator('.quick-input-widget');
  await page.keyboard.press('F1');
  await widget.locator('input.input').fill('>Preferences: Color Theme');
  // Not "Browse Color Themes in Marketplace", which matches too and comes first.
  await widget.locator('.monaco-list-row[aria-label^="Preferences: Color Theme,"]').click();
  await widget.locator('input.input').fill(theme.label);
  await widget.locator(`.monaco-list-row[aria-label^="${theme.label}, ${theme.name}"]`).click();
  await page.locator(`.monaco-workbench.${theme.workbench}`).waitFor({ timeout: 30_000 });
  await frame.locator(`body.${theme.webview}`).waitFor({ timeout: 30_000 });
}

/** What to measure once the page is brought to a state (scrolled to some columns, say). */
interface Phase {
  prepare?: () => Promise<void>;
  checks: Check[];
}

/** Measures every phase's checks under every theme; returns what falls short, with its colours. */
async function shortfalls(wb: Workbench, frame: FrameLocator, phases: Phase[], shot: string): Promise<string[]> {
  const failures: string[] = [];
  for (const theme of themes) {
    await setTheme(wb, theme, frame);
    for (const [n, phase] of phases.entries()) {
      await phase.prepare?.();
      await wb.screenshot(`${shot}-${theme.workbench}-${n + 1}`);
      const results = await frame.locator('body').evaluate(measureFn, phase.checks);
      for (const [i, r] of results.entries()) {
        const check = phase.checks[i];
        if (!r.found) failures.push(`${theme.name}: ${r.what} (${check.selector}) is not on the page`);
        else if ((r.ratio ?? 0) < check.min)
          failures.push(`${theme.name}: ${r.what} ${r.fg} on ${r.bg} is ${r.ratio}:1, below ${check.min}:1`);
      }
    }
  }
  return failures;
}

describe('webviews in light, dark and high-contrast themes (code-server + Chromium)', function () {
  this.bail(true);
  this.timeout(180_000);
  before(() => ensurePostgresFixture());
  const workbench = useWorkbench('themes', undefined, fixtureWorkspace(connectionName));

  it('the results grid: values, NULL, numbers, stripes, headers, row numbers, a selected cell and the status line all read', async () => {
    const wb = workbench();
    const { page } = wb;
    await showConnections(page);
    await expand(treeRow(page, connectionName));
    await expand(treeRow(page, `Database ${fixtureDatabase}`));
    await expand(treeRow(page, 'Schema fixture'));
    await rowAction(treeRow(page, 'table all_types'), 'Preview Table');
    const frame = await resultsGrid(page, 'fixture.all_types');
    await frame.locator('.status', { hasText: /^3 rows/ }).waitFor({ timeout: 60_000 });
    const row1 = '.row[aria-rowindex="2"]:not([hidden])';
    const row2 = '.row[aria-rowindex="3"]:not([hidden])'; // striped, and all NULL but its id
    const row3 = '.row[aria-rowindex="4"]:not([hidden])';
    const press = async (key: string, times: number): Promise<void> => {
      for (let i = 0; i < times; i++) await page.keyboard.press(key);
    };
    const phases: Phase[] = [
      {
        // The first columns: row 3's id selected.
        prepare: async () => {
          await frame.locator(`${row3} .cell.gutter`).click();
          await page.keyboard.press('Home');
          await frame.locator(`${row3} .cell.sel.active[aria-colindex="2"]`).waitFor();
        },
        checks: [
          { what: 'a number', selector: `${row1} .cell.num`, min: body },
          { what: 'NULL on a striped row', selector: `${row2} .cell.null`, min: body },
          { what: 'a number on a striped row', selector: `${row2} .cell.num`, min: body },
          { what: 'a column name', selector: '.head .name', min: body },
          { what: 'the source', selector: '.source', min: body },
          { what: 'a column type', selector: '.head .type', min: secondary },
          { what: 'a row number', selector: `${row1} .cell.gutter`, min: secondary },
          { what: 'the status line', selector: '.status', min: secondary },
          { what: 'the footer', selector: '.footer', min: secondary },
        ],
      },
      {
        // c_text: row 3 holds the string 'NULL', selected.
        prepare: async () => {
          await press('ArrowRight', 8);
          await frame.locator(`${row3} .cell.sel.active[aria-colindex="10"]`).waitFor();
        },
        checks: [
          { what: 'a text value', selector: `${row1} .cell.text`, min: body },
          { what: 'a boolean', selector: `${row1} .cell.bool`, min: body },
          { what: 'the selected cell', selector: '.cell.sel.active', min: body },
        ],
      },
      {
        // c_json to c_bytea.
        prepare: async () => {
          await press('ArrowRight', 11);
          await frame.locator(`${row3} .cell.sel.active[aria-colindex="21"]`).waitFor();
          // Fewer, wider columns than before: the header shows exactly the columns under it.
          const names = await frame.locator('.header .cell.head:visible .name').allTextContents();
          const at = allTypesColumns.indexOf(names[0]);
          assert.deepEqual(names, allTypesColumns.slice(at, at + names.length));
          assert.equal(names.at(-1), 'c_bytea');
        },
        checks: [
          { what: 'a JSON value', selector: `${row1} .cell.json`, min: body },
          { what: 'a binary value', selector: `${row1} .cell.bin`, min: body },
        ],
      },
    ];
    const failures = await shortfalls(wb, frame, phases, 'theme-grid');
    assert.deepEqual(failures, []);
  });

  it('the connection form: connectors, labels, help, field errors and a failed test all read', async () => {
    const wb = workbench();
    const form = await openAddForm(wb.page);
    await form.locator('#test').click();
    await form.locator('#status.fail', { hasText: 'Fix the highlighted fields first.' }).waitFor();
    await form.locator('#error-name', { hasText: 'A connection needs a name.' }).waitFor();
    const checks: Check[] = [
      { what: 'the heading', selector: 'h1', min: body },
      { what: 'a connector', selector: '.connector[aria-checked="false"]', min: body },
      { what: 'the chosen connector', selector: '.connector[aria-checked="true"]', min: body },
      { what: 'a label', selector: 'vscode-label', min: body },
      { what: 'a field error', selector: '#error-name', min: body },
      { what: 'the failed test', selector: '#status.fail', min: body },
      { what: 'help text', selector: '.help', min: secondary },
    ];
    const failures = await shortfalls(wb, form, [{ checks }], 'theme-form');
    assert.deepEqual(failures, []);
  });
});
