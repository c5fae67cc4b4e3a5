// The picture in the webview: the host's model laid out (src/shared/diagram-layout.ts) with text
// measured on a canvas in the panel's font, then drawn as SVG (draw.ts) in the VS Code theme.
import { fontSize, layoutPicture, type LayoutBox, type LayoutPicture, type Measure, type PictureLayout } from '../src/shared/diagram-layout';
import type { DiagramNodeInfo } from '../src/shared/protocol';
import type { DrawTheme } from './draw';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export function themeKind(): ThemeKind {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-dark')) return 'dark';
  return 'light';
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

/** The colours and font of the current VS Code theme. */
export function currentTheme(): DrawTheme {
  const kind = themeKind();
  const dark = kind === 'dark' || kind === 'high-contrast';
  const highContrast = kind.startsWith('high-contrast');
  const foreground = cssVar('--vscode-editor-foreground', dark ? '#d4d4d4' : '#1f1f1f');
  return {
    background: cssVar('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    foreground,
    border: highContrast ? cssVar('--vscode-contrastBorder', foreground) : cssVar('--vscode-panel-border', dark ? '#6b6b6b' : '#9a9a9a'),
    font: cssVar('--vscode-font-family', 'system-ui, -apple-system, "Segoe UI", sans-serif'),
    highContrast,
  };
}

let context: CanvasRenderingContext2D | null | undefined;

/** The width of a text in the panel's font at the picture's size (a canvas), if a canvas is at hand. */
export function textMeasure(font: string): Measure | undefined {
  context ??= document.createElement('canvas').getContext('2d');
  const ctx = context;
  return ctx
    ? (text: string, bold: boolean) => {
        ctx.font = `${bold ? '600 ' : ''}${fontSize}px ${font}`;
        return ctx.measureText(text).width;
      }
    : undefined;
}

/** Lays the picture out with text measured in the panel's font. */
export function layOut(picture: LayoutPicture, font: string, shown?: ReadonlySet<string>): PictureLayout {
  const measure = textMeasure(font);
  return layoutPicture(picture, { ...(measure ? { measure } : {}), ...(shown ? { shown } : {}) });
}

/** A picture from the nodes alone (a host that sends no `picture`): boxes nested by their parent. */
export function pictureOfNodes(nodes: readonly DiagramNodeInfo[]): LayoutPicture {
  const boxes = new Map<string, LayoutBox>();
  for (const n of nodes) boxes.set(n.key, { id: n.id, name: n.key, kind: n.kind, title: n.name || n.title, lines: [n.title], classes: n.status ? [n.status] : [], ...(n.container ? { children: [] } : {}) });
  const roots: LayoutBox[] = [];
  for (const n of nodes) {
    const box = boxes.get(n.key)!;
    const parent = n.parent ? boxes.get(n.parent) : undefined;
    if (parent) (parent.children ??= []).push(box);
    else roots.push(box);
  }
  return { boxes: roots, edges: [] };
}
