// The diagram webview's toolbar and the lines under it: the title, the buttons (apply, plan,
// refresh, zoom, fit, export), the traffic path toggles, the tutorial step selector, the busy
// indicator, the notice and the legend. It holds the webview's words and relabels itself when the
// host sends them in another language; what it changes (a step, a toggle) it tells the host.
import { englishWebviewStrings, type DiagramStatus, type WebviewState, type WebviewStrings, type WebviewToHost } from '../src/shared/protocol';
import type { PictureLayout } from '../src/shared/diagram-layout';
import { custom, el, fill } from './dom';
import type { DiagramMessage } from './picture';

/** What the toolbar's controls do outside it. */
export interface ToolbarActions {
  post(message: WebviewToHost): void;
  /** Saves the view (its step and toggles changed) with the picture's zoom and scroll. */
  persist(): void;
  zoomBy(factor: number): void;
  fit(): void;
  export(format: 'svg' | 'png'): void;
}

export class Toolbar {
  /** The webview's own words: English until the host sends them in the display language. */
  words: WebviewStrings = englishWebviewStrings;
  readonly element = el('div', { id: 'toolbar', role: 'toolbar' });
  readonly notice = el('div', { id: 'notice', role: 'status' });
  readonly legend = el('div', { id: 'legend' });
  private readonly title = el('span', { id: 'title' });
  private readonly inbound: HTMLElement & { checked?: boolean };
  private readonly reply: HTMLElement & { checked?: boolean };
  private readonly stepSelect: HTMLElement & { value?: string };
  private readonly busy = el('span', { id: 'busy' });
  /** Whether the last picture painted draws the way out (the legend names it only then). */
  private outboundDrawn = false;

  constructor(
    private readonly view: WebviewState,
    private readonly actions: ToolbarActions,
  ) {
    const { words } = this;
    const sep = () => this.element.append(el('span', { class: 'sep' }));
    this.element.append(this.title);
    sep();
    this.button('apply', words.apply, words.applyTitle, false).addEventListener('click', () => actions.post({ type: 'command', command: 'apply' }));
    this.button('plan', words.plan, words.planTitle).addEventListener('click', () => actions.post({ type: 'command', command: 'plan' }));
    this.button('refresh', words.refresh, words.refreshTitle).addEventListener('click', () => actions.post({ type: 'command', command: 'refresh' }));
    sep();
    this.inbound = custom('vscode-checkbox', { id: 'path-inbound', label: words.inboundPath });
    this.reply = custom('vscode-checkbox', { id: 'path-reply', label: words.replyPath });
    this.inbound.checked = view.paths.inbound;
    this.reply.checked = view.paths.reply;
    this.element.append(this.inbound, this.reply);
    const onPaths = () => {
      view.paths = { inbound: !!this.inbound.checked, reply: !!this.reply.checked };
      actions.persist();
      actions.post({ type: 'paths', paths: view.paths });
    };
    this.inbound.addEventListener('change', onPaths);
    this.reply.addEventListener('change', onPaths);
    sep();
    this.stepSelect = custom('vscode-single-select', { id: 'step', title: words.stepTitle });
    this.element.append(this.stepSelect);
    this.stepSelect.addEventListener('change', () => {
      const value = this.stepSelect.value ?? 'live';
      view.step = value === 'live' ? null : Number(value);
      actions.persist();
      actions.post({ type: 'step', step: view.step });
    });
    sep();
    this.button('zoom-out', '−', words.zoomOut).addEventListener('click', () => actions.zoomBy(1 / 1.25));
    this.button('zoom-in', '+', words.zoomIn).addEventListener('click', () => actions.zoomBy(1.25));
    this.button('fit', words.fit, words.fitTitle).addEventListener('click', () => actions.fit());
    this.button('export-svg', 'SVG', words.exportSvg).addEventListener('click', () => actions.export('svg'));
    this.button('export-png', 'PNG', words.exportPng).addEventListener('click', () => actions.export('png'));
    this.element.append(el('span', { class: 'grow' }), this.busy);
    this.notice.hidden = true;
    this.legend.append(...this.legendSpans());
    this.showOutbound();
  }

  /** A picture is about to be drawn: its title, steps, path toggles and notice. */
  show(message: DiagramMessage): void {
    this.title.textContent = message.title;
    this.updateSteps(message);
    this.view.paths = message.paths;
    this.inbound.checked = message.paths.inbound;
    this.reply.checked = message.paths.reply;
    this.showNotice(message);
  }

  /** A picture was painted: the legend names the way out if it draws one. */
  painted(layout: PictureLayout): void {
    this.outboundDrawn = layout.edges.some((e) => e.role === 'outbound');
    this.showOutbound();
  }

  setBusy(busy: boolean, message?: string): void {
    this.busy.textContent = busy ? (message ?? this.words.working) : '';
  }

  statusWords(): Record<DiagramStatus, string> {
    const { words } = this;
    return { planned: words.planned, 'in-progress': words.inProgress, created: words.created, failed: words.failed, drifted: words.drifted };
  }

  /** Relabels the toolbar and legend when the host sends the words in another language. */
  applyWords(next: WebviewStrings | undefined): void {
    if (!next || next === this.words || JSON.stringify(next) === JSON.stringify(this.words)) return;
    const words = (this.words = { ...englishWebviewStrings, ...next });
    const label = (id: string, text: string | undefined, title: string) => {
      const b = document.getElementById(id);
      if (!b) return;
      if (text !== undefined) b.textContent = text;
      b.setAttribute('title', title);
    };
    label('apply', words.apply, words.applyTitle);
    label('plan', words.plan, words.planTitle);
    label('refresh', words.refresh, words.refreshTitle);
    label('zoom-out', undefined, words.zoomOut);
    label('zoom-in', undefined, words.zoomIn);
    label('fit', words.fit, words.fitTitle);
    label('export-svg', undefined, words.exportSvg);
    label('export-png', undefined, words.exportPng);
    this.inbound.setAttribute('label', words.inboundPath);
    this.reply.setAttribute('label', words.replyPath);
    this.stepSelect.setAttribute('title', words.stepTitle);
    this.legend.replaceChildren(...this.legendSpans());
    this.showOutbound();
  }

  private button(id: string, text: string, title: string, secondary = true): HTMLElement {
    const b = custom('vscode-button', { id, title, ...(secondary ? { secondary: '' } : {}) }, text);
    this.element.append(b);
    return b;
  }

  private legendSpans(): HTMLElement[] {
    const { words } = this;
    const entries: [string, string][] = [
      ['planned', words.planned],
      ['in-progress', words.inProgress],
      ['created', words.created],
      ['failed', words.failed],
      ['drifted', words.drifted],
      ['inbound', words.legendInbound],
      ['reply', words.legendReply],
      ['outbound', words.legendOutbound],
    ];
    return entries.map(([cls, text]) => el('span', { class: cls }, text));
  }

  /** The way out is in the legend only while a picture draws it. */
  private showOutbound(): void {
    const span = this.legend.querySelector<HTMLElement>('.outbound');
    if (span) span.hidden = !this.outboundDrawn;
  }

  private showNotice(message: DiagramMessage): void {
    const { words } = this;
    const text = message.notice ?? (message.blocked ? fill(words.blockedAt, message.blocked.name, message.blocked.reason) : message.collapsed ? words.largeBlueprint : '');
    this.notice.textContent = text;
    this.notice.hidden = !text;
    this.notice.classList.toggle('error', !!message.blocked);
  }

  private updateSteps(message: DiagramMessage): void {
    const { words } = this;
    const options = [{ value: 'live', text: words.live }, ...message.steps.map((s) => ({ value: String(s.index), text: `${s.index === 0 ? '' : fill(words.stepPrefix, String(s.index))}${s.title}` }))];
    const signature = options.map((o) => o.value + o.text).join('|');
    if (this.stepSelect.dataset.signature !== signature) {
      this.stepSelect.replaceChildren(...options.map((o) => custom('vscode-option', { value: o.value }, o.text)));
      this.stepSelect.dataset.signature = signature;
    }
    this.view.step = message.step;
    this.stepSelect.value = message.step === null ? 'live' : String(message.step);
  }
}
