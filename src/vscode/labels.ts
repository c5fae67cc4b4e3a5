// Icons and colours of statuses in the resource view and the picks (their words are in
// src/core/vocabulary.ts).
import * as vscode from 'vscode';
import type { ComponentStatus } from '../core/state';

/** A codicon name for the status. */
export function statusIcon(status: ComponentStatus): string {
  switch (status) {
    case 'planned': return 'circle-large-outline';
    case 'in-progress': return 'sync~spin';
    case 'created': return 'pass-filled';
    case 'failed': return 'error';
    case 'drifted': return 'warning';
  }
}

export function statusColor(status: ComponentStatus): vscode.ThemeColor | undefined {
  switch (status) {
    case 'created': return new vscode.ThemeColor('testing.iconPassed');
    case 'failed': return new vscode.ThemeColor('testing.iconFailed');
    case 'drifted': return new vscode.ThemeColor('list.warningForeground');
    default: return undefined;
  }
}
