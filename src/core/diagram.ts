// The architecture diagram: the picture's model (diagram-model.ts: what is drawn, inside what,
// with which status) written in mermaid syntax (diagram-mermaid.ts). The webview, the CLI's
// `diagram` and the tests all draw from here. The traffic paths drawn over it come from the
// traffic analysis (reach-overlay.ts).
import type { Blueprint } from './schema';
import { buildPicture, type DiagramOptions } from './diagram-model';
import { mermaidOf, type Diagram } from './diagram-mermaid';

export { INTERNET, YOUR_PC, collapseThreshold, kindWord, nodeId, statusWord } from './diagram-model';
export { ruleText, wrapText } from './diagram-text';
export type { DiagramOptions, LiveStatus, TrafficHop, TrafficOverlay } from './diagram-model';
export { escapeLabel, pathColours, statusClass } from './diagram-mermaid';
export type { Diagram } from './diagram-mermaid';

/** Builds the diagram: mermaid text plus what each node and edge stands for. */
export function buildDiagram(bp: Blueprint, options: DiagramOptions = {}): Diagram {
  return mermaidOf(buildPicture(bp, options));
}

/** Just the mermaid text (the CLI's `diagram`). */
export function diagramText(bp: Blueprint, options: DiagramOptions = {}): string {
  return buildDiagram(bp, options).mermaid;
}
