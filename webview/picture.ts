// The diagram webview's picture: the host's pictures queued (a burst paints once, the newest),
// laid out and drawn (render.ts, draw.ts) with the traffic paths' steps listed under them; status
// changes restyled at once; a selected component's details beside it; zoom, pan and fit kept
// across updates; export as SVG or PNG; drawn again when the colour theme changes.
import { statusClassNames, type DiagramNodeInfo, type DiagramStatus, type HostToWebview, type WebviewState, type WebviewStrings, type WebviewToHost } from '../src/shared/protocol';
import { estimateWidth, type PictureLayout } from '../src/shared/diagram-layout';
import { currentTheme, layOut, pictureOfNodes, textMeasure, themeKind } from './render';
import { drawPicture, pathColour, pictureWithSteps, restatus } from './draw';
import { exportPng, exportSvg } from './export';
import { el, fill } from './dom';

export type DiagramMessage = Extract<HostToWebview, { type: 'diagram' }>;
type StatusChanges = Extract<HostToWebview, { type: 'status' }>['changes'];

/** What the picture needs from the rest of the page. */
export interface PictureHost {
  post(message: WebviewToHost): void;
  words(): WebviewStrings;
  statusWords(): Record<DiagramStatus, string>;
  /** A picture is about to be drawn (the toolbar shows its title, steps and notice). */
  showing(message: DiagramMessage): void;
  /** A picture was painted. */
  painted(layout: PictureLayout): void;
  /** Saves the view with the picture's zoom and scroll. */
  save(zoom: { scale: number; scrollLeft: number; scrollTop: number }): void;
}

/** How long the host's pictures must pause before one is drawn. */
const burstPauseMs = 30;

export class Picture {
  /** The picture and the details beside it. */
  readonly element = el('div', { id: 'main' });
  private readonly canvas = el('div', { id: 'canvas', tabindex: '0' });
  private readonly diagram = el('div', { id: 'diagram' });
  private readonly details = el('aside', { id: 'details', 'aria-live': 'polite' });

  /** The picture shown (or being drawn), its nodes by id, the selected component's name. */
  private current: DiagramMessage | undefined;
  private nodesById = new Map<string, DiagramNodeInfo>();
  private selected: string | undefined;
  private lastLayout: PictureLayout | undefined;
  private pictures = 0;

  /** The render queue: the newest picture waiting, when the last one came, whether one is drawing. */
  private pending: DiagramMessage | undefined;
  private lastMessageAt = 0;
  private rendering = false;

  /** Zoom and scroll: the picture's own size, the scale, and what the saved view restores. */
  private natural = { width: 0, height: 0 };
  private scale: number;
  private firstPicture: boolean;
  private restoreScroll: { left?: number; top?: number };
  private drag: { x: number; y: number; left: number; top: number; moved: boolean } | undefined;
  private scrollTimer: ReturnType<typeof setTimeout> | undefined;
  private theme = themeKind();

  constructor(
    saved: WebviewState | undefined,
    private readonly host: PictureHost,
  ) {
    this.scale = saved?.scale ?? 1;
    this.firstPicture = saved?.scale === undefined;
    this.restoreScroll = { ...(saved?.scrollLeft !== undefined ? { left: saved.scrollLeft } : {}), ...(saved?.scrollTop !== undefined ? { top: saved.scrollTop } : {}) };
    this.details.hidden = true;
    this.canvas.append(this.diagram);
    this.element.append(this.canvas, this.details);
    this.listenForSelection();
    this.listenForZoom();
    // VS Code switches the body's theme class when the user changes the colour theme: draw again.
    new MutationObserver(() => {
      const now = themeKind();
      if (now !== this.theme && this.current) {
        this.theme = now;
        this.pending = this.pending ?? this.current;
        void this.pump();
      }
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  // ---- the render queue ---------------------------------------------------------------------

  /** A burst of updates renders once: only the newest picture is kept while one renders. */
  queue(message: DiagramMessage): void {
    this.pending = message;
    this.lastMessageAt = performance.now();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.rendering) return;
    this.rendering = true;
    try {
      // Drawing takes a frame or so: a burst of updates (an apply's events) paints once, when it pauses.
      const started = performance.now();
      do await new Promise((resolve) => setTimeout(resolve, burstPauseMs));
      while (performance.now() - this.lastMessageAt < burstPauseMs && performance.now() - started < 250);
      while (this.pending) {
        const message = this.pending;
        this.pending = undefined;
        await this.show(message);
      }
    } finally {
      this.rendering = false;
    }
  }

  private async show(message: DiagramMessage): Promise<void> {
    const started = performance.now();
    const { canvas, diagram } = this;
    this.current = message;
    this.host.showing(message);
    this.nodesById = new Map(message.nodes.map((n) => [n.id, n]));
    const keep = { left: canvas.scrollLeft, top: canvas.scrollTop };
    let svgEl: SVGSVGElement;
    let layout: PictureLayout;
    try {
      const theme = currentTheme();
      // The whole blueprint is laid out every time; a tutorial step draws only its own boxes, each
      // where the final picture has it.
      layout = layOut(message.picture ?? pictureOfNodes(message.nodes), theme.font, new Set(message.nodes.map((n) => n.key)));
      svgEl = drawPicture(layout, { theme, nodes: this.nodesById, statusWords: this.host.statusWords(), ...(this.selected ? { selected: this.selected } : {}), id: `bp-diagram-${++this.pictures}` });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      diagram.replaceChildren(el('div', { id: 'error' }, fill(this.host.words().drawError, text)));
      this.host.post({ type: 'renderError', message: text.slice(0, 4000) });
      return;
    }
    if (this.pending) return; // a newer picture is waiting: skip painting this one
    diagram.replaceChildren(svgEl, explanations(layout));
    this.lastLayout = layout;
    this.host.painted(layout);
    this.natural = { width: layout.width, height: layout.height };
    if (this.firstPicture) {
      this.firstPicture = false;
      this.fit();
    } else {
      this.applyScale();
      canvas.scrollLeft = this.restoreScroll.left ?? keep.left;
      canvas.scrollTop = this.restoreScroll.top ?? keep.top;
      this.restoreScroll = {};
    }
    if (this.selected) {
      const info = message.nodes.find((n) => n.name === this.selected);
      if (info) this.showDetails(info);
    }
    this.persist();
    this.host.post({ type: 'rendered', ms: Math.round(performance.now() - started), nodes: message.nodes.length });
  }

  /** The fast path: repaint the nodes whose status changed, without laying the picture out again. */
  restyle(changes: StatusChanges): void {
    for (const change of changes) {
      const g = this.diagram.querySelector<SVGGElement>(`g[data-node-id="${CSS.escape(change.id)}"]`);
      const info = this.nodesById.get(change.id);
      if (info) {
        info.status = change.status;
        if (change.awsId) info.awsId = change.awsId;
      }
      if (!g) continue;
      for (const c of Object.values(statusClassNames)) g.classList.remove(c);
      g.classList.add(statusClassNames[change.status]);
      g.setAttribute('data-status', change.status);
      if (change.awsId) g.setAttribute('data-aws-id', change.awsId);
      // The status symbol on the box (the full picture that follows redraws the rest).
      restatus(g, change.status);
      if (this.selected === change.name && info) this.showDetails(info);
    }
  }

  // ---- selection and details ----------------------------------------------------------------

  private listenForSelection(): void {
    const { diagram } = this;
    diagram.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      (event.target as Element).dispatchEvent(new MouseEvent('click', { bubbles: true }));
    });
    diagram.addEventListener('click', (event) => {
      const g = (event.target as Element).closest?.('[data-node-id]');
      const info = g ? this.nodesById.get(g.getAttribute('data-node-id') ?? '') : undefined;
      for (const s of diagram.querySelectorAll('.selected')) s.classList.remove('selected');
      if (!g || !info || !info.name) {
        this.selected = undefined;
        this.details.hidden = true;
        return;
      }
      this.selected = info.name;
      g.classList.add('selected');
      this.showDetails(info);
      this.host.post({ type: 'reveal', name: info.name });
      if (info.kind === 'subnet' && (info.members || this.current?.collapsed)) this.host.post({ type: 'expand', name: info.name });
    });
  }

  selectByName(name: string): void {
    const { diagram } = this;
    this.selected = name;
    for (const s of diagram.querySelectorAll('.selected')) s.classList.remove('selected');
    const g = diagram.querySelector(`[data-component="${CSS.escape(name)}"]`);
    const info = [...this.nodesById.values()].find((n) => n.name === name);
    if (info) this.showDetails(info);
    if (g) {
      g.classList.add('selected');
      g.scrollIntoView({ block: 'center', inline: 'center', behavior: 'smooth' });
    }
  }

  private showDetails(info: DiagramNodeInfo): void {
    const { details } = this;
    const words = this.host.words();
    details.replaceChildren();
    details.append(el('h2', {}, info.name), el('div', { class: 'kind' }, info.title));
    if (info.status) details.append(el('div', { class: `status ${info.status}` }, this.host.statusWords()[info.status]));
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

  // ---- zoom, pan, fit -----------------------------------------------------------------------

  private applyScale(): void {
    const svg = this.diagram.querySelector('svg');
    const { natural, scale } = this;
    if (!svg || !natural.width) return;
    svg.style.width = `${natural.width * scale}px`;
    svg.style.height = `${natural.height * scale}px`;
    svg.setAttribute('width', String(natural.width * scale));
    svg.setAttribute('height', String(natural.height * scale));
  }

  fit(): void {
    const { canvas, natural } = this;
    if (!natural.width) return;
    const w = canvas.clientWidth - 32;
    const h = canvas.clientHeight - 32;
    this.scale = Math.max(0.1, Math.min(w / natural.width, h / natural.height, 1.5));
    this.applyScale();
    canvas.scrollLeft = 0;
    canvas.scrollTop = 0;
    this.persist();
  }

  zoomBy(factor: number, at?: { x: number; y: number }): void {
    const { canvas } = this;
    const old = this.scale;
    this.scale = Math.max(0.05, Math.min(this.scale * factor, 8));
    const point = at ?? { x: canvas.clientWidth / 2, y: canvas.clientHeight / 2 };
    const contentX = (canvas.scrollLeft + point.x) / old;
    const contentY = (canvas.scrollTop + point.y) / old;
    this.applyScale();
    canvas.scrollLeft = contentX * this.scale - point.x;
    canvas.scrollTop = contentY * this.scale - point.y;
    this.persist();
  }

  private listenForZoom(): void {
    const { canvas } = this;
    canvas.addEventListener(
      'wheel',
      (event) => {
        if (!event.ctrlKey && !event.metaKey) return;
        event.preventDefault();
        const rect = canvas.getBoundingClientRect();
        this.zoomBy(event.deltaY < 0 ? 1.1 : 1 / 1.1, { x: event.clientX - rect.left, y: event.clientY - rect.top });
      },
      { passive: false },
    );
    canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0 || (event.target as Element).closest?.('[data-node-id]')) return;
      this.drag = { x: event.clientX, y: event.clientY, left: canvas.scrollLeft, top: canvas.scrollTop, moved: false };
      canvas.classList.add('panning');
    });
    window.addEventListener('pointermove', (event) => {
      const { drag } = this;
      if (!drag) return;
      canvas.scrollLeft = drag.left - (event.clientX - drag.x);
      canvas.scrollTop = drag.top - (event.clientY - drag.y);
    });
    window.addEventListener('pointerup', () => {
      if (this.drag) this.persist();
      this.drag = undefined;
      canvas.classList.remove('panning');
    });
    canvas.addEventListener('keydown', (event) => {
      if (event.key === '+' || event.key === '=') this.zoomBy(1.25);
      else if (event.key === '-') this.zoomBy(1 / 1.25);
      else if (event.key === '0') this.fit();
    });
    canvas.addEventListener('scroll', () => {
      clearTimeout(this.scrollTimer);
      this.scrollTimer = setTimeout(() => this.persist(), 200);
    });
  }

  /** Saves the view with the zoom and scroll, so a panel shown again looks the same. */
  persist(): void {
    this.host.save({ scale: this.scale, scrollLeft: this.canvas.scrollLeft, scrollTop: this.canvas.scrollTop });
  }

  // ---- export -------------------------------------------------------------------------------

  async export(format: 'svg' | 'png'): Promise<void> {
    const svg = this.diagram.querySelector('svg');
    if (!svg) return;
    const background = getComputedStyle(document.body).backgroundColor || '#ffffff';
    try {
      // The list of what each number means goes under the picture, as the panel shows it.
      const whole = this.lastLayout ? pictureWithSteps(svg, this.lastLayout, textMeasure(currentTheme().font) ?? estimateWidth) : { svg, ...this.natural };
      const size = { width: whole.width, height: whole.height };
      const data = format === 'svg' ? exportSvg(whole.svg, size, background) : await exportPng(whole.svg, size, background);
      this.host.post({ type: 'exported', format, data });
    } catch (error) {
      this.host.post({ type: 'renderError', message: `Export failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
}

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
