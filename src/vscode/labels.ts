// Words and icons for kinds and statuses, shared by the CodeLens, the resource view and the picks.
import * as vscode from 'vscode';
import type { Kind } from '../core/model';
import type { ComponentStatus } from '../core/state';

export function kindLabel(kind: Kind): string {
  switch (kind) {
    case 'vpc': return vscode.l10n.t('VPC');
    case 'subnet': return vscode.l10n.t('subnet');
    case 'internetGateway': return vscode.l10n.t('internet gateway');
    case 'routeTable': return vscode.l10n.t('route table');
    case 'securityGroup': return vscode.l10n.t('security group');
    case 'networkAcl': return vscode.l10n.t('network ACL');
    case 'networkInterface': return vscode.l10n.t('network interface');
    case 'elasticIp': return vscode.l10n.t('Elastic IP');
    case 'natGateway': return vscode.l10n.t('NAT gateway');
    case 'keyPair': return vscode.l10n.t('key pair');
    case 'instance': return vscode.l10n.t('instance');
  }
}

export function statusLabel(status: ComponentStatus): string {
  switch (status) {
    case 'planned': return vscode.l10n.t('not created');
    case 'in-progress': return vscode.l10n.t('in progress');
    case 'created': return vscode.l10n.t('created');
    case 'failed': return vscode.l10n.t('failed');
    case 'drifted': return vscode.l10n.t('drifted');
  }
}

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
