// The diagram webview's words in the display language: the webview has no l10n of its own, so the
// host translates them and sends them with every picture (HostToWebview `diagram.strings`).
// Pure (@vscode/l10n, configured with VS Code's bundle at activation): the unit tests load it too.
import { t } from '@vscode/l10n';
import type { WebviewStrings } from '../../shared/protocol';
import { statusWord } from '../../core/vocabulary';

export function webviewStrings(): WebviewStrings {
  return {
    apply: t('Apply'),
    applyTitle: t('Create or update everything in the blueprint'),
    plan: t('Plan'),
    planTitle: t('Show what Apply would do'),
    refresh: t('Refresh'),
    refreshTitle: t('Read what AWS really has (drift)'),
    inboundPath: t('Inbound path'),
    replyPath: t('Reply path'),
    stepTitle: t('The picture after each step of the tutorial'),
    zoomOut: t('Zoom out'),
    zoomIn: t('Zoom in'),
    fit: t('Fit'),
    fitTitle: t('Fit the picture to the panel'),
    exportSvg: t('Export as SVG'),
    exportPng: t('Export as PNG'),
    working: t('Working…'),
    planned: statusWord('planned'),
    inProgress: statusWord('in-progress'),
    created: statusWord('created'),
    failed: statusWord('failed'),
    drifted: statusWord('drifted'),
    legendInbound: t('inbound path'),
    legendReply: t('reply path'),
    legendOutbound: t('way out (outbound)'),
    // The webview fills in {0} and {1}: these keep them literally.
    blockedAt: t('Blocked at {0}: {1}', '{0}', '{1}'),
    largeBlueprint: t('Large blueprint: each subnet is drawn as one box. Click a subnet to draw it in full.'),
    live: t('Live (as it is now)'),
    stepPrefix: t('Step {0}: ', '{0}'),
    rulesAndRoutes: t('Rules and routes'),
    components: t('{0} components', '{0}'),
    drawError: t('The diagram could not be drawn:\n{0}', '{0}'),
  };
}
