// What the host and the webview both show for a component's status, as symbols (words need the
// display language: the host translates them, see src/core/vocabulary.ts).
import type { DiagramStatus } from './protocol';

/** The status symbol before a status word: "○ planned", "● created". */
export const statusSymbol: Record<DiagramStatus, string> = {
  planned: '○',
  'in-progress': '◐',
  created: '●',
  failed: '✖',
  drifted: '⚠',
};
