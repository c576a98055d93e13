/**
 * The results panel's toolbar, status line and error box: what ran, how it went, and the buttons
 * that ask the host to run again, cancel, export or pin. Text only reaches the DOM as text.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  maxRowLimitSetting,
  type ResultProgress,
  type ResultStart,
  type ResultsToHost,
} from '../../shared/protocol/results';
import { el } from '../common/vscodeApi';
import { groupDigits as fmt } from './gridModel';
import { statusText } from './status';

interface TextField extends HTMLElement {
  value: string;
  invalid: boolean;
}
interface Button extends HTMLElement {
  disabled: boolean;
}

export class Toolbar {
  readonly toolbar = el('div', { class: 'toolbar' });
  readonly busy = el('div', { class: 'busy', hidden: '' });
  readonly errorBox = el('div', { class: 'error', hidden: '', role: 'alert' });
  readonly notice = el('div', { class: 'notice', hidden: '' });
  private readonly source = el('div', { class: 'source' });
  private readonly status = el('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly limitField = el('vscode-textfield', {
    type: 'number',
    min: '1',
    max: String(maxRowLimitSetting),
    'aria-label': 'Row limit',
  }) as TextField;
  private readonly cancelBtn = this.button('debug-stop', 'Stop the statement on the server', 'Cancel', {
    type: 'cancel',
  });
  private readonly csvBtn = this.button('export', 'Export the whole result as CSV', 'CSV', {
    type: 'export',
    format: 'csv',
  });
  private readonly jsonBtn = this.button('json', 'Export the whole result as JSON', 'JSON', {
    type: 'export',
    format: 'json',
  });
  private readonly pinBtn = this.button('pin', 'Keep this result: the next run opens a new panel', 'Pin', {
    type: 'pin',
  });

  constructor(
    private readonly post: (message: ResultsToHost) => void,
    private readonly say: (text: string) => void,
  ) {
    const apply = el('vscode-button', { secondary: '' }, 'Apply');
    apply.addEventListener('click', () => this.submitLimit());
    this.limitField.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.submitLimit();
    });
    const limit = el('div', { class: 'limit' });
    limit.append(el('span', {}, 'Limit'), this.limitField, apply);
    const refresh = this.button('refresh', 'Run again', 'Refresh', { type: 'refresh' });
    this.toolbar.append(
      this.source,
      this.status,
      el('div', { class: 'grow' }),
      limit,
      refresh,
      this.cancelBtn,
      this.csvBtn,
      this.jsonBtn,
      this.pinBtn,
    );
  }

  /** A (re)run started: what it runs, and its limit. */
  start(start: ResultStart): void {
    this.limitField.value = String(start.limit);
    this.limitField.invalid = false;
    const s = start.source;
    this.notice.textContent = s.kind === 'query' ? (s.notice ?? '') : '';
    this.notice.hidden = !this.notice.textContent;
    this.pinBtn.hidden = s.kind !== 'query';
    this.pinBtn.disabled = start.pinned === true;
    this.pinBtn.textContent = start.pinned ? 'Pinned' : 'Pin';
    if (s.kind === 'preview') {
      this.source.textContent = [s.catalog, s.schema, s.table].filter(Boolean).join('.');
      this.source.title = `${this.source.textContent} on ${s.connectionName}`;
    } else {
      const sql = (s.sql ?? '').replace(/\s+/g, ' ').trim();
      this.source.textContent = sql.length > 80 ? `${sql.slice(0, 80)}…` : sql;
      this.source.title = `${s.sql ?? ''}\n\non ${s.connectionName}`;
    }
  }

  /** The status line, the buttons that depend on it, and the error box. */
  describe(start: ResultStart | undefined, p: ResultProgress | undefined): void {
    this.status.classList.toggle('failed', p?.phase === 'failed');
    this.busy.hidden = p?.phase !== 'running';
    this.cancelBtn.disabled = p?.phase !== 'running';
    this.csvBtn.disabled = this.jsonBtn.disabled = !p || p.columns.length === 0 || p.phase === 'idle';
    this.status.textContent = statusText(p, start?.limit ?? 0);
    // Every note in full on hover (plain text: a title is never markup).
    this.status.title = p?.phase === 'done' && p.notes?.length ? p.notes.join('\n') : '';
    this.describeError(p);
  }

  private describeError(p: ResultProgress | undefined): void {
    const e = p?.error;
    if (!e || p?.phase === 'cancelled') {
      this.errorBox.hidden = true;
      this.errorBox.replaceChildren();
      return;
    }
    this.errorBox.hidden = false;
    const parts: HTMLElement[] = [el('div', {}, e.message)];
    const where: string[] = [];
    if (e.sqlState) where.push(`SQLSTATE ${e.sqlState}`);
    if (e.line !== undefined && e.column !== undefined) where.push(`line ${e.line}, column ${e.column}`);
    if (where.length) parts.push(el('div', { class: 'where' }, where.join(' · ')));
    if (e.excerpt !== undefined && e.column !== undefined) {
      parts.push(el('pre', {}, `${e.excerpt}\n${' '.repeat(Math.max(0, e.column - 1))}^`));
    }
    this.errorBox.replaceChildren(...parts);
  }

  private submitLimit(): void {
    const n = Number(this.limitField.value);
    const ok = Number.isInteger(n) && n >= 1 && n <= maxRowLimitSetting;
    this.limitField.invalid = !ok;
    if (!ok) {
      this.say(`The limit must be a whole number from 1 to ${fmt(maxRowLimitSetting)}.`);
      return;
    }
    this.post({ type: 'setLimit', limit: n });
  }

  private button(icon: string, title: string, text: string, message: ResultsToHost): Button {
    const b = el('vscode-button', { secondary: '', icon, title }, text) as Button;
    b.addEventListener('click', () => this.post(message));
    return b;
  }
}
