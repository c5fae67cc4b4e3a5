// Mermaid, loaded on the first picture (it is most of the webview's weight) and themed from the
// VS Code colour theme's CSS variables.
import type { Mermaid } from 'mermaid';

let loading: Promise<Mermaid> | undefined;
let configuredFor = '';
let counter = 0;

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

function configure(mermaid: Mermaid): void {
  const kind = themeKind();
  const dark = kind === 'dark' || kind === 'high-contrast';
  const background = cssVar('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff');
  const foreground = cssVar('--vscode-editor-foreground', dark ? '#d4d4d4' : '#1f1f1f');
  const border = kind.startsWith('high-contrast') ? cssVar('--vscode-contrastBorder', foreground) : cssVar('--vscode-panel-border', dark ? '#6b6b6b' : '#9a9a9a');
  const font = cssVar('--vscode-font-family', 'system-ui, -apple-system, "Segoe UI", sans-serif');
  const key = [kind, background, foreground, border, font].join('|');
  if (key === configuredFor) return;
  configuredFor = key;
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme: 'base',
    darkMode: dark,
    fontFamily: font,
    layout: 'elk',
    elk: { nodePlacementStrategy: 'BRANDES_KOEPF', mergeEdges: false, cycleBreakingStrategy: 'GREEDY_MODEL_ORDER' },
    // A 500-resource blueprint has more edges and text than mermaid's defaults allow.
    maxEdges: 5000,
    maxTextSize: 2_000_000,
    flowchart: { htmlLabels: true, wrappingWidth: 360, useMaxWidth: false, curve: 'basis', nodeSpacing: 30, rankSpacing: 45, padding: 10 },
    themeVariables: {
      background,
      fontFamily: font,
      fontSize: '13px',
      primaryColor: background,
      primaryTextColor: foreground,
      primaryBorderColor: border,
      secondaryColor: background,
      tertiaryColor: background,
      lineColor: foreground,
      textColor: foreground,
      mainBkg: background,
      nodeBorder: border,
      clusterBkg: 'transparent',
      clusterBorder: border,
      titleColor: foreground,
      edgeLabelBackground: background,
    },
  });
}

export async function loadMermaid(): Promise<Mermaid> {
  // ELK lays nested boxes out inside their containers and keeps room for their titles (see README:
  // "Why ELK"); it is loaded with mermaid, on the first picture, in the webview only.
  loading ??= Promise.all([import('mermaid'), import('@mermaid-js/layout-elk')]).then(([m, elk]) => {
    m.default.registerLayoutLoaders(elk.default);
    return m.default;
  });
  return loading;
}

/** Renders mermaid text to an SVG string (mermaid sanitizes labels: securityLevel strict). */
export async function renderMermaid(text: string): Promise<string> {
  const mermaid = await loadMermaid();
  configure(mermaid);
  const { svg } = await mermaid.render(`bp-diagram-${++counter}`, text);
  return svg;
}
