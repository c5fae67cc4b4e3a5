// The diagram webview: lays out and draws the host's picture (render.ts, draw.ts), keeps zoom and
// scroll across updates, restyles nodes at once on status changes, lists the traffic paths' steps
// under the picture, and talks to the host only through the typed protocol. It says `ready` first.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { englishWebviewStrings, statusClassNames, type DiagramNodeInfo, type DiagramStatus, type HostToWebview, type PathToggles, type WebviewState, type WebviewStrings, type WebviewToHost } from '../src/shared/protocol';
import { estimateWidth, type PictureLayout } from '../src/shared/diagram-layout';
import { css } from './styles';
import { currentTheme, layOut, pictureOfNodes, textMeasure, themeKind } from './render';
import { drawPicture, pathColour, pictureWithSteps, restatus } from './draw';
import { exportPng, exportSvg } from './export';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (message: WebviewToHost) => vscode.postMessage(message);

type DiagramMessage = Extract<HostToWebview, { type: 'diagram' }>;

const saved = vscode.getState();
const view: WebviewState = {
  step: saved?.step ?? null,
  paths: saved?.paths ?? { inbound: false, reply: false },
  ...(saved?.uri ? { uri: saved.uri } : {}),
  ...(saved?.scale ? { scale: saved.scale } : {}),
  ...(saved?.scrollLeft !== undefined ? { scrollLeft: saved.scrollLeft } : {}),
  ...(saved?.scrollTop !== undefined ? { scrollTop: saved.scrollTop } : {}),
};

let current: DiagramMessage | undefined;
let nodesById = new Map<string, DiagramNodeInfo>();
let selected: string | undefined;
let natural = { width: 0, height: 0 };
let scale = view.scale ?? 1;
let firstPicture = view.scale === undefined;

// ---- the page ---------------------------------------------------------------------------------

const style = document.createElement('style');
style.textContent = css;
document.head.append(style);

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};
const custom = (tag: string, attrs: Record<string, string> = {}, text?: string) => {
  const e = document.createElement(tag) as HTMLElement & { checked?: boolean; value?: string };
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

// The webview's own words: English until the host sends them in the display language.
let words: WebviewStrings = englishWebviewStrings;
const fill = (template: string, ...values: string[]) => template.replace(/\{(\d)\}/g, (m, i: string) => values[Number(i)] ?? m);

const toolbar = el('div', { id: 'toolbar', role: 'toolbar' });
const button = (id: string, text: string, title: string, secondary = true) => {
  const b = custom('vscode-button', { id, title, ...(secondary ? { secondary: '' } : {}) }, text);
  toolbar.append(b);
  return b;
};
const title = el('span', { id: 'title' });
toolbar.append(title);
const sep = () => toolbar.append(el('span', { class: 'sep' }));
sep();
button('apply', words.apply, words.applyTitle, false).addEventListener('click', () => post({ type: 'command', command: 'apply' }));
button('plan', words.plan, words.planTitle).addEventListener('click', () => post({ type: 'command', command: 'plan' }));
button('refresh', words.refresh, words.refreshTitle).addEventListener('click', () => post({ type: 'command', command: 'refresh' }));
sep();
const inbound = custom('vscode-checkbox', { id: 'path-inbound', label: words.inboundPath });
const reply = custom('vscode-checkbox', { id: 'path-reply', label: words.replyPath });
inbound.checked = view.paths.inbound;
reply.checked = view.paths.reply;
toolbar.append(inbound, reply);
const onPaths = () => {
  view.paths = { inbound: !!inbound.checked, reply: !!reply.checked };
  persist();
  post({ type: 'paths', paths: view.paths });
};
inbound.addEventListener('change', onPaths);
reply.addEventListener('change', onPaths);
sep();
const stepSelect = custom('vscode-single-select', { id: 'step', title: words.stepTitle });
toolbar.append(stepSelect);
stepSelect.addEventListener('change', () => {
  const value = stepSelect.value ?? 'live';
  view.step = value === 'live' ? null : Number(value);
  persist();
  post({ type: 'step', step: view.step });
});
sep();
button('zoom-out', '−', words.zoomOut).addEventListener('click', () => zoomBy(1 / 1.25));
button('zoom-in', '+', words.zoomIn).addEventListener('click', () => zoomBy(1.25));
button('fit', words.fit, words.fitTitle).addEventListener('click', () => fit());
button('export-svg', 'SVG', words.exportSvg).addEventListener('click', () => void doExport('svg'));
button('export-png', 'PNG', words.exportPng).addEventListener('click', () => void doExport('png'));
const busy = el('span', { id: 'busy' });
toolbar.append(el('span', { class: 'grow' }), busy);

const notice = el('div', { id: 'notice', role: 'status' });
notice.hidden = true;
const legend = el('div', { id: 'legend' });
const legendWords = (): [string, string][] => [
  ['planned', words.planned],
  ['in-progress', words.inProgress],
  ['created', words.created],
  ['failed', words.failed],
  ['drifted', words.drifted],
  ['inbound', words.legendInbound],
  ['reply', words.legendReply],
  ['outbound', words.legendOutbound],
];
const legendSpans = () => legendWords().map(([cls, text]) => el('span', { class: cls }, text));
legend.append(...legendSpans());
/** The way out is in the legend only while a picture draws it. */
const showOutbound = (layout: PictureLayout | undefined) => {
  const span = legend.querySelector<HTMLElement>('.outbound');
  if (span) span.hidden = !layout?.edges.some((e) => e.role === 'outbound');
};
showOutbound(undefined);
const main = el('div', { id: 'main' });
const canvas = el('div', { id: 'canvas', tabindex: '0' });
const diagram = el('div', { id: 'diagram' });
const details = el('aside', { id: 'details', 'aria-live': 'polite' });
details.hidden = true;
canvas.append(diagram);
main.append(canvas, details);
document.body.append(toolbar, notice, legend, main);

// ---- messages -----------------------------------------------------------------------------------

let pending: DiagramMessage | undefined;
let lastMessageAt = 0;
const burstPauseMs = 30;
let rendering = false;

window.addEventListener('message', (event: MessageEvent) => {
  const message = event.data as HostToWebview;
  if (!message || typeof message !== 'object') return;
  switch (message.type) {
    case 'diagram':
      applyWords(message.strings);
      // A burst of updates renders once: only the newest picture is kept while one renders.
      pending = message;
      lastMessageAt = performance.now();
      void pump();
      break;
    case 'status':
      restyle(message.changes);
      break;
    case 'busy':
      busy.textContent = message.busy ? (message.message ?? words.working) : '';
      break;
    case 'export':
      void doExport(message.format);
      break;
    case 'select':
      selectByName(message.name);
      break;
  }
});

async function pump(): Promise<void> {
  if (rendering) return;
  rendering = true;
  try {
    // Drawing takes a frame or so: a burst of updates (an apply's events) paints once, when it pauses.
    const started = performance.now();
    do await new Promise((resolve) => setTimeout(resolve, burstPauseMs));
    while (performance.now() - lastMessageAt < burstPauseMs && performance.now() - started < 250);
    while (pending) {
      const message = pending;
      pending = undefined;
      await show(message);
    }
  } finally {
    rendering = false;
  }
}

async function show(message: DiagramMessage): Promise<void> {
  const started = performance.now();
  current = message;
  view.uri = message.uri;
  title.textContent = message.title;
  updateSteps(message);
  view.paths = message.paths;
  inbound.checked = message.paths.inbound;
  reply.checked = message.paths.reply;
  showNotice(message);
  nodesById = new Map(message.nodes.map((n) => [n.id, n]));
  const keep = { left: canvas.scrollLeft, top: canvas.scrollTop };
  let svgEl: SVGSVGElement;
  let layout: PictureLayout;
  try {
    const theme = currentTheme();
    // The whole blueprint is laid out every time; a tutorial step draws only its own boxes, each
    // where the final picture has it.
    layout = layOut(message.picture ?? pictureOfNodes(message.nodes), theme.font, new Set(message.nodes.map((n) => n.key)));
    svgEl = drawPicture(layout, { theme, nodes: nodesById, statusWords: statusWord, ...(selected ? { selected } : {}), id: `bp-diagram-${++pictures}` });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    diagram.replaceChildren(el('div', { id: 'error' }, fill(words.drawError, text)));
    post({ type: 'renderError', message: text.slice(0, 4000) });
    return;
  }
  if (pending) return; // a newer picture is waiting: skip painting this one
  diagram.replaceChildren(svgEl, explanations(layout));
  lastLayout = layout;
  showOutbound(layout);
  natural = { width: layout.width, height: layout.height };
  if (firstPicture) {
    firstPicture = false;
    fit();
  } else {
    applyScale();
    canvas.scrollLeft = view.scrollLeft ?? keep.left;
    canvas.scrollTop = view.scrollTop ?? keep.top;
    delete view.scrollLeft;
    delete view.scrollTop;
  }
  if (selected) {
    const info = message.nodes.find((n) => n.name === selected);
    if (info) showDetails(info);
  }
  persist();
  post({ type: 'rendered', ms: Math.round(performance.now() - started), nodes: message.nodes.length });
}

function showNotice(message: DiagramMessage): void {
  const text = message.notice ?? (message.blocked ? fill(words.blockedAt, message.blocked.name, message.blocked.reason) : message.collapsed ? words.largeBlueprint : '');
  notice.textContent = text;
  notice.hidden = !text;
  notice.classList.toggle('error', !!message.blocked);
}

function updateSteps(message: DiagramMessage): void {
  const options = [{ value: 'live', text: words.live }, ...message.steps.map((s) => ({ value: String(s.index), text: `${s.index === 0 ? '' : fill(words.stepPrefix, String(s.index))}${s.title}` }))];
  const signature = options.map((o) => o.value + o.text).join('|');
  if (stepSelect.dataset.signature !== signature) {
    stepSelect.replaceChildren(...options.map((o) => custom('vscode-option', { value: o.value }, o.text)));
    stepSelect.dataset.signature = signature;
  }
  view.step = message.step;
  stepSelect.value = message.step === null ? 'live' : String(message.step);
}

let pictures = 0;
let lastLayout: PictureLayout | undefined;

/** The traffic paths' numbered steps and the notes, as a list under the picture (readable at any zoom). */
function explanations(layout: PictureLayout): HTMLElement {
  const list = el('ol', { id: 'path-steps' });
  const roles = [...new Set(layout.explanations.map((x) => x.role).filter((r) => r !== 'note'))];
  for (const x of layout.explanations) {
    const item = el('li', { class: `role-${x.role}` });
    const mark = el('span', { class: 'mark' }, x.mark);
    if (x.role !== 'note') mark.style.background = pathColour(x.role, roles);
    item.append(mark, el('span', {}, x.text));
    list.append(item);
  }
  list.hidden = layout.explanations.length === 0;
  return list;
}

const statusClass = statusClassNames;
const statusWord: Record<DiagramStatus, string> = { planned: words.planned, 'in-progress': words.inProgress, created: words.created, failed: words.failed, drifted: words.drifted };

/** Relabels the toolbar, legend and status words when the host sends them in another language. */
function applyWords(next: WebviewStrings | undefined): void {
  if (!next || next === words || JSON.stringify(next) === JSON.stringify(words)) return;
  words = { ...englishWebviewStrings, ...next };
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
  inbound.setAttribute('label', words.inboundPath);
  reply.setAttribute('label', words.replyPath);
  stepSelect.setAttribute('title', words.stepTitle);
  legend.replaceChildren(...legendSpans());
  showOutbound(lastLayout);
  Object.assign(statusWord, { planned: words.planned, 'in-progress': words.inProgress, created: words.created, failed: words.failed, drifted: words.drifted });
}

/** The fast path: repaint the nodes whose status changed, without laying the picture out again. */
function restyle(changes: Extract<HostToWebview, { type: 'status' }>['changes']): void {
  for (const change of changes) {
    const g = diagram.querySelector<SVGGElement>(`g[data-node-id="${CSS.escape(change.id)}"]`);
    const info = nodesById.get(change.id);
    if (info) {
      info.status = change.status;
      if (change.awsId) info.awsId = change.awsId;
    }
    if (!g) continue;
    for (const c of Object.values(statusClass)) g.classList.remove(c);
    g.classList.add(statusClass[change.status]);
    g.setAttribute('data-status', change.status);
    if (change.awsId) g.setAttribute('data-aws-id', change.awsId);
    // The status symbol on the box (the full picture that follows redraws the rest).
    restatus(g, change.status);
    if (selected === change.name && info) showDetails(info);
  }
}

// ---- details and reveal -------------------------------------------------------------------------

diagram.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  event.preventDefault();
  (event.target as Element).dispatchEvent(new MouseEvent('click', { bubbles: true }));
});

diagram.addEventListener('click', (event) => {
  const g = (event.target as Element).closest?.('[data-node-id]');
  const info = g ? nodesById.get(g.getAttribute('data-node-id') ?? '') : undefined;
  for (const s of diagram.querySelectorAll('.selected')) s.classList.remove('selected');
  if (!g || !info || !info.name) {
    selected = undefined;
    details.hidden = true;
    return;
  }
  selected = info.name;
  g.classList.add('selected');
  showDetails(info);
  post({ type: 'reveal', name: info.name });
  if (info.kind === 'subnet' && (info.members || current?.collapsed)) post({ type: 'expand', name: info.name });
});

function selectByName(name: string): void {
  selected = name;
  for (const s of diagram.querySelectorAll('.selected')) s.classList.remove('selected');
  const g = diagram.querySelector(`[data-component="${CSS.escape(name)}"]`);
  const info = [...nodesById.values()].find((n) => n.name === name);
  if (info) showDetails(info);
  if (g) {
    g.classList.add('selected');
    g.scrollIntoView({ block: 'center', inline: 'center', behavior: 'smooth' });
  }
}

function showDetails(info: DiagramNodeInfo): void {
  details.replaceChildren();
  details.append(el('h2', {}, info.name), el('div', { class: 'kind' }, info.title));
  if (info.status) details.append(el('div', { class: `status ${info.status}` }, statusWord[info.status]));
  const table = el('table');
  for (const d of info.details) {
    const row = el('tr');
    row.append(el('td', {}, d.label), el('td', {}, d.value));
    table.append(row);
  }
  if (info.details.length) details.append(table);
  if (info.rules?.length) {
    details.append(el('h3', {}, words.rulesAndRoutes));
    const list = el('ul');
    for (const r of info.rules) list.append(el('li', {}, r));
    details.append(list);
  }
  if (info.members?.length) {
    details.append(el('h3', {}, fill(words.components, String(info.members.length))));
    const list = el('ul');
    for (const m of info.members.slice(0, 200)) list.append(el('li', {}, m));
    details.append(list);
  }
  details.hidden = false;
}

// ---- zoom, pan, fit -------------------------------------------------------------------------

function applyScale(): void {
  const svg = diagram.querySelector('svg');
  if (!svg || !natural.width) return;
  svg.style.width = `${natural.width * scale}px`;
  svg.style.height = `${natural.height * scale}px`;
  svg.setAttribute('width', String(natural.width * scale));
  svg.setAttribute('height', String(natural.height * scale));
}

function fit(): void {
  if (!natural.width) return;
  const w = canvas.clientWidth - 32;
  const h = canvas.clientHeight - 32;
  scale = Math.max(0.1, Math.min(w / natural.width, h / natural.height, 1.5));
  applyScale();
  canvas.scrollLeft = 0;
  canvas.scrollTop = 0;
  persist();
}

function zoomBy(factor: number, at?: { x: number; y: number }): void {
  const old = scale;
  scale = Math.max(0.05, Math.min(scale * factor, 8));
  const point = at ?? { x: canvas.clientWidth / 2, y: canvas.clientHeight / 2 };
  const contentX = (canvas.scrollLeft + point.x) / old;
  const contentY = (canvas.scrollTop + point.y) / old;
  applyScale();
  canvas.scrollLeft = contentX * scale - point.x;
  canvas.scrollTop = contentY * scale - point.y;
  persist();
}

canvas.addEventListener(
  'wheel',
  (event) => {
    if (!event.ctrlKey && !event.metaKey) return;
    event.preventDefault();
    const rect = canvas.getBoundingClientRect();
    zoomBy(event.deltaY < 0 ? 1.1 : 1 / 1.1, { x: event.clientX - rect.left, y: event.clientY - rect.top });
  },
  { passive: false },
);
let drag: { x: number; y: number; left: number; top: number; moved: boolean } | undefined;
canvas.addEventListener('pointerdown', (event) => {
  if (event.button !== 0 || (event.target as Element).closest?.('[data-node-id]')) return;
  drag = { x: event.clientX, y: event.clientY, left: canvas.scrollLeft, top: canvas.scrollTop, moved: false };
  canvas.classList.add('panning');
});
window.addEventListener('pointermove', (event) => {
  if (!drag) return;
  canvas.scrollLeft = drag.left - (event.clientX - drag.x);
  canvas.scrollTop = drag.top - (event.clientY - drag.y);
});
window.addEventListener('pointerup', () => {
  if (drag) persist();
  drag = undefined;
  canvas.classList.remove('panning');
});
canvas.addEventListener('keydown', (event) => {
  if (event.key === '+' || event.key === '=') zoomBy(1.25);
  else if (event.key === '-') zoomBy(1 / 1.25);
  else if (event.key === '0') fit();
});
let scrollTimer: ReturnType<typeof setTimeout> | undefined;
canvas.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(persist, 200);
});

function persist(): void {
  vscode.setState({ ...view, scale, scrollLeft: canvas.scrollLeft, scrollTop: canvas.scrollTop });
}

// ---- export and theme -----------------------------------------------------------------------

async function doExport(format: 'svg' | 'png'): Promise<void> {
  const svg = diagram.querySelector('svg');
  if (!svg) return;
  const background = getComputedStyle(document.body).backgroundColor || '#ffffff';
  try {
    // The list of what each number means goes under the picture, as the panel shows it.
    const whole = lastLayout ? pictureWithSteps(svg, lastLayout, textMeasure(currentTheme().font) ?? estimateWidth) : { svg, ...natural };
    const size = { width: whole.width, height: whole.height };
    const data = format === 'svg' ? exportSvg(whole.svg, size, background) : await exportPng(whole.svg, size, background);
    post({ type: 'exported', format, data });
  } catch (error) {
    post({ type: 'renderError', message: `Export failed: ${error instanceof Error ? error.message : String(error)}` });
  }
}

// VS Code switches the body's theme class when the user changes the colour theme: draw again.
let theme = themeKind();
new MutationObserver(() => {
  const now = themeKind();
  if (now !== theme && current) {
    theme = now;
    pending = pending ?? current;
    void pump();
  }
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

export type { PathToggles };
post({ type: 'ready' });
